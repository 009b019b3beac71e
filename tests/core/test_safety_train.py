"""Training never loses a run at save time: odd names, diverged epochs, classes too small to split.

Each test fails without its fix (issue 24, items 3, 6 and 13): the run trained to the end, then
the save raised, or a NaN model was kept over a good one, or the split produced NaN.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core.dataset import scan_class_folder
from core.messages import english
from core.shapes import write_dataset
from core.train import plan_training, train_model
from core.weights import load_weights_file

FAST = dict(input_size=32, resize_size=32, epochs=1, head_epochs=4, batch_size=8, seed=0)


def _bytes_name(folder: Path, name: bytes) -> str:
    """A path whose last part is ``name``, raw bytes the file system keeps as they are."""
    return os.fsdecode(os.path.join(os.fsencode(folder), name))


@pytest.fixture(scope="module")
def odd_names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two classes, one a folder named with a byte that is not UTF-8, a picture and an
    unreadable file named likewise."""
    root = tmp_path_factory.mktemp("odd") / "data"
    write_dataset(root, seed=3, per_class=6, size=32, classes=("circle", "square"), ext="png")
    os.rename(root / "square", _bytes_name(root, b"sq\xe9are"))
    picture = sorted((root / "circle").iterdir())[0]
    os.rename(picture, _bytes_name(root / "circle", b"c\xff.png"))
    Path(_bytes_name(root / "circle", b"broken\xfe.png")).write_bytes(b"not a picture")
    return root


def test_a_non_utf8_class_folder_and_file_names_still_save_the_model(odd_names: Path, tmp_path: Path) -> None:
    ts = scan_class_folder(odd_names)
    assert ts.classes == ("circle", "sq\\xe9are")  # decided at the scan: the escaped text
    assert len(ts.samples) == 12  # the picture with the odd name is read from its real path
    out = tmp_path / "m.safetensors"
    outcome = train_model(ts, plan_training(ts, **FAST), out)
    assert outcome.weights == out and out.is_file()
    assert load_weights_file(out).meta.categories == ("circle", "sq\\xe9are")
    record = json.loads(out.with_suffix(".json").read_bytes().decode("utf-8"))  # valid UTF-8 JSON
    assert record["categories"] == ["circle", "sq\\xe9are"]
    card = record["card"]
    assert card == outcome.card and card["classes"] == ["circle", "sq\\xe9are"]
    [[unreadable, _why]] = card["data"]["unreadable"]
    assert unreadable.endswith("broken\\xfe.png")


# --------------------------------------------------------------------------- item 6: diverged epochs


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("plain") / "data"
    write_dataset(root, seed=3, per_class=6, size=32, classes=("circle", "square"), ext="png")
    return scan_class_folder(root)


def _strict_json(path: Path) -> dict:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in {path.name}: not JSON")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


HUGE_LR = 1e30  # every fine-tuning step overflows: the loss is NaN from the first epoch on


def test_a_diverged_fine_tuning_keeps_the_head_and_says_so(plain, tmp_path: Path) -> None:
    import torch

    out = tmp_path / "m.safetensors"
    said: list[str] = []
    plan = plan_training(plain, **{**FAST, "epochs": 2, "batch_size": 4, "lr": HUGE_LR})
    outcome = train_model(plain, plan, out, on_status=lambda m: said.append(english(m)))
    card = outcome.card
    assert card["best_stage"] == "head" and card["head_only"] is True
    assert card["diverged"] == [{"stage": "fine-tune", "epoch": 1}]  # and no later epoch was run
    assert card["val_loss"] is not None and card["history"][-1]["val_loss"] is None  # NaN written as null
    assert any("fine-tuning diverged" in line and "head" in line for line in said)
    assert _strict_json(out.with_suffix(".json"))["card"] == card
    model = load_weights_file(out).model
    assert all(bool(torch.isfinite(t).all()) for t in model.state_dict().values() if t.is_floating_point())


def test_every_epoch_diverged_saves_nothing_with_exit_1(plain, tmp_path: Path) -> None:
    from core.errors import EXIT_SOME_FAILED
    from core.train.config import TrainingError

    plan = plan_training(plain, **{**FAST, "head_epochs": 0, "epochs": 2, "batch_size": 4, "lr": HUGE_LR})
    with pytest.raises(TrainingError, match="every epoch diverged") as raised:
        train_model(plain, plan, tmp_path / "m.safetensors")
    assert raised.value.exit_code == EXIT_SOME_FAILED == 1
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- item 13: one image a class


def test_classes_of_one_image_are_said_before_work_and_train_without_validation(tmp_path, capsys) -> None:
    from core.cli import main

    data = tmp_path / "data"
    write_dataset(data, seed=1, per_class=1, size=32, classes=("circle", "square"), ext="png")
    out = tmp_path / "m.safetensors"
    args = ["train", str(data), "--out", str(out), "--input-size", "32", "--epochs", "2"]
    assert main([*args, "--head-epochs", "3", "--batch-size", "4"]) == 0
    err = capsys.readouterr().err.splitlines()
    said = [i for i, line in enumerate(err) if "No class has two images" in line]
    assert said and said[0] < err.index("Loading the bundled model")  # before any work
    card = _strict_json(out.with_suffix(".json"))["card"]
    assert card["val_loss"] is None and card["evaluation"] is None and card["data"]["val_images"] == 0
    assert (card["best_stage"], card["best_epoch"]) == ("fine-tune", 2)  # the last epoch, not the first
    assert card["diverged"] == []


def test_a_single_image_class_among_others_is_named(tmp_path) -> None:
    from core.dataset import check_training_set

    data = tmp_path / "data"
    write_dataset(data, seed=1, per_class=3, size=32, classes=("circle", "square", "star"), ext="png")
    for extra in sorted((data / "star").iterdir())[1:]:
        extra.unlink()
    warnings = {w.kind: w for w in check_training_set(scan_class_folder(data))}
    assert "no-validation" not in warnings
    assert english(warnings["unchecked"].what).startswith("1 class with a single image (star)")
    assert [p.parent.name for p in warnings["unchecked"].paths] == ["star"]


def test_train_shows_an_odd_file_name_escaped(tmp_path: Path, capsys) -> None:
    from core.cli import main

    data = tmp_path / "data"
    write_dataset(data, seed=1, per_class=2, size=32, classes=("circle", "square"), ext="png")
    Path(os.fsdecode(os.path.join(os.fsencode(data / "circle"), b"bad\x1b[2J\xfe.png"))).write_bytes(b"junk")
    out = tmp_path / "m.safetensors"
    args = ["train", str(data), "--out", str(out), "--epochs", "1", "--head-epochs", "1"]
    args += ["--input-size", "32"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "skipped" in err and "bad\\x1b[2J\\xfe.png" in err and "\x1b" not in err and "\udcfe" not in err
