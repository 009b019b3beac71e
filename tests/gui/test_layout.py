"""Layout and keyboard: nothing overlaps in a small window, the first window fits the screen,
restored geometry stays on it, shortcuts work from the filter box, Tab leaves the table."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from gui.arch_panel import _share
from gui.results_model import Column
from gui.results_view import bars_min_width
from tests.gui.conftest import make_settings, open_window, wait_idle


def test_a_small_window_keeps_the_bars_readable(qtbot, window) -> None:
    window.intake.open_samples()
    wait_idle(qtbot, window)
    for width in (800, 640):
        window.resize(width, 500)
        qtbot.waitUntil(lambda w=width: window.width() == w)
        QApplication.processEvents()
        header = window.results_view.table.horizontalHeader()
        stacked = window.results_view.thumbnail_delegate.stacked  # names under thumbnails
        assert header.sectionSize(Column.PREDICTIONS) >= bars_min_width(stacked)
        assert header.sectionSize(Column.TIME) >= header.fontMetrics().horizontalAdvance("000 ms")


def test_the_first_window_fits_and_restored_geometry_is_clamped(qtbot, settings_file) -> None:
    window = open_window(qtbot, settings_file)
    area = window.screen().availableGeometry()
    assert window.width() <= area.width() and window.height() <= area.height()
    window.setGeometry(area.x() + 3000, area.y() + 2000, area.width() * 3, area.height() * 3)
    window.close()
    again = open_window(qtbot, settings_file)
    assert area.contains(again.frameGeometry().topLeft()) or area.intersects(again.geometry())
    assert again.width() <= area.width() and again.height() <= area.height()
    again.close()
    assert isinstance(make_settings(settings_file).geometry, QByteArray)


def test_shortcuts_work_from_the_filter_box_and_tab_leaves_the_table(qtbot, window, monkeypatch) -> None:
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (asked.append(1), ("", ""))[1])
    window.intake.open_samples()
    wait_idle(qtbot, window)
    view = window.results_view
    window.activateWindow()
    view.filter_edit.setFocus()
    qtbot.waitUntil(view.filter_edit.hasFocus)
    qtbot.keyClick(view.filter_edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked == [1]  # Export Results…, not "end of line"
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    qtbot.keyClick(view.table, Qt.Key.Key_Tab)
    assert not view.table.hasFocus()


def test_small_shares_keep_a_meaningful_digit() -> None:
    assert [_share(x) for x in (0.123, 0.0005, 0.00001, 0)] == ["12.3 %", "0.05 %", "< 0.01 %", "0 %"]
