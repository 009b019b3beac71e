"""Large photos decoded at the size the model needs: same answers, the stored size still reported."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from core.images import build_transform, decode_for_model, load_rgb
from core.inference import Classifier
from core.shapes import CLASSES, render_photo, sample_rng
from core.weights import load_weights


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """One large photo-like JPEG per class (1600 x 1200: big enough for a 1/8 draft)."""
    folder = tmp_path_factory.mktemp("photos")
    paths = []
    for index, name in enumerate(CLASSES):
        path = folder / f"{index:02d}-{name}.jpg"
        render_photo(name, sample_rng(77, index, 0), (1600, 1200)).save(path, quality=90)
        paths.append(path)
    return paths


def test_draft_decodes_a_large_jpeg_reduced_but_reports_its_size(photos) -> None:
    image, size = decode_for_model(photos[0], 128)
    assert size == (1600, 1200)
    assert min(image.size) >= 128 and image.size[0] < 400  # 1/8 in the DCT domain, then reduce()
    full, full_size = decode_for_model(photos[0], None)
    assert full_size == (1600, 1200) and full.size == (1600, 1200)
    assert np.array_equal(np.asarray(full), np.asarray(load_rgb(photos[0])))


def test_small_images_and_other_formats(tmp_path) -> None:
    small = tmp_path / "small.jpg"
    Image.new("RGB", (200, 150), (10, 200, 30)).save(small)
    image, size = decode_for_model(small, 128)
    assert image.size == size == (200, 150)  # under 2x: untouched
    png = tmp_path / "big.png"
    Image.new("RGB", (1000, 600), (10, 200, 30)).save(png)
    image, size = decode_for_model(png, 128)
    assert size == (1000, 600) and image.size == (250, 150)  # reduce(4): still >= 128


def test_exif_rotated_photo_reports_its_upright_size(tmp_path) -> None:
    path = tmp_path / "sideways.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    Image.new("RGB", (1600, 1200), (200, 30, 30)).save(path, exif=exif)
    image, size = decode_for_model(path, 128)
    assert size == (1200, 1600) and image.size[0] < image.size[1]


def test_reduced_decode_gives_the_full_decode_top1(photos) -> None:
    loaded = load_weights(None)
    fast = Classifier.from_loaded(loaded).classify(photos, top_k=1)
    exact = Classifier.from_loaded(loaded, exact_decode=True).classify(photos, top_k=1)
    assert all(r.ok for r in fast + exact)
    assert [r.top.index for r in fast] == [r.top.index for r in exact]
    assert [(r.width, r.height) for r in fast] == [(1600, 1200)] * len(photos)


def test_exact_decode_is_the_torchvision_recipe_on_the_full_picture(photos) -> None:
    from torchvision.transforms import v2

    loaded = load_weights(None)
    meta = loaded.meta
    reference = v2.Compose(
        [
            v2.Resize(meta.resize_size, antialias=True),
            v2.CenterCrop(meta.crop_size),
            v2.ToImage(),
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(mean=list(meta.mean), std=list(meta.std)),
        ]
    )
    with Image.open(photos[1]) as image:
        expected = reference(image.convert("RGB"))
    image, _ = decode_for_model(photos[1], None)
    torch.testing.assert_close(build_transform(meta)(image), expected, rtol=0, atol=1e-5)
