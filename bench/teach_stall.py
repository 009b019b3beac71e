"""How long the Train New Model window's event loop stalls while a model trains.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/teach_stall.py [--epochs 6]

Trains the letters of ``bench/teach_screenshots.py`` (4 classes x 14, 64 px) through the window
(plan, Advanced overrides, Train) while a 5 ms QTimer ticks in the GUI thread; prints the gaps
between ticks during the run (median, p99, max, how many over 50 ms) as one JSON object. Each gap
over 5 ms is time the window could not repaint or answer a click. The issue's goal: < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TICK_MS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="teach-stall-"))
    os.environ["RESLENS_DATA"] = str(work / "data")
    from PySide6.QtCore import QTimer

    from gui.app import create_application

    app, _ = create_application([])  # the app's own settings (switch interval, OpenMP's waiting)
    from bench.teach_screenshots import render
    from gui.teach.window import TeachWindow

    window = TeachWindow()
    window.show()
    window.classes.use_folder(render(work / "letters"))
    gaps: list[float] = []
    last: list[float] = []

    def tick() -> None:
        now = time.perf_counter()
        if last and window.trainer.running:
            gaps.append(now - last[0])
        last[:] = [now]

    timer = QTimer(interval=TICK_MS, timeout=tick)
    timer.start()

    def when(condition, then) -> None:
        QTimer.singleShot(100, lambda: then() if condition() else when(condition, then))

    def configure() -> None:
        panel = window.plan_panel
        panel.advanced.setChecked(True)
        panel.fields["input_size"].setValue(64)
        panel.fields["epochs"].setValue(args.epochs)
        when(lambda: window.plan is not None and window.plan.config.epochs == args.epochs, train)

    def train() -> None:
        window.start_training()
        when(lambda: not window.trainer.running, report)

    def report() -> None:
        g = sorted(gaps)
        print(json.dumps({
            "ticks": len(g),
            "median_ms": round(1000 * g[len(g) // 2], 1),
            "p99_ms": round(1000 * g[int(len(g) * 0.99)], 1),
            "max_ms": round(1000 * g[-1], 1),
            "over_50ms": sum(x > 0.05 for x in g),
            "cpus": os.cpu_count(),
            "load_1min": round(os.getloadavg()[0], 2),
        }))  # fmt: skip
        window.close()
        app.quit()

    when(lambda: window.plan is not None, configure)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
