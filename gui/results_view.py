"""The results page: a filter box, a sort choice and the table (thumbnail, name, bars, time).

The filter matches the top label by default ("hex" finds hexagons, not every image with a hexagon
somewhere in its top 5); "Any of top-k" widens it. When nothing matches the table says so.

A row's context menu offers "Add to class ▸" (issue 26): the selected pictures become training
images of a class of the open teaching project (:mod:`gui.teach.corrections` registers the training
window here), or of a new one. The view only says which files and which class (``addToClass``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QModelIndex, QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeySequence, QPalette, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from core.results import ClassificationResult
from gui.bars import bars_height
from gui.delegate import MARGIN, PredictionsDelegate, ThumbnailDelegate
from gui.i18n import arg
from gui.results_model import Column, ResultsModel, ResultsProxy, Role
from gui.results_table import ResultsTable

THUMBNAIL_SIZE = 80
PREDICTIONS_MIN_WIDTH = 200  # below this the bars' labels and percentages would collide
NAME_MIN_WIDTH = 120  # a name beside its thumbnail gets this much, or goes under it
PREDICTIONS_MIN_STACKED = 180  # in the narrowest table the bars give a little more (shorter bars)
# Keys a line edit would take for itself (Ctrl+E: end of line) that the window's actions own.
WINDOW_KEYS = {QKeySequence(k) for k in ("Ctrl+E", "Esc", "Ctrl+I", "Ctrl+Shift+W", "Ctrl+Shift+A")}
FOCUS_STYLE = "QTableView:focus { border: 2px solid palette(highlight); }"
# (label, translated when shown, column to sort by or -1 for arrival order, order)
SORTS = (
    (QT_TRANSLATE_NOOP("ResultsView", "Order added"), -1, Qt.SortOrder.AscendingOrder),
    (QT_TRANSLATE_NOOP("ResultsView", "Name"), Column.IMAGE, Qt.SortOrder.AscendingOrder),
    (QT_TRANSLATE_NOOP("ResultsView", "Confidence"), Column.PREDICTIONS, Qt.SortOrder.DescendingOrder),
)


class ResultsView(QWidget):
    """Shows a ``ResultsModel`` through a ``ResultsProxy``; ``opened`` on double-click/Enter."""

    opened = Signal(object)  # ClassificationResult
    addToClass = Signal(str, object)  # class name, list[Path]: "Add to class ▸"

    def __init__(self, model: ResultsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = ResultsProxy(self)
        self.proxy.setSourceModel(model)

        self.filter_edit = QLineEdit(
            placeholderText=self.tr("Filter by label… (Ctrl+F)"), clearButtonEnabled=True
        )
        self.filter_edit.setToolTip(self.tr("Show only images whose top label contains this text"))
        self.filter_edit.setAcceptDrops(False)  # a drop of files means "classify these"
        self.filter_edit.setMinimumWidth(120)
        self.filter_edit.installEventFilter(self)  # the window's shortcuts work from here too
        find = QShortcut(QKeySequence.StandardKey.Find, self, context=Qt.ShortcutContext.WindowShortcut)
        find.activated.connect(self.filter_edit.setFocus)
        find.activated.connect(self.filter_edit.selectAll)
        self.filter_edit.textChanged.connect(lambda text: self._filter(text=text))
        self.any_label = QCheckBox(self.tr("Any of top-k"))
        self.any_label.setToolTip(self.tr("Match the text in any of the top-k labels, not only the top one"))
        self.any_label.toggled.connect(lambda on: self._filter(any_label=on))
        self.no_matches = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.no_matches.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.no_matches.hide()
        self.sort_combo = QComboBox()
        self.sort_combo.addItems([self.tr(label) for label, _, _ in SORTS])
        self.sort_combo.setToolTip(self.tr("Order of the results"))
        self.sort_combo.currentIndexChanged.connect(self._sort)

        self.table = ResultsTable()
        self.table.setModel(self.proxy)
        self.table.setItemDelegateForColumn(Column.PREDICTIONS, PredictionsDelegate(self.table))
        self.thumbnail_delegate = ThumbnailDelegate(self.table)  # heat-maps over thumbnails, when on
        self.table.setItemDelegateForColumn(Column.IMAGE, self.thumbnail_delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.table.setStyleSheet(FOCUS_STYLE)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.IMAGE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.PREDICTIONS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.MODEL, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(QFontMetrics(self.table.font()).horizontalAdvance("0000 ms") + 12)
        header.resizeSection(Column.IMAGE, THUMBNAIL_SIZE + 200)
        header.resizeSection(Column.MODEL, 240)
        self.table.setColumnHidden(Column.MODEL, True)
        self.table.setMinimumWidth(THUMBNAIL_SIZE + 120)
        self.table.viewport().installEventFilter(self)
        self.table.activated.connect(self._open)
        # "Add to class ▸": the open project's class names (None: no training window is open;
        # ``open_teaching``, or else the main window's ``show_teach``, opens one first).
        self.class_names: Callable[[], list[str]] | None = None
        self.open_teaching: Callable[[], object] | None = None
        self.context_menu: QMenu | None = None
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        model.rowsInserted.connect(self._fit_rows)
        model.modelReset.connect(self._fit_rows)
        model.countsChanged.connect(self._fit_rows)  # a threshold change marks rows unknown

        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset):
            signal.connect(self._show_no_matches)

        controls = QHBoxLayout()
        controls.addWidget(self.filter_edit, 1)
        controls.addWidget(self.any_label)
        controls.addWidget(QLabel(self.tr("Sort by:")))
        controls.addWidget(self.sort_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.no_matches)
        layout.addWidget(self.table, 1)
        self._fit_rows()

    def restore(self, model_column: bool, any_label: bool) -> None:
        """The view's saved choices: the Model column, and the filter's scope."""
        self.show_model_column(model_column)
        self.any_label.setChecked(any_label)

    def show_model_column(self, show: bool) -> None:
        self.table.setColumnHidden(Column.MODEL, not show)
        self._fit_columns()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._fit_columns()
        elif (
            event.type() == QEvent.Type.ShortcutOverride
            and watched is self.filter_edit
            and QKeySequence(event.keyCombination()) in WINDOW_KEYS
        ):
            event.ignore()  # not the line edit's: let the window's shortcut have it
            return True
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """The name column gives way first; the bars never get narrower than they need (the
        table scrolls sideways instead), so labels, percentages and times never overlap."""
        header = self.table.horizontalHeader()
        others = header.sectionSize(Column.TIME) + (
            0 if self.table.isColumnHidden(Column.MODEL) else header.sectionSize(Column.MODEL)
        )
        room = self.table.viewport().width() - others
        beside = room - PREDICTIONS_MIN_WIDTH - THUMBNAIL_SIZE  # what a name beside the thumbnail gets
        stacked = beside < NAME_MIN_WIDTH
        if stacked != self.thumbnail_delegate.stacked:
            self.thumbnail_delegate.stacked = stacked
            self._fit_rows()
            self.table.viewport().update()
        bars = bars_min_width(stacked)
        if stacked:  # the name under the thumbnail, on up to two lines
            image = max(THUMBNAIL_SIZE + 16, min(room - bars, THUMBNAIL_SIZE + 60))
        else:
            image = min(room - bars, THUMBNAIL_SIZE + 200)
        header.resizeSection(Column.IMAGE, image)
        if room - image >= bars:
            header.setSectionResizeMode(Column.PREDICTIONS, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(Column.PREDICTIONS, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(Column.PREDICTIONS, bars)

    def _filter(self, text: str | None = None, any_label: bool | None = None) -> None:
        self.proxy.set_label_filter(text, any_label)
        self._show_no_matches()

    def _show_no_matches(self, *_args: object) -> None:
        empty = bool(self.proxy.needle) and self.proxy.rowCount() == 0 and self.model.rowCount() > 0
        needle = self.filter_edit.text().strip()
        self.no_matches.setText(
            arg(self.tr("No results match “%1” in any of the top-k labels."), needle)
            if self.proxy.any_label
            else arg(
                self.tr("No results match “%1” in the top label. Tick “Any of top-k” to search all of them."),
                needle,
            )
        )
        self.no_matches.setVisible(empty)

    def shown_results(self) -> list[ClassificationResult]:
        return self.proxy.shown_results()

    def _sort(self, choice: int) -> None:
        _, column, order = SORTS[choice]
        self.proxy.sort(column, order)

    def _fit_rows(self) -> None:
        """One height for every row: the thumbnail or the longest top-k (with the "unknown"
        line above it when a row has one), whichever is taller; never less than the bars'
        delegate asks for, so the last prediction is never clipped into the next row."""
        metrics = QFontMetrics(self.table.font())
        lines = max(self.model.max_lines(), 3)
        bars = bars_height(metrics, lines) + MARGIN
        name = 2 * metrics.lineSpacing() + 4 if self.thumbnail_delegate.stacked else 0
        height = max(THUMBNAIL_SIZE + 10 + name, bars)
        header = self.table.verticalHeader()
        if header.defaultSectionSize() != height or header.minimumSectionSize() != height:
            # Only on a change: setting a header's sizes, even to the same values, repaints the
            # whole table, and this runs after every batch of rows in a run (issue 10).
            header.setDefaultSectionSize(height)
            header.setMinimumSectionSize(height)

    # -- "Add to class ▸" --------------------------------------------------------------------

    def selected_files(self) -> list[Path]:
        """The selected rows' pictures that are files (a pasted picture has none), in row order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        paths = []
        for row in rows:
            result = self.proxy.index(row, 0).data(Role.RESULT)
            if result is not None and Path(result.source).is_file():
                paths.append(Path(result.source))
        return paths

    def build_context_menu(self) -> QMenu:
        """The menu for the selection: "Add to class ▸" with the project's classes and "New class…"."""
        menu = QMenu(self)
        add = menu.addMenu(self.tr("Add to Class"))
        files = self.selected_files()
        add.setEnabled(bool(files))
        names = self.class_names() if self.class_names is not None else []
        for name in names:
            add.addAction(name, lambda n=name: self.add_to_class(n, files))
        if names:
            add.addSeparator()
        add.addAction(self.tr("New Class…"), lambda: self.add_to_new_class(files))
        self.context_menu = menu
        return menu

    def _show_context_menu(self, position: QPoint) -> None:
        if self.table.indexAt(position).isValid():
            self.build_context_menu().popup(self.table.viewport().mapToGlobal(position))

    def add_to_new_class(self, files: list[Path]) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New Class"), self.tr("Name of the new class:"))
        if ok and name.strip():
            self.add_to_class(name.strip(), files)

    def add_to_class(self, name: str, files: list[Path]) -> None:
        opener = self.open_teaching or getattr(self.window(), "show_teach", None)
        if self.class_names is None and opener is not None:
            opener()  # the training window registers itself here as it opens
        if files:
            self.addToClass.emit(name, list(files))

    def _open(self, index: QModelIndex) -> None:
        result = index.data(Role.RESULT)
        if result is not None:
            self.opened.emit(result)


def bars_min_width(stacked: bool) -> int:
    """The narrowest the bars' column gets: less when names already went under thumbnails."""
    return PREDICTIONS_MIN_STACKED if stacked else PREDICTIONS_MIN_WIDTH


def placeholder_pixmap(side: int) -> QPixmap:
    """A transparent square the size of a thumbnail, so names do not jump when it arrives."""
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap
