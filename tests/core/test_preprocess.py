"""core.preprocess: one owner of the evaluation geometry, and its Pillow + numpy transform equal to
torchvision's; training's evaluation tensors equal inference's for every interpolation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.metadata import ModelMeta
from core.preprocess import (
    MAX_ASPECT_RATIO,
    PIL_FILTERS,
    EvalTransform,
    LimitAspect,
    aspect_limit,
    check_interpolation,
    decode_side,
    eval_geometry,
    pil_filter,
)
from core.validate import INTERPOLATIONS


def _photo_like(width: int, height: int, seed: int = 0) -> Image.Image:
    """Smooth colour fields plus grain, so every filter's antialiasing changes the numbers."""
    rng = np.random.default_rng(seed)
    coarse = Image.fromarray(rng.integers(0, 256, (7, 9, 3), dtype=np.uint8))
    smooth = np.asarray(coarse.resize((width, height), Image.Resampling.BICUBIC), dtype=np.int16)
    grain = rng.integers(-25, 26, smooth.shape)
    return Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8))


def _meta(interpolation: str = "bilinear", resize: int = 36, crop: int = 32) -> ModelMeta:
    return ModelMeta(
        "resnet18",
        ("a", "b"),
        crop_size=crop,
        resize_size=resize,
        mean=(0.485, 0.456, 0.406),
        std=(0.229, 0.224, 0.225),
        interpolation=interpolation,
    )


SIZES = [(333, 250), (250, 333), (37, 41), (5, 3), (1, 1), (400, 23), (23, 401), (36, 36), (31, 200)]
"""Landscape, portrait, odd, smaller than the crop (padded), beyond the aspect limit both ways."""
RECIPES = [(36, 32), (32, 32), (20, 33), (71, 64)]
"""(resize, crop): the usual resize > crop, equal, crop > resize (wider aspect limit), odd."""


def test_every_interpolation_the_metadata_may_name_has_a_filter() -> None:
    assert set(PIL_FILTERS) == set(INTERPOLATIONS)
    # torchvision's pil_modes_mapping: both nearest modes are Pillow's NEAREST on PIL images
    assert pil_filter("nearest-exact") == pil_filter("NEAREST") == Image.Resampling.NEAREST
    with pytest.raises(ValueError, match="unknown interpolation 'sideways'"):
        check_interpolation("sideways")


def test_decode_side_and_aspect_limit() -> None:
    assert decode_side(_meta(resize=256, crop=224)) == 512
    assert decode_side(_meta(resize=20, crop=33)) == 66
    assert aspect_limit(_meta(resize=36, crop=32)) == MAX_ASPECT_RATIO
    assert aspect_limit(_meta(resize=20, crop=40)) == 2 * MAX_ASPECT_RATIO


def test_geometry_follows_each_step() -> None:
    geometry = eval_geometry(1000, 100, _meta(resize=50, crop=40))
    assert geometry.kept == (300, 0, 700, 100)  # cut to 4:1 around the centre first
    assert geometry.resized == (200, 50)
    assert geometry.crop == (80, 5, 120, 45)
    assert geometry.crop_in_original() == (460.0, 10.0, 540.0, 90.0)
    assert LimitAspect(4.0)(Image.new("RGB", (1000, 100))).size == (400, 100)


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: f"{r[0]}-{r[1]}")
def test_numpy_transform_equals_torchvision(interpolation: str, recipe: tuple[int, int]) -> None:
    torch = pytest.importorskip("torch")
    from core.images import build_transform

    meta = _meta(interpolation, *recipe)
    ours, theirs = EvalTransform(meta), build_transform(meta)
    for index, size in enumerate(SIZES):
        image = _photo_like(*size, seed=index)
        array, tensor = ours(image), theirs(image)
        assert array.dtype == np.float32 and array.shape == (3, meta.crop_size, meta.crop_size)
        assert array.flags.c_contiguous
        difference = float((torch.from_numpy(array) - tensor).abs().max())
        assert difference <= 1e-6, (size, difference)


def test_numpy_transform_refuses_an_unknown_interpolation() -> None:
    with pytest.raises(ValueError, match="unknown interpolation"):
        EvalTransform(_meta("sideways"))


# --------------------------------------------------------------------------- training = inference


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
def test_training_evaluation_tensors_equal_inference(tmp_path: Path, interpolation: str) -> None:
    """For every interpolation a model's metadata may name, training's evaluation set
    (``core.train.Pictures``) gives the tensor inference computes for the same file."""
    torch = pytest.importorskip("torch")
    from core.images import build_transform, decode_for_model
    from core.train import Pictures

    files = []
    shapes = [(300, 200, "jpg"), (45, 260, "png"), (500, 70, "png"), (9, 13, "png"), (97, 93, "jpg")]
    for index, (width, height, suffix) in enumerate(shapes):
        path = tmp_path / f"picture{index}.{suffix}"
        _photo_like(width, height, seed=index).save(path, quality=95)  # quality: JPEG only
        files.append(path)
    meta = _meta(interpolation, resize=36, crop=32)
    pictures = Pictures([(path, 0) for path in files], meta, keep=False)
    transform, numpy_transform = build_transform(meta), EvalTransform(meta)
    for index, path in enumerate(files):
        decoded = decode_for_model(path, decode_side(meta))[0]  # as core.inference.Classifier reads it
        inference = transform(decoded)
        training = pictures[index][0]
        assert torch.equal(training, inference), path.name
        assert np.abs(numpy_transform(decoded) - inference.numpy()).max() <= 1e-6


def test_the_filters_cover_exactly_the_interpolations_a_record_may_name() -> None:
    from core.metadata import INTERPOLATIONS
    from core.preprocess import PIL_FILTERS

    assert tuple(PIL_FILTERS) == INTERPOLATIONS
