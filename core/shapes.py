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
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

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
SUPERSAMPLE = 3

Points = np.ndarray  # (n, 2) float array, x to the right, y down


@dataclass
class Outline:
    """A symbol as vector geometry in unit coordinates (roughly [-1, 1]).

    ``solids`` are closed polygons that are filled, ``holes`` closed polygons cut out of them,
    ``strokes`` open polylines that are always drawn as lines (the shaft of a stroked arrow).
    """

    solids: list[Points] = field(default_factory=list)
    holes: list[Points] = field(default_factory=list)
    strokes: list[Points] = field(default_factory=list)
    fillable: bool = True  # False: an outline-only drawing would change the class (circle)
    outlinable: bool = True

    def map(self, fn: Callable[[Points], Points]) -> Outline:
        return Outline(
            [fn(p) for p in self.solids],
            [fn(p) for p in self.holes],
            [fn(p) for p in self.strokes],
            self.fillable,
            self.outlinable,
        )

    def all_points(self) -> Points:
        return np.concatenate(self.solids + self.holes + self.strokes)


# --------------------------------------------------------------------------- geometry


def _arc(cx: float, cy: float, r: float, t0: float, t1: float, n: int) -> Points:
    t = np.linspace(t0, t1, n)
    return np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], axis=1)


def _ellipse(rx: float, ry: float, n: int = 96) -> Points:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.stack([rx * np.cos(t), ry * np.sin(t)], axis=1)


def _regular(rng: np.random.Generator, sides: int, jitter_deg: float) -> Points:
    """A regular polygon, vertex up, with small per-vertex angle/radius jitter (a sketch, not CAD)."""
    base = -np.pi / 2 + np.arange(sides) * 2 * np.pi / sides
    angles = base + np.radians(rng.uniform(-jitter_deg, jitter_deg, sides))
    radii = rng.uniform(0.92, 1.0, sides)
    return np.stack([radii * np.cos(angles), radii * np.sin(angles)], axis=1)


def _circle(rng: np.random.Generator) -> Outline:
    return Outline([_ellipse(1.0, rng.uniform(0.88, 1.0))], outlinable=False)


def _ring(rng: np.random.Generator) -> Outline:
    inner = rng.uniform(0.5, 0.93)
    aspect = rng.uniform(0.9, 1.0)
    return Outline([_ellipse(1.0, aspect)], [_ellipse(inner, inner * aspect)])


def _triangle(rng: np.random.Generator) -> Outline:
    return Outline([_regular(rng, 3, 14.0)])


def _square(rng: np.random.Generator) -> Outline:
    a = rng.uniform(0.85, 1.15)
    corners = np.array([[-1, -a], [1, -a], [1, a], [-1, a]], dtype=float)
    radius = rng.uniform(0.0, 0.3) if rng.random() < 0.3 else 0.0
    return Outline([_round_corners(corners, radius)])


def _round_corners(poly: Points, radius: float, n: int = 6) -> Points:
    """Replace each corner by a small quadratic curve: printed squares often have soft corners."""
    if radius <= 0:
        return poly
    out = []
    for i in range(len(poly)):
        prev, cur, nxt = poly[i - 1], poly[i], poly[(i + 1) % len(poly)]
        a = cur + (prev - cur) * radius / 2
        b = cur + (nxt - cur) * radius / 2
        t = np.linspace(0, 1, n)[:, None]
        out.append((1 - t) ** 2 * a + 2 * (1 - t) * t * cur + t**2 * b)
    return np.concatenate(out)


def _pentagon(rng: np.random.Generator) -> Outline:
    return Outline([_regular(rng, 5, 4.0)])


def _hexagon(rng: np.random.Generator) -> Outline:
    poly = _regular(rng, 6, 4.0)
    if rng.random() < 0.5:  # flat-top as often as pointy-top
        poly = poly @ _rotation(np.pi / 6)
    return Outline([poly])


def _star(rng: np.random.Generator) -> Outline:
    inner = rng.uniform(0.33, 0.55)
    angles = -np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2 == 0, 1.0, inner) * rng.uniform(0.94, 1.0, 10)
    return Outline([np.stack([radii * np.cos(angles), radii * np.sin(angles)], axis=1)])


