"""Take docs/screenshot.png: the real window under a virtual X server, samples classified.

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python bench/gui_screenshot.py docs/screenshot.png

Starts the window as ``reslens`` does (on temporary settings), classifies the bundled samples,
opens the architecture panel on a selected block, waits for the thumbnails, then captures the
X screen with ImageMagick's ``import -window root``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(out: Path) -> int:
    from PySide6.QtCore import QItemSelectionModel, QSettings, QTimer

    from core.paths import samples_dir
    from gui.app import create_application

    app, _ = create_application([])
    from gui.arch_model import ArchRole
    from gui.main_window import MainWindow
    from gui.settings import Settings

    settings = Settings(QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings)
    screen = app.primaryScreen().availableGeometry()
    window.setGeometry(screen)
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
        thumbs = not window.thumbnails.busy  # those of the rows on screen
        return rows > 0 and not window.engine.busy and thumbs and panel.shown_key is not None

    def poll() -> None:
        if not ready():
            QTimer.singleShot(200, poll)
            return
        select_block()
        window.results_view.table.clearSelection()
        QTimer.singleShot(800, capture)

    def capture() -> None:
        subprocess.run(["import", "-window", "root", str(out)], check=True)
        print("wrote", out)
        window.close()
        app.quit()

    QTimer.singleShot(500, poll)
    return app.exec()


if __name__ == "__main__":
    if not os.environ.get("DISPLAY"):
        raise SystemExit("run under an X server, e.g. xvfb-run (see the docstring)")
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png")))
