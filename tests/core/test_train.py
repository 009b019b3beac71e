"""Training: a tiny ResNet-18 on a tiny generated set, in seconds, and what it writes."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from core.images import build_transform
from core.metadata import read_safetensors_meta
from core.resnet import build_resnet
from core.shapes import write_dataset
from core.train import (
    TrainConfig,
    TrainingError,
    add_generate_arguments,
    add_train_arguments,
    config_from_args,
    initial_state,
    list_image_folder,
    run_generate,
    stratified_split,
    train,
)

CLASSES = ("circle", "square", "star")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shapes") / "train"
    write_dataset(root, seed=3, per_class=16, size=40, classes=CLASSES, ext="png")
    return root


def _config(data: Path, out: Path, **overrides: object) -> TrainConfig:
    base = dict(
        data=str(data), out=str(out), input_size=32, resize_size=32, epochs=4, batch_size=12,
        workers=0, lr=3e-3, warmup_epochs=0, label_smoothing=0.0, val_split=0.25, seed=0,
    )  # fmt: skip
    return TrainConfig(**{**base, **overrides})


@pytest.fixture(scope="module")
def trained(dataset: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("run") / "tiny.safetensors"
    return train(_config(dataset, out), on_epoch=None, invocation="pytest tiny run")


def test_training_loss_goes_down(trained) -> None:
    losses = [h["train_loss"] for h in trained.history]
    assert len(losses) == 4
    assert losses[-1] < losses[0]


def test_output_is_safetensors_with_metadata_and_card(trained) -> None:
    meta = read_safetensors_meta(trained.path)
    assert meta is not None
    assert meta.arch == "resnet18" and meta.categories == CLASSES
    assert (meta.crop_size, meta.resize_size) == (32, 32)
    card = meta.card
    assert card["command"] == "pytest tiny run" and card["seed"] == 0
    assert card["epochs_run"] == 4 and 0.0 <= card["val_accuracy"] <= 1.0
    assert card["hardware"]["torch"] == torch.__version__ and card["training_time_s"] > 0
    assert trained.path.with_suffix(".json").is_file()
    tensors = load_file(str(trained.path))
    model = build_resnet("resnet18", num_classes=3)
    model.load_state_dict(tensors, strict=True)


def test_weights_registry_loads_the_output(trained) -> None:
    weights = pytest.importorskip("core.weights")
    loaded = weights.load_weights_file(trained.path)
    assert loaded.meta.categories == CLASSES
    assert not loaded.model.training
    with torch.no_grad():
        assert loaded.model(torch.zeros(1, 3, 32, 32)).shape == (1, 3)


def test_resume_continues_where_the_checkpoint_stopped(dataset: Path, trained, tmp_path: Path) -> None:
    ckpt = trained.path.with_name("tiny.ckpt.pt")
    assert ckpt.is_file()
    out = tmp_path / "resumed.safetensors"
    result = train(_config(dataset, out, epochs=5, resume=str(ckpt)), on_epoch=None)
    assert len(result.history) == 5
    assert result.history[:4] == trained.history


def test_fine_tuning_other_classes_gets_a_new_head(trained) -> None:
    state, note = initial_state(trained.path, "resnet18", ("ring", "star"))
    assert "fc.weight" not in state and "new 2-class head" in note
    source = load_file(str(trained.path))
    assert torch.equal(state["conv1.weight"], source["conv1.weight"].float())


def test_fine_tuning_same_classes_reorders_the_head(trained) -> None:
    state, _ = initial_state(trained.path, "resnet18", tuple(reversed(CLASSES)))
    source = load_file(str(trained.path))
    assert torch.equal(state["fc.weight"], source["fc.weight"].float().flip(0))


def test_fine_tune_run_with_fp16_output(tmp_path: Path, trained) -> None:
    data = tmp_path / "two"
    write_dataset(data, seed=4, per_class=6, size=40, classes=("ring", "star"), ext="png")
    out = tmp_path / "ft.safetensors"
    result = train(_config(data, out, epochs=1, weights=str(trained.path), fp16=True), on_epoch=None)
    tensors = load_file(str(out))
    assert tensors["fc.weight"].shape == (2, 512) and tensors["fc.weight"].dtype == torch.float16
    assert "all but the head" in result.meta.card["init"]


def test_stratified_split_holds_out_every_class(dataset: Path) -> None:
    _, samples = list_image_folder(dataset)
    train_part, val_part = stratified_split(samples, 0.25, seed=1)
    assert len(train_part) + len(val_part) == len(samples)
    assert sorted({c for _, c in val_part}) == [0, 1, 2]
    assert stratified_split(samples, 0.25, seed=1) == (train_part, val_part)


def test_unusable_folder_is_a_plain_error(tmp_path: Path) -> None:
    (tmp_path / "only").mkdir()
    with pytest.raises(TrainingError, match="two class"):
        list_image_folder(tmp_path)
    with pytest.raises(TrainingError, match="no such folder"):
        list_image_folder(tmp_path / "missing")


def test_eval_transforms_follow_the_metadata(trained) -> None:
    from PIL import Image

    tensor = build_transform(trained.meta)(Image.new("RGB", (90, 60), "white"))
    assert tensor.shape == (3, 32, 32)


def test_command_line_arguments(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_train_arguments(parser)
    args = parser.parse_args(["d", "--out", "m.safetensors", "--input-size", "80", "--fp16", "--no-hflip"])
    config = config_from_args(args)
    assert (config.input_size, config.fp16, config.hflip, config.eval_resize) == (80, True, False, 91)

    gen = argparse.ArgumentParser()
    add_generate_arguments(gen)
    out = tmp_path / "gen"
    assert run_generate(gen.parse_args([str(out), "--per-class", "1", "--size", "32"])) == 0
    assert len(list(out.rglob("*.jpg"))) >= 12
