"""Colour, texture and pixels: backgrounds, fills, the supersampled rasteriser and the clutter
that is never itself a class symbol."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from core.shapes.outlines import Outline, Points

SUPERSAMPLE = 3


# --------------------------------------------------------------------------- colour and texture


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _random_colour(rng: np.random.Generator) -> np.ndarray:
    """A colour from HSV, biased towards the saturated and the near-grey (both are common)."""
    h = rng.random()
    s = rng.choice([rng.uniform(0, 0.15), rng.uniform(0.3, 1.0)], p=[0.3, 0.7])
    v = rng.uniform(0.05, 1.0)
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    rgb = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return np.array(rgb, dtype=np.float32)


def _contrasting_colour(rng: np.random.Generator, against: np.ndarray) -> np.ndarray:
    """A colour that stands out from ``against`` in brightness (so the shape is visible in grey too)."""
    for _ in range(20):
        c = _random_colour(rng)
        if abs(float(_luma(c) - _luma(against))) > 0.28 and np.linalg.norm(c - against) > 0.4:
            return c
    return np.zeros(3, np.float32) if _luma(against) > 0.5 else np.ones(3, np.float32)


def _upsampled_noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    small = Image.fromarray(rng.random((cells, cells), dtype=np.float32), mode="F")
    return np.asarray(small.resize((size, size), Image.Resampling.BICUBIC), dtype=np.float32)


def _fractal_noise(rng: np.random.Generator, size: int, octaves: int = 4) -> np.ndarray:
    """Value noise summed over octaves, normalised to [0, 1]: clouds, stone, stains."""
    out = np.zeros((size, size), np.float32)
    base = int(rng.integers(2, 5))
    for o in range(octaves):
        out += _upsampled_noise(rng, size, base * 2**o + 1) * 0.55**o
    out -= out.min()
    return out / (out.max() + 1e-6)


def _coords(size: int) -> tuple[np.ndarray, np.ndarray]:
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    return x, y


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    return a + (b - a) * t[..., None]


def _bg_solid(rng: np.random.Generator, size: int) -> np.ndarray:
    return np.broadcast_to(_random_colour(rng), (size, size, 3)).copy()


def _bg_gradient(rng: np.random.Generator, size: int) -> np.ndarray:
    x, y = _coords(size)
    a = rng.uniform(0, 2 * np.pi)
    t = (x - 0.5) * math.cos(a) + (y - 0.5) * math.sin(a) + 0.5
    return _lerp(_random_colour(rng), _random_colour(rng), np.clip(t, 0, 1))


def _bg_radial(rng: np.random.Generator, size: int) -> np.ndarray:
    x, y = _coords(size)
    cx, cy = rng.uniform(0.1, 0.9, 2)
    t = np.clip(np.hypot(x - cx, y - cy) / rng.uniform(0.5, 1.0), 0, 1)
    return _lerp(_random_colour(rng), _random_colour(rng), t)


def _bg_noise(rng: np.random.Generator, size: int) -> np.ndarray:
    return _lerp(_random_colour(rng), _random_colour(rng), _fractal_noise(rng, size))


def _bg_paper(rng: np.random.Generator, size: int) -> np.ndarray:
    """Off-white or tinted paper with grain, sometimes ruled or squared."""
    base = np.array([rng.uniform(0.8, 1.0), rng.uniform(0.78, 1.0), rng.uniform(0.7, 1.0)], np.float32)
    img = base * (1 - 0.08 * _fractal_noise(rng, size, 5)[..., None])
    img += rng.normal(0, 0.02, (size, size, 1)).astype(np.float32)
    if rng.random() < 0.5:
        x, y = _coords(size)
        pitch = rng.uniform(0.06, 0.15)
        ink = np.array([0.5, 0.6, 0.9], np.float32) * rng.uniform(0.6, 1.0)
        lines = (np.abs(((y + rng.random()) / pitch) % 1 - 0.5) > 0.47).astype(np.float32)
        if rng.random() < 0.5:
            lines = np.maximum(lines, np.abs(((x + rng.random()) / pitch) % 1 - 0.5) > 0.47)
        img = _lerp(img, np.broadcast_to(ink, img.shape), lines * rng.uniform(0.2, 0.6))
    return img


def _bg_stripes(rng: np.random.Generator, size: int) -> np.ndarray:
    """Low-contrast stripes or checks: fabric, tiles, wallpaper."""
    x, y = _coords(size)
    a = rng.uniform(0, np.pi)
    f = rng.uniform(3, 12)
    u = x * math.cos(a) + y * math.sin(a)
    t = 0.5 + 0.5 * np.sin(2 * np.pi * f * u)
    if rng.random() < 0.4:
        v = -x * math.sin(a) + y * math.cos(a)
        t = t * (0.5 + 0.5 * np.sin(2 * np.pi * f * v))
    c = _random_colour(rng)
    return _lerp(c, np.clip(c + rng.uniform(-0.3, 0.3, 3).astype(np.float32), 0, 1), t)


def _bg_wood(rng: np.random.Generator, size: int) -> np.ndarray:
    x, y = _coords(size)
    warp = _fractal_noise(rng, size, 3) * rng.uniform(2, 6)
    t = 0.5 + 0.5 * np.sin((x * rng.uniform(8, 25) + warp) * np.pi)
    dark = np.array([rng.uniform(0.25, 0.5), rng.uniform(0.15, 0.3), rng.uniform(0.05, 0.15)], np.float32)
    return _lerp(dark, np.clip(dark * rng.uniform(1.4, 2.0), 0, 1), t)


def _bg_photo(rng: np.random.Generator, size: int) -> np.ndarray:
    """Large soft colour blobs over a gradient: an out-of-focus photo behind the subject."""
    img = Image.fromarray((_bg_gradient(rng, size) * 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(3, 9))):
        cx, cy = rng.uniform(-0.2, 1.2, 2) * size
        r = rng.uniform(0.15, 0.6) * size
        colour = tuple(int(c * 255) for c in _random_colour(rng))
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(size * rng.uniform(0.06, 0.15)))
    return np.asarray(img, np.float32) / 255


BACKGROUNDS = (_bg_solid, _bg_gradient, _bg_radial, _bg_noise, _bg_paper, _bg_stripes, _bg_wood, _bg_photo)
BACKGROUND_WEIGHTS = np.array([1.0, 1.5, 1.0, 2.0, 2.0, 1.0, 0.7, 2.0])


def _fill_layer(rng: np.random.Generator, size: int, against: np.ndarray) -> np.ndarray:
    """What the inside of the symbol looks like: flat, gradient or textured, contrasting with the bg."""
    c1 = _contrasting_colour(rng, against)
    kind = rng.random()
    if kind < 0.55:
        return np.broadcast_to(c1, (size, size, 3)).copy()
    if kind < 0.8:
        c2 = _contrasting_colour(rng, against)
        x, y = _coords(size)
        a = rng.uniform(0, 2 * np.pi)
        t = np.clip((x - 0.5) * math.cos(a) + (y - 0.5) * math.sin(a) + 0.5, 0, 1)
        return _lerp(c1, c2, t)
    t = _fractal_noise(rng, size, 4)[..., None] - 0.5
    return np.clip(c1 + t * rng.uniform(0.1, 0.35), 0, 1)


# --------------------------------------------------------------------------- rasterising


def _mask(size: int, draw_fn: Callable[[ImageDraw.ImageDraw, float], None]) -> np.ndarray:
    """Draw at SUPERSAMPLE x and box-filter down: anti-aliased edges at PIL's speed."""
    big = Image.new("L", (size * SUPERSAMPLE, size * SUPERSAMPLE), 0)
    draw_fn(ImageDraw.Draw(big), float(SUPERSAMPLE))
    small = big.resize((size, size), Image.Resampling.BOX)
    return np.asarray(small, np.float32) / 255


