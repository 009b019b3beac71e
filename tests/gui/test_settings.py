"""Settings persist between runs: choices, folders, geometry and the docks."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.conftest import make_settings, open_window


def test_settings_survive_a_restart_of_the_window(qtbot, settings_file) -> None:
    first = open_window(qtbot, settings_file)
    first.top_k.setValue(3)
    next(a for a in first.actions.model.devices.actions() if a.data() == "cpu").trigger()
    first.settings.folder_dir = "/some/folder"
    first.resize(700, 500)  # within the offscreen screen: restoring keeps a window on it
    first.arch_dock.hide()
    first.close()

    second = open_window(qtbot, settings_file)
    assert second.top_k.value() == 3 and second.settings.top_k == 3
    assert second.settings.device == "cpu"
    assert [a.data() for a in second.actions.model.devices.actions() if a.isChecked()] == ["cpu"]
    assert second.settings.folder_dir == "/some/folder"
    assert (second.width(), second.height()) == (700, 500)
    assert second.arch_dock.isHidden()
    assert not second.arch_dock.toggleViewAction().isChecked()
    second.close()


def test_a_fresh_start_uses_defaults_and_repairs_bad_values(qtbot, settings_file) -> None:
    store = make_settings(settings_file)
    store.store.setValue("model/arch", "resnet9000")
    store.store.setValue("results/top_k", 99)
    store.store.setValue("model/device", "cuda:7")
    store.sync()
    window = open_window(qtbot, settings_file)
    assert window.settings.arch == window.model_info.meta.arch  # the bundled model's own
    assert window.top_k.value() == 10
    qtbot.waitUntil(lambda: window.models.worker_info is not None)
    assert window.settings.device == "auto"
    assert "cuda:7" in window.message.text
    assert window.arch_dock.isVisible()
    assert window.dockWidgetArea(window.arch_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    window.close()


def test_unreadable_saved_values_fall_back_to_the_defaults(qtbot, settings_file) -> None:
    """A hand-edited or foreign settings file: top-k "abc" and a geometry Qt cannot read."""
    from PySide6.QtCore import QByteArray

    from gui.settings import DEFAULT_TOP_K
    from gui.window_state import FIRST_SIZE, SCREEN_SHARE

    store = make_settings(settings_file)
    store.store.setValue("results/top_k", "abc")
    store.store.setValue("window/geometry", QByteArray(b"garbage"))
    store.sync()
    window = open_window(qtbot, settings_file)
    assert window.top_k.value() == DEFAULT_TOP_K
    area = window.screen().availableGeometry()
    assert window.width() == min(FIRST_SIZE[0], int(area.width() * SCREEN_SHARE))
    assert window.height() == min(FIRST_SIZE[1], int(area.height() * SCREEN_SHARE))
    window.close()
