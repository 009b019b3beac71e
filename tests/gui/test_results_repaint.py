"""Rows arriving below what the table shows must not repaint it (issue 10: event-loop stalls).

Each repaint runs the bars delegate in Python for every visible row; in a run of thousands of
images rows arrive every few tens of milliseconds, so a repaint per batch was most of the
GUI thread's work. These tests count the viewport's paint events and the delegate's paints.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from core.results import ClassificationResult, Prediction
from gui.delegate import PredictionsDelegate
from gui.results_model import ResultsModel
from gui.results_view import SORTS, ResultsView


def result(name: str, probability: float = 0.7) -> ClassificationResult:
    predictions = (Prediction(0, "star", probability), Prediction(1, "circle", 1 - probability))
    return ClassificationResult(f"/photos/{name}", predictions, 3.0, None, 64, 64)


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def settle(qtbot) -> None:
    """Let the delayed layouts and the posted paints run."""
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(30)


def shown_table(qtbot, rows: int) -> tuple[ResultsModel, ResultsView, PaintCounter]:
    model = ResultsModel()
    view = ResultsView(model)
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show()
    qtbot.waitExposed(view)
    for i in range(rows):
        model.add(result(f"m{i:04d}.png"))
    model.flush()
    settle(qtbot)
    counter = PaintCounter()
    view.table.viewport().installEventFilter(counter)
    return model, view, counter


def add_batches(qtbot, model: ResultsModel, names: list[str], per_batch: int = 5) -> None:
    for start in range(0, len(names), per_batch):
        for name in names[start : start + per_batch]:
            model.add(result(name))
        model.flush()
        settle(qtbot)


def test_rows_appended_below_the_visible_ones_do_not_repaint_the_table(qtbot) -> None:
    model, view, counter = shown_table(qtbot, 40)
    scroll = view.table.verticalScrollBar()
    before = scroll.maximum()
    delegate_paints = []
    original = PredictionsDelegate.paint

    def paint(self, painter, option, index) -> None:  # noqa: ANN001 - Qt's signature
        delegate_paints.append(index.row())
        original(self, painter, option, index)

    PredictionsDelegate.paint = paint
    try:
        add_batches(qtbot, model, [f"n{i:04d}.png" for i in range(30)])
    finally:
        PredictionsDelegate.paint = original

    assert model.rowCount() == 70
    # The bars are painted by the delegate; a thumbnail arriving late repaints only its own cell.
    assert delegate_paints == []
    assert view.table.skipped_repaints >= 6  # one per batch
    assert scroll.maximum() > before  # the scroll bar knows the new rows
    counter.paints = 0
    scroll.setValue(scroll.maximum())  # and they are there when scrolled to
    settle(qtbot)
    assert counter.paints > 0
    last = view.table.rowAt(view.table.viewport().height() - 1)
    assert last == 69


def test_rows_inserted_among_the_visible_ones_repaint_them(qtbot) -> None:
    model, view, counter = shown_table(qtbot, 40)
    view.sort_combo.setCurrentIndex([label for label, _, _ in SORTS].index("Name"))
    settle(qtbot)
    counter.paints = 0
    model.add(result("a-first-by-name.png"))  # sorts to the top row, which is on screen
    model.flush()
    settle(qtbot)
    assert counter.paints > 0
    assert view.shown_results()[0].source.endswith("a-first-by-name.png")


def test_a_table_not_yet_full_shows_each_new_row(qtbot) -> None:
    model, view, counter = shown_table(qtbot, 1)
    add_batches(qtbot, model, ["second.png"])
    assert counter.paints > 0
    assert view.table.skipped_repaints == 0


def test_counts_follow_rows_added_and_replaced() -> None:
    model = ResultsModel()
    model.add(result("a.png"))
    model.add(ClassificationResult("/photos/b.png", (), 1.0, "cannot identify image file", 0, 0))
    model.flush()
    assert model.counts() == (2, 1) and model.max_predictions() == 2
    model.add(result("b.png"))  # classified again, now readable
    model.flush()
    assert model.counts() == (2, 0)
    model.clear()
    assert model.counts() == (0, 0) and model.max_predictions() == 0
