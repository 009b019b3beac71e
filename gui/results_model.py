"""The results table: a thin Qt model over ``core.results.ClassificationResult``.

Rows arrive from the worker a batch at a time (:meth:`ResultsModel.add_batch`: one
``beginInsertRows`` per batch); a row added on its own is buffered for ~30 ms and inserted with
its neighbours, so a run of thousands of images does not flood the views.
The model owns the thumbnails and the in-memory (pasted) images: the first time a view asks for
a row's picture it asks its :class:`~gui.thumbnails.ThumbnailLoader` and shows a placeholder
until the thumbnail comes; rows never scrolled into view never cost a decode. A file classified
again replaces its row, so re-opening a folder does not list it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QIcon, QImage, QPixmap

from core.results import ClassificationResult
from core.unknown import mark_unknown
from gui.i18n import arg
from gui.labels import shown_label, shown_model, unknown_label
from gui.messages import text
from gui.thumbnails import ThumbnailLoader

Index = QModelIndex | QPersistentModelIndex


class Role(IntEnum):
    RESULT = Qt.ItemDataRole.UserRole + 1  # the ClassificationResult
    SORT = Qt.ItemDataRole.UserRole + 2  # the value a column sorts by
    UNKNOWN = Qt.ItemDataRole.UserRole + 3  # "unknown (none of the N classes)", or None


class Column(IntEnum):
    IMAGE = 0
    PREDICTIONS = 1
    TIME = 2
    MODEL = 3  # hidden unless View ▸ Model Column is on


HEADERS = {  # translated when shown (context "ResultsModel")
    Column.IMAGE: QT_TRANSLATE_NOOP("ResultsModel", "Image"),
    Column.PREDICTIONS: QT_TRANSLATE_NOOP("ResultsModel", "Top predictions"),
    Column.TIME: QT_TRANSLATE_NOOP("ResultsModel", "Time"),
    Column.MODEL: QT_TRANSLATE_NOOP("ResultsModel", "Model"),
}
translate = QCoreApplication.translate


def display_name(source: str) -> str:
    """The file name of a path; an in-memory image's name as is."""
    return Path(source).name or source


def predictions_text(result: ClassificationResult, num_classes: int = 0) -> str:
    """ "arrow 97.1%, ring 1.2%, …" with the classes named in the interface language."""
    if not result.ok:
        return arg(translate("ResultsModel", "Error: %1"), text(result.why or result.error or ""))
    ranked = ", ".join(
        f"{shown_label(p.label, result.model)} {p.probability:.1%}" for p in result.predictions
    )
    return f"{unknown_label(num_classes)}: {ranked}" if result.unknown else ranked