def _polyline(draw: ImageDraw.ImageDraw, pts: Points, width: float, closed: bool, fill: int = 255) -> None:
    seq = np.concatenate([pts, pts[:2]]) if closed else pts
    w = max(int(round(width)), 1)
    draw.line([tuple(p) for p in seq], fill=fill, width=w)
    if w > 3:  # round joints and caps, like a pen (PIL's own joints notch short wide segments)
        r = w / 2
        for x, y in seq:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)


def _shape_masks(
    outline: Outline, side: float, size: int, style: str, lw: float
) -> tuple[np.ndarray, np.ndarray | None]:
    """The symbol's coverage and, for bordered styles, the border's coverage."""
    width = lw * side

    def body(draw: ImageDraw.ImageDraw, k: float) -> None:
        if style == "outline":
            for p in outline.solids + outline.holes:
                _polyline(draw, p * k, width * k, True)
        else:
            for p in outline.solids:
                draw.polygon([tuple(q) for q in p * k], fill=255)
            for p in outline.holes:
                draw.polygon([tuple(q) for q in p * k], fill=0)
        for p in outline.strokes:
            _polyline(draw, p * k, max(width, 0.09 * side) * k, False)

    def border(draw: ImageDraw.ImageDraw, k: float) -> None:
        for p in outline.solids + outline.holes:
            _polyline(draw, p * k, width * k, True)

    return _mask(size, body), (_mask(size, border) if style == "bordered" else None)


