"""Throughput of ResLens' classify pipeline against forward passes alone and a plain user loop.

Generates a folder of photo-sized JPEGs, then measures on one device, with ResNet-50:

  (a) forward passes alone on pre-made tensors (the ceiling: no decoding at all),
  (b) ``Classifier.classify`` on the folder, end to end (decode, preprocess, batch, top-k),
  (c) the loop a user would write: Pillow open, torchvision's transforms, torchvision's
      resnet50, one image at a time under ``torch.no_grad()``.

Targets on 2 CPU cores: (b) >= 0.9 x (a) and (b) >= 1.3 x (c).

    .venv/bin/python bench/inference_throughput.py --images 128 --batch-size 16
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torchvision
from PIL import Image, ImageFilter

from core.devices import resolve_device
from core.inference import Classifier
from core.metadata import ModelMeta
from core.resnet import resnet50


def make_photos(folder: Path, count: int, size: tuple[int, int] = (640, 480)) -> list[Path]:
    """Smooth random colour fields with detail: JPEG-compressible like photos, unlike pure noise."""
    rng = np.random.default_rng(0)
    paths = []
    for i in range(count):
        small = rng.integers(0, 255, (size[1] // 16, size[0] // 16, 3), dtype=np.uint8)
        image = Image.fromarray(small).resize(size, Image.Resampling.BICUBIC)
        noise = rng.normal(0, 12, (size[1], size[0], 3))
        pixels = np.clip(np.asarray(image, np.float32) + noise, 0, 255).astype(np.uint8)
        path = folder / f"photo_{i:04d}.jpg"
        Image.fromarray(pixels).filter(ImageFilter.DETAIL).save(path, quality=90)
        paths.append(path)
    return paths


def forward_only(classifier: Classifier, count: int, batch_size: int) -> float:
    batch = torch.randn(batch_size, 3, classifier.meta.crop_size, classifier.meta.crop_size)
    batch = batch.contiguous(memory_format=torch.channels_last).to(classifier.device)
    with torch.inference_mode():
        classifier.model(batch)  # warm-up
        start = time.perf_counter()
        done = 0
        while done < count:
            classifier.model(batch)
            done += batch_size
        _sync(classifier.device)
    return done / (time.perf_counter() - start)


def end_to_end(classifier: Classifier, folder: Path, count: int, batch_size: int) -> float:
    classifier.classify(sorted(folder.iterdir())[:batch_size], batch_size=batch_size)  # warm-up
    start = time.perf_counter()
    results = classifier.classify([folder], batch_size=batch_size)
    elapsed = time.perf_counter() - start
    assert len(results) == count and all(r.ok for r in results)
    return count / elapsed


def plain_loop(paths: list[Path], device: torch.device) -> float:
    weights = torchvision.models.ResNet50_Weights.IMAGENET1K_V1
    model = torchvision.models.resnet50(weights=None).eval().to(device)
    preprocess = weights.transforms()
    with torch.no_grad():
        model(preprocess(Image.open(paths[0]).convert("RGB"))[None].to(device))  # warm-up
        start = time.perf_counter()
        for path in paths:
            image = Image.open(path).convert("RGB")
            logits = model(preprocess(image)[None].to(device))
            torch.softmax(logits, dim=1).topk(5)
        _sync(device)
    return len(paths) / (time.perf_counter() - start)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--images", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()

    device = resolve_device(args.device)
    meta = ModelMeta(arch="resnet50", categories=tuple(f"class {i}" for i in range(1000)))
    torch.manual_seed(0)
    classifier = Classifier(resnet50(), meta, device)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_photos(folder, args.images)
        a = forward_only(classifier, args.images, args.batch_size)
        b = end_to_end(classifier, folder, args.images, args.batch_size)
        c = plain_loop(paths, device)
    print(f"device: {device}, torch threads: {torch.get_num_threads()}, images: {args.images} (640x480 JPEG)")
    print(f"(a) forward only, batch {args.batch_size}:        {a:7.2f} img/s")
    print(f"(b) ResLens classify, end to end:     {b:7.2f} img/s")
    print(f"(c) plain loop, torchvision, batch 1: {c:7.2f} img/s")
    print(f"b/a = {b / a:.2f} (target >= 0.90)   b/c = {b / c:.2f} (target >= 1.30)")


if __name__ == "__main__":
    main()
