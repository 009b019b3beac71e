"""End-to-end ``classify`` on camera-sized JPEGs: full decode against decode-at-the-needed-size.

    PYTHONPATH=. .venv/bin/python bench/photos.py --count 24 --rounds 2
    PYTHONPATH=. .venv/bin/python bench/photos.py --arch resnet50 --backend onnx-int8
    PYTHONPATH=. .venv/bin/python bench/photos.py --arch resnet50 --count 16 --no-exact --photos /tmp/p

Generates ``--count`` photo-like JPEGs (``core.shapes.render_photo``, 12 MP by default) and
times ``Classifier.classify`` on the folder with ``exact_decode=True`` (today's path) and the
default reduced-scale decode, in interleaved rounds; start-up and model loading are excluded.
It also reports how often both give the same top-1, and, for ``--arch resnet50`` (random
weights), the forward-only rate of the same backend, measured in every round right after the
end-to-end runs, so the ratio compares rates taken under the same machine load (the load average
is printed with them). On a machine shared with other jobs, the scheduler shares the cores by
thread, so a pipeline with decode threads gets a larger share than the forward pass alone and
wall-clock ratios can exceed 1; the CPU time per image (``cpu_ms_per_img``, all threads) is
reported beside them, and its ratio is what a dedicated, CPU-bound machine would show. With
OpenMP's default (active) waiting, torch's idle intra-op threads spin and the forward pass alone
is charged about twice its CPU time on a busy machine; run with ``OMP_WAIT_POLICY=PASSIVE`` there
for figures that compare. On a CPU the end-to-end rate is bounded by F / (F + D), F and D the
forward and the decode CPU time per image: decoding shares the cores the forward pass uses.
``--photos DIR`` keeps the generated photos for the next run;
``--no-exact`` skips the (slow) full-decode runs when only the ratio is wanted.
Targets (issue 15): bundled model >= 2.5 x faster end to end; ResNet-50 end to end >= 0.9 x
forward-only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import torch

from core.inference import Classifier
from core.metadata import ModelMeta
from core.resnet import build_resnet
from core.shapes import CLASSES, render_photo, sample_rng


def make_photos(folder: Path, count: int, size: tuple[int, int]) -> list[Path]:
    """``count`` photos in ``folder`` (those already there, of that size, are kept)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"photo_{i:03d}.jpg"
        label = i % len(CLASSES)
        if path.is_file():
            with Image.open(path) as existing:
                if existing.size == tuple(size):
                    paths.append(path)
                    continue
        render_photo(label, sample_rng(99, label, i), size).save(path, quality=90)
        paths.append(path)
    return paths


def classifiers(arch: str | None, backend: str) -> tuple[Classifier, Classifier]:
    if arch is None:
        from core.weights import load_weights

        loaded = load_weights(None)
        return (
            Classifier.from_loaded(loaded, backend=backend, exact_decode=True),
            Classifier.from_loaded(loaded, backend=backend),
        )
    torch.manual_seed(0)
    meta = ModelMeta(arch=arch, categories=tuple(f"class {i}" for i in range(1000)))
    model = build_resnet(arch, num_classes=1000).eval()
    return (
        Classifier(model, meta, backend=backend, exact_decode=True),
        Classifier(model, meta, backend=backend),
    )


def first_batch(classifier: Classifier, paths: list[Path], batch_size: int) -> torch.Tensor:
    """The first photos as the pipeline feeds them to the model (same values, same cost)."""
    from core.images import decode_for_model

    images = [decode_for_model(path, classifier.min_side)[0] for path in paths[:batch_size]]
    return torch.stack([classifier.transform(image) for image in images])


def forward_only(classifier: Classifier, batch: torch.Tensor, repeats: int = 4) -> tuple[float, float]:
    """(img/s, CPU seconds per image) of the forward pass alone on ``batch``, ``repeats`` times."""
    batch_size = len(batch)
    classifier._probabilities(batch)
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeats):
        classifier._probabilities(batch)
    images = repeats * batch_size
    return images / (time.perf_counter() - start), (time.process_time() - cpu) / images


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--size", type=int, nargs=2, default=[4000, 3000], metavar=("W", "H"))
    parser.add_argument("--arch", default=None, help="random weights of this arch (default: bundled)")
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--photos", type=Path, default=None, help="keep the photos in this folder")
    parser.add_argument("--no-exact", action="store_true", help="skip the full-decode runs")
    args = parser.parse_args()

    exact, fast = classifiers(args.arch, args.backend)
    runs = (("reduced", fast),) if args.no_exact else (("exact", exact), ("reduced", fast))
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.photos or Path(tmp)
        paths = make_photos(folder, args.count, tuple(args.size))
        fast.classify(paths[: args.batch_size], batch_size=args.batch_size)  # warm-up
        batch = first_batch(fast, paths, args.batch_size)
        rates: dict[str, list[float]] = {name: [] for name, _ in runs}
        cpu: dict[str, list[float]] = {name: [] for name, _ in runs}
        forward: list[float] = []
        forward_cpu: list[float] = []
        tops: dict[str, list[int]] = {}
        for _ in range(args.rounds):
            for name, classifier in runs:
                start, cpu_start = time.perf_counter(), time.process_time()
                results = classifier.classify(paths, top_k=1, batch_size=args.batch_size)
                rates[name].append(len(results) / (time.perf_counter() - start))
                cpu[name].append((time.process_time() - cpu_start) / len(results))
                assert all(r.ok for r in results)
                tops[name] = [r.top.index for r in results]
            if args.arch:
                rate, seconds = forward_only(fast, batch)
                forward.append(rate)
                forward_cpu.append(seconds)
    median = {name: statistics.median(values) for name, values in rates.items()}
    report = {
        "model": args.arch or "bundled",
        "backend": args.backend,
        "photos": args.count,
        "size": args.size,
        "img_per_s": {k: round(v, 2) for k, v in median.items()},
        "cpu_ms_per_img": {k: round(statistics.median(v) * 1000) for k, v in cpu.items()},
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": len(os.sched_getaffinity(0)),
    }
    if not args.no_exact:
        same = sum(a == b for a, b in zip(tops["exact"], tops["reduced"], strict=True))
        report["speed_up"] = round(median["reduced"] / median["exact"], 2)
        report["top1_agreement"] = f"{same}/{args.count}"
    if args.arch:
        rate = statistics.median(forward)
        report["forward_only_img_per_s"] = round(rate, 2)
        report["end_to_end_vs_forward"] = round(median["reduced"] / rate, 2)
        report["per_round_ratio"] = [round(e / f, 2) for e, f in zip(rates["reduced"], forward, strict=True)]
        report["forward_only_cpu_ms_per_img"] = round(statistics.median(forward_cpu) * 1000)
        report["cpu_ratio_forward_vs_end_to_end"] = round(
            statistics.median(forward_cpu) / statistics.median(cpu["reduced"]), 2
        )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