def _pick_style(outline: Outline, rng: np.random.Generator) -> str:
    if outline.solids and not outline.outlinable:
        return "bordered" if rng.random() < 0.25 else "filled"
    if not outline.solids:
        return "filled"
    return str(rng.choice(["filled", "outline", "bordered"], p=[0.45, 0.4, 0.15]))


# --------------------------------------------------------------------------- clutter


def _bezier(rng: np.random.Generator, size: int, n: int = 24) -> Points:
    ctrl = rng.uniform(-0.1, 1.1, (4, 2)) * size
    t = np.linspace(0, 1, n)[:, None]
    return (
        (1 - t) ** 3 * ctrl[0]
        + 3 * (1 - t) ** 2 * t * ctrl[1]
        + 3 * (1 - t) * t**2 * ctrl[2]
        + t**3 * ctrl[3]
    )


def _clutter(rng: np.random.Generator, img: Image.Image, symbol_side: float, count: int) -> None:
    """Thin lines, squiggles, specks and scribbled 'text': never a closed shape, never big."""
    draw = ImageDraw.Draw(img)
    size = img.width
    for _ in range(count):
        colour = tuple(int(c * 255) for c in _random_colour(rng))
        kind = rng.integers(0, 4)
        width = int(rng.integers(1, max(2, int(symbol_side * 0.04))))
        if kind == 0:  # straight line
            a, b = rng.uniform(-0.1, 1.1, (2, 2)) * size
            draw.line([tuple(a), tuple(b)], fill=colour, width=width)
        elif kind == 1:  # squiggle
            draw.line([tuple(p) for p in _bezier(rng, size)], fill=colour, width=width, joint="curve")
        elif kind == 2:  # specks, much smaller than any symbol
            for _ in range(int(rng.integers(3, 15))):
                x, y = rng.uniform(0, size, 2)
                r = rng.uniform(0.3, max(0.6, symbol_side * 0.035))
                draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        else:  # a line of handwriting-like scribble
            x0, y0 = rng.uniform(0, size, 2)
            xs = x0 + np.arange(0, rng.uniform(0.2, 0.6) * size, 1.5)
            ys = y0 + np.sin(xs * rng.uniform(0.4, 1.2)) * rng.uniform(1, 3) + rng.normal(0, 0.5, len(xs))
            draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=colour, width=1)
