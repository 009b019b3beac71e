"""The pictures a run trains and validates on: a seeded stratified split, decoding exactly as
inference does (kept in memory when they fit), and the gentle training augmentation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from PIL import Image
from torch import Tensor

from core.errors import ImageDecodeError
from core.images import build_transform, decode_for_model
from core.messages import BECAUSE
from core.metadata import ModelMeta
from core.preprocess import (
    LimitAspect,
    aspect_limit,
    decode_side,
    interpolation_mode,
    pil_filter,
    resized_size,
)
from core.train.config import TrainConfig, TrainingError

# --------------------------------------------------------------------------- data


def stratified_split(
    samples: Sequence[tuple[Path, int]], fraction: float, seed: int
) -> tuple[list[tuple[Path, int]], list[tuple[Path, int]]]:
    """Hold out ``fraction`` of every class (at least one, never all): a fair per-class check.

    A class with a single picture keeps it for training. Seeded: the same split every run.
    """
    g = torch.Generator().manual_seed(seed)
    train, val = [], []
    for c in sorted({c for _, c in samples}):
        items = [s for s in samples if s[1] == c]
        order = torch.randperm(len(items), generator=g).tolist()
        n_val = min(max(1, round(len(items) * fraction)), len(items) - 1) if fraction > 0 else 0
        val += [items[i] for i in order[:n_val]]
        train += [items[i] for i in order[n_val:]]
    return train, val


class Pictures(torch.utils.data.Dataset):
    """``(path, class)`` pairs decoded by :mod:`core.images` as inference decodes them.

    Each picture is decoded once, as inference does (:func:`~core.images.decode_for_model` at
    inference's reduced scale), cut to the aspect limit and resized to the evaluation resize with
    the same arithmetic as torchvision's ``Resize``; when ``keep`` is set it stays in memory, so a
    small training set is read from disk once per run, not once per epoch. ``dataset[i]`` is the
    exact tensor inference computes for the file.
    """

    def __init__(self, samples: Sequence[tuple[Path, int]], meta: ModelMeta, keep: bool) -> None:
        self.samples = list(samples)
        self.meta = meta
        self.keep = keep
        self.cache: dict[int, Image.Image] = {}
        self.transform: Callable[[Image.Image], Tensor] = build_transform(meta)

    def __len__(self) -> int:
        return len(self.samples)

    def picture(self, index: int) -> Image.Image:
        """The picture, decoded like inference and shrunk to the evaluation resize (the geometry,
        decode side and filter all :mod:`core.preprocess`'s, as inference's are)."""
        if index in self.cache:
            return self.cache[index]
        path = self.samples[index][0]
        try:
            image, _ = decode_for_model(path, decode_side(self.meta))
        except ImageDecodeError as exc:  # changed on disk since the scan
            raise TrainingError(BECAUSE(str(path), exc.message)) from None
        image = LimitAspect(aspect_limit(self.meta))(image)
        if min(image.size) > self.meta.resize_size:  # a smaller one stays small; the transform enlarges it
            size = resized_size(image.width, image.height, self.meta.resize_size)
            image = image.resize(size, pil_filter(self.meta.interpolation))
        if self.keep:
            self.cache[index] = image
        return image

    def __getitem__(self, index: int) -> tuple[Tensor, int]:
        return self.transform(self.picture(index)), self.samples[index][1]


class Augmented(torch.utils.data.Dataset):
    """A :class:`Pictures` set seen through training augmentation."""

    def __init__(self, pictures: Pictures, transform: Callable[[Image.Image], Tensor]) -> None:
        self.pictures = pictures
        self.transform = transform

    def __len__(self) -> int:
        return len(self.pictures)

    def __getitem__(self, index: int) -> tuple[Tensor, int]:
        return self.transform(self.pictures.picture(index)), self.pictures.samples[index][1]


def train_transforms(meta: ModelMeta, config: TrainConfig) -> Callable[[Image.Image], Tensor]:
    """Gentle augmentation: crops that keep the object, a small turn and slant, mild colour changes."""
    from torchvision.transforms import v2

    interpolation = interpolation_mode(meta.interpolation)  # nearest-exact: NEAREST, as inference
    steps: list[Any] = []
    if config.rotation:
        steps.append(Turn(config.rotation, interpolation))
    steps.append(
        v2.RandomResizedCrop(
            meta.crop_size, scale=(config.min_scale, 1.0), interpolation=interpolation, antialias=True
        )
    )
    if config.hflip:
        steps.append(v2.RandomHorizontalFlip())
    steps += [
        v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2, hue=0.02),
        v2.PILToTensor(),
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(list(meta.mean), list(meta.std)),
    ]
    return v2.Compose(steps)


class Turn:
    """Rotate and slant (shear) a picture by up to ``degrees``, filling the corners with its own border.

    A white or black fill would teach the network that corners of that colour mean something;
    the mean colour of the picture's outermost pixels continues its background instead.
    """

    def __init__(self, degrees: float, interpolation: Any) -> None:
        self.degrees = degrees
        self.interpolation = interpolation

    def __call__(self, image: Image.Image) -> Image.Image:
        from torchvision.transforms.v2 import functional as F  # noqa: N812 - torchvision's spelling

        angle, shear = (float(torch.empty(1).uniform_(-self.degrees, self.degrees)) for _ in range(2))
        return F.affine(
            image, angle=angle, translate=[0, 0], scale=1.0, shear=[shear, 0.0],
            interpolation=self.interpolation, fill=border_colour(image),
        )  # fmt: skip

    def __repr__(self) -> str:
        return f"{type(self).__name__}(degrees={self.degrees})"


def border_colour(image: Image.Image) -> list[int]:
    """The mean colour of the outermost row and column of pixels on every side."""
    w, h = image.size
    strips = [image.crop(box) for box in ((0, 0, w, 1), (0, h - 1, w, h), (0, 0, 1, h), (w - 1, 0, w, h))]
    total = [0, 0, 0]
    count = 0
    for strip in strips:
        for channel, value in enumerate(strip.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))[:3]):
            total[channel] += value * strip.width * strip.height
        count += strip.width * strip.height
    return [round(t / count) for t in total]
