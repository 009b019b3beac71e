"""View ▸ Sketch: a star drawn with QTest mouse events is classified as a star, live and through
the worker, with its Grad-CAM; undo and clear; "Add to Results" adds a row."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from tests.gui.conftest import wait_idle

TIMEOUT_MS = 60_000


def star_points(cx: float = 160, cy: float = 168, outer: float = 120, inner: float = 48) -> list[QPoint]:
    """A closed five-pointed star outline, point up, with a vertex every 36 degrees."""
    points = []
    for i in range(11):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(QPoint(round(cx + radius * math.cos(angle)), round(cy + radius * math.sin(angle))))
    return points


def draw(canvas, points: list[QPoint]) -> None:
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(canvas, left, Qt.KeyboardModifier.NoModifier, points[0])
    for a, b in zip(points, points[1:], strict=False):
        for step in range(1, 9):  # a hand's stroke: many small moves
            QTest.mouseMove(canvas, a + (b - a) * step / 8)
    QTest.mouseRelease(canvas, left, Qt.KeyboardModifier.NoModifier, points[-1])


def test_a_drawn_star_is_classified_as_a_star(qtbot, window) -> None:
    pad = window.show_sketch()
    qtbot.addWidget(pad)
    qtbot.waitExposed(pad)
    draw(pad.canvas, star_points())
    assert len(pad.canvas.strokes) == 1
    qtbot.waitUntil(lambda: bool(pad.predictions), timeout=TIMEOUT_MS)  # debounced, then the worker
    assert pad.predictions[0].label == "star", pad.predictions
    assert pad.answer.result.has_evidence and pad.cam.pixmap() is not None
    assert "star" in pad.verdict.text()
    spin = window.threshold.spin  # above any answer (a sure one reads about 0.9996): unknown
    spin.setDecimals(5)
    spin.setMaximum(0.99999)
    spin.setValue(0.99999)
    window._show_sketch_answer(pad.answer)
    assert "unknown (none of the 12 classes)" in pad.verdict.text()
    assert pad.predictions[0].label == "star"  # the bars still list the top-k

    before = window.results.rowCount()
    pad.add.click()
    wait_idle(qtbot, window)
    window.results.flush()
    assert window.results.rowCount() == before + 1
    row = window.results.result(before)
    assert row.source.startswith("sketch-") and row.top.label == "star"

    pad.canvas.undo()
    assert not pad.canvas.strokes
    qtbot.waitUntil(lambda: not pad.predictions, timeout=TIMEOUT_MS)  # an empty pad shows nothing
    draw(pad.canvas, star_points()[:3])
    pad.canvas.clear()
    assert not pad.canvas.strokes
    pad.close()
