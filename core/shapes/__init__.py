"""An offline, seeded generator of everyday symbols: the training data of the bundled model.

The aim is a model that learns *shapes*, not the pixels of one renderer, so that it still
recognises a symbol printed in a font, drawn by hand or photographed. Every nuisance factor a
real picture has is randomised: colour, size, position, rotation, fill or outline (with any line
width), gradient/texture fills, borders, hand-drawn wobble, perspective, drop shadows, busy
backgrounds (gradients, fractal noise, paper, stripes, wood, blurred "photo" blobs), clutter
that is never itself a class symbol (thin lines, squiggles, specks, scribbled "text"), blur,
sensor noise and JPEG artefacts.

Shapes are built as vector outlines in unit coordinates, transformed (rotation, aspect,
perspective, wobble) as points, and rasterised once at 3x supersampling, so edges are clean at
any size and one sample takes a few milliseconds. Each sample draws from its own
``numpy.random.Generator`` seeded by ``(seed, class index, sample index)``, so a dataset is the
same for a seed whatever the number of worker processes. Pillow + numpy only.

Class definitions that keep the labels unambiguous: ``circle`` is always a solid disc (an
outlined circle *is* a ``ring``); ``ring`` is any annulus, thin or thick; ``cross`` is a plus
sign (rotated, a saltire); ``arrow`` is a block arrow or a stroked one.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

CLASSES: tuple[str, ...] = (
    "arrow",
    "circle",
    "crescent",
    "cross",
    "heart",
    "hexagon",
    "lightning",
    "pentagon",
    "ring",
    "square",
    "star",
    "triangle",
)
DEFAULT_SIZE = 96

# The package's modules, one job each: outlines (vector symbols and their geometry), paint
# (colour, texture, rasterising, clutter); this module composes one sample and writes datasets.
from core.shapes.outlines import SHAPES, Outline, Points, _place  # noqa: E402
from core.shapes.paint import (  # noqa: E402
    BACKGROUND_WEIGHTS,
    BACKGROUNDS,
    SUPERSAMPLE,
    _clutter,
    _contrasting_colour,
    _fill_layer,
    _pick_style,
    _shape_masks,
)

__all__ = [
    "BACKGROUNDS",
    "BACKGROUND_WEIGHTS",
    "CLASSES",
    "DEFAULT_SIZE",
    "SHAPES",
    "SUPERSAMPLE",
    "Outline",
    "Points",
    "iter_samples",
    "render_photo",
    "render_sample",
    "sample_rng",
    "write_dataset",
]

# --------------------------------------------------------------------------- one sample


def _compose(
    rng: np.random.Generator, bg: np.ndarray, body: np.ndarray, border: np.ndarray | None
) -> np.ndarray:
    """Lay shadow, fill and border over the background, colours chosen against what lies beneath."""
    weight = body.sum() + 1e-6
    under = (bg * body[..., None]).sum(axis=(0, 1)) / weight
    img = bg
    if rng.random() < 0.2:  # a drop shadow: a printed cut-out lying on a surface
        dx, dy = rng.integers(-4, 5, 2)
        shadow = np.roll(body, (int(dy), int(dx)), axis=(0, 1))
        shadow = (
            np.asarray(
                Image.fromarray((shadow * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(2)),
                np.float32,
            )
            / 255
        )
        img = img * (1 - 0.5 * shadow[..., None])
    fill = _fill_layer(rng, bg.shape[0], under)
    img = img * (1 - body[..., None]) + fill * body[..., None]
    if border is not None:
        colour = _contrasting_colour(rng, fill.reshape(-1, 3).mean(axis=0))
        img = img * (1 - border[..., None]) + colour * border[..., None]
    return img


def _degrade(rng: np.random.Generator, img: Image.Image) -> Image.Image:
    """Camera and print: exposure, blur, low resolution, sensor noise, JPEG."""
    arr = np.asarray(img, np.float32) / 255
    arr = np.clip((arr - 0.5) * rng.uniform(0.7, 1.2) + 0.5 + rng.uniform(-0.12, 0.12), 0, 1)
    arr = arr ** rng.uniform(0.75, 1.35)
    out = Image.fromarray((arr * 255).astype(np.uint8))
    if rng.random() < 0.4:
        out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.3)))
    if rng.random() < 0.2:
        small = max(int(out.width * rng.uniform(0.4, 0.8)), 16)
        out = out.resize((small, small), Image.Resampling.BILINEAR).resize(
            img.size, Image.Resampling.BILINEAR
        )
    if rng.random() < 0.5:
        noisy = np.asarray(out, np.float32) + rng.normal(0, rng.uniform(2, 14), (img.height, img.width, 3))
        out = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    if rng.random() < 0.5:
        buf = io.BytesIO()
        out.save(buf, format="JPEG", quality=int(rng.integers(20, 90)))
        out = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return out


def render_sample(label: str | int, rng: np.random.Generator, size: int = DEFAULT_SIZE) -> Image.Image:
    """One RGB image of ``size`` x ``size`` pixels showing the symbol ``label`` (a name or index)."""
    name = CLASSES[label] if isinstance(label, int) else label
    outline, side = _place(SHAPES[name](rng), rng, size)
    style = _pick_style(outline, rng)
    lw = rng.uniform(0.035, 0.15)
    body, border = _shape_masks(outline, side, size, style, lw)
    bg_fn = BACKGROUNDS[rng.choice(len(BACKGROUNDS), p=BACKGROUND_WEIGHTS / BACKGROUND_WEIGHTS.sum())]
    bg = np.clip(bg_fn(rng, size), 0, 1).astype(np.float32)
    if rng.random() < 0.6:
        canvas = Image.fromarray((bg * 255).astype(np.uint8))
        _clutter(rng, canvas, side, int(rng.integers(1, 6)))
        bg = np.asarray(canvas, np.float32) / 255
    img = Image.fromarray((np.clip(_compose(rng, bg, body, border), 0, 1) * 255).astype(np.uint8))
    if rng.random() < 0.25:  # a stray line in front: partial occlusion
        _clutter(rng, img, side * 0.5, 1)
    return _degrade(rng, img)


# --------------------------------------------------------------------------- datasets


def sample_rng(seed: int, class_index: int, index: int) -> np.random.Generator:
    """The generator of one sample: independent of order and of the number of workers."""
    return np.random.default_rng([seed, class_index, index])


def iter_samples(
    seed: int, per_class: int, size: int = DEFAULT_SIZE, classes: tuple[str, ...] = CLASSES
) -> Iterator[tuple[Image.Image, int]]:
    """(image, class index) pairs, class-interleaved, for in-memory evaluation sets."""
    for i in range(per_class):
        for c, name in enumerate(classes):
            yield render_sample(name, sample_rng(seed, CLASSES.index(name), i), size), c


def _write_one(task: tuple[str, int, int, int, str, int]) -> None:
    root, seed, class_index, index, ext, size = task
    name = CLASSES[class_index]
    img = render_sample(name, sample_rng(seed, class_index, index), size)
    path = Path(root) / name / f"{name}_{index:05d}.{ext}"
    if ext == "jpg":
        img.save(path, quality=94)
    else:
        img.save(path)


def write_dataset(
    root: Path | str,
    seed: int,
    per_class: int,
    size: int = DEFAULT_SIZE,
    classes: tuple[str, ...] = CLASSES,
    workers: int = 1,
    ext: str = "jpg",
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Render ``per_class`` images of each class into ``root/<class>/`` (torchvision ImageFolder).

    Pre-rendering to disk keeps the training loop busy with the network rather than with
    drawing. JPEG at quality 94 keeps a 60k-image set around 0.3 GB; pass ``ext="png"`` for
    lossless files. Returns the number of images written.
    """
    root = Path(root)
    for name in classes:
        (root / name).mkdir(parents=True, exist_ok=True)
    tasks = [(str(root), seed, CLASSES.index(n), i, ext, size) for i in range(per_class) for n in classes]
    total = len(tasks)
    if workers <= 1:
        for done, task in enumerate(tasks, 1):
            _write_one(task)
            if progress and (done % 500 == 0 or done == total):
                progress(done, total)
        return total
    with get_context("spawn").Pool(workers) as pool:
        for done, _ in enumerate(pool.imap_unordered(_write_one, tasks, chunksize=64), 1):
            if progress and (done % 500 == 0 or done == total):
                progress(done, total)
    return total


def render_photo(
    label: str | int, rng: np.random.Generator, size: tuple[int, int] = (4000, 3000)
) -> Image.Image:
    """A rendered symbol at camera size (12 MP by default): upscaled, with sensor-like grain.

    For measuring what large photos cost to decode and whether reduced-scale decoding changes
    answers; the grain keeps JPEG files at a realistic few megabytes.
    """
    width, height = size
    side = min(width, height)
    symbol = render_sample(label, rng, DEFAULT_SIZE).resize((side, side), Image.Resampling.BICUBIC)
    canvas = Image.new("RGB", size, tuple(int(v) for v in rng.integers(0, 256, 3)))
    canvas.paste(symbol, ((width - side) // 2, (height - side) // 2))
    grain = rng.normal(0.0, 6.0, (height, width, 1)).astype(np.float32)
    pixels = np.asarray(canvas, np.float32) + grain
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
