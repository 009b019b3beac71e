"""The results model, its proxy, the bars delegate and the preview, on plain result data."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QApplication, QLabel

from core.results import ClassificationResult, Prediction
from gui.bars import paint_predictions
from gui.preview import PreviewDialog
from gui.results_model import Column, ResultsModel, Role
from gui.results_view import ResultsView


def result(name: str, *pairs: tuple[str, float], error: str | None = None) -> ClassificationResult:
    predictions = tuple(Prediction(i, label, p) for i, (label, p) in enumerate(pairs))
    return ClassificationResult(f"/photos/{name}", predictions, 12.5, error, 640, 480)


RESULTS = [
    result("b.jpg", ("circle", 0.6), ("ring", 0.3)),
    result("a.jpg", ("star", 0.9), ("cross", 0.05)),
    result("c.jpg", error="cannot identify image file"),
    result("d.jpg", ("square", 0.4), ("circle", 0.35)),
]


def names(view: ResultsView) -> list[str]:
    return [r.source.rsplit("/", 1)[1] for r in view.shown_results()]


def test_models_pass_qt_model_tester_through_inserts_sorts_filters_and_resets(qtbot) -> None:
    model = ResultsModel()
    view = ResultsView(model)
    qtbot.addWidget(view)
    fatal = QAbstractItemModelTester.FailureReportingMode.Fatal
    QAbstractItemModelTester(model, fatal)
    QAbstractItemModelTester(view.proxy, fatal)
    for r in RESULTS:
        model.add(r)
    assert model.rowCount() == 0  # buffered…
    qtbot.waitUntil(lambda: model.rowCount() == len(RESULTS))  # …and inserted together
    view.sort_combo.setCurrentText("Confidence")
    view.filter_edit.setText("circle")
    image = QImage(8, 8, QImage.Format.Format_RGB888)
    image.fill(QColor("blue"))
    model.set_thumbnail("/photos/b.jpg", image)
    assert not model.index(0, Column.IMAGE).data(Qt.ItemDataRole.DecorationRole).isNull()
    model.clear()
    assert model.rowCount() == 0 and view.proxy.rowCount() == 0


def test_sort_by_name_and_confidence_and_filter_by_label(qtbot) -> None:
    model = ResultsModel()
    view = ResultsView(model)
    qtbot.addWidget(view)
    for r in RESULTS:
        model.add(r)
    model.flush()
    assert names(view) == ["b.jpg", "a.jpg", "c.jpg", "d.jpg"]  # order added
    view.sort_combo.setCurrentText("Name")
    assert names(view) == ["a.jpg", "b.jpg", "c.jpg", "d.jpg"]
    view.sort_combo.setCurrentText("Confidence")
    assert names(view) == ["a.jpg", "b.jpg", "d.jpg", "c.jpg"]  # errors last
    view.filter_edit.setText("CIRC")  # the top label by default, any case
    assert names(view) == ["b.jpg"] and view.no_matches.isHidden()
    view.any_label.setChecked(True)  # any of the top-k
    assert names(view) == ["b.jpg", "d.jpg"]
    view.filter_edit.setText("hex")
    assert names(view) == [] and view.no_matches.isVisibleTo(view)
    assert "No results match “hex”" in view.no_matches.text()
    view.filter_edit.clear()
    assert view.no_matches.isHidden()
    view.sort_combo.setCurrentText("Order added")
    assert names(view) == ["b.jpg", "a.jpg", "c.jpg", "d.jpg"]


def test_rows_show_name_bars_time_and_errors(qtbot) -> None:
    model = ResultsModel()
    view = ResultsView(model)
    qtbot.addWidget(view)
    view.resize(900, 500)
    for r in RESULTS:
        model.add(r)
    model.flush()
    assert model.index(0, Column.IMAGE).data() == "b.jpg"
    assert "640 × 480" in model.index(0, Column.IMAGE).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, Column.PREDICTIONS).data() == "circle 60.0%, ring 30.0%"
    assert model.index(0, Column.TIME).data() == "12 ms"
    assert model.index(2, Column.PREDICTIONS).data().startswith("Error: cannot identify")
    assert model.index(2, Column.PREDICTIONS).data(Role.RESULT).error
    view.show()
    assert not view.grab().isNull()  # the delegate paints bars and errors without failing
    row_height = view.table.rowHeight(0)
    assert row_height >= view.table.iconSize().height()


def test_double_click_opens_a_preview_with_the_full_top_k(qtbot, tmp_path) -> None:
    from PIL import Image

    path = tmp_path / "photo.png"
    Image.new("RGB", (300, 200), (200, 30, 30)).save(path)
    model = ResultsModel()
    view = ResultsView(model)
    qtbot.addWidget(view)
    opened: list[ClassificationResult] = []
    view.opened.connect(opened.append)
    shown = ClassificationResult(str(path), RESULTS[0].predictions, 3.0, None, 300, 200)
    model.add(shown)
    model.flush()
    view.show()
    qtbot.waitExposed(view)
    cell = view.table.visualRect(view.proxy.index(0, Column.IMAGE)).center()
    no_mod = Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, no_mod, cell)
    QTest.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, no_mod, cell)
    assert opened == [shown]

    dialog = PreviewDialog(shown, shown.source)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(
        lambda: dialog.image_label.pixmap() is not None and not dialog.image_label.pixmap().isNull()
    )
    assert dialog.image_label.pixmap().width() == 300  # made at preview size, never larger
    assert any("300 × 200 px" in label.text() for label in dialog.findChildren(QLabel))
    dialog.close()


def test_model_ignores_invalid_indexes() -> None:
    model = ResultsModel()
    assert model.data(QModelIndex()) is None
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == "Image"


def test_bars_are_as_long_as_the_probabilities(qtbot) -> None:
    def filled(probability: float) -> int:
        """Accent-coloured pixels across the middle of a one-line bar."""
        palette = QApplication.palette()
        accent = palette.color(QPalette.ColorRole.Highlight)
        image = QImage(500, 30, QImage.Format.Format_RGB32)
        image.fill(palette.color(QPalette.ColorRole.Base))
        painter = QPainter(image)
        paint_predictions(painter, QRect(0, 0, 500, 30), [Prediction(0, "star", probability)], palette)
        painter.end()
        return sum(1 for x in range(500) if image.pixelColor(x, 15) == accent)

    full, three_quarters, quarter = filled(1.0), filled(0.75), filled(0.25)
    assert full > 150
    assert abs(three_quarters - 0.75 * full) <= 4 and abs(quarter - 0.25 * full) <= 4
