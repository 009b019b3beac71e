"""``reslens-cli train``: the plan's defaults, overrides, progress on stderr, and a model classify can use."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from core.cli import build_parser, main
from core.cli_train import PLAN_FIELDS, overrides_from_args
from core.shapes import write_dataset

CLASSES = ("circle", "square", "star")
QUICK = ["--input-size", "32", "--epochs", "1", "--head-epochs", "4", "--batch-size", "8"]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli") / "data"
    write_dataset(root, seed=5, per_class=8, size=32, classes=CLASSES, ext="png")
    return root


def _parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["train", *argv])


def test_no_option_means_the_plan_decides_and_from_bundled() -> None:
    args = _parse("DATA", "--out", "m.safetensors")
    assert args.start is None and overrides_from_args(args) == {}


def test_options_are_overrides_and_weights_is_an_alias_of_from() -> None:
    args = _parse("D", "-o", "m.safetensors", "--weights", "x.pth", "--lr", "3e-3", "--hflip", "--fp16")
    assert args.start == "x.pth"
    assert overrides_from_args(args) == {"lr": 3e-3, "hflip": True, "fp16": True}
    assert _parse("D", "-o", "m", "--from", "imagenet-v1").start == "imagenet-v1"
    assert overrides_from_args(_parse("D", "-o", "m", "--no-hflip")) == {"hflip": False}


def test_every_plan_setting_has_an_option() -> None:
    from core.train import TrainConfig
    from core.train_args import train_options

    settings = {f.name for f in fields(TrainConfig)} - {"start", "channels_last"}
    assert set(PLAN_FIELDS) == settings
    assert set(train_options()) == settings - {"resume"}


def test_every_option_of_the_parser_is_repeated_in_the_card_command() -> None:
    """An option added to the parser reaches the model card's command with no table to update."""
    from core.train import TrainConfig
    from core.train_args import NOT_REPEATED, PROG, reproduce_command

    assert build_parser().prog == PROG
    parser = next(a for a in build_parser()._actions if a.dest == "command").choices["train"]
    settings = {f.name for f in fields(TrainConfig)}
    given: dict[str, object] = {}
    flags: list[str] = []
    for action in parser._actions:
        if not action.option_strings or action.dest in NOT_REPEATED:
            continue
        assert action.dest in settings, f"{action.option_strings} fills no training setting"
        if action.nargs == 0:
            if action.const is True:  # a switch is repeated when on
                given[action.dest] = True
                flags.append(action.option_strings[-1])
        else:
            given[action.dest] = action.choices[-1] if action.choices else "7"
            flags += [next(o for o in action.option_strings if o.startswith("--")), str(given[action.dest])]
    command = reproduce_command("D", "m.safetensors", "imagenet-v1", given, sorted(given))
    assert command.startswith(f"{PROG} train D --out m.safetensors --from imagenet-v1 ")
    words = command.split()
    for flag in flags:
        assert flag in words, flag


def test_train_then_classify_with_only_the_weights_file(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine.safetensors"
    assert main(["train", str(data), "--out", str(out), *QUICK]) == 0
    captured = capsys.readouterr()
    assert f"saved {out}" in captured.out
    assert "24 images in 3 classes" in captured.err and "fine-tune 1/1" in captured.err  # progress on stderr
    card = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["card"]
    assert card["command"] == f"reslens-cli train {data} --out {out} " + " ".join(
        ["--batch-size", "8", "--epochs", "1", "--head-epochs", "4", "--input-size", "32"]
    )
    assert main(["classify", str(data / "star"), "--weights", str(out), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert len(results) == 8
    assert all(r["error"] is None and r["predictions"][0]["label"] in CLASSES for r in results)
    assert {p["label"] for p in results[0]["predictions"]} == set(CLASSES)


def test_data_errors_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "only").mkdir()
    assert main(["train", str(tmp_path), "--out", str(tmp_path / "m.safetensors")]) == 2
    assert "at least two class sub-folders" in capsys.readouterr().err
    assert main(["train", str(tmp_path), "--out", "m.safetensors", "--from", "nope"]) == 2


def test_from_a_file_of_another_architecture_says_so(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "first.safetensors"
    assert main(["train", str(data), "--out", str(out), "-q", *QUICK]) == 0
    capsys.readouterr()
    code = main(
        [
            "train",
            str(data),
            "--out",
            str(tmp_path / "x.safetensors"),
            "--from",
            str(out),
            "--arch",
            "resnet34",
        ]
    )
    assert code == 2
    assert "holds a resnet18, not a resnet34" in capsys.readouterr().err
    assert not (tmp_path / "x.safetensors").exists()


PROBE = """
import sys
from core.cli import main
try:
    main(["train", "DATA"])  # --out missing: a usage error
except SystemExit as exc:
    assert exc.code == 2
print(",".join(m for m in ("torch", "torchvision", "numpy") if m in sys.modules))
"""


def test_train_usage_errors_stay_torch_free() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_generate_shapes_still_renders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gen"
    assert main(["generate-shapes", str(out), "--per-class", "1", "--size", "32"]) == 0
    assert len(list(out.rglob("*.jpg"))) == 12