def _heart(rng: np.random.Generator) -> Outline:
    """The classic parametric heart with jittered harmonics: rounder or pointier lobes."""
    t = np.linspace(0, 2 * np.pi, 120, endpoint=False)
    c1, c2, c3, c4 = (rng.uniform(12, 14), rng.uniform(3.5, 6), rng.uniform(1.2, 2.8), rng.uniform(0.3, 1.4))
    x = 16 * np.sin(t) ** 3 * rng.uniform(0.85, 1.1)
    y = -(c1 * np.cos(t) - c2 * np.cos(2 * t) - c3 * np.cos(3 * t) - c4 * np.cos(4 * t))
    return Outline([np.stack([x, y], axis=1) / 16])


def _crescent(rng: np.random.Generator) -> Outline:
    """A disc minus an overlapping disc, as one polygon (outer arc, then inner arc back)."""
    r2 = rng.uniform(0.75, 1.0)
    d = rng.uniform(0.35, 0.75)
    x = (1 - r2**2 + d**2) / (2 * d)
    y = math.sqrt(max(1 - x**2, 1e-6))
    theta0 = math.atan2(y, x)
    alpha = math.pi - abs(math.atan2(y, x - d))
    outer = _arc(0, 0, 1, theta0, 2 * math.pi - theta0, 60)
    inner = _arc(d, 0, r2, math.pi + alpha, math.pi - alpha, 50)
    return Outline([np.concatenate([outer, inner])])


def _cross(rng: np.random.Generator) -> Outline:
    w = rng.uniform(0.22, 0.42)
    v = rng.uniform(1.0, 1.3)  # the lower arm a little longer sometimes (a Latin-ish cross)
    poly = np.array(
        [
            [-w, -1],
            [w, -1],
            [w, -w],
            [1, -w],
            [1, w],
            [w, w],
            [w, v],
            [-w, v],
            [-w, w],
            [-1, w],
            [-1, -w],
            [-w, -w],
        ]
    )
    return Outline([poly])


def _arrow(rng: np.random.Generator) -> Outline:
    """Block arrows (straight or tapered shaft) and stroked arrows (line + open chevron)."""
    head_len = rng.uniform(0.35, 0.7)
    head_half = rng.uniform(0.35, 0.6)
    neck = 1 - head_len
    if rng.random() < 0.3:
        chevron = np.array([[neck - 0.1, -head_half], [1, 0], [neck - 0.1, head_half]])
        return Outline(strokes=[np.array([[-1, 0], [0.97, 0]]), chevron])
    shaft_tail = rng.uniform(0.08, 0.25)
    shaft_neck = shaft_tail if rng.random() < 0.6 else rng.uniform(0.12, 0.3)
    poly = np.array(
        [
            [-1, -shaft_tail],
            [neck, -shaft_neck],
            [neck, -head_half],
            [1, 0],
            [neck, head_half],
            [neck, shaft_neck],
            [-1, shaft_tail],
        ]
    )
    return Outline([poly])


def _lightning(rng: np.random.Generator) -> Outline:
    """A zig-zag bolt: a filled polygon with jittered joints, or a stroked zig-zag with a tip."""
    j = lambda: rng.uniform(-0.08, 0.08)  # noqa: E731 - a one-line jitter helper
    if rng.random() < 0.25:
        zig = np.array(
            [[0.3 + j(), -1], [-0.25 + j(), 0.05 + j()], [0.25 + j(), -0.05 + j()], [-0.3 + j(), 0.8]]
        )
        return Outline([_arrow_tip(zig[-2], zig[-1], rng.uniform(0.2, 0.35))], strokes=[zig])
    poly = np.array(
        [
            [-0.05 + j(), -1],
            [0.5 + j(), -1],
            [0.12 + j(), -0.2 + j()],
            [0.45 + j(), -0.2 + j()],
            [-0.4 + j(), 1],
            [-0.05 + j(), 0.12 + j()],
            [-0.42 + j(), 0.12 + j()],
        ]
    )
    return Outline([poly])


