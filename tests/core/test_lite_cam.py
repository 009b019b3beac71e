"""CAM at layer4 in Lite equals our Grad-CAM at layer4, and points at the symbol.

For a global-average-pooled linear head, Grad-CAM's channel weights are fc's row divided by the
map's area, so after normalisation the two maps are the same (see ``core.lite.cam``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from core.lite.cam import LiteCam
from core.lite.cli import bundled_lite_path
from core.lite.runtime import LiteModel
from core.paths import samples_dir

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(samples_dir().glob("*.jpg"))


@pytest.fixture(scope="module")
def grad_cam():
    from core.cam import GradCam
    from core.weights import load_weights

    return GradCam.from_loaded(load_weights(None), "layer4")


@pytest.fixture(scope="module")
def lite_cam() -> LiteCam:
    return LiteCam(LiteModel(bundled_lite_path()))


def test_equal_to_grad_cam_at_layer4_on_the_samples(grad_cam, lite_cam) -> None:
    worst = 0.0
    for path in SAMPLES:
        full = grad_cam.explain(path)
        ours = lite_cam.explain(path)
        assert ours.class_index == full.class_index, path.name
        assert ours.crop == pytest.approx(full.crop)
        assert ours.image_size == full.image_size
        assert ours.probability == pytest.approx(full.probability, abs=1e-4)
        worst = max(worst, float(np.abs(ours.grid - full.grid).max()))
        rendered = ours
        assert rendered.peak == full.peak and rendered.box() == full.box()
        assert rendered.to_dict() | {"probability": 0} == full.to_dict() | {"probability": 0}
    assert worst < 1e-5, worst


def test_equal_for_another_class_too(grad_cam, lite_cam) -> None:
    for target in ("ring", 4):
        full = grad_cam.explain(SAMPLES[0], target=target)
        ours = lite_cam.explain(SAMPLES[0], target=target)
        assert ours.class_index == full.class_index
        np.testing.assert_allclose(ours.grid, full.grid, atol=1e-5)


def test_unknown_class_is_a_usage_error(lite_cam) -> None:
    from core.errors import UsageError

    with pytest.raises(UsageError, match="unknown class 'dragon'; the model's classes are: arrow"):
        lite_cam.explain(SAMPLES[0], target="dragon")
    with pytest.raises(UsageError, match=r"class index 99 is out of range 0\.\.11"):
        lite_cam.explain(SAMPLES[0], target=99)


def test_the_peak_lands_on_the_rendered_symbol(grad_cam, lite_cam) -> None:
    """The pointing game of ``bench/pointing.py`` (its development seed), Lite against Grad-CAM."""
    sys.path.insert(0, str(ROOT / "bench"))
    from pointing import inside, render

    rng = np.random.default_rng(14101)
    hits = same = 0
    images = [render(rng) for _ in range(60)]
    for image, _name, box in images:
        peak = lite_cam.explain(image).peak
        hits += inside(peak, box)
        same += peak == grad_cam.explain(image).peak
    assert same == len(images)
    assert hits / len(images) >= 0.8, hits
