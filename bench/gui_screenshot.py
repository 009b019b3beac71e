"""Take docs/screenshot.png: the real window under a virtual X server, samples classified.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python bench/gui_screenshot.py docs/screenshot.png
    xvfb-run -a -s "-screen 0 800x500x24" .venv/bin/python bench/gui_screenshot.py small.png --fill
    QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python bench/gui_screenshot.py x2.png

Starts the window as ``reslens`` does (on temporary settings, or a copy of ``--settings FILE``:
e.g. a 0.1.0 file choosing ImageNet weights offline, to show the banner), at the size a first
window takes on that screen (``--fill``: the whole screen), classifies the bundled samples,
opens the architecture panel on a selected block, waits for the thumbnails, then captures the
X screen with ImageMagick's ``import -window root``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(out: Path, fill: bool = False, settings_file: Path | None = None) -> int:
    from PySide6.QtCore import QItemSelectionModel, QSettings, QTimer

    from core.paths import samples_dir
    from gui.app import create_application

    app, _ = create_application([])
    from gui.arch_model import ArchRole
    from gui.main_window import MainWindow
    from gui.settings import Settings

    ini = Path(tempfile.mkdtemp()) / "s.ini"
    if settings_file is not None:
        shutil.copy(settings_file, ini)
    window = MainWindow(Settings(QSettings(str(ini), QSettings.Format.IniFormat)))
    if fill:
        window.setGeometry(app.primaryScreen().availableGeometry())
    window.show()
    window.queue_paths([samples_dir()])
    panel = window.arch_panel

    def select_block() -> None:
        proxy = panel.proxy
        stage = proxy.index(2, 0, proxy.index(0, 0))  # layer2
        panel.tree.expand(stage)
        block = proxy.index(0, 0, stage)  # layer2.0, the block that downsamples
        panel.tree.expand(block)
        panel.tree.selectionModel().setCurrentIndex(
            block, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        panel.tree.scrollTo(proxy.index(0, 0))
        print("selected", block.data(ArchRole.NODE).name)

    def ready() -> bool:
        rows = window.results.rowCount()
        thumbs = not window.results.thumbnails.busy  # those of the rows on screen
        idle = not window.engine.busy and not window.models.view.busy
        return rows > 0 and idle and thumbs and panel.shown_key is not None

    def poll() -> None:
        if not ready():
            QTimer.singleShot(200, poll)
            return
        select_block()
        window.results_view.table.clearSelection()
        QTimer.singleShot(800, capture)

    def capture() -> None:
        subprocess.run(["import", "-window", "root", str(out)], check=True)
        size = window.size()
        print("wrote", out, f"window {size.width()}x{size.height()}, ratio {window.devicePixelRatioF()}")
        window.close()
        app.quit()

    QTimer.singleShot(500, poll)
    return app.exec()


if __name__ == "__main__":
    if not os.environ.get("DISPLAY"):
        raise SystemExit("run under an X server, e.g. xvfb-run (see the docstring)")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--fill", action="store_true", help="the window fills the screen")
    parser.add_argument("--settings", type=Path, help="start from a copy of this settings file")
    args = parser.parse_args()
    sys.exit(main(args.out, args.fill, args.settings))
