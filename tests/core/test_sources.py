"""The weight-source registry and the model choice's rules, without torch for the registry."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.architectures import ARCH_NAMES
from core.messages import english
from core.sources import (
    DEFAULT,
    IMAGENET_SOURCES,
    ModelChoice,
    ModelIdentity,
    bundled_source,
    weight_sources,
    weights_label,
)


def test_imagenet_table_matches_torchvisions_enums() -> None:
    from torchvision.models import get_model_weights

    for arch in ARCH_NAMES:
        enum = get_model_weights(arch)
        for entry in IMAGENET_SOURCES.values():
            if entry.member not in enum.__members__:
                assert arch not in entry.archs
                continue
            published = enum[entry.member]
            preset = published.transforms()
            assert entry.file_for(arch) == published.url.rsplit("/", 1)[-1]
            assert (entry.crop, entry.resize) == (preset.crop_size[0], preset.resize_size[0])
            assert entry.classes == len(published.meta["categories"])


def test_bundled_entry_comes_from_its_card() -> None:
    bundled = bundled_source()
    assert bundled is not None and bundled.key == DEFAULT and bundled.fixed_arch == "resnet18"
    assert (bundled.classes, bundled.crop) == (12, 64) and not bundled.downloads
    assert [s.key for s in weight_sources()] == [DEFAULT, "imagenet-v1", "imagenet-v2"]


def test_the_registry_imports_neither_torch_nor_qt() -> None:
    code = (
        "import sys, core.sources; core.sources.weight_sources(); "
        "print(sorted(m for m in ('torch', 'torchvision', 'PySide6') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (ModelChoice("resnet99", "imagenet-v1"), ModelChoice("resnet18", "imagenet-v1")),
        (ModelChoice("resnet50", DEFAULT), ModelChoice("resnet18", DEFAULT)),  # bundled is a ResNet-18
        (ModelChoice("resnet18", "imagenet-v2"), ModelChoice("resnet18", "imagenet-v1")),  # no V2 published
        (ModelChoice("resnet50", "imagenet-v9", "x.txt"), ModelChoice("resnet18", DEFAULT)),  # unknown key
        (ModelChoice("resnet34", "/w/mine.pth"), ModelChoice("resnet34", "/w/mine.pth")),
        (ModelChoice("resnet50", "imagenet-v2", backend="tensorrt"), ModelChoice("resnet50", "imagenet-v2")),
        (ModelChoice("resnet50", "imagenet-v2", backend=""), ModelChoice("resnet50", "imagenet-v2")),
        (ModelChoice("x", "imagenet-v9", backend="onnx-int8"), ModelChoice("resnet18", backend="onnx-int8")),
    ],
)
def test_normalisation_rules(given: ModelChoice, expected: ModelChoice) -> None:
    assert given.normalised() == expected


def test_switching_architecture_moves_fixed_weights_to_imagenet() -> None:
    bundled = ModelChoice.bundled().with_labels("/l.txt")
    assert bundled.with_arch("resnet152") == ModelChoice("resnet152", "imagenet-v2")
    assert bundled.with_arch("resnet34") == ModelChoice("resnet34", "imagenet-v1")
    assert bundled.with_arch("resnet18") == bundled  # nothing to change
    v2 = ModelChoice("resnet50", "imagenet-v2")
    assert v2.with_arch("resnet18") == ModelChoice("resnet18", "imagenet-v1")
    mine = ModelChoice("resnet34", "/w/mine.pth")
    assert mine.with_arch("resnet50", weights_arch="resnet34") == ModelChoice("resnet50", "imagenet-v2")
    assert mine.with_weights(DEFAULT) == ModelChoice("resnet18", DEFAULT)


def test_the_backend_travels_with_every_change_of_model() -> None:
    int8 = ModelChoice.bundled().with_backend("onnx-int8")
    assert int8.backend == "onnx-int8" and int8.with_backend("cuda-graphs").backend == "torch"
    assert int8.with_arch("resnet50").backend == "onnx-int8"
    assert int8.with_weights("/w/mine.pth").backend == "onnx-int8"
    assert int8.with_device("cpu").with_labels("/l.txt").backend == "onnx-int8"
    assert int8.same_model(int8.with_backend("torch")) and int8 != int8.with_backend("torch")


def test_names_and_tags() -> None:
    assert english(weights_label(DEFAULT)) == "bundled" and weights_label("/a/b/tiny.pth") == "tiny.pth"
    identity = ModelIdentity("resnet18", DEFAULT, "3f2a9c1b")
    assert identity.tag == "ResNet-18 · bundled · 3f2a9c1b"
    assert ModelChoice("resnet152", "imagenet-v2").describe() == "ResNet-152 ImageNet V2"
    assert ModelIdentity("resnet50", "imagenet-v1", "0676ba61", "/x/mine.txt").name == (
        "ResNet-50 · ImageNet V1 · labels mine.txt"
    )