def _arrow_tip(start: np.ndarray, end: np.ndarray, length: float) -> Points:
    """A triangular head at ``end`` pointing along ``start -> end`` (the bolt's strike point)."""
    d = (end - start) / np.linalg.norm(end - start)
    n = np.array([-d[1], d[0]])
    base = end - d * length * 0.3
    return np.array([end + d * length * 0.7, base + n * length * 0.55, base - n * length * 0.55])


SHAPES: dict[str, Callable[[np.random.Generator], Outline]] = {
    "arrow": _arrow,
    "circle": _circle,
    "crescent": _crescent,
    "cross": _cross,
    "heart": _heart,
    "hexagon": _hexagon,
    "lightning": _lightning,
    "pentagon": _pentagon,
    "ring": _ring,
    "square": _square,
    "star": _star,
    "triangle": _triangle,
}


def _rotation(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, s], [-s, c]])


def _resample(poly: Points, closed: bool, step: float = 0.03) -> Points:
    """Evenly spaced points along a contour, so wobble bends edges and not just vertices."""
    pts = np.concatenate([poly, poly[:1]]) if closed else poly
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    cum = np.concatenate([[0], np.cumsum(seg)])
    n = max(int(cum[-1] / step), 8)
    s = np.linspace(0, cum[-1], n, endpoint=not closed)
    return np.stack([np.interp(s, cum, pts[:, 0]), np.interp(s, cum, pts[:, 1])], axis=1)


def _wobble(poly: Points, rng: np.random.Generator, amp: float, closed: bool) -> Points:
    """Smooth low-frequency displacement along the normal: the look of a hand-drawn line."""
    pts = _resample(poly, closed)
    n = len(pts)
    s = np.arange(n) / n
    offset = np.zeros(n)
    for _ in range(3):
        freq = rng.integers(2, 8) if closed else rng.uniform(0.5, 4)
        offset += rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * freq * s + rng.uniform(0, 2 * np.pi))
    offset *= amp / 2
    tangent = (np.roll(pts, -1, axis=0) - np.roll(pts, 1, axis=0)) if closed else np.gradient(pts, axis=0)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1)
    normal /= np.linalg.norm(normal, axis=1, keepdims=True) + 1e-9
    return pts + normal * offset[:, None]


def _homography(rng: np.random.Generator, strength: float) -> np.ndarray:
    """A random near-identity perspective (a sheet of paper seen at an angle)."""
    src = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)
    dst = src + rng.uniform(-strength, strength, src.shape)
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    h = np.linalg.solve(np.array(rows), np.array(rhs))
    return np.append(h, 1).reshape(3, 3)


def _apply_homography(pts: Points, h: np.ndarray) -> Points:
    p = np.concatenate([pts, np.ones((len(pts), 1))], axis=1) @ h.T
    return p[:, :2] / p[:, 2:3]


def _place(outline: Outline, rng: np.random.Generator, size: int) -> tuple[Outline, float]:
    """Wobble, rotate, squash, tilt, scale and position the symbol; returns it in pixels + its size."""
    if rng.random() < 0.4:
        amp = rng.uniform(0.01, 0.045)
        outline = Outline(
            [_wobble(p, rng, amp, True) for p in outline.solids],
            [_wobble(p, rng, amp, True) for p in outline.holes],
            [_wobble(p, rng, amp, False) for p in outline.strokes],
            outline.fillable,
            outline.outlinable,
        )
    upright = rng.random() < 0.6
    angle = rng.uniform(-0.45, 0.45) if upright else rng.uniform(0, 2 * np.pi)
    rot = _rotation(angle)
    squash = np.diag([rng.uniform(0.85, 1.15), 1.0])
    outline = outline.map(lambda p: p @ rot @ squash)
    if rng.random() < 0.5:
        h = _homography(rng, rng.uniform(0.05, 0.25))
        outline = outline.map(lambda p: _apply_homography(p, h))
    pts = outline.all_points()
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    extent = float((hi - lo).max())
    side = rng.uniform(0.38, 0.88) * size
    scale = side / extent
    centre = (lo + hi) / 2
    slack = np.maximum(size - (hi - lo) * scale, 0) / 2
    shift = size / 2 + rng.uniform(-1, 1, 2) * slack * 0.9
    return outline.map(lambda p: (p - centre) * scale + shift), side


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
