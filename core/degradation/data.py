"""The experiment's images, held in memory as tensors: rendered shapes by default, or a folder.

Every net sees every image many times (300 steps of 64 is 32 epochs of 600 images), so the
images are prepared once, at the experiment's size, and kept as one float tensor; a step then
costs only the nets' own work. No augmentation: the experiment is about how well a net can fit
its training images (optimisation), not about how well it generalises.

Rendered shapes come from :func:`core.shapes.render_sample` with their own per-sample generators
(``core.shapes.sample_rng``), so a seed gives the same images on every machine; the held-out
images use sample indices the training images never use. A user's folder (one sub-folder per
class) is read with :mod:`core.images` through :func:`core.dataset.scan_class_folder`, as
training reads it, squashed to a square, and split per class by the seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import Tensor

from core.degradation import VAL_FRACTION
from core.images import load_rgb
from core.shapes import CLASSES, render_sample, sample_rng

VAL_INDEX_OFFSET = 1_000_000  # held-out shapes: sample indices training never reaches
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImageSets:
    """Normalised training and held-out images (N×3×S×S float) and their class indices."""

    classes: tuple[str, ...]
    train_x: Tensor
    train_y: Tensor
    val_x: Tensor
    val_y: Tensor


def _to_array(image: Image.Image, size: int) -> np.ndarray:
    if image.size != (size, size):
        image = image.resize((size, size), Image.Resampling.BILINEAR)
    return np.asarray(image.convert("RGB"), np.uint8)


def _normalised(train: np.ndarray, val: np.ndarray) -> tuple[Tensor, Tensor]:
    """Per-channel standardisation with the training images' statistics, channels first."""
    t = torch.from_numpy(train).permute(0, 3, 1, 2).float().div_(255)
    v = torch.from_numpy(val).permute(0, 3, 1, 2).float().div_(255)
    mean = t.mean(dim=(0, 2, 3), keepdim=True)
    std = t.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-3)
    return (t - mean) / std, (v - mean) / std


def _empty(size: int) -> np.ndarray:
    return np.zeros((0, size, size, 3), np.uint8)


def render_shapes(
    classes: Sequence[str],
    per_class: int,
    val_per_class: int,
    size: int,
    seed: int,
    on_progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> ImageSets | None:
    """Bundled shapes drawn on the fly (None when stopped while drawing)."""
    unknown = [c for c in classes if c not in CLASSES]
    if unknown:
        raise ValueError(f"unknown shapes {unknown}; choose from {', '.join(CLASSES)}")
    total = len(classes) * (per_class + val_per_class)
    train, val, train_y, val_y = [], [], [], []
    done = 0
    for offset, count, images, labels in (
        (0, per_class, train, train_y),
        (VAL_INDEX_OFFSET, val_per_class, val, val_y),
    ):
        for i in range(count):
            if should_stop():
                return None
            for c, name in enumerate(classes):
                rng = sample_rng(seed, CLASSES.index(name), offset + i)
                images.append(_to_array(render_sample(name, rng, size), size))
                labels.append(c)
            done += len(classes)
            if on_progress is not None and (i % 25 == 0 or i == count - 1):
                on_progress(done, total)
    train_x, val_x = _normalised(np.stack(train), np.stack(val) if val else _empty(size))
    return ImageSets(
        tuple(classes), train_x, torch.tensor(train_y), val_x, torch.tensor(val_y, dtype=torch.long)
    )


def read_folder(
    root: Path,
    size: int,
    seed: int,
    on_progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> ImageSets | None:
    """A user's folder, one sub-folder per class, read as training reads it; a ``VAL_FRACTION``
    of each class (at least one image, when the class has two or more) is held out."""
    from core.dataset import scan_class_folder

    found = scan_class_folder(root)
    rng = np.random.default_rng(seed)
    by_class: list[list[Path]] = [[] for _ in found.classes]
    for path, index in found.samples:
        by_class[index].append(path)
    total = len(found.samples)
    train, val, train_y, val_y = [], [], [], []
    done = 0
    for c, paths in enumerate(by_class):
        order = rng.permutation(len(paths))
        held = max(1, round(len(paths) * VAL_FRACTION)) if len(paths) >= 2 else 0
        for rank, k in enumerate(order):
            if should_stop():
                return None
            array = _to_array(load_rgb(paths[k]), size)
            (val if rank < held else train).append(array)
            (val_y if rank < held else train_y).append(c)
            done += 1
            if on_progress is not None and (done % 50 == 0 or done == total):
                on_progress(done, total)
    train_x, val_x = _normalised(np.stack(train), np.stack(val) if val else _empty(size))
    return ImageSets(
        found.classes, train_x, torch.tensor(train_y), val_x, torch.tensor(val_y, dtype=torch.long)
    )
