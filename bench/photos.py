"""End-to-end ``classify`` on camera-sized JPEGs: full decode against decode-at-the-needed-size.

    PYTHONPATH=. .venv/bin/python bench/photos.py --count 24 --rounds 2
    PYTHONPATH=. .venv/bin/python bench/photos.py --arch resnet50 --backend onnx-int8

Generates ``--count`` photo-like JPEGs (``core.shapes.render_photo``, 12 MP by default) and
times ``Classifier.classify`` on the folder with ``exact_decode=True`` (today's path) and the
default reduced-scale decode, in interleaved rounds; start-up and model loading are excluded.
It also reports how often both give the same top-1, and, for ``--arch resnet50`` (random
weights), the forward-only rate of the same backend: the pipeline should keep the model busy.
Targets (issue 15): bundled model >= 2.5 x faster end to end; ResNet-50 end to end >= 0.9 x
forward-only.
"""

from __future__ import annotations

import argparse
import json
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
    paths = []
    for i in range(count):
        path = folder / f"photo_{i:03d}.jpg"
        label = i % len(CLASSES)
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


def forward_only(classifier: Classifier, batch_size: int, repeats: int = 4) -> float:
    batch = torch.randn(batch_size, 3, classifier.meta.crop_size, classifier.meta.crop_size)
    classifier._probabilities(batch)
    start = time.perf_counter()
    for _ in range(repeats):
        classifier._probabilities(batch)
    return repeats * batch_size / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--size", type=int, nargs=2, default=[4000, 3000], metavar=("W", "H"))
    parser.add_argument("--arch", default=None, help="random weights of this arch (default: bundled)")
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    exact, fast = classifiers(args.arch, args.backend)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_photos(folder, args.count, tuple(args.size))
        fast.classify(paths[: args.batch_size], batch_size=args.batch_size)  # warm-up
        rates: dict[str, list[float]] = {"exact": [], "reduced": []}
        tops: dict[str, list[int]] = {}
        for _ in range(args.rounds):
            for name, classifier in (("exact", exact), ("reduced", fast)):
                start = time.perf_counter()
                results = classifier.classify([folder], top_k=1, batch_size=args.batch_size)
                rates[name].append(len(results) / (time.perf_counter() - start))
                assert all(r.ok for r in results)
                tops[name] = [r.top.index for r in results]
    same = sum(a == b for a, b in zip(tops["exact"], tops["reduced"], strict=True))
    median = {name: statistics.median(values) for name, values in rates.items()}
    report = {
        "model": args.arch or "bundled",
        "backend": args.backend,
        "photos": args.count,
        "size": args.size,
        "img_per_s": {k: round(v, 2) for k, v in median.items()},
        "speed_up": round(median["reduced"] / median["exact"], 2),
        "top1_agreement": f"{same}/{args.count}",
    }
    if args.arch:
        rate = forward_only(fast, args.batch_size)
        report["forward_only_img_per_s"] = round(rate, 2)
        report["end_to_end_vs_forward"] = round(median["reduced"] / rate, 2)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
