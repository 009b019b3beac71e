"""The evaluation preprocessing of a model, in one place: decode size, aspect limit, resize, crop.

A model's metadata (:class:`~core.metadata.ModelMeta`) names its preprocessing: resize the shorter
side to ``resize_size`` with ``interpolation``, centre-crop ``crop_size``, scale to 0..1 and
normalise with ``mean``/``std`` (torchvision's evaluation recipe). Inference, the ONNX path,
training's evaluation set and the CAM's crop mapping all need the *same* numbers from it; when
each derived them itself they drifted apart (training once resized "nearest-exact" pictures
bilinearly while inference used nearest). So every such number is derived here and nowhere else:

- :func:`decode_side`: how small a picture may be decoded (JPEG draft, ``reduce``) and still be
  resized exactly as from the full picture;
- :func:`pil_filter`: metadata interpolation name -> Pillow filter. torchvision resizes a PIL image
  with Pillow itself, and for PIL images both ``nearest`` and ``nearest-exact`` are Pillow's
  ``NEAREST`` (``torchvision.transforms.functional.pil_modes_mapping``);
- :func:`aspect_limit` and :class:`LimitAspect`: how far an extreme panorama is cut before
  resizing, which bounds the memory one picture can take;
- :func:`eval_geometry`: the boxes each step cuts, in the original's pixel coordinates too.

:class:`EvalTransform` is the whole recipe in Pillow + numpy (PIL image -> float32 CHW array),
equal to :func:`core.images.build_transform` (torchvision v2) to float rounding; it is what a
torch-free edition runs. Nothing here imports torch: this module stands on numpy and Pillow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from core.metadata import ModelMeta

Box = tuple[int, int, int, int]
"""``(left, top, right, bottom)`` in Pillow's convention: right and bottom are one past the end."""

MAX_ASPECT_RATIO = 4.0
"""Before resizing, a picture longer than this many times its width (or the reverse) is cut to
this ratio around its centre: the centre crop would never see the rest, and resizing all of a
1 x 100,000 strip to a shorter side of 256 would need gigabytes (see :class:`LimitAspect`)."""

PIL_FILTERS: dict[str, Image.Resampling] = {
    "nearest": Image.Resampling.NEAREST,
    "nearest-exact": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "box": Image.Resampling.BOX,
    "hamming": Image.Resampling.HAMMING,
    "lanczos": Image.Resampling.LANCZOS,
}
"""Metadata interpolation name -> the Pillow filter torchvision's ``Resize`` uses on PIL images
(its ``pil_modes_mapping``): these are the names :mod:`core.validate` accepts."""


def check_interpolation(name: str) -> str:
    """``name`` in the lower case the tables use, or a ``ValueError`` listing the known names."""
    key = name.lower()
    if key not in PIL_FILTERS:
        known = ", ".join(PIL_FILTERS)
        raise ValueError(f"unknown interpolation {name!r} (expected one of: {known})")
    return key


def pil_filter(name: str) -> Image.Resampling:
    """The Pillow filter that resizes for metadata interpolation ``name`` (see :data:`PIL_FILTERS`)."""
    return PIL_FILTERS[check_interpolation(name)]


def interpolation_mode(name: str) -> Any:
    """torchvision's ``InterpolationMode`` for ``name``, for transforms that need torchvision's
    own type (training's augmentation). Imports torchvision, so only call it where torch is."""
    from torchvision.transforms import InterpolationMode

    return InterpolationMode(check_interpolation(name))


def decode_side(meta: ModelMeta) -> int:
    """The shorter side a picture may be decoded down to for ``meta`` without changing what the
    model sees noticeably: twice the larger of the resize and the crop (JPEG's DCT scaling and
    ``Image.reduce`` then leave the exact resize at least a 2x reduction of its own)."""
    return 2 * max(meta.resize_size, meta.crop_size)


def aspect_limit(meta: ModelMeta) -> float:
    """The longest side / shortest side ratio kept before resizing for ``meta``.

    :data:`MAX_ASPECT_RATIO`, widened when the crop is larger than the resize (the crop then sees
    more of the resized picture than its shorter side, so more of the length must be kept).
    """
    return MAX_ASPECT_RATIO * max(1.0, meta.crop_size / meta.resize_size)


def limit_box(width: int, height: int, ratio: float) -> Box:
    """The centred part of a ``width`` x ``height`` picture that keeps at most ``ratio``:1."""
    short, long = min(width, height), max(width, height)
    keep = max(1, int(short * ratio))
    if long <= keep:
        return (0, 0, width, height)
    start = (long - keep) // 2
    return (start, 0, start + keep, height) if width > height else (0, start, width, start + keep)


