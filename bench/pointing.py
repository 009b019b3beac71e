"""The pointing game for the bundled model's Grad-CAM: does ``cam_peak`` land on the symbol?

Renders square images with one symbol (the geometry of ``core.shapes.SHAPES``, rasterised here
with our own placement and colours, not the training renderer) at a random place on a plain or
textured background, and counts how often the peak of the CAM that ``reslens-cli explain`` would
report lies inside the symbol's bounding box. The symbol's side is 30-60 % of the image, so a
peak stuck in the middle of the picture fails often.

Seeds: 14201 is the evaluation set (report it); 14101 was the development set on which the peak
definition was chosen. Neither is a training seed (1, 2) nor the held-out seed (1000).
Target: >= 85 % at the default layer (``layer4``).

    python bench/pointing.py --images 600 --seed 14201
    python bench/pointing.py --images 300 --seed 14101 --layers layer4 layer3 --compare
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import torch
from PIL import Image, ImageDraw

from core.cam import GradCam
from core.shapes import BACKGROUNDS, CLASSES, SHAPES
from core.weights import load_weights

SIZE = 128
SUPER = 3


def _colour(rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(0.0, 1.0, 3).astype(np.float32)


def _luma(rgb: np.ndarray) -> float:
    return float(rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32))


def _background(rng: np.random.Generator, textured: bool) -> np.ndarray:
    if not textured:
        return np.broadcast_to(_colour(rng), (SIZE, SIZE, 3)).copy()
    texture = BACKGROUNDS[int(rng.integers(1, len(BACKGROUNDS)))]  # every kind but the solid one
    return np.clip(texture(rng, SIZE), 0.0, 1.0).astype(np.float32)


def _symbol_mask(name: str, rng: np.random.Generator) -> np.ndarray:
    """The symbol's coverage (0..1), rotated, scaled to 30-60 % of the image, placed at random."""
    outline = SHAPES[name](rng)
    angle = rng.uniform(-0.4, 0.4)
    c, s = math.cos(angle), math.sin(angle)
    rotation = np.array([[c, s], [-s, c]])
    points = outline.all_points() @ rotation
    lo, hi = points.min(axis=0), points.max(axis=0)
    side = rng.uniform(0.3, 0.6) * SIZE
    scale = side / float((hi - lo).max())
    extent = (hi - lo) * scale
    offset = np.array([rng.uniform(0, SIZE - extent[0]), rng.uniform(0, SIZE - extent[1])])

    def to_pixels(poly: np.ndarray) -> list[tuple[float, float]]:
        return [tuple(p) for p in (((poly @ rotation) - lo) * scale + offset) * SUPER]

    big = Image.new("L", (SIZE * SUPER, SIZE * SUPER), 0)
    draw = ImageDraw.Draw(big)
    for poly in outline.solids:
        draw.polygon(to_pixels(poly), fill=255)
    for poly in outline.holes:
        draw.polygon(to_pixels(poly), fill=0)
    for poly in outline.strokes:
        draw.line(to_pixels(poly), fill=255, width=max(1, int(0.1 * side * SUPER)))
    return np.asarray(big.resize((SIZE, SIZE), Image.Resampling.BOX), np.float32) / 255.0


def render(rng: np.random.Generator) -> tuple[Image.Image, str, tuple[int, int, int, int]]:
    """One image, its class and the symbol's box ``(x0, y0, x1, y1)`` (x1, y1 exclusive)."""
    name = CLASSES[int(rng.integers(len(CLASSES)))]
    textured = bool(rng.random() < 0.5)
    background = _background(rng, textured)
    mask = _symbol_mask(name, rng)
    under = _luma(background.reshape(-1, 3).mean(axis=0))
    ink = _colour(rng)
    for _ in range(50):
        if abs(_luma(ink) - under) > 0.35:
            break
        ink = _colour(rng)
    pixels = background * (1 - mask[..., None]) + ink * mask[..., None]
    ys, xs = np.nonzero(mask > 0.25)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    return Image.fromarray((np.clip(pixels, 0, 1) * 255 + 0.5).astype(np.uint8)), name, box


def inside(point: tuple[float, float] | None, box: tuple[int, int, int, int]) -> bool:
    return point is not None and box[0] <= point[0] < box[2] and box[1] <= point[1] < box[3]


def _cell_centre(result) -> tuple[int, int]:
    """Alternative peak (development only): the centre of the strongest cell, no refinement."""
    row, col = np.unravel_index(int(np.argmax(result.grid)), result.grid.shape)
    x0, y0, x1, y1 = result.crop
    gh, gw = result.grid.shape
    return (int(x0 + (col + 0.5) * (x1 - x0) / gw), int(y0 + (row + 0.5) * (y1 - y0) / gh))


def _raster_argmax(result) -> tuple[int, int]:
    """Alternative peak (development only): first maximum of the upsampled map in reading order."""
    heat = result.heatmap()
    y, x = np.unravel_index(int(np.argmax(heat)), heat.shape)
    return (int(x), int(y))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=600)
    parser.add_argument("--seed", type=int, default=14201)
    parser.add_argument("--layers", nargs="+", default=["layer4"])
    parser.add_argument("--target", choices=["top1", "true"], default="top1", help="class the CAM explains")
    parser.add_argument("--compare", action="store_true", help="also score other peak definitions")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    loaded = load_weights(None)
    cam = GradCam.from_loaded(loaded)
    rng = np.random.default_rng(args.seed)
    images = [render(rng) for _ in range(args.images)]
    print(f"{args.images} images, {SIZE} px, seed {args.seed}, CAM of the {args.target} class")
    for layer in args.layers:
        cam.layer = layer
        hits = {"cam_peak": 0, "cell centre": 0, "raster argmax": 0}
        correct = 0
        start = time.perf_counter()
        for image, name, box in images:
            result = cam.explain(image, target=name if args.target == "true" else None)
            correct += result.probabilities.index(max(result.probabilities)) == CLASSES.index(name)
            hits["cam_peak"] += inside(result.peak, box)
            if args.compare:
                hits["cell centre"] += inside(_cell_centre(result), box)
                hits["raster argmax"] += inside(_raster_argmax(result), box)
        seconds = time.perf_counter() - start
        shown = hits if args.compare else {"cam_peak": hits["cam_peak"]}
        scores = ", ".join(f"{key} {value / args.images:.1%}" for key, value in shown.items())
        print(
            f"{layer:<9} pointing: {scores}  (top-1 right on {correct / args.images:.1%}; "
            f"{1000 * seconds / args.images:.1f} ms per image)"
        )


if __name__ == "__main__":
    main()