class ResultsModel(QAbstractTableModel):
    """One row per classified input, in arrival order.

    Rows are marked unknown at the current threshold (:meth:`set_threshold`) as they arrive and
    again whenever it changes, so the views and the exports read ``result.unknown`` as shown.
    """

    countsChanged = Signal()

    FLUSH_MS = 30

    def __init__(self, parent: Any = None, thumbnail_px: int = 80, pixel_ratio: float = 1.0) -> None:
        super().__init__(parent)
        self._rows: list[ClassificationResult] = []
        # Kept as rows change rather than counted on each change: a run of thousands of images
        # asks for them after every batch of rows, on the GUI thread.
        self._errors = 0
        self._unknowns = 0  # rows marked unknown: each needs a line above its top-k
        self._most_predictions = 0
        self._pending: list[ClassificationResult] = []
        self._thumbs: dict[str, QPixmap | QIcon] = {}
        self._row_of: dict[str, int] = {}
        self._images: dict[str, Any] = {}  # pasted images (PIL) by name
        self._broken = QIcon()
        self._placeholder = QIcon()
        self._ratio = pixel_ratio
        self.threshold: float | None = None
        self.num_classes = 0
        self.thumbnails = ThumbnailLoader(round(thumbnail_px * pixel_ratio), self)
        self.thumbnails.ready.connect(self.set_thumbnail)
        self.thumbnails.failed.connect(lambda key, _message: self.set_thumbnail_failed(key))
        self._flush_timer = QTimer(self, singleShot=True, interval=self.FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush)

    # -- the Qt model interface -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("ResultsModel", HEADERS[Column(section)]) if 0 <= section < len(Column) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        result = self._rows[index.row()]
        column = Column(index.column())
        if role == Role.RESULT:
            return result
        if role == Role.SORT:
            return _sort_key(result, column)
        if role == Role.UNKNOWN:
            return unknown_label(self.num_classes) if result.unknown else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _text(result, column, self.num_classes)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(result, column, self.num_classes)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.IMAGE:
            return self._decoration(result)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.TIME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _decoration(self, result: ClassificationResult) -> QPixmap | QIcon:
        if not result.ok:
            return self._broken
        thumb = self._thumbs.get(result.source)
        if thumb is not None:
            return thumb
        self.thumbnails.request(result.source, self.source_of(result.source))  # made once
        return self._placeholder

    # -- changes ----------------------------------------------------------------------------

    def add(self, result: ClassificationResult) -> None:
        """Queue a row; rows are inserted together within ``FLUSH_MS``."""
        self._pending.append(result)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def add_batch(self, results: Sequence[ClassificationResult]) -> None:
        """Insert a batch of rows now, with anything still queued: one insertion for all of them."""
        self._pending.extend(results)
        self.flush()

    def add_image(self, name: str, image: Any) -> None:
        """Keep an in-memory image (a paste) for its thumbnail and preview."""
        self._images[name] = image

    def pasted_count(self) -> int:
        return len(self._images)

    def source_of(self, key: str) -> Any:
        """What a row's picture is read from: the pasted image, else the file."""
        return self._images.get(key, key)

    def flush(self) -> None:
        """Insert the queued rows now; a file already listed gets its row replaced."""
        self._flush_timer.stop()
        if not self._pending:
            return
        new: list[ClassificationResult] = []
        for result in mark_unknown(self._pending, self.threshold):
            row = self._row_of.get(result.source)
            if row is None:
                self._row_of[result.source] = len(self._rows) + len(new)
                new.append(result)
            elif row >= len(self._rows):
                new[row - len(self._rows)] = result
            else:
                self._count(self._rows[row], -1)
                self._count(result, +1)
                self._rows[row] = result
                # A file classified again (rare): its old row may have been the longest top-k.
                self._most_predictions = max(len(r.predictions) for r in self._rows)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
        self._pending.clear()
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            for result in new:
                self._count(result, +1)
            self.endInsertRows()
        self.countsChanged.emit()

    def set_threshold(self, threshold: float | None, num_classes: int) -> None:
        """Re-mark every row as unknown or not at ``threshold``; no row is classified again."""
        self.threshold, self.num_classes = threshold, num_classes
        self._rows = mark_unknown(self._rows, threshold)
        self._unknowns = sum(1 for r in self._rows if r.unknown)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1))
        self.countsChanged.emit()

    def clear(self) -> None:
        self._flush_timer.stop()
        self._pending.clear()
        self.beginResetModel()
        self._rows.clear()
        self._errors = self._unknowns = self._most_predictions = 0
        self._row_of.clear()
        self._thumbs.clear()
        self._images.clear()
        self.thumbnails.forget()
        self.endResetModel()
        self.countsChanged.emit()

    def set_icons(self, broken: QIcon, placeholder: QIcon | QPixmap) -> None:
        """Decorations for a row whose image could not be read, and while its thumbnail is made."""
        self._broken, self._placeholder = broken, placeholder

    def set_thumbnail(self, key: str, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self._ratio)
        self._set_decoration(key, pixmap)

    def set_thumbnail_failed(self, key: str) -> None:
        self._set_decoration(key, self._broken)

    def _set_decoration(self, key: str, decoration: QPixmap | QIcon) -> None:
        self._thumbs[key] = decoration
        row = self._row_of.get(key)
        if row is not None and row < len(self._rows):
            index = self.index(row, Column.IMAGE)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    # -- reading ----------------------------------------------------------------------------

    def results(self) -> list[ClassificationResult]:
        return list(self._rows)

    def result(self, row: int) -> ClassificationResult:
        return self._rows[row]

    def thumbnail(self, key: str) -> QPixmap | QIcon | None:
        return self._thumbs.get(key)

    def counts(self) -> tuple[int, int]:
        """(rows, rows with an error)."""
        return len(self._rows), self._errors

    def max_predictions(self) -> int:
        return self._most_predictions

    def max_lines(self) -> int:
        """The most lines a row's bars need: its top-k, and the "unknown (none of the N
        classes)" line above them when a row is marked unknown."""
        return self._most_predictions + (1 if self._unknowns else 0)

    def _count(self, result: ClassificationResult, sign: int) -> None:
        """Add (``sign`` 1) or take away (-1) a row's share of :meth:`counts`."""
        self._errors += sign * (not result.ok)
        self._unknowns += sign * bool(result.ok and result.unknown)
        if sign > 0:
            self._most_predictions = max(self._most_predictions, len(result.predictions))


