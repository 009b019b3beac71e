"""``core.selftest``: the check behind ``reslens --self-test`` and the packaged-app check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from core.metadata import ModelMeta, save_model
from core.paths import ASSETS_ENV, samples_dir
from core.resnet import build_resnet
from core.selftest import run_selftest, sample_files, true_class
from core.weights import BUNDLED_MODEL_NAME


def test_samples_are_found_in_name_order() -> None:
    files = sample_files()
    assert len(files) >= 10
    assert all(f.parent == samples_dir() for f in files)
    assert files == sorted(files)


def test_bundled_model_gets_every_sample_right() -> None:
    report = run_selftest("auto")
    data = report.to_dict()
    assert report.ok, json.dumps(data, indent=2)
    assert report.samples_right == report.samples_total == len(sample_files())
    assert report.arch_params > 1_000_000
    assert report.device
    assert json.loads(json.dumps(data))["ok"] is True  # plain JSON, as the CLI prints it


def test_every_sample_is_named_after_a_class_of_the_bundled_model() -> None:
    from core.weights import bundled_meta

    categories = bundled_meta().categories
    assert {true_class(f, categories) for f in sample_files()} <= set(categories)


def test_true_class_reads_the_name_before_a_variant_suffix() -> None:
    categories = ("star", "ring", "star-of-david")
    assert true_class("/x/star.jpg", categories) == "star"
    assert true_class("star-drawn.png", categories) == "star"
    assert true_class("star-of-david-drawn.png", categories) == "star-of-david"
    assert true_class("square-drawn.jpg", categories) == "square-drawn"  # unknown: the stem, wrong


def test_missing_model_is_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ASSETS_ENV, str(tmp_path))
    report = run_selftest("cpu")
    assert not report.ok
    assert any("missing" in e for e in report.errors), report.errors
    assert report.to_dict()["ok"] is False


def test_wrong_answers_fail_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A model that always answers the first class gets one sample right: the rest are listed."""
    samples = sample_files()
    (tmp_path / "samples").mkdir()
    for f in samples:
        (tmp_path / "samples" / f.name).write_bytes(f.read_bytes())
    categories = tuple(sorted({f.stem.split("-")[0] for f in samples}))
    model = build_resnet("resnet18", num_classes=len(categories))
    with torch.no_grad():
        model.fc.weight.zero_()
        model.fc.bias.zero_()
        model.fc.bias[0] = 10.0
    meta = ModelMeta(arch="resnet18", categories=categories, crop_size=64, resize_size=72, name="constant")
    save_model(model.state_dict(), meta, tmp_path / "models" / f"{BUNDLED_MODEL_NAME}.safetensors")
    monkeypatch.setenv(ASSETS_ENV, str(tmp_path))

    report = run_selftest("cpu")

    assert report.errors == []
    assert report.device == "cpu"
    assert report.samples_total == len(samples)
    first = [f for f in samples if true_class(f, categories) == categories[0]]
    assert report.samples_right == len(first) >= 1
    assert [w["predicted"] for w in report.wrong] == [categories[0]] * (len(samples) - len(first))
    assert report.arch_params == sum(p.numel() for p in model.parameters())
    assert not report.ok
    assert report.to_dict()["ok"] is False


# --------------------------------------------------------------------------- the Lite edition's check


def test_lite_selftest_gets_every_sample_right_with_the_models_parameters() -> None:
    from core.selftest import run_lite_selftest

    lite = run_lite_selftest()
    assert lite.ok, json.dumps(lite.to_dict(), indent=2)
    assert (lite.edition, lite.device) == ("lite", "cpu")
    assert lite.samples_right == lite.samples_total == len(sample_files()) == 24
    # The tree stored in the .onnx counts what the full edition's summarize() counts on the
    # .safetensors model (README: "arch_params": 11182668).
    assert lite.arch_params == 11_182_668


def test_lite_selftest_reports_a_missing_model(tmp_path: Path) -> None:
    from core.selftest import run_lite_selftest

    report = run_lite_selftest(tmp_path / "absent.onnx")
    assert not report.ok and report.samples_right == 0
    assert report.errors and "absent.onnx" in report.errors[0]


def test_tree_params_refuses_a_tree_whose_totals_do_not_add_up() -> None:
    from core.selftest import tree_params

    leaf = {"own_params": 10, "params": 10, "children": []}
    assert tree_params({"own_params": 2, "params": 12, "children": [leaf]}) == 12
    assert tree_params({"own_params": 2, "params": 13, "children": [leaf]}) == 0
    assert tree_params(None) == 0 and tree_params({}) == 0


def test_lite_teach_check_sorts_its_training_pictures(tmp_path: Path) -> None:
    from core.selftest import lite_teach_check

    for name in ("circle", "square"):
        (tmp_path / "data" / name).mkdir(parents=True)
        for picture in (f"{name}.jpg", f"{name}-drawn.jpg"):
            (tmp_path / "data" / name / picture).write_bytes((samples_dir() / picture).read_bytes())
    assert lite_teach_check(tmp_path / "data", tmp_path / "quick.onnx") == (4, 4)
    assert (tmp_path / "quick.onnx").stat().st_size > 1_000_000
