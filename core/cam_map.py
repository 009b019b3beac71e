"""Class activation maps as plain data, and how they are drawn: no torch here.

:class:`CamResult` keeps a map at its layer's resolution plus the geometry of the evaluation
transform (:mod:`core.preprocess`), so its heat map, peak and box come out in the pixel
coordinates of the original picture; :func:`overlay`, :func:`grey16` and :func:`save_png` draw and
write it. Both editions use them: the full one's Grad-CAM (:mod:`core.cam`) and the Lite one's CAM
from layer4 and the head's weights (:mod:`core.lite.cam`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from core.errors import OutputError, UsageError
from core.export import replace_atomically
from core.messages import QT_TRANSLATE_NOOP, kind
from core.outputs import png_info
from core.preprocess import eval_geometry

if TYPE_CHECKING:
    from core.metadata import ModelMeta

BOX_LEVEL = 0.5  # cam_box: the region at or above half of the map's maximum

UNKNOWN_CLASS = kind(
    "cam.unknown-class", QT_TRANSLATE_NOOP("Messages", "unknown class %1; the model's classes are: %2")
)
INDEX_OUT_OF_RANGE = kind(
    "cam.index-out-of-range", QT_TRANSLATE_NOOP("Messages", "class index %1 is out of range 0..%2")
)


def explained_class(
    categories: Sequence[str], target: int | str | None, probabilities: Sequence[float]
) -> int:
    """The class a map explains: ``None`` for the top-1, an index, or one of ``categories``
    (both editions' CAMs ask here, so a wrong ``--class`` reads the same in each)."""
    if target is None:
        return int(np.argmax(probabilities))
    if isinstance(target, str):
        if target in categories:
            return list(categories).index(target)
        raise UsageError(UNKNOWN_CLASS(repr(target), ", ".join(categories)))
    if not 0 <= int(target) < len(categories):
        raise UsageError(INDEX_OUT_OF_RANGE(target, len(categories) - 1))
    return int(target)


Box = tuple[float, float, float, float]


# --------------------------------------------------------------------------- geometry


def crop_box(width: int, height: int, meta: ModelMeta) -> Box:
    """Where the eval transform's centre crop lies in an image of ``width`` x ``height`` pixels.

    The geometry is :func:`core.preprocess.eval_geometry`'s (aspect limit, torchvision's
    ``Resize`` and ``CenterCrop``), returned as ``(x0, y0, x1, y1)`` in the original's continuous
    pixel coordinates. It may reach outside the image where the crop is padded.
    """
    return eval_geometry(width, height, meta).crop_in_original()


def _bilinear_weights(length: int, cells: int, lo: float, hi: float) -> np.ndarray:
    """``(length, cells)`` weights sampling ``cells`` values centred in ``[lo, hi)`` at each pixel.

    The same rule as ``F.interpolate(mode="bilinear", align_corners=False)``: cell ``j`` sits at
    ``lo + (j + 0.5) * (hi - lo) / cells``, values are clamped beyond the outer centres, and a
    pixel whose centre lies outside ``[lo, hi)`` gets no weight at all (the crop never saw it).
    """
    centres = np.arange(length, dtype=np.float64) + 0.5
    u = (centres - lo) / (hi - lo) * cells - 0.5
    u = np.clip(u, 0.0, cells - 1.0)
    left = np.floor(u).astype(np.int64)
    right = np.minimum(left + 1, cells - 1)
    frac = u - left
    weights = np.zeros((length, cells), dtype=np.float64)
    rows = np.arange(length)
    np.add.at(weights, (rows, left), 1.0 - frac)
    np.add.at(weights, (rows, right), frac)
    weights[(centres < lo) | (centres >= hi)] = 0.0
    return weights


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class CamResult:
    """One Grad-CAM: the class explained, its probability, and the map with its geometry.

    ``grid`` is the layer-resolution map divided by its maximum (``0..1``; all zeros when the
    layer holds no positive evidence for the class, and then ``peak`` and ``box`` are ``None``);
    ``scale`` is that maximum. ``image_size`` is the oriented original's ``(width, height)`` and
    ``crop`` the part of it the network saw (see :func:`crop_box`). Plain data, cheap to pass
    through a Qt signal: the full-resolution map is only made when asked for.
    """

    source: str
    layer: str
    class_index: int
    label: str
    probability: float
    probabilities: tuple[float, ...]
    grid: np.ndarray
    scale: float
    image_size: tuple[int, int]
    crop: Box
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def has_evidence(self) -> bool:
        return self.scale > 0.0

    @property
    def peak_cell(self) -> tuple[int, int] | None:
        """``(row, column)`` of the strongest cell of the grid, ``None`` without evidence."""
        if not self.has_evidence:
            return None
        row, col = np.unravel_index(int(np.argmax(self.grid)), self.grid.shape)
        return int(row), int(col)

    def heatmap(self, size: tuple[int, int] | None = None) -> np.ndarray:
        """The map as float32 ``(height, width)`` in ``0..1``, covering the whole original.

        ``size`` (``(width, height)``) renders it for a scaled copy of the original instead, such
        as a preview or a thumbnail; the default is the original's own resolution, made once and
        kept (read-only).
        """
        if size is not None and tuple(size) != self.image_size:
            return self._render(*size)
        if "full" not in self._cache:
            heat = self._render(*self.image_size)
            heat.flags.writeable = False
            self._cache["full"] = heat
        return self._cache["full"]

    def _render(self, width: int, height: int) -> np.ndarray:
        sx, sy = width / self.image_size[0], height / self.image_size[1]
        x0, y0, x1, y1 = self.crop
        gh, gw = self.grid.shape
        rows = _bilinear_weights(height, gh, y0 * sy, y1 * sy)
        cols = _bilinear_weights(width, gw, x0 * sx, x1 * sx)
        heat = rows @ self.grid.astype(np.float64) @ cols.T
        return np.clip(heat, 0.0, 1.0).astype(np.float32)

    @property
    def peak(self) -> tuple[int, int] | None:
        """The map's maximum as ``(x, y)`` pixel indices of the original (after EXIF orientation).

        Located to better than one cell, as heat-map peaks are in keypoint detection: the centre
        of mass of the strongest cell and those of its 3 x 3 neighbours at ``BOX_LEVEL`` of the
        maximum or above. A layer-4 map of the bundled model is 2 x 2 cells, whose centres alone
        could only ever name four points of the picture. The point lies inside :meth:`box`.
        ``None`` without evidence; ties go to the first cell in reading order.
        """
        if not self.has_evidence:
            return None
        gh, gw = self.grid.shape
        row, col = np.unravel_index(int(np.argmax(self.grid)), self.grid.shape)
        top, left = max(row - 1, 0), max(col - 1, 0)
        near = self.grid[top : row + 2, left : col + 2].astype(np.float64)
        weights = np.where(near >= BOX_LEVEL, near, 0.0)
        rows, cols = np.indices(near.shape)
        cy = top + float((weights * rows).sum() / weights.sum())
        cx = left + float((weights * cols).sum() / weights.sum())
        x0, y0, x1, y1 = self.crop
        x = x0 + (cx + 0.5) * (x1 - x0) / gw
        y = y0 + (cy + 0.5) * (y1 - y0) / gh
        width, height = self.image_size
        return (min(max(int(x), 0), width - 1), min(max(int(y), 0), height - 1))

    def box(self, level: float = BOX_LEVEL) -> tuple[int, int, int, int] | None:
        """``(x0, y0, x1, y1)`` around the pixels at ``level`` x the maximum or above.

        Pillow's box convention (``Image.getbbox``): ``x1`` and ``y1`` are one past the last
        pixel. ``None`` without evidence.
        """
        if not self.has_evidence:
            return None
        heat = self.heatmap()
        ys, xs = np.nonzero(heat >= level * float(heat.max()))
        return (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)

    def to_dict(self) -> dict[str, Any]:
        """The record ``reslens-cli explain --json`` prints (without file names)."""
        peak, box = self.peak, self.box()
        return {
            "source": self.source,
            "label": self.label,
            "class_index": self.class_index,
            "probability": round(self.probability, 6),
            "layer": self.layer,
            "cam_peak": list(peak) if peak else None,
            "cam_box": list(box) if box else None,
            "width": self.image_size[0],
            "height": self.image_size[1],
        }


# --------------------------------------------------------------------------- drawing


def colormap(heat: np.ndarray) -> np.ndarray:
    """The classic "jet" colours (blue, cyan, yellow, red) for values in ``0..1``, as uint8 RGB."""
    four = 4.0 * np.clip(heat, 0.0, 1.0)[..., None]
    rgb = np.clip(1.5 - np.abs(four - np.array([3.0, 2.0, 1.0], dtype=np.float32)), 0.0, 1.0)
    return (rgb * 255.0 + 0.5).astype(np.uint8)


def overlay(image: Image.Image, heat: np.ndarray, opacity: float = 0.5) -> Image.Image:
    """``image`` with the map blended over it at ``opacity`` (``heat`` sized like the image).

    Pixels the network never saw (outside the crop) keep the picture as it is.
    """
    if heat.shape != (image.height, image.width):
        raise ValueError(f"heat map {heat.shape} does not match the image {image.size}")
    base = np.asarray(image.convert("RGB"), dtype=np.float32)
    alpha = float(np.clip(opacity, 0.0, 1.0)) * (heat > 0)[..., None]
    blended = base * (1.0 - alpha) + colormap(heat).astype(np.float32) * alpha
    return Image.fromarray((blended + 0.5).astype(np.uint8), "RGB")


def grey16(heat: np.ndarray) -> Image.Image:
    """The raw map as a 16-bit grey image (``0..1`` → ``0..65535``), for analysis elsewhere."""
    values = (np.clip(heat, 0.0, 1.0) * 65535.0 + 0.5).astype(np.uint16)
    return Image.fromarray(values)


def raw_map_path(overlay_path: str | os.PathLike) -> Path:
    """Where the 16-bit grey map of an overlay written to ``overlay_path`` goes (CLI and GUI alike).

    ``x-cam.png`` -> ``x-cam16.png`` (what ``reslens-cli explain --raw`` documents); any other
    name gets ``-cam16`` appended to its stem: ``x.png`` -> ``x-cam16.png``.
    """
    path = Path(overlay_path)
    stem = path.stem[: -len("-cam")] if path.stem.casefold().endswith("-cam") else path.stem
    return path.with_name(f"{stem}-cam16.png")


def save_png(image: Image.Image, path: str | os.PathLike) -> Path:
    """Write ``image`` as PNG atomically: a temporary file in the same folder, then a rename.

    A reader never sees a half-written file, and a failure leaves no debris. Raises
    :class:`~core.errors.OutputError`.
    """
    path = Path(path)
    try:
        replace_atomically(path, lambda tmp: image.save(tmp, format="PNG", pnginfo=png_info()))
    except OSError as exc:
        target = path if os.access(path.parent, os.W_OK) else f"into {path.parent}"
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return path