class ResultsProxy(QSortFilterProxyModel):
    """Sorting by ``Role.SORT``; filtering by label text (case-insensitive) in the top label, or
    in any of the top-k with ``any_label``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(Role.SORT)
        self._needle = ""
        self.any_label = False

    @property
    def needle(self) -> str:
        return self._needle

    def set_label_filter(self, text: str | None = None, any_label: bool | None = None) -> None:
        def change() -> None:
            if text is not None:
                self._needle = text.strip().casefold()
            if any_label is not None:
                self.any_label = any_label

        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._needle:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        result: ClassificationResult = index.data(Role.RESULT)
        labels = result.predictions if self.any_label else result.predictions[:1]
        # The name as shown (箭头) and the canonical one (arrow) both match.
        return any(
            self._needle in p.label.casefold()
            or self._needle in shown_label(p.label, result.model).casefold()
            for p in labels
        )

    def shown_results(self) -> list[ClassificationResult]:
        """The rows as shown: filtered and in the current order."""
        return [self.index(row, 0).data(Role.RESULT) for row in range(self.rowCount())]


def _text(result: ClassificationResult, column: Column, num_classes: int) -> str:
    if column == Column.IMAGE:
        return display_name(result.source)
    if column == Column.PREDICTIONS:
        return predictions_text(result, num_classes)
    if column == Column.MODEL:
        return shown_model(result.model)
    return arg(translate("ResultsModel", "%1 ms"), f"{result.elapsed_ms:.0f}") if result.ok else ""


def _tooltip(result: ClassificationResult, column: Column, num_classes: int) -> str:
    shown = shown_model(result.model)
    model = "\n" + arg(translate("ResultsModel", "Model: %1"), shown) if result.model else ""
    if column == Column.IMAGE:
        size = (
            "\n" + arg(translate("ResultsModel", "%1 × %2 px"), result.width, result.height)
            if result.width and result.height
            else ""
        )
        return f"{result.source}{size}{model}"
    if column == Column.PREDICTIONS:
        return predictions_text(result, num_classes).replace(", ", "\n").replace(": ", ":\n", 1) + model
    if column == Column.MODEL:
        return translate("ResultsModel", "The model that classified this image (name · weights hash)") + model
    return (
        translate("ResultsModel", "Time spent on this image (its share of decoding and of its batch)") + model
    )


def _sort_key(result: ClassificationResult, column: Column) -> Any:
    if column == Column.IMAGE:
        return display_name(result.source).casefold()
    if column == Column.PREDICTIONS:
        return result.top.probability if result.top else -1.0
    if column == Column.MODEL:
        return result.model
    return result.elapsed_ms
