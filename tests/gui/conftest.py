"""GUI test fixtures: a window on temporary settings, drops, and waiting for the worker."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from gui.gui_thread_gc import GuiThreadCollector
from gui.language import SYSTEM, install_translators, ui_language
from gui.main_window import MainWindow
from gui.settings import Settings
from gui.teach.window import TeachWindow

LOAD_TIMEOUT_MS = 120_000  # the first window of a session imports torch
RUN_TIMEOUT_MS = 120_000


@pytest.fixture(scope="session", autouse=True)
def _settings_sandbox(tmp_path_factory: pytest.TempPathFactory, qapp: QApplication) -> None:
    """Nothing a test does may reach the user's settings, even through a bare ``QSettings()``;
    the interface speaks English, as ``gui.app.main`` sets it up (with English plural forms)."""
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
    QApplication.setOrganizationName("ResLens-tests")
    QApplication.setApplicationName("ResLens-tests")
    install_translators(qapp, ui_language(SYSTEM))  # English: tests/conftest.py sets RESLENS_LANG=en


@pytest.fixture(scope="session", autouse=True)
def _collect_in_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As ``gui.app.create_application`` sets it up: the cyclic collector runs in the GUI thread
    only, never in a worker that frees a Qt object (see ``gui.gui_thread_gc``)."""
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()


@pytest.fixture(autouse=True)
def _empty_clipboard_after_each_test(qapp: QApplication) -> Iterator[None]:
    """A QMimeData made in Python and still on the clipboard when the process exits makes the
    interpreter's shutdown crash (segmentation fault, exit 139), so no test may leave one there.

    This is not the 6.12.0 signal over-release of issue 10: ten lines (QApplication, a Python
    QMimeData with a URL on the clipboard, exit) crash on 6.11.3 and 6.12.0 alike, while
    ``clipboard().setText()`` exits cleanly on both. The app itself only ever sets plain text."""
    yield
    qapp.clipboard().clear()


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "reslens.ini"


def make_settings(path: Path) -> Settings:
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))


def open_window(qtbot, settings_file: Path) -> MainWindow:
    """A shown window whose model has loaded."""
    window = MainWindow(make_settings(settings_file))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model_info is not None, timeout=LOAD_TIMEOUT_MS)
    return window


@pytest.fixture
def window(qtbot, settings_file: Path) -> Iterator[MainWindow]:
    window = open_window(qtbot, settings_file)
    yield window
    for teach in window.findChildren(TeachWindow):  # a test that failed mid-run: no question
        teach.confirm_discard = lambda: True
    window.close()


def wait_idle(qtbot, window: MainWindow) -> None:
    """Until every queued classification has finished and its rows are in the model."""
    qtbot.waitUntil(lambda: not window.engine.busy, timeout=RUN_TIMEOUT_MS)


def drop_paths(target: QWidget, paths: Sequence[Path]) -> QDropEvent:
    """Drag ``paths`` (as file URLs) over ``target`` and drop them, as a file manager does."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = target.rect().center()  # QDragEnterEvent takes a QPoint, QDropEvent a QPointF
    enter = QDragEnterEvent(
        centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(centre),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, drop)
    return drop


def sample_files() -> list[Path]:
    """The bundled sample images, as a folder walk finds them."""
    from core.images import iter_image_files
    from core.paths import samples_dir

    return list(iter_image_files([samples_dir()]))


def make_images(folder: Path, count: int, size: int = 64) -> list[Path]:
    """``count`` small distinct JPEGs (no two alike, so none can be skipped as a duplicate)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        colour = ((i * 37) % 256, (i * 91) % 256, (i * 53) % 256)
        path = folder / f"img{i:04d}.jpg"
        Image.new("RGB", (size, size), colour).save(path, quality=85)
        paths.append(path)
    return paths
