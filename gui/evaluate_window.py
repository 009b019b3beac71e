"""Model ▸ Evaluate on a Folder…: how well the model in use does on a labelled folder.

The window asks for a folder (one sub-folder per class), runs the evaluation through the engine
(:mod:`gui.evaluate_run`: off the GUI thread, with progress and Cancel) and shows what
``reslens-cli evaluate`` prints: accuracy and the unknown rate, the per-class table and the
confusion matrix, its cells coloured by their share of the row. Clicking a cell lists its images
as thumbnails; a double-click opens the preview with its heat-map, as in the main window.

Only layout and wiring live here: the figures come from :mod:`core.evaluate`, the tables from
:mod:`gui.evaluate_model`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QRect, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QStyleOptionHeader,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.evaluate import Evaluation
from core.evaluate_report import headline, notes
from gui.evaluate_model import (
    CELL_ROLE,
    IMAGE_ROLE,
    SORT_ROLE,
    CellImagesModel,
    ClassScoresModel,
    ConfusionModel,
)
from gui.evaluate_run import EvaluationRun
from gui.i18n import arg
from gui.labels import display_categories
from gui.messages import text
from gui.results_view import THUMBNAIL_SIZE, placeholder_pixmap

CELL_SIDE = 40  # a column of the matrix: four digits fit, twelve classes and "unknown" fit 800 px
MAX_FAILED_SHOWN = 5  # unreadable files named under the headline; the CLI's --csv lists them all
ROW_HEIGHT = 24  # a row of the matrix: twelve classes fit above the thumbnails at 720 px


class RotatedHeader(QHeaderView):
    """A horizontal header whose labels read bottom to top, so a column needs no more width
    than its numbers, whatever the length of the class name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setDefaultSectionSize(CELL_SIDE)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        model = self.model()
        names = (
            [str(model.headerData(i, self.orientation()) or "") for i in range(self.count())] if model else []
        )
        widest = max((self.fontMetrics().horizontalAdvance(n) for n in names), default=0)
        return QSize(hint.width(), min(160, widest + 16))

    def paintSection(self, painter: QPainter, rect: QRect, section: int) -> None:
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = section
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        label = str(self.model().headerData(section, self.orientation()) or "")
        painter.save()
        painter.translate(rect.left(), rect.bottom())
        painter.rotate(-90)
        area = QRect(6, 0, rect.height() - 10, rect.width())
        painter.drawText(area, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), label)
        painter.restore()


