"""Screenshots of Help ▸ Why Residual? during a short run, from the real window under Xvfb.

    Xvfb :77 -screen 0 1280x800x24 & DISPLAY=:77 python bench/why_residual_screenshot.py /tmp/why.png
    RESLENS_LANG=zh_CN ... --size 800x500

Runs a short experiment (depths 8 and 20, ``--steps`` steps at 16 px, so the curves fill in a
minute) and grabs the whole screen with ImageMagick's ``import -window root`` once the run has
finished (or ``--at`` steps in), so the window's own frame and the menus' fonts are real.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    p.add_argument("--size", default="900x640", help="window size WxH")
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--at", type=int, help="take the picture at this step instead of at the end")
    args = p.parse_args()
    from PySide6.QtCore import QTimer

    from core.degradation import ExperimentConfig
    from gui.app import create_application

    app, _ = create_application([])
    from gui.residual import WhyResidualWindow

    config = ExperimentConfig(depths=(8, 20), steps=args.steps, size=16, per_class=40, device="cpu")
    window = WhyResidualWindow(None, config)
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.move(0, 0)
    window.show()

    def shoot() -> None:
        app.processEvents()
        subprocess.run(["import", "-window", "root", str(args.out)], check=True)
        window.close()
        app.quit()

    def on_progress(report: object) -> None:
        if args.at and getattr(report, "stage", "") == "train" and report.step == args.at:  # type: ignore[attr-defined]
            QTimer.singleShot(300, shoot)

    window.runner.progress.connect(on_progress)
    window.runner.finished.connect(lambda _: QTimer.singleShot(300, shoot))
    window.runner.failed.connect(lambda _: QTimer.singleShot(300, shoot))
    QTimer.singleShot(500, window.start)
    app.exec()
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
