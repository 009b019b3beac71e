"""The symbol generator: every class renders, per-seed determinism, dataset layout."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from core import shapes


def _pixels(img: Image.Image) -> np.ndarray:
    return np.asarray(img)


def test_twelve_distinct_classes_all_drawable() -> None:
    assert len(shapes.CLASSES) >= 12
    assert len(set(shapes.CLASSES)) == len(shapes.CLASSES)
    assert set(shapes.SHAPES) == set(shapes.CLASSES)


@pytest.mark.parametrize("label", shapes.CLASSES)
def test_every_class_renders_a_visible_symbol(label: str) -> None:
    for i in range(3):
        img = shapes.render_sample(label, shapes.sample_rng(0, shapes.CLASSES.index(label), i), 64)
        assert img.mode == "RGB" and img.size == (64, 64)
        assert _pixels(img).std() > 5  # not a blank canvas


@pytest.mark.parametrize("size", [32, 96, 160])
def test_requested_size(size: int) -> None:
    assert shapes.render_sample(0, shapes.sample_rng(1, 0, 0), size).size == (size, size)


def test_same_seed_same_pixels_other_seed_other_pixels() -> None:
    a = shapes.render_sample("star", shapes.sample_rng(7, 10, 3))
    b = shapes.render_sample("star", shapes.sample_rng(7, 10, 3))
    c = shapes.render_sample("star", shapes.sample_rng(8, 10, 3))
    assert np.array_equal(_pixels(a), _pixels(b))
    assert not np.array_equal(_pixels(a), _pixels(c))


def test_index_and_name_render_the_same() -> None:
    idx = shapes.CLASSES.index("heart")
    a = shapes.render_sample("heart", shapes.sample_rng(3, idx, 0), 48)
    b = shapes.render_sample(idx, shapes.sample_rng(3, idx, 0), 48)
    assert np.array_equal(_pixels(a), _pixels(b))


def test_write_dataset_is_an_image_folder_and_deterministic(tmp_path) -> None:
    classes = ("circle", "ring", "star")
    n = shapes.write_dataset(tmp_path / "a", seed=5, per_class=2, size=40, classes=classes, ext="png")
    shapes.write_dataset(tmp_path / "b", seed=5, per_class=2, size=40, classes=classes, ext="png")
    assert n == 6
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == list(classes)
    files = sorted((tmp_path / "a").rglob("*.png"))
    assert len(files) == 6
    for f in files:
        twin = tmp_path / "b" / f.relative_to(tmp_path / "a")
        assert f.read_bytes() == twin.read_bytes()


def test_iter_samples_interleaves_classes() -> None:
    labels = [c for _, c in shapes.iter_samples(seed=9, per_class=2, size=32)]
    assert labels == list(range(len(shapes.CLASSES))) * 2