class EvaluateWindow(QDialog):
    """The evaluation window; ``model()`` is the model in use (``core.session.ModelInUse``),
    ``threshold()`` the window's unknown threshold, ``open_preview(result)`` opens a preview."""

    def __init__(
        self,
        engine: Any,
        model: Callable[[], Any],
        threshold: Callable[[], float | None],
        open_preview: Callable[[Any], Any],
        start_folder: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Evaluate on a Folder"))
        self.setObjectName("evaluate-window")
        self._model = model
        self._open_preview = open_preview
        self.run = EvaluationRun(engine, threshold, self)
        self.evaluation: Evaluation | None = None
        self.folder = QLineEdit(start_folder)
        self.folder.setPlaceholderText(
            self.tr("A folder with one sub-folder per class, named after the class")
        )
        self.choose = QPushButton(self.tr("Choose…"))
        self.start_button = QPushButton(self.tr("Evaluate"))
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.summary = QLabel(self.tr("Choose a labelled folder and press Evaluate."))
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setTextFormat(Qt.TextFormat.RichText)  # the headline is bold; the rest escaped
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)  # folder names are the user's, not HTML
        self.notes.setVisible(False)
        self.scores = ClassScoresModel(self)
        self.confusion = ConfusionModel(self)
        self.cell_images = CellImagesModel(
            round(THUMBNAIL_SIZE * self.devicePixelRatioF()), placeholder_pixmap(THUMBNAIL_SIZE), self
        )
        self.matrix = self._matrix_view()
        self.table = self._scores_view()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.matrix, self.tr("Confusion Matrix"))
        self.tabs.addTab(self.table, self.tr("Per Class"))
        self.caption = QLabel(self.tr("Click a cell of the matrix to see its images."))
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.images = self._images_view()
        self._lay_out()
        self._connect()

    # -- building ------------------------------------------------------------------------------

    def _matrix_view(self) -> QTableView:
        view = QTableView()
        view.setModel(self.confusion)
        view.setHorizontalHeader(RotatedHeader(view))
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setToolTip(self.tr("Rows: the true class (the folder). Columns: what the model took it for."))
        return view

    def _scores_view(self) -> QTableView:
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.scores)
        proxy.setSortRole(SORT_ROLE)
        view = QTableView()
        view.setModel(proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the model's class order until asked
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        return view

    def _images_view(self) -> QListView:
        view = QListView()
        view.setModel(self.cell_images)
        view.setViewMode(QListView.ViewMode.IconMode)
        view.setResizeMode(QListView.ResizeMode.Adjust)
        view.setMovement(QListView.Movement.Static)
        view.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        view.setGridSize(QSize(THUMBNAIL_SIZE + 40, THUMBNAIL_SIZE + 44))
        view.setWordWrap(True)
        view.setUniformItemSizes(True)
        view.setMinimumHeight(THUMBNAIL_SIZE + 50)  # one row of thumbnails with their names
        view.setToolTip(self.tr("Double-click an image to see it larger, with its heat-map."))
        return view

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Folder:")))
        top.addWidget(self.folder, 1)
        top.addWidget(self.choose)
        top.addWidget(self.start_button)
        top.addWidget(self.cancel_button)
        lower = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.caption)
        column.addWidget(self.images, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tabs)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([3 * THUMBNAIL_SIZE + 4 * ROW_HEIGHT, THUMBNAIL_SIZE + 70])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)

    def _connect(self) -> None:
        self.choose.clicked.connect(self.choose_folder)
        self.start_button.clicked.connect(self.start)
        self.folder.returnPressed.connect(self.start)
        self.cancel_button.clicked.connect(self.run.cancel)
        self.matrix.clicked.connect(self.show_cell)
        self.matrix.selectionModel().currentChanged.connect(lambda current, _old: self.show_cell(current))
        self.table.clicked.connect(self.show_class_errors)
        self.images.activated.connect(self.open_image)  # a double-click, or Enter
        r = self.run
        r.waiting.connect(lambda: self._busy(self.tr("Waiting for the images being classified…")))
        r.started.connect(lambda: self._busy(self.tr("Evaluating…")))
        r.progress.connect(self._on_progress)
        r.evaluated.connect(self.show_evaluation)
        r.cancelled.connect(lambda: self._idle(self.tr("The evaluation was cancelled.")))
        r.failed.connect(self._idle)

    # -- actions -------------------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose a Labelled Folder"), self.folder.text() or str(Path.home())
        )
        if folder:
            self.folder.setText(folder)
            self.start()

    def start(self) -> None:
        """Evaluate the model in use on the folder typed or chosen."""
        folder = self.folder.text().strip()
        if not folder:
            self._idle(self.tr("Choose a labelled folder first."))
            return
        self.run.start(folder, self._model())

    def show_cell(self, index: QModelIndex) -> None:
        """List the images of the matrix cell at ``index`` as thumbnails."""
        if not index.isValid() or self.evaluation is None:
            return
        row, column = index.data(CELL_ROLE)
        images = self.evaluation.cell(row, column)
        self.cell_images.set_images(images)
        self.caption.setText(self.confusion.caption(row, column))

    def show_class_errors(self, index: QModelIndex) -> None:
        """List the misclassified images of the class in the clicked row of the per-class table."""
        if not index.isValid() or self.evaluation is None:
            return
        row = self.table.model().mapToSource(index).row()
        images = self.evaluation.errors_of(row)
        self.cell_images.set_images(images)
        name = self.confusion.names[row]
        self.caption.setText(arg(self.tr("%1 misclassified: %n image(s)", "", len(images)), name))

    def open_image(self, index: QModelIndex) -> Any:
        """The preview of an image of the cell, with its heat-map (computed by the worker)."""
        image = index.data(IMAGE_ROLE)
        result = self.run.results.get(image.source) if image is not None else None
        return self._open_preview(result) if result is not None else None

    # -- the run's answers ---------------------------------------------------------------------

    def show_evaluation(self, evaluation: Evaluation) -> None:
        self.evaluation = evaluation
        model = self.run.model
        names = display_categories(model) if model is not None else evaluation.classes
        self.scores.set_evaluation(evaluation, names)
        self.confusion.set_evaluation(evaluation, names)
        self.matrix.horizontalHeader().updateGeometry()  # its height follows the longest name
        self._idle(
            "<br>".join(f"<b>{html.escape(text(line))}</b>" for line in headline(evaluation)), rich=True
        )
        said = [text(note) for note in notes(evaluation)]
        said += [f"  {Path(i.source).name}: {i.error}" for i in evaluation.failed[:MAX_FAILED_SHOWN]]
        self.notes.setText("\n".join(said))
        self.notes.setVisible(bool(said))
        self.cell_images.set_images([])
        self.caption.setText(self.tr("Click a cell of the matrix to see its images."))
        worst = self._worst_cell(evaluation)
        if worst is not None:
            self.matrix.setCurrentIndex(self.confusion.index(*worst))

    @staticmethod
    def _worst_cell(evaluation: Evaluation) -> tuple[int, int] | None:
        """The cell with the most errors, which a person will want to look at first."""
        best, where = 0, None
        for row in range(evaluation.confusion.shape[0]):
            for column in range(evaluation.columns):
                count = int(evaluation.confusion[row, column])
                if column != row and count > best:
                    best, where = count, (row, column)
        return where

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat("%v / %m")

    def _busy(self, message: str) -> None:
        self.summary.setText(html.escape(message))
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.start_button.setEnabled(False)
        self.choose.setEnabled(False)
        self.cancel_button.setEnabled(True)

    def _idle(self, message: str, rich: bool = False) -> None:
        """Show ``message`` (plain text, or HTML with ``rich``) with the run's controls idle."""
        self.summary.setText(message if rich else html.escape(message))
        self.progress.setVisible(False)
        self.start_button.setEnabled(True)
        self.choose.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def done(self, result: int) -> None:
        """Closing the window (Close, Esc, the title bar) stops its run: nobody would see it."""
        self.run.cancel()  # the window stays for next time, with its last evaluation
        super().done(result)


def show_evaluate_window(main: Any) -> EvaluateWindow:
    """Model ▸ Evaluate on a Folder…: one window per main window, raised when open again."""
    window = getattr(main, "evaluation", None)
    if window is None:
        window = EvaluateWindow(
            main.engine,
            lambda: main.model_info,
            lambda: main.threshold.threshold,
            main.open_preview,
            main.settings.folder_dir,
            main,
        )
        window.setWindowFlag(Qt.WindowType.Window)
        window.resize(960, 720)
    window.show()
    window.raise_()
    window.activateWindow()
    return window
