"""``reslens-cli`` as ResLens Lite (``RESLENS_EDITION=lite``: torch, torchvision and onnx cannot be
imported) and Lite model files in the full edition's CLI.

Every Lite run is a fresh process through :data:`LITE_MAIN`, which also fails when ``torch`` ended
up in ``sys.modules`` (the edition's blocker already turns any ``import torch`` into an error).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from core.lite.paths import bundled_lite_path
from core.paths import samples_dir
from tests.core.test_quick_head import draw_classes

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = samples_dir()
NEEDS_FULL = "needs ResLens, full edition (with PyTorch)"
TORCH_FREE = "torch was never imported"
LITE_MAIN = f"""
import sys
from core.cli import main
code = main(sys.argv[1:])
assert "torch" not in sys.modules and "torchvision" not in sys.modules, "torch was imported"
print({TORCH_FREE!r}, file=sys.stderr)
sys.exit(code)
"""


def lite(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RESLENS_EDITION": "lite", "PYTHONPATH": str(ROOT)}
    env.pop("RESLENS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", LITE_MAIN, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def truth(source: str) -> str:
    """``assets/samples/<class>.jpg`` and ``<class>-drawn.jpg`` show ``<class>``."""
    return Path(source).stem.removesuffix("-drawn")


def full(capsys, *args: str) -> tuple[int, str, str]:
    """``reslens-cli ARGS`` in this (full-edition) process."""
    from core.cli import main

    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- classify


def test_lite_classifies_the_24_samples_as_json() -> None:
    done = lite("classify", str(SAMPLES), "--json")
    assert done.returncode == 0, done.stderr
    assert TORCH_FREE in done.stderr and "ResLens Lite file, ONNX Runtime fp32" in done.stderr
    assert "] 16/24" in done.stderr and "] 24/24" in done.stderr  # the progress bar, batch by batch
    results = json.loads(done.stdout)
    assert len(results) == 24
    assert (
        sum(r["error"] is None and r["predictions"][0]["label"] == truth(r["source"]) for r in results) == 24
    )
    assert {r["backend"] for r in results} == {"onnx"} and not any(r["unknown"] for r in results)
    assert all(len(r["predictions"]) == 5 for r in results)


def test_lite_table_and_csv_are_the_full_editions_formats(tmp_path: Path) -> None:
    table = lite("classify", str(SAMPLES / "star.jpg"), str(SAMPLES / "ring.jpg"), "--top-k", "2")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert len(lines) == 2 and lines[0].split()[:2] == [str(SAMPLES / "star.jpg"), "star"]
    out = tmp_path / "r.csv"
    done = lite("classify", str(SAMPLES / "star.jpg"), "--csv", str(out), "--top-k", "3")
    assert done.returncode == 0, done.stderr
    from core.export import csv_columns, read_csv

    rows = read_csv(out)
    assert len(rows) == 1 and rows[0]["label_1"] == "star"
    assert list(rows[0]) == csv_columns(3)


def test_lite_csv_never_writes_over_an_image(tmp_path: Path) -> None:
    picture = tmp_path / "keep.png"
    Image.new("RGB", (8, 8), "red").save(picture)
    before = picture.read_bytes()
    done = lite("classify", str(SAMPLES / "star.jpg"), "--csv", str(picture))
    assert done.returncode == 2 and picture.read_bytes() == before
    assert "Traceback" not in done.stderr


def test_lite_labels_rename_the_classes_and_arch_must_match(tmp_path: Path) -> None:
    from core.lite.runtime import LiteModel

    names = [f"class {i}" for i in range(LiteModel(bundled_lite_path()).meta.num_classes)]
    labels = tmp_path / "names.txt"
    labels.write_text("\n".join(names) + "\n", encoding="utf-8")
    done = lite("classify", str(SAMPLES / "star.jpg"), "--labels", str(labels), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["predictions"][0]["label"] == "class 10"  # star is class 10
    short = tmp_path / "short.txt"
    short.write_text("a\nb\n", encoding="utf-8")
    done = lite("classify", str(SAMPLES / "star.jpg"), "--labels", str(short))
    assert done.returncode == 2 and "short.txt names 2 classes but the model has 12" in done.stderr
    done = lite("classify", str(SAMPLES / "star.jpg"), "--arch", "resnet50")
    assert done.returncode == 2 and "holds a resnet18" in done.stderr


# --------------------------------------------------------------------------- explain


def test_lite_explain_json_has_the_full_editions_fields(tmp_path: Path, capsys) -> None:
    images = [str(SAMPLES / "star.jpg"), str(SAMPLES / "ring-drawn.jpg")]
    done = lite("explain", *images, "--out", str(tmp_path / "lite"), "--json", "--raw")
    assert done.returncode == 0, done.stderr
    ours = json.loads(done.stdout)
    code, out, _ = full(capsys, "explain", *images, "--out", str(tmp_path / "full"), "--json", "--raw")
    assert code == 0
    theirs = json.loads(out)
    assert [set(r) for r in ours] == [set(r) for r in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert (a["label"], a["layer"], a["width"], a["height"]) == (
            b["label"],
            b["layer"],
            b["width"],
            b["height"],
        )
        assert abs(a["probability"] - b["probability"]) < 1e-4
        with Image.open(a["overlay"]) as overlay:
            assert overlay.size == (a["width"], a["height"])
        with Image.open(a["raw"]) as raw:
            assert raw.mode.startswith("I")


# --------------------------------------------------------------------------- train, summary


def test_lite_train_is_the_quick_head_and_its_file_classifies(tmp_path: Path) -> None:
    names = draw_classes(tmp_path / "data", per_class=8)
    out = tmp_path / "shapes3.onnx"
    done = lite("train", str(tmp_path / "data"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Input 128 px" in done.stderr and str(out) in done.stdout
    check = lite("classify", str(tmp_path / "data"), "--weights", str(out), "--json", "--top-k", "1")
    assert check.returncode == 0, check.stderr
    results = json.loads(check.stdout)
    assert len(results) == 24
    assert sum(r["predictions"][0]["label"] == Path(r["source"]).parent.name for r in results) >= 22
    assert {r["predictions"][0]["label"] for r in results} <= set(names)


def test_lite_summary_is_the_full_editions_table_of_the_same_network(capsys) -> None:
    done = lite("summary", "--depth", "-1")
    assert done.returncode == 0, done.stderr
    code, out, _ = full(
        capsys, "summary", "--arch", "resnet18", "--input-size", "64", "--num-classes", "12", "--depth", "-1"
    )
    assert code == 0
    assert done.stdout == out
    assert "Total params: 11,182,668" in out


# --------------------------------------------------------------------------- refusals


REFUSED = [
    (("classify", "x.jpg", "--backend", "torch"), "--backend torch"),
    (("classify", "x.jpg", "--weights", "imagenet-v2"), "ImageNet's published weights (imagenet-v2)"),
    (("classify", "x.jpg", "--weights", "mine.pth"), "--weights mine.pth"),
    (("classify", "x.jpg", "--weights", "mine.safetensors"), "--weights mine.safetensors"),
    (("classify", "x.jpg", "--precision", "fp16"), "--precision fp16"),
    (("classify", "x.jpg", "--device", "cuda"), "--device cuda"),
    (("classify", "x.jpg", "--backend", "onnx-int8", "--calibrate", "."), "--calibrate (int8 calibration)"),
    (("explain", "x.jpg", "--out", "o", "--layer", "layer3"), "Grad-CAM at --layer layer3"),
    (("summary", "--input-size", "96"), "summary --input-size"),
    (("train", "d", "--out", "m.onnx", "--epochs", "3"), "--epochs (fine-tuning)"),
    (
        ("train", "d", "--out", "m.onnx", "--from", "imagenet-v1"),
        "ImageNet's published weights (imagenet-v1)",
    ),
    (("train", "d", "--out", "m.onnx", "--from", "mine.pth"), "--from mine.pth"),
    (("batch", "x.jpg", "--out", "o.jsonl", "--engine", "ray"), "reslens-cli batch --engine ray"),
    (("evaluate", "d"), "reslens-cli evaluate"),
    (("degradation",), "reslens-cli degradation"),
    (("export", "--out", "m.onnx"), "reslens-cli export"),
]
REFUSALS = """
import contextlib, io, json, sys
from core.cli import main
report = []
for args in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(args)
    report.append([code, err.getvalue()])
