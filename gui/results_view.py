"""The results page: a filter box, a sort choice and the table (thumbnail, name, bars, time)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.results import ClassificationResult
from gui.bars import bars_height
from gui.delegate import PredictionsDelegate
from gui.results_model import Column, ResultsModel, ResultsProxy, Role

THUMBNAIL_SIZE = 80
# (label, column to sort by or -1 for arrival order, order)
SORTS = (
    ("Order added", -1, Qt.SortOrder.AscendingOrder),
    ("Name", Column.IMAGE, Qt.SortOrder.AscendingOrder),
    ("Confidence", Column.PREDICTIONS, Qt.SortOrder.DescendingOrder),
)


class ResultsView(QWidget):
    """Shows a ``ResultsModel`` through a ``ResultsProxy``; ``opened`` on double-click/Enter."""

    opened = Signal(object)  # ClassificationResult

    def __init__(self, model: ResultsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = ResultsProxy(self)
        self.proxy.setSourceModel(model)

        self.filter_edit = QLineEdit(placeholderText="Filter by label… (Ctrl+F)", clearButtonEnabled=True)
        self.filter_edit.setToolTip("Show only images with this text in one of their top labels")
        self.filter_edit.setAcceptDrops(False)  # a drop of files means "classify these"
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self.filter_edit.setFocus)
        self.filter_edit.textChanged.connect(self.proxy.set_label_filter)
        self.sort_combo = QComboBox()
        self.sort_combo.addItems([label for label, _, _ in SORTS])
        self.sort_combo.setToolTip("Order of the results")
        self.sort_combo.currentIndexChanged.connect(self._sort)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setItemDelegateForColumn(Column.PREDICTIONS, PredictionsDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.IMAGE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.PREDICTIONS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(Column.IMAGE, THUMBNAIL_SIZE + 200)
        self.table.activated.connect(self._open)
        model.rowsInserted.connect(self._fit_rows)
        model.modelReset.connect(self._fit_rows)

        controls = QHBoxLayout()
        controls.addWidget(self.filter_edit, 1)
        controls.addWidget(QLabel("Sort by:"))
        controls.addWidget(self.sort_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.table, 1)
        self._fit_rows()

    def shown_results(self) -> list[ClassificationResult]:
        return self.proxy.shown_results()

    def _sort(self, choice: int) -> None:
        _, column, order = SORTS[choice]
        self.proxy.sort(column, order)

    def _fit_rows(self) -> None:
        """One height for every row: the thumbnail or the longest top-k, whichever is taller."""
        lines = max(self.model.max_predictions(), 3)
        bars = bars_height(QFontMetrics(self.table.font()), lines)
        height = max(THUMBNAIL_SIZE, bars) + 10
        self.table.verticalHeader().setDefaultSectionSize(height)
        self.table.verticalHeader().setMinimumSectionSize(height)

    def _open(self, index: QModelIndex) -> None:
        result = index.data(Role.RESULT)
        if result is not None:
            self.opened.emit(result)


def placeholder_pixmap(side: int) -> QPixmap:
    """A transparent square the size of a thumbnail, so names do not jump when it arrives."""
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap
