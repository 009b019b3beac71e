"""Issue 25, the main window: keyboard focus, and the layout on small and HiDPI screens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractSpinBox, QLabel, QToolBar, QWidget

from gui.main_window import MainWindow
from gui.results_model import Column
from gui.results_view import THUMBNAIL_SIZE
from tests.gui.conftest import wait_idle


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


def test_a_small_window_keeps_names_times_labels_and_the_tree_readable(qtbot, window: MainWindow) -> None:
    """683×384: a 1366×768 laptop screen at 200 % (the issue's QT_SCALE_FACTOR=2 case)."""
    window.resize(683, 384)
    window.intake.open_samples()
    wait_idle(qtbot, window)
    qtbot.wait(50)
    view = window.results_view
    table, header = view.table, view.table.horizontalHeader()
    # The Time column is whole, with no sideways scrolling.
    right = header.sectionViewportPosition(Column.TIME) + header.sectionSize(Column.TIME)
    assert right <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()
    # A name is never cut to "arr…jpg": beside its thumbnail with room, or wrapped under it.
    metrics = table.fontMetrics()
    name = metrics.horizontalAdvance("arrow-drawn.jpg")
    room = header.sectionSize(Column.IMAGE) - 12
    if view.thumbnail_delegate.stacked:
        assert name <= 2 * room
        assert table.rowHeight(0) >= THUMBNAIL_SIZE + 2 * metrics.lineSpacing()
    else:
        assert name <= room - THUMBNAIL_SIZE
    # "Top-k:" travels with its spin box (one toolbar item), and so does "Unknown below:".
    for field in (window.top_k, window.threshold.spin):
        labels = field.parentWidget().findChildren(QLabel)
        assert any(label.buddy() is field for label in labels)
        assert isinstance(field.parentWidget().parentWidget(), QToolBar)
    # The run's summary never runs under the counts.
    summary, counts = window.summary, window.status.counts
    assert summary.isVisible() and summary.full_text.startswith("Classified 24 images")
    summary_right = summary.mapTo(window, summary.rect().topRight()).x()
    assert summary_right < counts.mapTo(window, counts.rect().topLeft()).x()
    # The layer tree shows a few rows, not one and a half.
    tree = window.arch_panel.tree
    rows = tree.viewport().height() / max(tree.sizeHintForRow(0), 1)
    assert rows >= 3.5
