"""The symbols as vector outlines in unit coordinates, and the geometry that places them: rotation,
aspect, perspective and hand-drawn wobble, all applied to points before anything is rasterised."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

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