class LimitAspect:
    """Cut an extreme panorama or strip to ``ratio``:1 around its centre, at its own resolution.

    The evaluation recipe resizes the shorter side to ``resize_size`` and keeps only the centre
    ``crop_size`` square, so everything beyond ``ratio`` times the shorter side is thrown away
    anyway; dropping it first bounds the resized picture to ``resize_size`` x ``ratio`` x
    ``resize_size`` whatever the input's shape. Pictures within the ratio pass unchanged.
    """

    def __init__(self, ratio: float) -> None:
        self.ratio = ratio

    def __call__(self, image: Image.Image) -> Image.Image:
        box = limit_box(image.width, image.height, self.ratio)
        return image if box == (0, 0, image.width, image.height) else image.crop(box)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(ratio={self.ratio})"


def resized_size(width: int, height: int, resize: int) -> tuple[int, int]:
    """``(width, height)`` after torchvision's ``Resize(resize)``: the shorter side becomes
    ``resize`` and the longer one is scaled with it, truncated (not rounded)."""
    short, long = (width, height) if width <= height else (height, width)
    new_long = int(resize * long / short)
    return (resize, new_long) if width <= height else (new_long, resize)


def center_crop_box(width: int, height: int, crop: int) -> Box:
    """torchvision's ``CenterCrop(crop)`` of a ``width`` x ``height`` picture as a box.

    The offset is rounded; where the crop is larger than the picture it reaches outside it by
    half the difference (rounded down on the left/top), which is where torchvision pads zeros.
    """

    def start(size: int) -> int:
        return int(round((size - crop) / 2.0)) if size >= crop else -((crop - size) // 2)

    left, top = start(width), start(height)
    return (left, top, left + crop, top + crop)


@dataclass(frozen=True)
class Geometry:
    """Where the evaluation transform takes a ``size`` picture: each step's box or size.

    ``kept`` is the part the aspect limit keeps (in the picture), ``resized`` the size it is
    resized to, ``crop`` the centre crop in the resized picture (it may reach outside, padded).
    """

    size: tuple[int, int]
    kept: Box
    resized: tuple[int, int]
    crop: Box

    def crop_in_original(self) -> tuple[float, float, float, float]:
        """The crop as ``(x0, y0, x1, y1)`` in the picture's continuous pixel coordinates."""
        kx0, ky0, kx1, ky1 = self.kept
        sx, sy = (kx1 - kx0) / self.resized[0], (ky1 - ky0) / self.resized[1]
        left, top, right, bottom = self.crop
        return (kx0 + left * sx, ky0 + top * sy, kx0 + right * sx, ky0 + bottom * sy)


def eval_geometry(width: int, height: int, meta: ModelMeta) -> Geometry:
    """The evaluation transform's boxes for a ``width`` x ``height`` picture under ``meta``."""
    kept = limit_box(width, height, aspect_limit(meta))
    resized = resized_size(kept[2] - kept[0], kept[3] - kept[1], meta.resize_size)
    return Geometry((width, height), kept, resized, center_crop_box(*resized, meta.crop_size))


def resize_for_eval(image: Image.Image, meta: ModelMeta) -> Image.Image:
    """``image`` cut to the aspect limit and resized as the evaluation transform does (no crop).

    Training keeps pictures at this stage in memory, so each is decoded and shrunk once a run.
    """
    image = LimitAspect(aspect_limit(meta))(image)
    size = resized_size(image.width, image.height, meta.resize_size)
    if size == image.size:  # torchvision returns the picture itself then
        return image
    return image.resize(size, pil_filter(meta.interpolation))


def normalized_array(image: Image.Image, mean: Any, std: Any) -> np.ndarray:
    """An RGB picture as a float32 CHW array, scaled to 0..1 and normalised, in torchvision's
    order of float32 operations (``x * (1/255)``, then ``(x - mean) / std``), so the numbers are
    the ones ``v2.ToImage``, ``v2.ToDtype(scale=True)`` and ``v2.Normalize`` give."""
    array = np.asarray(image.convert("RGB"), dtype=np.float32).transpose(2, 0, 1)
    array = array * np.float32(1.0 / 255.0)
    array -= np.asarray(mean, dtype=np.float32).reshape(3, 1, 1)
    array /= np.asarray(std, dtype=np.float32).reshape(3, 1, 1)
    return np.ascontiguousarray(array)


class EvalTransform:
    """The evaluation preprocessing of ``meta`` in Pillow + numpy: PIL image -> float32 CHW array.

    Equal to :func:`core.images.build_transform` (torchvision v2 on PIL images) within float
    rounding (a test holds it to 1e-6), without importing torch. Checks the interpolation name
    when made, as the torchvision transform does.
    """

    def __init__(self, meta: ModelMeta) -> None:
        check_interpolation(meta.interpolation)
        self.meta = meta

    def __call__(self, image: Image.Image) -> np.ndarray:
        resized = resize_for_eval(image, self.meta)
        cropped = resized.crop(center_crop_box(resized.width, resized.height, self.meta.crop_size))
        return normalized_array(cropped, self.meta.mean, self.meta.std)

    def __repr__(self) -> str:
        meta = self.meta
        recipe = f"resize={meta.resize_size}, crop={meta.crop_size}, {meta.interpolation}"
        return f"{type(self).__name__}({recipe})"
