"""View ▸ Show heat-maps on thumbnails: each row's top-1 Grad-CAM over its thumbnail, computed by
the worker for the rows in view, drawn by the image column's delegate, gone when turned off."""

from __future__ import annotations

from PySide6.QtGui import QImage

from core.paths import samples_dir
from gui.results_model import Column
from tests.gui.conftest import make_settings, open_window, wait_idle

TIMEOUT_MS = 120_000
NAMES = ("star.jpg", "ring-drawn.jpg", "arrow.jpg")


def _cell(window, row: int) -> QImage:
    table = window.results_view.table
    rect = table.visualRect(window.results_view.proxy.index(row, Column.IMAGE))
    return table.viewport().grab(rect).toImage()


def test_heat_maps_on_thumbnails_toggle(qtbot, window, settings_file) -> None:
    window.queue_paths([samples_dir() / name for name in NAMES])
    wait_idle(qtbot, window)
    window.results.flush()
    results = [window.results.result(row) for row in range(len(NAMES))]
    qtbot.waitUntil(
        lambda: all(window.results.thumbnail(r.source) is not None for r in results), timeout=TIMEOUT_MS
    )
    cams = window.thumbnail_cams
    action = window.actions.view.thumbnail_cams
    assert not action.isChecked() and all(cams.overlay_for(r) is None for r in results)
    plain = [_cell(window, row) for row in range(len(NAMES))]

    action.trigger()  # on
    assert make_settings(settings_file).thumbnail_cams is True
    qtbot.waitUntil(lambda: all(cams.overlay_for(r) is not None for r in results), timeout=TIMEOUT_MS)
    for row, result in enumerate(results):
        heat = cams.overlay_for(result)
        assert max(heat.width(), heat.height()) == cams.side  # shrunk to the thumbnail, not kept at 512
        assert _cell(window, row) != plain[row]  # the delegate drew the map over the thumbnail

    action.trigger()  # off: the overlays are gone, the thumbnails as they were
    assert make_settings(settings_file).thumbnail_cams is False
    assert all(cams.overlay_for(r) is None for r in results)
    qtbot.waitUntil(lambda: [_cell(window, row) for row in range(len(NAMES))] == plain, timeout=5_000)


def test_the_toggle_is_remembered(qtbot, settings_file) -> None:
    make_settings(settings_file).thumbnail_cams = True
    window = open_window(qtbot, settings_file)
    assert window.actions.view.thumbnail_cams.isChecked() and window.thumbnail_cams.enabled
    window.close()
