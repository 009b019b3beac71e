"""Qt item models over a :class:`core.evaluate.Evaluation`: thin adapters, no figures computed here.

- :class:`ClassScoresModel`: the per-class table (precision, recall, F1, images), sortable on
  :data:`SORT_ROLE` (the number, ``None`` last).
- :class:`ConfusionModel`: the matrix, rows = true class, columns = taken for (plus "unknown"),
  each cell coloured by its share of the row: green on the diagonal, red off it, so the eye finds
  the errors; :data:`CELL_ROLE` gives a cell's ``(true, column)``.
- :class:`CellImagesModel`: the images of one cell, with thumbnails made off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from core.evaluate import Evaluation, ScoredImage
from core.evaluate_report import CLASS, F1, PRECISION, RECALL, SUPPORT, UNKNOWN, percent
from gui.i18n import arg
from gui.messages import text
from gui.thumbnails import ThumbnailLoader

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CELL_ROLE = Qt.ItemDataRole.UserRole + 2
IMAGE_ROLE = Qt.ItemDataRole.UserRole + 3
RIGHT = QColor(46, 160, 67)  # the diagonal: images taken for their class
WRONG = QColor(218, 54, 51)  # off the diagonal and the unknown column: errors
STRONG = 0.55  # from this share of the row on, a cell's text is white


def blend(base: QColor, tint: QColor, share: float) -> QColor:
    """``base`` moved toward ``tint`` by ``share`` (0..1): works on light and dark palettes."""
    return QColor(
        round(base.red() + (tint.red() - base.red()) * share),
        round(base.green() + (tint.green() - base.green()) * share),
        round(base.blue() + (tint.blue() - base.blue()) * share),
    )


class ClassScoresModel(QAbstractTableModel):
    """One row per class of the model: name, precision, recall, F1, images (support)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.evaluation: Evaluation | None = None
        self.names: tuple[str, ...] = ()

    def set_evaluation(self, evaluation: Evaluation | None, names: Sequence[str] = ()) -> None:
        """Show ``evaluation``, its classes named ``names`` (the interface language's)."""
        self.beginResetModel()
        self.evaluation = evaluation
        self.names = tuple(names) or (evaluation.classes if evaluation else ())
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.evaluation is None else len(self.evaluation.per_class)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return text((CLASS, PRECISION, RECALL, F1, SUPPORT)[section]())
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.evaluation is None:
            return None
        score = self.evaluation.per_class[index.row()]
        values = (self.names[index.row()], score.precision, score.recall, score.f1, score.support)
        value = values[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return value
            return str(value) if index.column() == 4 else percent(value)
        if role == SORT_ROLE:
            if index.column() == 0:
                return value.casefold()
            return -1.0 if value is None else float(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ConfusionModel(QAbstractTableModel):
    """The confusion matrix; see the module docstring for its colours and roles."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.evaluation: Evaluation | None = None
        self.names: tuple[str, ...] = ()
        self._base = QApplication.palette().color(QPalette.ColorRole.Base)
        self._text = QApplication.palette().color(QPalette.ColorRole.Text)

    def set_evaluation(self, evaluation: Evaluation | None, names: Sequence[str] = ()) -> None:
        self.beginResetModel()
        self.evaluation = evaluation
        self.names = tuple(names) or (evaluation.classes if evaluation else ())
        self.endResetModel()

    def column_name(self, column: int) -> str:
        return self.names[column] if column < len(self.names) else text(UNKNOWN())

    def caption(self, row: int, column: int) -> str:
        """What a cell holds, in words: "heart taken for arrow: 1 image"."""
        true, count = self.names[row], self.count(row, column)
        if column == row:
            return arg(self.tr("%1 taken for their own class: %n image(s)", "", count), true)
        if column == len(self.names):
            return arg(self.tr("%1 called unknown: %n image(s)", "", count), true)
        return arg(self.tr("%1 taken for %2: %n image(s)", "", count), true, self.column_name(column))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.evaluation is None else len(self.evaluation.classes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.evaluation is None else self.evaluation.columns

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self.evaluation is None:
            return super().headerData(section, orientation, role)
        if orientation == Qt.Orientation.Horizontal:
            return self.column_name(section)
        return self.names[section]

    def count(self, row: int, column: int) -> int:
        return int(self.evaluation.confusion[row, column]) if self.evaluation is not None else 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.evaluation is None:
            return None
        row, column = index.row(), index.column()
        count = self.count(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return str(count) if count else ""
        if role == CELL_ROLE:
            return row, column
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.caption(row, column)
        if role == SORT_ROLE:
            return count
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            share = self._share(row, count)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(Qt.GlobalColor.white) if share >= STRONG else self._text
            if not count:
                return None
            return blend(self._base, RIGHT if row == column else WRONG, 0.15 + 0.85 * share)
        return None

    def _share(self, row: int, count: int) -> float:
        total = int(self.evaluation.confusion[row].sum()) if self.evaluation is not None else 0
        return count / total if total else 0.0


class CellImagesModel(QAbstractListModel):
    """The images of one cell: thumbnail, file name and the top-1 probability."""

    def __init__(self, thumbnail_px: int, placeholder: QPixmap, parent: Any = None) -> None:
        super().__init__(parent)
        self.images: list[ScoredImage] = []
        self._placeholder = QIcon(placeholder)
        self._thumbnails: dict[str, QIcon] = {}
        self.loader = ThumbnailLoader(thumbnail_px, self)
        self.loader.ready.connect(self._on_thumbnail)

    def set_images(self, images: Sequence[ScoredImage]) -> None:
        self.beginResetModel()
        self.images = list(images)
        self.endResetModel()
        for image in self.images:
            if image.source not in self._thumbnails:
                self.loader.request(image.source, image.source)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.images)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        image = self.images[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{Path(image.source).name}\n{percent(image.probability)}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnails.get(image.source, self._placeholder)
        if role == Qt.ItemDataRole.ToolTipRole:
            return image.source
        if role == IMAGE_ROLE:
            return image
        return None

    def _on_thumbnail(self, key: str, picture: QImage) -> None:
        self._thumbnails[key] = QIcon(QPixmap.fromImage(picture))
        for row, image in enumerate(self.images):
            if image.source == key:
                index = self.index(row)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def close(self) -> None:
        self.loader.close()
