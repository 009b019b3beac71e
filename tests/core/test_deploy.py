"""Export for deployment (core.deploy): ONNX fp32 and int8 with labels and preprocessing in the
metadata, and the model card's example, run without torch, giving ResLens's own top-1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.deploy import EXAMPLE, export_for_deployment
from core.errors import OutputError
from core.lite.runtime import LiteModel
from core.paths import models_dir
from core.shapes import write_dataset
from core.sources import BUNDLED_MODEL_NAME

CLASSES = ("circle", "square", "star")
FAST = dict(input_size=32, resize_size=32, epochs=1, head_epochs=8, batch_size=8, seed=0)

ROOT = Path(__file__).resolve().parents[2]
NO_TORCH = "import sys\nfor name in ('torch', 'torchvision', 'onnx'):\n    sys.modules[name] = None\n"


def run_example(model: Path, pictures: list[Path], tmp_path: Path, example: str = EXAMPLE) -> list[str]:
    """The card's example, as a person would save and run it, in a process where torch cannot load."""
    script = tmp_path / "run_model.py"
    script.write_text(NO_TORCH + example, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(script), str(model), *map(str, pictures)],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    lines = [line.split() for line in out.stdout.splitlines()]
    assert [line[0] for line in lines] == [str(p) for p in pictures]
    return [line[1] for line in lines]


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path], dict[str, Any]]:
    """A tiny model trained by ResLens (3 shapes, 32 px), exported with its training pictures as
    int8's calibration; the pictures to classify are other ones (another seed)."""
    from core.dataset import scan_class_folder
    from core.images import load_rgb
    from core.train import plan_training, train_model

    tmp = tmp_path_factory.mktemp("deploy")
    write_dataset(tmp / "train", seed=3, per_class=8, size=32, classes=CLASSES, ext="png")
    write_dataset(tmp / "test", seed=11, per_class=4, size=48, classes=CLASSES, ext="png")
    ts = scan_class_folder(tmp / "train")
    outcome = train_model(ts, plan_training(ts, **FAST), tmp / "tiny.safetensors")
    card = json.loads(outcome.weights.with_suffix(".json").read_text(encoding="utf-8"))["card"]
    calibration = [load_rgb(path) for path, _ in ts.samples]
    files = export_for_deployment(outcome.weights, tmp / "tiny", calibration)
    return files.fp32, files.int8, sorted((tmp / "test").rglob("*.png")), card


def test_both_files_carry_labels_and_preprocessing(deployed: tuple[Path, Path, list[Path], Any]) -> None:
    fp32, int8, _, _ = deployed
    assert fp32.name == "tiny.fp32.onnx" and int8.name == "tiny.int8.onnx"
    a, b = LiteModel(fp32), LiteModel(int8)
    assert a.meta.categories == b.meta.categories == CLASSES
    assert a.meta.crop_size == 32
    assert (a.meta.resize_size, a.meta.crop_size, a.meta.mean, a.meta.std) == (
        b.meta.resize_size,
        b.meta.crop_size,
        b.meta.mean,
        b.meta.std,
    )
    import onnx
    from onnx import numpy_helper

    weights = [numpy_helper.to_array(t) for t in onnx.load(str(int8)).graph.initializer]
    int8_values = sum(w.size for w in weights if w.dtype.name == "int8")
    assert int8_values > 10_000_000  # ResNet-18's 11 M conv and fc weights, stored as int8
    assert int8.stat().st_size < 0.6 * fp32.stat().st_size


def test_the_card_s_example_runs_without_torch_and_agrees_with_resLens(
    deployed: tuple[Path, Path, list[Path], dict[str, Any]], tmp_path: Path
) -> None:
    """The example as the trained model's card holds it; fp32 gives ResLens's (torch) top-1 for
    every picture; int8 gives what ResLens Lite gives with the same file."""
    from core.inference import Classifier
    from core.opener import open_weights
    from core.sources import ModelChoice

    fp32, int8, pictures, card = deployed
    example = card["deployment"]["example"]
    assert example == EXAMPLE
    weights = fp32.with_name("tiny.safetensors")
    loaded = open_weights(ModelChoice(None, str(weights), "", "cpu"))
    classifier = Classifier(loaded.model, loaded.meta, exact_decode=True)
    torch_top1 = [r.top.label for r in classifier.classify([str(p) for p in pictures], top_k=1)]
    assert run_example(fp32, pictures, tmp_path, example) == torch_top1
    lite_int8 = [r.top.label for r in LiteModel(int8).classify(pictures, top_k=1)]
    assert run_example(int8, pictures, tmp_path, example) == lite_int8


def test_the_card_example_runs_a_quick_model(tmp_path: Path) -> None:
    from core.lite.cli import bundled_lite_path
    from core.lite.quick_train import quick_train
    from tests.core.test_quick_head import draw_classes

    draw_classes(tmp_path / "data", per_class=6)
    outcome = quick_train(tmp_path / "data", bundled_lite_path(), tmp_path / "quick.onnx", input_size=64)
    pictures = sorted((tmp_path / "data").rglob("*.png"))[::4]
    expected = [r.top.label for r in LiteModel(outcome.path).classify(pictures, top_k=1)]
    assert run_example(outcome.path, pictures, tmp_path) == expected


def test_an_output_that_is_not_ours_is_refused_before_any_work(tmp_path: Path) -> None:
    mine = tmp_path / "shapes.int8.onnx"  # the second output: refused before the first is written
    mine.write_bytes(b"my own file")
    with pytest.raises(OutputError):
        export_for_deployment(models_dir() / f"{BUNDLED_MODEL_NAME}.safetensors", tmp_path / "shapes")
    assert mine.read_bytes() == b"my own file" and not (tmp_path / "shapes.fp32.onnx").exists()


def test_the_cards_command_lines_are_commands_the_cli_takes() -> None:
    """The card tells how to export from the command line: both commands parse as written."""
    import re
    import shlex

    from core.cli import build_parser
    from core.deploy import card_section
    from core.lite.cli import run_export

    said = card_section()["export"]
    first = re.search(r"reslens-cli (export [^,]+),", said).group(1)
    int8 = re.search(r"and with (--precision int8 --out \S+)", said).group(1)
    for line in (first, f"{first.rsplit(' --out', 1)[0]} {int8}"):
        args = build_parser().parse_args(shlex.split(line))
        assert args.run is run_export and args.weights == "MODEL"
    assert args.precision == "int8" and args.out == "NAME.int8.onnx"
