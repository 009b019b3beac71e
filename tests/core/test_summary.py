"""The architecture summary: totals that agree with the published figures, a consistent tree."""

import pytest
import torch

from core.cli import main
from core.resnet import build_resnet
from core.summary import summarize


@pytest.fixture(scope="module")
def resnet50_summary():
    return summarize(build_resnet("resnet50"), 224)


def test_resnet50_totals(resnet50_summary) -> None:
    assert resnet50_summary.total_params == 25_557_032
    assert resnet50_summary.total_macs == pytest.approx(4.09e9, rel=0.01)
    assert resnet50_summary.root.flops == 2 * resnet50_summary.total_macs


def test_resnet50_layer4_shape(resnet50_summary) -> None:
    assert resnet50_summary.root.find("layer4").output_shape == (1, 2048, 7, 7)
    assert resnet50_summary.root.find("layer1.0.conv3").output_shape == (1, 256, 56, 56)


def test_tree_is_stem_stages_blocks_layers(resnet50_summary) -> None:
    top = [node.name for node in resnet50_summary.root.children]
    assert top == ["stem", "layer1", "layer2", "layer3", "layer4", "head"]
    stem = resnet50_summary.root.children[0]
    assert [c.name for c in stem.children] == ["conv1", "bn1", "relu", "maxpool"]
    assert stem.output_shape == (1, 64, 56, 56)
    block = resnet50_summary.root.find("layer2.0")
    assert [c.short_name for c in block.children] == [
        "conv1",
        "bn1",
        "conv2",
        "bn2",
        "conv3",
        "bn3",
        "relu",
        "downsample",
    ]


def test_leaves_add_up_to_the_root(resnet50_summary) -> None:
    root = resnet50_summary.root
    assert sum(leaf.params for leaf in root.leaves()) == root.params
    assert sum(leaf.macs for leaf in root.leaves()) == root.macs
    for _, node in root.walk():
        assert node.params == node.own_params + sum(c.params for c in node.children)


def test_resnet18_macs_and_other_sizes() -> None:
    model = build_resnet("resnet18")
    assert summarize(model, 224).total_macs == pytest.approx(1.82e9, rel=0.01)
    small = summarize(model, (160, 200))
    assert small.root.output_shape == (1, 1000)
    assert small.total_macs < 1.82e9


def test_summary_restores_mode_and_removes_hooks() -> None:
    model = build_resnet("resnet18", num_classes=5).train()
    summarize(model, 64)
    assert model.training
    assert all(not m._forward_hooks for m in model.modules())
    x = torch.randn(1, 3, 64, 64)
    assert model.eval()(x).shape == (1, 5)


def test_cli_summary_prints_aligned_table(capsys) -> None:
    assert main(["summary", "--arch", "resnet50", "--input-size", "224", "--depth", "1"]) == 0
    out = capsys.readouterr().out
    assert "25,557,032" in out and "4.09 G" in out
    lines = out.splitlines()
    layer4 = next(line for line in lines if line.strip().startswith("layer4"))
    assert "[1, 2048, 7, 7]" in layer4
    header = lines[0]
    assert layer4.index("[1, 2048") == header.index("Output shape")
    assert not any(line.strip().startswith("0 ") for line in lines)  # depth 1: no blocks


def test_cli_summary_rejects_tiny_input(capsys) -> None:
    assert main(["summary", "--arch", "resnet18", "--input-size", "8"]) == 2
    assert "at least 32" in capsys.readouterr().err
