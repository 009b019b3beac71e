"""``reslens [PATH ...]``: start the desktop app, with those files or folders queued.

The window is shown before torch is imported (the inference worker imports it), so start-up
costs Qt's import and the window's construction only.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from core import __version__, edition
from core.paths import asset
from gui.gui_thread_gc import GuiThreadCollector
from gui.i18n import arg
from gui.language import CHINESE, current_language, install_translators, missing_font_message, ui_language
from gui.lazy import keep_triton_out
from gui.settings import Settings

if TYPE_CHECKING:
    from gui.main_window import MainWindow

APP_NAME = "ResLens"
CRASH_LOG = "crash.log"
CRASH_LOG_MAX = 1 << 20  # bytes; an older log is started afresh
FAULT_MARK = "Fatal Python error"
_crash_file: TextIO | None = None  # kept open: faulthandler writes to its descriptor on a crash


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reslens", description="ResLens: classify images with a ResNet, in a window."
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="images or folders to classify")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the installation (bundled model, samples, architecture, window), print one "
        "line of JSON and exit 0 only if all of it worked",
    )
    return parser


def create_application(argv: Sequence[str]) -> tuple[QApplication, list[str]]:
    """The QApplication and the arguments left once Qt has taken its own (e.g. ``-platform``)."""
    # torch's OpenMP threads spin after each parallel region by default. Here they share two or
    # four cores with the GUI thread, the decode threads and a training run, and the spinning took
    # the CPU those needed (a training run in the window took 42 s instead of 11 s). libgomp reads
    # this when torch is first imported, which is later, in a worker thread.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # Qt calls into Python (a model's data(), a delegate, a slot) hundreds of times a frame, and
    # each call takes the GIL anew. When a worker thread is running Python (torch modules'
    # dispatch, decoding, training) each take can wait the whole switch interval (5 ms): frames of
    # 100 ms and more. 1 ms bounds that wait; the workers' Python costs a little more switching.
    sys.setswitchinterval(0.001)
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0], *argv])
        argv = app.arguments()[1:]
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("reslens")
    app.setWindowIcon(app_icon())
    if app.findChild(GuiThreadCollector) is None:  # worker threads must never run the collector
        GuiThreadCollector(app)
    # Every window (the main one, Train New Model, a benchmark's) translates its strings as it is
    # built, and English needs its catalogue too (plural forms): so the translators go in here,
    # once the names that locate the settings are set.
    install_translators(app, ui_language(Settings().language))
    return app, list(argv)  # type: ignore[return-value]


def app_icon() -> QIcon:
    """The app icon at every size drawn (``reslens-<size>.png``), else the scalable one."""
    icon = QIcon()
    for png in sorted(asset("icons").glob("reslens-*.png")):
        icon.addFile(str(png))
    svg = asset("icons", "reslens.svg")
    if icon.isNull() and svg.exists():
        icon = QIcon(str(svg))
    return icon


def enable_crash_log(folder: Path | None = None) -> tuple[Path, bool]:
    """Send faulthandler's report of a crash (segfault, abort; every thread's Python stack) to
    ``crash.log`` in the app's data folder. Returns the log and whether the last run crashed."""
    global _crash_file
    if folder is None:
        from PySide6.QtCore import QStandardPaths

        location = QStandardPaths.StandardLocation.AppDataLocation
        folder = Path(QStandardPaths.writableLocation(location))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CRASH_LOG
    previous = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    crashed = FAULT_MARK in previous.rsplit("--- ResLens", 1)[-1]
    mode = "w" if len(previous) > CRASH_LOG_MAX else "a"
    _crash_file = path.open(mode, encoding="utf-8")
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    _crash_file.write(f"--- ResLens {__version__} started {stamp}, pid {os.getpid()}\n")
    _crash_file.flush()
    faulthandler.enable(_crash_file, all_threads=True)
    return path, crashed


def open_main_window(settings: Settings | None = None) -> MainWindow:
    """The main window, in the language :func:`create_application` installed (every widget
    translates its strings as it is built). A Chinese interface without a font for Chinese says
    what to install."""
    from gui.main_window import MainWindow

    window = MainWindow(settings if settings is not None else Settings())
    font_missing = missing_font_message() if current_language() == CHINESE else ""
    if font_missing:
        window.message.show_message(font_missing, "warning")
    return window


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    edition.enforce()  # RESLENS_EDITION=lite: run as the Lite bundle would (torch refused)
    if "--self-test" in argv:  # before any QApplication: the self-test picks its own platform
        from gui.selftest import main as self_test

        return self_test(argv)
    app, remaining = create_application(argv)
    args = build_parser().parse_args(remaining)  # the command line stays English (scripts read it)
    keep_triton_out()  # before torch: see gui.lazy (a segfault with Mesa's LLVM loaded)
    log, crashed = enable_crash_log()
    window = open_main_window()
    window.show()
    if crashed:
        text = QCoreApplication.translate(
            "App",
            "ResLens stopped unexpectedly last time. What it was doing is in %1; "
            "please attach that file to a bug report.",
        )
        window.message.show_message(arg(text, log), "warning")
    if args.paths:
        window.queue_paths(args.paths)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
