"""The results table: a QTableView that does not repaint what it shows when rows arrive out of sight.

Why: every insert makes a QTableView schedule a full items layout, and that layout repaints the
whole viewport. During a run of thousands of images rows arrive every few tens of milliseconds,
almost always below the last visible row, and each repaint ran the bars delegate (Python) for
every visible row: 15-25 ms of GUI-thread work per batch of rows, most of the event-loop stalls
the soak measured (issue 10). When every insert since the last layout started below the last row
on screen, the rows on screen are unchanged, so only the scroll bars need the new length.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QTableView, QWidget

Index = QModelIndex | QPersistentModelIndex
# Changes after which every row must be laid out and painted again.
RELAYOUT_CHANGES = {
    QEvent.Type.FontChange,
    QEvent.Type.StyleChange,
    QEvent.Type.PaletteChange,
    QEvent.Type.LanguageChange,
    QEvent.Type.LayoutDirectionChange,
}


class ResultsTable(QTableView):
    """A table view that lays out and repaints in full unless rows were only appended out of sight."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._appended_out_of_sight = False
        self._full_layout = True  # something else changed since the last layout
        self.skipped_repaints = 0  # layouts that only updated the scroll bars (tests read it)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self.model()
        if old is not None:
            old.rowsAboutToBeInserted.disconnect(self._before_insert)
            for signal in self._structure_signals(old):
                signal.disconnect(self._need_full_layout)
        super().setModel(model)
        if model is not None:
            model.rowsAboutToBeInserted.connect(self._before_insert)
            for signal in self._structure_signals(model):
                signal.connect(self._need_full_layout)
        self._need_full_layout()

    @staticmethod
    def _structure_signals(model: QAbstractItemModel) -> tuple:
        return (
            model.rowsRemoved,
            model.rowsMoved,
            model.modelReset,
            model.layoutChanged,
            model.columnsInserted,
            model.columnsRemoved,
            model.columnsMoved,
        )

    def _need_full_layout(self, *_args: object) -> None:
        self._full_layout = True

    def _before_insert(self, parent: Index, first: int, _last: int) -> None:
        # Heard before the view and its header learn of the rows: the layout is still the old one.
        if parent.isValid() or not self._out_of_sight(first):
            self._full_layout = True
        else:
            self._appended_out_of_sight = True

    def _out_of_sight(self, row: int) -> bool:
        """Whether a row inserted at ``row`` leaves every visible row where it was."""
        if not self.isVisible():
            return False
        last_visible = self.rowAt(self.viewport().height() - 1)
        # -1: the viewport's bottom is below the last row (the table is not full): new rows show.
        return last_visible >= 0 and row > last_visible

    def doItemsLayout(self) -> None:
        if self._appended_out_of_sight and not self._full_layout:
            self.updateGeometries()  # the scroll bars' range; nothing on screen moved
            self.skipped_repaints += 1
        else:
            super().doItemsLayout()
        self._appended_out_of_sight = self._full_layout = False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in RELAYOUT_CHANGES:
            self._full_layout = True
        super().changeEvent(event)
