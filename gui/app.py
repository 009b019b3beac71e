"""``reslens [PATH ...]``: start the desktop app, with those files or folders queued.

The window is shown before torch is imported (the inference worker imports it), so start-up
costs Qt's import and the window's construction only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from core import __version__
from core.paths import asset

APP_NAME = "ResLens"


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
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0], *argv])
        argv = app.arguments()[1:]
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("reslens")
    app.setWindowIcon(app_icon())
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


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--self-test" in argv:  # before any QApplication: the self-test picks its own platform
        from gui.selftest import main as self_test

        return self_test(argv)
    app, remaining = create_application(argv)
    args = build_parser().parse_args(remaining)

    from gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if args.paths:
        window.queue_paths(args.paths)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
