"""Take docs/screenshot-cam.png (a preview showing a Grad-CAM) and docs/screenshot-sketch.png
(the sketch pad with a drawn star), from the real window under a virtual X server.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python bench/explain_screenshots.py

It runs in a fresh temporary HOME (and XDG_CONFIG_HOME), so no settings of the machine leak in,
with the sample copied to ``$HOME/Pictures`` and given by a relative path, so the window shows
``Pictures/star-drawn.jpg`` rather than the checkout's path.

Classifies a bundled sample, opens its preview with the map at ``CAM_LAYER`` (as if chosen in the
architecture tree), waits for the worker's map, and captures
that window with ImageMagick's ``import -window ID``; then opens View ▸ Sketch, draws a star with
mouse events (as the test does), waits for the live answer and captures the pad.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CAM_LAYER = "layer4"
SAMPLE = "star-drawn.jpg"


def main(docs: Path) -> int:
    from PySide6.QtCore import QSettings, QTimer

    from core.paths import samples_dir
    from gui.app import create_application

    app, _ = create_application([])
    from gui.main_window import MainWindow
    from gui.settings import Settings
    from tests.gui.test_sketch import draw, star_points

    home = Path(os.environ["HOME"])
    (home / "Pictures").mkdir(exist_ok=True)
    shutil.copy(samples_dir() / SAMPLE, home / "Pictures" / SAMPLE)
    os.chdir(home)
    window = MainWindow(Settings(QSettings(str(home / "s.ini"), QSettings.Format.IniFormat)))
    window.show()
    window.queue_paths([Path("Pictures") / SAMPLE])
    state: dict = {}

    def capture(widget, out: Path) -> None:
        subprocess.run(["import", "-window", str(int(widget.winId())), str(out)], check=True)
        print("wrote", out)

    def wait(condition, then) -> None:
        def poll() -> None:
            if condition():
                QTimer.singleShot(600, then)
            else:
                QTimer.singleShot(200, poll)

        poll()

    def open_preview() -> None:
        window.results.flush()
        window.cams.set_layer(CAM_LAYER)
        dialog = window.open_preview(window.results.result(0))
        dialog.move(40, 40)
        dialog.cam.opacity.setValue(55)
        state["preview"] = dialog
        wait(lambda: dialog.cam.answer is not None and dialog._base is not None, shoot_preview)

    def shoot_preview() -> None:
        capture(state["preview"], docs / "screenshot-cam.png")
        state["preview"].close()
        pad = window.show_sketch()
        pad.move(40, 40)
        state["pad"] = pad
        QTimer.singleShot(500, lambda: draw(pad.canvas, star_points()))
        wait(lambda: bool(pad.predictions), shoot_pad)

    def shoot_pad() -> None:
        capture(state["pad"], docs / "screenshot-sketch.png")
        window.close()
        app.quit()

    wait(lambda: window.results.rowCount() > 0 or (window.results.flush() or False), open_preview)
    return app.exec()


if __name__ == "__main__":
    if not os.environ.get("DISPLAY"):
        raise SystemExit("run under an X server, e.g. xvfb-run (see the docstring)")
    os.environ["HOME"] = tempfile.mkdtemp(prefix="reslens-shots-")
    os.environ["XDG_CONFIG_HOME"] = str(Path(os.environ["HOME"]) / ".config")
    sys.exit(main(ROOT / "docs"))
