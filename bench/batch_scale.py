"""Images per second of ``reslens-cli batch``: ``--engine local``, and ``--engine ray`` with 1 and 2 workers.

Renders ``--images`` symbols (core.shapes, JPEG, ``--size`` px) and classifies them with the bundled
model into a fresh output folder per run, on one local Ray (``--cpus`` CPUs, no dashboard). Each
engine also runs on ``--probe`` images, so the figures separate the fixed start-up (model load;
for Ray, actor start, ``import torch`` and model load in every actor) from the steady rate (the fastest of
``--repeat`` runs counts, the machine being shared):

    steady images/s = (images - probe) / (seconds(images) - seconds(probe))

    RAY_USAGE_STATS_ENABLED=0 .venv/bin/python bench/batch_scale.py --images 1000

The README's "At scale" section quotes these figures and derives its 10-million-image estimate
from the steady rate per worker.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from core import shapes
from core.batch import BatchSpec
from core.batch.job import JobOptions, run_job


def render(folder: Path, count: int, size: int) -> None:
    per_class = -(-count // len(shapes.CLASSES))
    shapes.write_dataset(folder, seed=2017, per_class=per_class, size=size, ext="jpg", workers=2)
    for extra in sorted(folder.rglob("*.jpg"))[count:]:
        extra.unlink()


def timed(source: Path, out: Path, spec: BatchSpec, options: JobOptions) -> float:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    report = run_job(str(source), str(out), spec, options)
    elapsed = time.perf_counter() - start
    assert report.complete and report.failed_total == 0, report
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--probe", type=int, default=64, help="images in the start-up probe run")
    parser.add_argument("--size", type=int, default=96, help="side of the rendered JPEGs")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each size; the fastest counts")
    args = parser.parse_args()

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    load_start = os.getloadavg()[0]
    spec = BatchSpec(device="cpu", batch_size=args.batch_size)
    engines = [
        ("local", JobOptions(engine="local")),
        ("ray, 1 worker", JobOptions(engine="ray", workers=1)),
        ("ray, 2 workers", JobOptions(engine="ray", workers=2)),
    ]
    with tempfile.TemporaryDirectory(prefix="reslens-bench-") as tmp:
        root = Path(tmp)
        render(root / "all", args.images, args.size)
        render(root / "probe", args.probe, args.size)
        from core.batch import ray_engine

        ray_engine.connect(None, num_cpus=args.cpus, object_store_bytes=400 * 2**20)
        rows = []
        try:
            for name, options in engines:
                timed(root / "probe", root / "out", spec, options)  # warm-up: first-time costs out
                probe = min(timed(root / "probe", root / "out", spec, options) for _ in range(args.repeat))
                full = min(timed(root / "all", root / "out", spec, options) for _ in range(args.repeat))
                # None where noise swamps the difference (the small run no faster than the big one)
                steady = (args.images - args.probe) / (full - probe) if full > probe else None
                workers = options.workers or 1
                rows.append(
                    {
                        "engine": name,
                        "images": args.images,
                        "seconds": round(full, 1),
                        "images_per_s": round(args.images / full, 1),
                        "startup_s": round(probe - args.probe / steady, 1) if steady else None,
                        "steady_images_per_s": round(steady, 1) if steady else None,
                        "steady_per_worker": round(steady / workers, 1) if steady else None,
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
        finally:
            import ray

            ray.shutdown()
    print(f"\n{'engine':<16}{'s':>7}{'img/s':>8}{'start-up s':>12}{'steady img/s':>14}{'per worker':>12}")
    for r in rows:
        print(
            f"{r['engine']:<16}{r['seconds']:>7}{r['images_per_s']:>8}{r['startup_s']!s:>12}"
            f"{r['steady_images_per_s']!s:>14}{r['steady_per_worker']!s:>12}"
        )
    print(
        f"({os.cpu_count()} CPUs seen, {args.size}px JPEGs, batch {args.batch_size}, "
        f"bundled ResNet-18 at 64 px; load average (1 min) {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end)"
    )


if __name__ == "__main__":
    main()
