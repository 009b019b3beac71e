"""Take docs/screenshot-teach.png (training in progress: cards, plan, live plot) and
docs/screenshot-teach-results.png (per-class precision/recall and the confusion matrix), from the
real Train New Model window under a virtual X server.

    Xvfb :93 -screen 0 1280x800x24 & DISPLAY=:93 .venv/bin/python bench/teach_screenshots.py

Renders four classes of letters (A, B, C, D in Pillow's default font, placed, sized and tinted at
random, 14 each) into a temporary folder, picks it as the class folder, trains with the plan's
defaults (input 64 px, 8 epochs, to be quick), captures the window during the third epoch of
fine-tuning and again on the Results tab, with ImageMagick's ``import -window ID``. The models go
to a temporary data folder.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LETTERS = "ABCD"
PER_CLASS = 14
SIDE = 96


def render(folder: Path, seed: int = 0) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    for letter in LETTERS:
        (folder / letter).mkdir(parents=True, exist_ok=True)
        for i in range(PER_CLASS):
            bg = tuple(rng.randint(200, 255) for _ in range(3))
            ink = tuple(rng.randint(0, 90) for _ in range(3))
            image = Image.new("RGB", (SIDE, SIDE), bg)
            font = ImageFont.load_default(size=rng.randint(44, 70))
            draw = ImageDraw.Draw(image)
            left, top, right, bottom = draw.textbbox((0, 0), letter, font=font)
            x = rng.randint(0, max(0, SIDE - (right - left))) - left
            y = rng.randint(0, max(0, SIDE - (bottom - top))) - top
            draw.text((x, y), letter, fill=ink, font=font)
            image.rotate(rng.uniform(-20, 20), fillcolor=bg).save(folder / letter / f"{letter}{i:02d}.png")
    return folder


def main(docs: Path) -> int:
    work = Path(tempfile.mkdtemp(prefix="teach-shots-"))
    os.environ["RESLENS_DATA"] = str(work / "data")
    from PySide6.QtCore import QTimer

    from gui.app import create_application

    app, _ = create_application([])
    from gui.teach.window import TeachWindow

    window = TeachWindow()
    window.resize(1240, 760)
    window.move(window.screen().availableGeometry().topLeft())  # all of it on the 1280×800 screen
    window.show()
    window.classes.use_folder(render(work / "letters"))
    window.name_edit.setText("Letters")
    state = {"shot": False}

    def capture(out: Path) -> None:
        subprocess.run(["import", "-window", str(int(window.winId())), str(out)], check=True)
        print("wrote", out, flush=True)

    def wait(condition, then, delay_ms: int = 400) -> None:
        def poll() -> None:
            if condition():
                QTimer.singleShot(delay_ms, then)
            else:
                QTimer.singleShot(100, poll)

        poll()

    def start() -> None:
        panel = window.plan_panel
        panel.advanced.setChecked(True)
        panel.fields["input_size"].setValue(64)
        panel.fields["epochs"].setValue(8)
        wait(lambda: window.plan is not None and window.plan.config.input_size == 64, train)

    def train() -> None:
        window.start_training()
        window.trainer.progress.connect(on_progress)
        wait(lambda: window.outcome is not None, results, 800)

    def on_progress(p) -> None:
        if p.stage == "fine-tune" and p.epoch == 3 and not state["shot"]:
            state["shot"] = True
            QTimer.singleShot(50, lambda: capture(docs / "screenshot-teach.png"))

    def results() -> None:
        capture(docs / "screenshot-teach-results.png")
        window.close()
        app.quit()

    wait(lambda: window.plan is not None, start)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(ROOT / "docs"))
