"""Dev-only: core.cam agrees with captum's LayerGradCam (skipped where captum is not installed).

ResLens does not ship captum (it needs matplotlib); this test is the reference check of our
~40 lines of hooks against a maintained implementation.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.cam import GradCam
from core.images import load_rgb
from core.paths import samples_dir
from core.weights import load_weights
from tests.core.test_cam import one_torch_thread  # noqa: F401 - an autouse fixture

captum_attr = pytest.importorskip("captum.attr")


@pytest.fixture(scope="module")
def loaded():
    return load_weights(None)


@pytest.mark.parametrize("layer", ["layer4", "layer3.1", "layer2", "layer1.0.conv2", "maxpool"])
@pytest.mark.parametrize("sample, target", [("star-drawn.jpg", None), ("heart-drawn.jpg", "ring")])
def test_same_map_as_captum(loaded, layer, sample, target) -> None:
    cam = GradCam.from_loaded(loaded, layer)
    x = cam.transform(load_rgb(samples_dir() / sample)).unsqueeze(0)
    ours, _probabilities, (index,) = cam.compute(x, target)
    module = dict(loaded.model.named_modules())[layer]
    reference = captum_attr.LayerGradCam(loaded.model, module).attribute(
        x, target=index, relu_attributions=True
    )
    reference = reference.detach().float().numpy()[:, 0]
    assert ours.shape == reference.shape
    assert ours.max() > 0 or target is not None  # a runner-up class may have no positive evidence
    np.testing.assert_allclose(ours, reference, rtol=1e-4, atol=1e-6 * float(reference.max()))


def test_same_maps_for_a_batch(loaded) -> None:
    cam = GradCam.from_loaded(loaded, "layer3")
    images = [load_rgb(samples_dir() / name) for name in ("star.jpg", "ring.jpg", "arrow-drawn.jpg")]
    x = torch.stack([cam.transform(image) for image in images])
    ours, _probabilities, indices = cam.compute(x)
    module = loaded.model.layer3
    reference = captum_attr.LayerGradCam(loaded.model, module).attribute(
        x, target=torch.tensor(indices), relu_attributions=True
    )
    np.testing.assert_allclose(ours, reference.detach().numpy()[:, 0], rtol=1e-4, atol=1e-7)