assert "torch" not in sys.modules
print(json.dumps(report))
"""


def test_lite_refuses_what_needs_torch_before_any_work(tmp_path: Path) -> None:
    """Every refusal: exit 2, the NEEDS_FULL sentence naming the feature, no traceback, nothing
    written (one Lite process runs them all: the CLI's main is re-entrant)."""
    env = {**os.environ, "RESLENS_EDITION": "lite", "PYTHONPATH": str(ROOT)}
    cases = json.dumps([list(args) for args, _ in REFUSED])
    done = subprocess.run(
        [sys.executable, "-c", REFUSALS, cases],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    for (args, feature), (code, err) in zip(REFUSED, json.loads(done.stdout), strict=True):
        assert code == 2, (args, err)
        assert err.strip() == f"error: {feature} {NEEDS_FULL}", (args, err)
    assert list(tmp_path.iterdir()) == []  # nothing written


# --------------------------------------------------------------------------- full edition


def test_a_lite_file_in_the_full_edition_gives_the_torch_models_results(capsys) -> None:
    code, out, _ = full(capsys, "classify", str(SAMPLES), "--json", "--top-k", "12")
    assert code == 0
    torch_results = json.loads(out)
    code, out, err = full(
        capsys, "classify", str(SAMPLES), "--json", "--top-k", "12", "--weights", str(bundled_lite_path())
    )
    assert code == 0 and "ResLens Lite file" in err
    lite_results = json.loads(out)
    assert len(lite_results) == len(torch_results) == 24
    worst = 0.0
    for a, b in zip(torch_results, lite_results, strict=True):
        assert a["source"] == b["source"] and a["predictions"][0]["label"] == b["predictions"][0]["label"]
        pa = {p["index"]: p["probability"] for p in a["predictions"]}
        pb = {p["index"]: p["probability"] for p in b["predictions"]}
        worst = max(worst, max(abs(pa[i] - pb[i]) for i in pa))
    assert worst < 1e-4, worst


def test_a_lite_file_in_the_full_editions_explain_and_summary(tmp_path: Path, capsys) -> None:
    weights = str(bundled_lite_path())
    code, out, err = full(
        capsys, "explain", str(SAMPLES / "star.jpg"), "--out", str(tmp_path), "--json", "--weights", weights
    )
    assert code == 0 and "layer layer4" in err
    assert json.loads(out)[0]["label"] == "star"
    code, _, err = full(
        capsys,
        "explain",
        str(SAMPLES / "star.jpg"),
        "--out",
        str(tmp_path),
        "--weights",
        weights,
        "--layer",
        "layer3",
    )
    assert code == 2 and "explains at layer4 only" in err
    code, out, _ = full(capsys, "summary", "--weights", weights, "--depth", "1")
    assert code == 0 and "Total params: 11,182,668" in out
    code, _, err = full(
        capsys, "classify", str(SAMPLES / "star.jpg"), "--weights", weights, "--precision", "fp16"
    )
    assert code == 2 and "does not apply to a ResLens Lite model file" in err


# --------------------------------------------------------------------------- int8


def test_lite_int8_is_the_bundled_int8_file_and_agrees_with_fp32() -> None:
    from core.lite.paths import bundled_int8_path
    from core.lite.runtime import LiteModel

    int8 = LiteModel(bundled_int8_path())
    assert int8.precision == "int8" and int8.backend == "onnx-int8"
    check = int8.record.extra["int8"]
    assert check["agreement"] >= 0.98 and check["images"] == 500 and check["calibration"] == "shapes"
    assert bundled_int8_path().stat().st_size <= 25_000_000
    assert [o.name for o in int8.session.get_outputs()] == ["logits", "layer2", "layer3", "layer4"]
    done = lite("classify", str(SAMPLES), "--backend", "onnx-int8", "--json")
    assert done.returncode == 0, done.stderr
    assert "ONNX Runtime int8" in done.stderr
    results = json.loads(done.stdout)
    assert {r["backend"] for r in results} == {"onnx-int8"}
    assert sum(r["predictions"][0]["label"] == truth(r["source"]) for r in results) == 24


def test_int8_needs_an_int8_file(tmp_path: Path) -> None:
    done = lite(
        "classify", str(SAMPLES / "star.jpg"), "--backend", "onnx-int8", "--weights", str(bundled_lite_path())
    )
    assert done.returncode == 2
    assert "is an fp32 model file; --backend onnx-int8 needs an int8 one" in done.stderr
    assert "--precision int8" in done.stderr


def test_int8_export_calibrates_as_the_onnx_int8_backend(tmp_path: Path) -> None:
    """The same calibration choice as ``--backend onnx-int8``: a folder given (or the model's
    training folder) with every 4th picture held out, else rendered shapes."""
    from types import SimpleNamespace

    from core.backends import CALIBRATION_IMAGES, HOLDOUT_EVERY
    from core.lite.quantize import calibration_sets
    from core.lite.runtime import LiteModel

    meta = LiteModel(bundled_lite_path()).meta
    folder = tmp_path / "pictures"
    draw_classes(folder, per_class=4)
    images, held, calibration_id, where = calibration_sets(SimpleNamespace(meta=meta), folder)
    assert (len(images), len(held)) == (12 - 12 // HOLDOUT_EVERY, 12 // HOLDOUT_EVERY)
    assert calibration_id.startswith("dir-") and where == str(folder)
    card = {"data": {"folder": str(folder)}}
    from dataclasses import replace

    trained = SimpleNamespace(meta=replace(meta, card=card))
    assert calibration_sets(trained, None)[2] == calibration_id  # the card's training folder
    images, held, calibration_id, where = calibration_sets(SimpleNamespace(meta=meta), None)
    assert (len(images), held, calibration_id, where) == (CALIBRATION_IMAGES, [], "shapes", "")


# --------------------------------------------------------------------------- train --quick


def test_quick_input_size_is_chosen_from_the_model_and_the_pictures() -> None:
    from core.lite.quick_train import input_size_for

    assert input_size_for([(96, 96)] * 5, 64) == 128  # twice the bundled model's 64 px
    assert input_size_for([(80, 120), (40, 40), (50, 60)], 64) == 100 // 8 * 8  # twice the median side
    assert input_size_for([(20, 20)], 64) == 64  # never below the model's own size
    assert input_size_for([(1000, 800)], 224) == 224  # at most 224
    assert input_size_for([], 64) == 64


def test_full_edition_train_quick_writes_a_lite_file_both_editions_open(tmp_path: Path, capsys) -> None:
    draw_classes(tmp_path / "data", per_class=8)
    out = tmp_path / "quick.onnx"
    code, stdout, err = full(capsys, "train", str(tmp_path / "data"), "--quick", "--out", str(out))
    assert code == 0, err
    assert "Input 128 px" in err and f"saved {out}" in stdout
    code, stdout, _ = full(capsys, "classify", str(tmp_path / "data"), "--weights", str(out), "--json")
    assert code == 0
    ours = json.loads(stdout)
    done = lite("classify", str(tmp_path / "data"), "--weights", str(out), "--json")
    assert done.returncode == 0, done.stderr
    assert [r["predictions"] for r in json.loads(done.stdout)] == [r["predictions"] for r in ours]
    assert sum(r["predictions"][0]["label"] == Path(r["source"]).parent.name for r in ours) >= 22
    code, _, err = full(
        capsys, "train", str(tmp_path / "data"), "--quick", "--out", str(out), "--epochs", "2"
    )
    assert code == 2 and "--epochs is for fine-tuning; train --quick fits only a head" in err
    code, _, err = full(
        capsys, "train", str(tmp_path / "data"), "--quick", "--out", str(tmp_path / "m.safetensors")
    )
    assert code == 2 and "--out must end in .onnx, not m.safetensors" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "quick.onnx"]
