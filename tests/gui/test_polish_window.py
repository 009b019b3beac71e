"""Issue 25, the main window: keyboard focus, and the layout on small and HiDPI screens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractSpinBox, QWidget

from gui.main_window import MainWindow


def tab_chain(window: MainWindow) -> list[QWidget]:
    """The widgets Tab visits, in order, from the window's start (hidden ones included)."""
    chain: list[QWidget] = []
    widget = window.nextInFocusChain()
    while widget is not window and len(chain) < 500:
        inner = isinstance(widget.parentWidget(), QAbstractSpinBox)  # a spin box's own line edit
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and not inner:
            chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def test_tab_reaches_the_toolbar_before_the_results_and_the_dock(window: MainWindow) -> None:
    chain = tab_chain(window)
    order = [chain.index(w) for w in (window.top_k, window.threshold.spin)]
    results = chain.index(window.results_view.filter_edit)
    dock = chain.index(window.arch_panel.search)
    assert max(order) < results < dock


def test_the_details_pane_shows_a_focus_ring(qtbot, window: MainWindow) -> None:
    details = window.arch_panel.details
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    before = details.grab().toImage()
    details.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(details.hasFocus)
    after = details.grab().toImage()
    highlight = details.palette().color(QPalette.ColorRole.Highlight)
    edge = after.pixelColor(0, after.height() // 2)
    assert edge == highlight and before.pixelColor(0, before.height() // 2) != highlight
