"""Images per second of ``reslens-cli batch``: ``--engine local``, and ``--engine ray`` with 1 and 2 workers.

Renders ``--images`` symbols (core.shapes, JPEG, ``--size`` px) and classifies them with the bundled
model into a fresh output folder per run, on one local Ray (``--cpus`` CPUs, no dashboard). For
each engine: one warm-up run on ``--probe`` images (first-time costs out), then the fastest of
``--repeat`` runs on ``--probe`` images (about the fixed cost of a run: model load; for Ray, actor
start, ``import torch`` and model load in every actor) and on all the images (end to end).

The steady rate of one worker is measured apart, without Ray: the batch pipeline in this process
with one torch thread and two decode threads, as one Ray actor with 1 CPU runs it, after warm-up.

    RAY_USAGE_STATS_ENABLED=0 .venv/bin/python bench/batch_scale.py --images 1000

The README's "At scale" section quotes these figures and estimates 10 million images from them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import torch

from core import shapes
from core.batch import BatchSpec, resolve_inputs
from core.batch.job import JobOptions, run_job
from core.batch.rows import Runner


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


def one_worker_rate(source: Path, spec: BatchSpec) -> float:
    """Steady images/s of the pipeline with one torch thread (one Ray actor with 1 CPU)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        runner = Runner(spec, decode_workers=2)
        sources = resolve_inputs(str(source))
        runner.rows(sources[:64])  # warm-up
        start = time.perf_counter()
        runner.rows(sources)
        return len(sources) / (time.perf_counter() - start)
    finally:
        torch.set_num_threads(threads)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--probe", type=int, default=16, help="images in the fixed-cost run")
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
    rows = []
    with tempfile.TemporaryDirectory(prefix="reslens-bench-") as tmp:
        root = Path(tmp)
        render(root / "all", args.images, args.size)
        render(root / "probe", args.probe, args.size)
        per_worker = one_worker_rate(root / "all", spec)
        print(json.dumps({"one_worker_steady_images_per_s": round(per_worker, 1)}), flush=True)
        from core.batch import ray_engine

        ray_engine.connect(None, num_cpus=args.cpus, object_store_bytes=400 * 2**20)
        try:
            for name, options in engines:
                timed(root / "probe", root / "out", spec, options)  # warm-up
                probe = min(timed(root / "probe", root / "out", spec, options) for _ in range(args.repeat))
                full = min(timed(root / "all", root / "out", spec, options) for _ in range(args.repeat))
                rows.append(
                    {
                        "engine": name,
                        "images": args.images,
                        "seconds": round(full, 1),
                        "images_per_s": round(args.images / full, 1),
                        f"seconds_for_{args.probe}": round(probe, 1),
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
        finally:
            import ray

            ray.shutdown()
    print(f"\n{'engine':<16}{'seconds':>9}{'images/s':>10}{f'{args.probe} images, s':>18}")
    for r in rows:
        print(
            f"{r['engine']:<16}{r['seconds']:>9}{r['images_per_s']:>10}{r[f'seconds_for_{args.probe}']:>18}"
        )
    print(f"one worker (1 torch thread, no Ray), steady: {per_worker:.1f} images/s")
    print(
        f"({os.cpu_count()} CPUs seen, {args.size}px JPEGs, batch {args.batch_size}, "
        f"bundled ResNet-18 at 64 px; load average (1 min) {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end)"
    )


if __name__ == "__main__":
    main()
