"""Soak: the real window classifies thousands of small images end to end, and must survive.

    .venv/bin/python bench/gui_soak.py [--images 5000]

Why: PySide6 6.12.0 over-released a reference on every signal emission, and the app aborted
(SIGABRT, ``Fatal Python error: none_dealloc``) after a few thousand results (issue 10). This runs
the window the way ``reslens FOLDER`` does (offscreen unless ``QT_QPA_PLATFORM`` says otherwise,
fresh settings, the bundled model) on ``--images`` generated PNGs, through the worker thread,
and checks: every image has its row, none failed, the process exits 0, and the event loop never
stalls for more than 50 ms (a 10 ms precise timer ticks throughout). It prints the figures and
one JSON line, and exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gui_startup import run_once  # noqa: E402  (the measured child process lives there)

STALL_LIMIT_MS = 50.0


def make_small_images(folder: Path, count: int, size: int = 48) -> None:
    """``count`` distinct small PNGs (a gradient and a moving square), as a scanned folder might hold."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    ramp = np.linspace(0, 255, size, dtype=np.uint8)
    for i in range(count):
        pixels = np.zeros((size, size, 3), dtype=np.uint8)
        pixels[..., 0] = ramp[None, :]
        pixels[..., 1] = (i * 7) % 256
        pixels[..., 2] = ramp[:, None]
        x, y = (i * 5) % (size - 12), (i * 11) % (size - 12)
        pixels[y : y + 12, x : x + 12] = 255 - (i % 256)
        Image.fromarray(pixels).save(folder / f"img{i:05d}.png")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reslens-soak-") as tmp:
        folder = Path(tmp) / "images"
        made = time.perf_counter()
        make_small_images(folder, args.images)
        made = time.perf_counter() - made
        report = run_once(folder, Path(tmp) / "settings.ini")  # raises SystemExit on a crash
    report["requested"] = args.images
    report["platform"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    ok = (
        report["images"] == args.images
        and report["errors"] == 0
        and report["longest_stall_ms"] <= STALL_LIMIT_MS
    )
    report["ok"] = ok
    print(
        f"{report['images']} of {args.images} rows ({report['errors']} errors) in "
        f"{report['classify_s']:.1f} s ({report['images'] / report['classify_s']:.0f} img/s), "
        f"images made in {made:.1f} s; longest event-loop stall {report['longest_stall_ms']:.0f} ms "
        f"(limit {STALL_LIMIT_MS:.0f}), after the first result "
        f"{report['longest_stall_after_first_ms']:.0f} ms (GUI thread working at most "
        f"{report['longest_gui_work_after_first_ms']:.0f} ms of it), "
        f"p99 tick gap {report['p99_gap_ms']:.0f} ms; "
        f"peak RSS {report['peak_rss_mb']:.0f} MB; process exited 0"
    )
    print(json.dumps(report))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
