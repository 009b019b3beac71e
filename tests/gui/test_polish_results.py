"""Issue 25, the results window: rows fit their bars, results arrive a batch at a time."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtWidgets import QStyleOptionViewItem

from core.results import ClassificationResult, Prediction
from gui.cam_view import CamControls
from gui.results_model import Column, ResultsModel
from gui.results_view import ResultsView

LABELS = ("arrow", "circle", "cross", "heart", "star")


def five(name: str, top: float) -> ClassificationResult:
    rest = (1.0 - top) / 4
    predictions = tuple(Prediction(i, label, top if i == 0 else rest) for i, label in enumerate(LABELS))
    return ClassificationResult(f"/photos/{name}", predictions, 5.0, None, 64, 64)


def test_an_unknown_row_with_five_predictions_fits_its_row(qtbot) -> None:
    """The "unknown (none of the 12 classes)" line comes above the top-5: the row grows by a line
    instead of pushing the fifth prediction into the next row."""
    model = ResultsModel()
    model.set_threshold(0.5, 12)
    view = ResultsView(model)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    model.add_batch([five("noise.png", 0.2), five("arrow.png", 0.9)])
    assert model.result(0).unknown and not model.result(1).unknown
    table = view.table
    delegate = table.itemDelegateForColumn(Column.PREDICTIONS)
    for row in range(2):
        index = view.proxy.index(row, Column.PREDICTIONS)
        option = QStyleOptionViewItem()
        option.initFrom(table)
        assert delegate.sizeHint(option, index).height() <= table.rowHeight(row)


def test_a_threshold_raised_after_the_rows_came_makes_room_for_the_unknown_line(qtbot) -> None:
    model = ResultsModel()
    view = ResultsView(model)
    qtbot.addWidget(view)
    view.show()
    model.add_batch([five("a.png", 0.3)])
    before = view.table.rowHeight(0)
    model.set_threshold(0.5, 12)
    assert view.table.rowHeight(0) > before


def test_a_batch_of_results_is_one_insertion(qtbot) -> None:
    model = ResultsModel()
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))
    model.add_batch([five(f"{i}.png", 0.9) for i in range(16)])
    model.add_batch([five(f"{i}.png", 0.9) for i in range(16, 32)])
    assert inserts == [(0, 15), (16, 31)]


def test_the_heat_map_text_quotes_the_probability_the_bars_show(qtbot) -> None:
    result = five("arrow.jpg", 0.599)
    controls = CamControls(result)
    qtbot.addWidget(controls)
    cam = SimpleNamespace(label="arrow", probability=0.607, has_evidence=True)
    controls.show_answer(SimpleNamespace(layer="layer4", error=None, result=cam))
    assert "59.9%" in controls.status.text() and "60.7" not in controls.status.text()
