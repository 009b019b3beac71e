"""Loading weights builds no random model first: the tensors go straight into a meta skeleton."""

from pathlib import Path

import pytest
import torch
from torchvision.models import resnet18

from core.resnet import ResNet, build_resnet
from core.weights import load_weights_file

BUNDLED = Path(__file__).resolve().parents[2] / "assets" / "models" / "reslens-shapes-r18.safetensors"


def test_loading_skips_the_random_init(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: ResNet, zero_init_residual: bool) -> None:
        raise AssertionError("a loaded model was randomly initialised first")

    monkeypatch.setattr(ResNet, "_init_weights", refuse)
    loaded = load_weights_file(BUNDLED)
    assert {t.device.type for t in loaded.model.state_dict().values()} == {"cpu"}


def test_loaded_model_matches_torchvision_on_the_same_state(tmp_path: Path) -> None:
    reference = resnet18(num_classes=7).eval()
    path = tmp_path / "tv.pth"
    torch.save(reference.state_dict(), path)
    loaded = load_weights_file(path, arch="resnet18").model
    x = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(loaded(x), reference(x))
    assert all(not p.is_meta for p in loaded.parameters())


def test_a_meta_skeleton_is_not_initialised_but_a_real_model_is() -> None:
    with torch.device("meta"):
        skeleton = build_resnet("resnet50", zero_init_residual=True)
    assert skeleton.conv1.weight.is_meta
    real = build_resnet("resnet18", zero_init_residual=True)
    assert real.conv1.weight.std() > 0
    assert torch.count_nonzero(real.layer1[0].bn2.weight) == 0
