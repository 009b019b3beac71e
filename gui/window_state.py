"""The window's size and docks: a first size that fits the screen, restored geometry kept on it.

A saved geometry may come from another screen (a laptop now without its monitor) and a saved
dock width from a smaller window; both are clamped so the window and its columns stay usable.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from gui.settings import Settings

FIRST_SIZE = (1200, 760)
SCREEN_SHARE = 0.9  # a first window takes at most this much of the available screen
DOCK_SHARE = 0.42  # the architecture dock takes at most this much of the window's width
DOCK_MIN = 300  # narrower and the tree is mostly scrolling


def restore_window(window: QMainWindow, settings: Settings, dock: QDockWidget) -> None:
    geometry, state = settings.geometry, settings.window_state
    readable = isinstance(geometry, QByteArray) and not geometry.isEmpty()
    if readable and window.restoreGeometry(geometry):
        _clamp_to_screen(window)
    else:  # a first start, or a saved geometry Qt cannot read (another version, a hand edit)
        fit_to_screen(window, FIRST_SIZE)
    if isinstance(state, QByteArray) and not state.isEmpty():
        window.restoreState(state)
    fit_dock(window, dock)


def fit_to_screen(window: QWidget, size: tuple[int, int]) -> None:
    """``size``, or less on a smaller screen: at most ``SCREEN_SHARE`` of the available area,
    centred on it, so no button starts off-screen."""
    area = _available(window)
    width = min(size[0], int(area.width() * SCREEN_SHARE))
    height = min(size[1], int(area.height() * SCREEN_SHARE))
    window.resize(width, height)
    window.move(area.center().x() - width // 2, area.center().y() - height // 2)


def fit_dock(window: QMainWindow, dock: QDockWidget) -> None:
    """A dock width between what its columns need and a share of the window."""
    width = max(DOCK_MIN, min(int(window.width() * DOCK_SHARE), 600))
    window.resizeDocks([dock], [width], Qt.Orientation.Horizontal)


def save_window(window: QMainWindow, settings: Settings) -> None:
    settings.geometry = window.saveGeometry()
    settings.window_state = window.saveState()
    settings.sync()


def _available(window: QWidget) -> QRect:
    screen = window.screen() or QApplication.primaryScreen()
    return screen.availableGeometry() if screen else QRect(0, 0, *FIRST_SIZE)


def _clamp_to_screen(window: QMainWindow) -> None:
    area = _available(window)
    width, height = min(window.width(), area.width()), min(window.height(), area.height())
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    x = min(max(window.x(), area.left()), area.right() - width + 1)
    y = min(max(window.y(), area.top()), area.bottom() - height + 1)
    window.move(x, y)
