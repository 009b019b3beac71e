"""Hostile and odd input (issue 12): a clear message and the right exit code, never a traceback,
a hang, unbounded memory or a lost file. One section per class of the issue, same numbering.

Every hostile file is built here, in a temporary folder; nothing hostile is committed.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import save_file

from core import export
from core.cli import EXIT_BROKEN_PIPE, main
from core.errors import EXIT_INTERNAL, EXIT_USAGE, ResLensError, WeightsError
from core.export import csv_cell, printable, read_csv, results_to_json, write_csv
from core.images import MAX_ASPECT_RATIO, LimitAspect, build_transform, iter_image_files, load_rgb
from core.inference import Classifier
from core.metadata import METADATA_KEY, ModelMeta
from core.resnet import resnet18
from core.results import ClassificationResult, Prediction
from core.weights import _strip_prefixes, load_weights_file, read_labels

REPO = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- shared set-up


@pytest.fixture(scope="module")
def state() -> dict[str, torch.Tensor]:
    torch.manual_seed(12)
    # Half precision halves the files these tests write and read; loading casts back to float32.
    return {
        k: v.half() if v.is_floating_point() else v for k, v in resnet18(num_classes=3).state_dict().items()
    }


@pytest.fixture(scope="module")
def weights_file(tmp_path_factory, state) -> Path:
    folder = tmp_path_factory.mktemp("weights")
    torch.save(state, folder / "tiny.pth")
    (folder / "labels.txt").write_text("alpha\nbeta\ngamma\n")
    return folder / "tiny.pth"


@pytest.fixture(scope="module")
def classifier(weights_file) -> Classifier:
    return Classifier.from_loaded(load_weights_file(weights_file), decode_workers=2)


def _picture(path: Path, size: tuple[int, int] = (40, 30), seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(path)
    return path


def _classify(weights_file: Path, *args: str) -> list[str]:
    return ["classify", *args, "--weights", str(weights_file)]


def _one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


# --------------------------------------------------------------------------- 1. non-UTF-8 names


NON_UTF8 = os.fsdecode(b"b\xe9.png")


@pytest.mark.skipif(sys.platform != "linux", reason="Linux file names are bytes")
def test_1_non_utf8_name_is_written_escaped_in_csv_json_and_table(tmp_path, weights_file, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _picture(folder / NON_UTF8)
    out = tmp_path / "out.csv"
    assert main(_classify(weights_file, str(folder), "--csv", str(out))) == 0
    text = out.read_bytes().decode("utf-8")  # strict: the file is valid UTF-8
    assert "b\\xe9.png" in text
    assert read_csv(out)[0]["source"].endswith("b\\xe9.png")
    capsys.readouterr()
    for flag in (["--json"], []):
        assert main(_classify(weights_file, str(folder), *flag)) == 0
        printed = capsys.readouterr().out
        printed.encode("utf-8")  # would raise on a lone surrogate
        shown = json.loads(printed)[0]["source"] if flag else printed
        assert "b\\xe9.png" in shown
    assert json.loads(results_to_json([ClassificationResult(NON_UTF8)]))[0]["source"] == "b\\xe9.png"


def test_1_an_old_csv_is_only_replaced_by_a_complete_one(tmp_path, monkeypatch) -> None:
    out = tmp_path / "results.csv"
    out.write_text("the previous run\n")
    results = [ClassificationResult("a.png", (Prediction(0, "cat", 0.9),))]

    def disk_full(rows, stream):
        stream.write("source,ok\n" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export, "write_csv_to", disk_full)
    with pytest.raises(ResLensError, match="No space left on device") as info:
        write_csv(results, out)
    assert info.value.exit_code == EXIT_USAGE and isinstance(info.value, OSError)
    assert out.read_text() == "the previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]  # no temporary file left
    out.chmod(0o640)
    monkeypatch.undo()
    link = tmp_path / "link.csv"
    link.symlink_to(out)
    write_csv(results, link)
    assert link.is_symlink() and read_csv(out)[0]["label_1"] == "cat"
    assert out.stat().st_mode & 0o777 == 0o640  # the old file's permissions are kept


# --------------------------------------------------------------------------- 2. output problems


@pytest.mark.parametrize("target", ["missing/x.csv", "a-folder"])
def test_2_bad_output_path_is_exit_2_before_any_work(tmp_path, weights_file, monkeypatch, capsys, target):
    (tmp_path / "a-folder").mkdir()
    image = _picture(tmp_path / "p.png")

    def no_loading(*args, **kwargs):
        raise AssertionError("weights were loaded before the output path was checked")

    monkeypatch.setattr("core.weights.load_weights", no_loading)
    code = main(_classify(weights_file, str(image), "--csv", str(tmp_path / target)))
    assert code == EXIT_USAGE
    line = _one_line_error(capsys.readouterr().err)
    assert line.startswith("error: cannot write")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_2_disk_full_is_a_clear_error(tmp_path, weights_file, capsys) -> None:
    image = _picture(tmp_path / "p.png")
    code = main(_classify(weights_file, str(image), "--csv", "/dev/full"))
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "Traceback" not in err and "No space left on device" in err.splitlines()[-1]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_2_a_pipe_nobody_reads_is_an_error_not_a_hang(tmp_path) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: _record(outcome, write_csv, [], fifo), daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "writing to a FIFO without a reader blocked"
    assert isinstance(outcome[0], ResLensError) and "nobody reads" in str(outcome[0])


def test_2_closed_stdout_is_quiet_exit_141(tmp_path, weights_file) -> None:
    """``classify … --json | head -1``: the reader went away; no traceback, the Unix exit code."""
    for i in range(3):
        _picture(tmp_path / f"p{i}.png", seed=i)
    args = [sys.executable, "-m", "core.cli", *_classify(weights_file, str(tmp_path), "--json")]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte
    proc = subprocess.run(args, stdout=write_end, stderr=subprocess.PIPE, env=_cli_env(), timeout=120)
    os.close(write_end)
    assert proc.returncode in (0, EXIT_BROKEN_PIPE), proc.stderr
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr


# --------------------------------------------------------------------------- 3. bounded memory


def test_3_extreme_aspect_ratio_is_cut_before_resizing(tmp_path, classifier) -> None:
    strip = tmp_path / "strip.png"
    Image.new("RGB", (1, 100_000), (200, 10, 10)).save(strip)
    assert strip.stat().st_size < 2000  # a tiny file...
    assert LimitAspect(MAX_ASPECT_RATIO)(Image.new("RGB", (1, 100_000))).size == (1, 4)
    assert LimitAspect(MAX_ASPECT_RATIO)(Image.new("RGB", (100_000, 3))).size == (12, 3)
    normal = Image.new("RGB", (400, 300))
    assert LimitAspect(MAX_ASPECT_RATIO)(normal) is normal  # ordinary pictures pass unchanged
    meta = ModelMeta(arch="resnet18", categories=("a",), crop_size=224, resize_size=256)
    assert build_transform(meta)(load_rgb(strip)).shape == (3, 224, 224)  # ...that stays small
    (result,) = classifier.classify(strip)
    assert result.ok and (result.width, result.height) == (1, 100_000)


def _safetensors(path: Path, state, meta: object) -> Path:
    raw = meta if isinstance(meta, str) else json.dumps(meta)
    save_file({k: v.contiguous() for k, v in state.items()}, str(path), metadata={METADATA_KEY: raw})
    return path


GOOD_META = {"arch": "resnet18", "categories": ["a", "b", "c"], "crop_size": 32, "resize_size": 36}
BAD_META = {
    "crop 3000": {**GOOD_META, "crop_size": 3000},
    "resize 8": {**GOOD_META, "resize_size": 8},
    "crop not a number": {**GOOD_META, "crop_size": "224"},
    "mean of 2": {**GOOD_META, "mean": [0.5, 0.5]},
    "std 0": {**GOOD_META, "std": [0.2, 0.0, 0.2]},
    "std NaN": {**GOOD_META, "std": [0.2, float("nan"), 0.2]},
    "interpolation": {**GOOD_META, "interpolation": "sideways"},
    "categories 12": {**GOOD_META, "categories": 12},
    "categories not text": {**GOOD_META, "categories": ["a", 2, "c"]},
    "no arch": {k: v for k, v in GOOD_META.items() if k != "arch"},
    "unknown arch": {**GOOD_META, "arch": "vgg16"},
    "a JSON list": [1, 2, 3],
    "not JSON": "{not json",
}


@pytest.mark.parametrize("name", list(BAD_META))
def test_3_4_bad_preprocessing_metadata_is_refused_at_load(tmp_path, state, name) -> None:
    path = _safetensors(tmp_path / "m.safetensors", state, BAD_META[name])
    with pytest.raises(WeightsError, match="m.safetensors"):
        load_weights_file(path)


def test_3_crop_3000_is_exit_2_with_a_message_about_the_weights(tmp_path, state, capsys) -> None:
    path = _safetensors(tmp_path / "big.safetensors", state, BAD_META["crop 3000"])
    image = _picture(tmp_path / "p.png")
    assert main(["classify", str(image), "--weights", str(path)]) == EXIT_USAGE
    line = _one_line_error(capsys.readouterr().err)
    assert "crop_size" in line and "big.safetensors" in line and "could not read image" not in line
    assert load_weights_file(_safetensors(tmp_path / "ok.safetensors", state, GOOD_META)).meta.crop_size == 32


# --------------------------------------------------------------------------- 4. hostile state dicts


def _hostile_states(state):
    fc = state["fc.weight"]
    return {
        "scalar fc.weight": {**state, "fc.weight": torch.tensor(1.0)},
        "zero classes": {**state, "fc.weight": fc[:0], "fc.bias": state["fc.bias"][:0]},
        "wrong shape": {**state, "layer1.0.conv1.weight": torch.zeros(3, 3)},
        "integer keys": {i: v for i, v in enumerate(state.values())},
        "mixed keys": {**state, 7: torch.zeros(1)},
        "non-tensor in state_dict": {"state_dict": {**state, "layer1.0.bn1.weight": "oops"}},
        "complex tensor": {**state, "fc.bias": torch.zeros(3, dtype=torch.complex64)},
        "not a ResNet": {"conv1.weight": torch.zeros(1)},
    }


@pytest.mark.parametrize("name", list(_hostile_states(resnet18(num_classes=3).state_dict())))
def test_4_hostile_state_dict_is_a_weights_error(tmp_path, state, name) -> None:
    path = tmp_path / "bad.pth"
    torch.save(_hostile_states(state)[name], path)
    with pytest.raises(WeightsError):
        load_weights_file(path)


def test_4_hostile_weights_exit_2_in_one_line(tmp_path, state, capsys) -> None:
    path = tmp_path / "scalar.pth"
    torch.save({**state, "fc.weight": torch.tensor(1.0)}, path)
    image = _picture(tmp_path / "p.png")
    assert main(["classify", str(image), "--weights", str(path)]) == EXIT_USAGE
    assert "fc.weight" in _one_line_error(capsys.readouterr().err)


def test_4_metadata_entry_of_a_pth_checkpoint_is_not_taken_for_ours(tmp_path, state) -> None:
    path = tmp_path / "ckpt.pth"
    torch.save({"state_dict": state, "meta": {"epochs": 3}}, path)
    assert load_weights_file(path).meta.num_classes == 3


# --------------------------------------------------------------------------- 5. NaN and infinity


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_5_non_finite_weights_are_refused_at_load(tmp_path, state, value) -> None:
    broken = dict(state)
    broken["layer2.0.conv1.weight"] = broken["layer2.0.conv1.weight"].clone()
    broken["layer2.0.conv1.weight"][0, 0, 0, 0] = value
    torch.save(broken, tmp_path / "nan.pth")
    with pytest.raises(WeightsError, match="NaN or infinite"):
        load_weights_file(tmp_path / "nan.pth")


def test_5_json_never_holds_nan(tmp_path, state) -> None:
    nan = ClassificationResult("x.png", (Prediction(0, "a", float("nan")),), elapsed_ms=float("inf"))
    text = results_to_json([nan])

    def no_constants(name):
        raise AssertionError(f"{name} in JSON")

    item = json.loads(text, parse_constant=no_constants)[0]
    assert item["predictions"][0]["probability"] is None and item["elapsed_ms"] is None
    # Finite weights can still overflow: such an output is a per-file error, not a NaN row.
    overflowing = {**state, "fc.weight": torch.full(state["fc.weight"].shape, 3e38)}
    model = resnet18(num_classes=3)
    model.load_state_dict(overflowing)
    meta = ModelMeta(arch="resnet18", categories=("a", "b", "c"), crop_size=32, resize_size=32)
    (result,) = Classifier(model, meta, optimize=False).classify(_picture(tmp_path / "p.png"))
    assert not result.ok and "not a number" in result.error and result.predictions == ()


# --------------------------------------------------------------------------- 7. usage values


@pytest.mark.parametrize(
    "args",
    [
        ["classify", "x.png", "--device", "nonsense"],
        ["classify", "x.png", "--device", "cuda:-1"],
        ["summary", "--input-size", "100000"],
        ["summary", "--input-size", "224", "100000"],
    ],
)
def test_7_usage_values_are_exit_2_in_one_line(args, capsys) -> None:
    assert main(args) == EXIT_USAGE
    assert _one_line_error(capsys.readouterr().err).startswith("error: ")


# --------------------------------------------------------------------------- 8. uniform 32-bit image


@pytest.mark.parametrize("value", [100_000, -5, 70_000.5])
def test_8_uniform_high_depth_image_classifies(tmp_path, classifier, value) -> None:
    mode, dtype = ("F", np.float32) if isinstance(value, float) else ("I", np.int32)
    path = tmp_path / "flat.tif"
    Image.fromarray(np.full((24, 24), value, dtype=dtype), mode=mode).save(path)
    assert Image.open(path).mode == mode
    rgb = load_rgb(path)
    assert rgb.mode == "RGB" and len(rgb.getcolors()) == 1
    (result,) = classifier.classify(path)
    assert result.ok, result.error


# --------------------------------------------------------------------------- 9. deep folders


def test_9_a_folder_700_levels_deep_is_walked(tmp_path, classifier) -> None:
    _picture(tmp_path / "top.png")
    deep = Path(os.path.join(tmp_path, *["d"] * 700))
    deep.mkdir(parents=True)
    _picture(deep / "bottom.png")
    assert list(iter_image_files([tmp_path])) == [
        tmp_path / "d" / Path(*["d"] * 699) / "bottom.png",
        tmp_path / "top.png",
    ]
    results = classifier.classify([tmp_path])
    assert [Path(r.source).name for r in results] == ["bottom.png", "top.png"] and all(r.ok for r in results)


# --------------------------------------------------------------------------- 10. label files


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ('{"1": "a", "2": "b", "3": "c"}', "starts at 1"),
        ('{"0": "a", "1": "b", "3": "c"}', "has no class 2"),
        ('{"-1": "a", "0": "b", "1": "c"}', "negative"),
        ('{"0": "a", "00": "b", "1": "c"}', "named twice"),
        ('{"0": "a", "1_0": "b"}', "not class indices"),
        ('{"labels": {"0": "a", "x": "b"}}', "not a class index"),
        ('[[1], null, "c"]', "not a name"),
        ('{"categories": ["a", 4, "c"]}', "not a name"),
        ('{"classes": {"0": "a", "1": null}}', "not a name"),
        ("[" * 100_000, "not valid JSON"),
        ('"just a string"', "not a label file"),
        ('{"categories": 12}', "expected a list"),
    ],
)
def test_10_bad_label_files_are_refused_not_renumbered(tmp_path, content, match) -> None:
    path = tmp_path / "labels.json"
    path.write_text(content)
    with pytest.raises(WeightsError, match=match):
        read_labels(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_10_labels_on_a_fifo_are_refused_without_waiting(tmp_path, weights_file) -> None:
    fifo = tmp_path / "labels.txt"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: _record(outcome, read_labels, fifo), daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "read_labels blocked on a FIFO"
    assert isinstance(outcome[0], WeightsError) and "not a regular file" in str(outcome[0])
    with pytest.raises(WeightsError, match="not a regular file"):
        load_weights_file(weights_file, labels=fifo)


def _record(outcome: list, function, *args) -> None:
    try:
        function(*args)
    except BaseException as exc:  # noqa: BLE001 - the test inspects it
        outcome.append(exc)


def test_10_an_unrelated_json_beside_the_weights_does_not_block_loading(tmp_path, state, caplog) -> None:
    torch.save(state, tmp_path / "model.pth")
    (tmp_path / "model.json").write_text('{"epochs": 10, "lr": 0.1}')
    loaded = load_weights_file(tmp_path / "model.pth")
    assert loaded.meta.categories == ("class 0", "class 1", "class 2")
    assert "model.json" in caplog.text and "not a label file" in caplog.text
    with pytest.raises(WeightsError):  # asked for explicitly, it is an error
        load_weights_file(tmp_path / "model.pth", labels=tmp_path / "model.json")
    # A label file with a mistake in it is not skipped, even when nobody asked for it.
    (tmp_path / "model.json").write_text('{"1": "a", "2": "b", "3": "c"}')
    with pytest.raises(WeightsError, match="starts at 1"):
        load_weights_file(tmp_path / "model.pth")


# --------------------------------------------------------------------------- 11. the Python API


def test_11_one_str_bytes_or_pathlike_is_one_path(tmp_path, classifier, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _picture(tmp_path / "a.bmp")
    _picture(tmp_path / "other.png")  # would be found if "." were walked
    for given in ("a.bmp", b"a.bmp", Path("a.bmp")):
        results = classifier.classify(given)
        assert [r.source for r in results] == ["a.bmp"] and results[0].ok


def test_11_bad_paths_are_results_not_exceptions(tmp_path, classifier) -> None:
    inputs = [tmp_path / "missing.png", "bad\0name.png", os.fsencode(tmp_path / NON_UTF8), 42, None]
    results = classifier.classify(inputs)
    assert len(results) == len(inputs)
    assert all(not r.ok and r.error for r in results)
    assert "not a file path or an image" in results[-1].error
    (result,) = classifier.classify(None)
    assert not result.ok and "not a file path or an image" in result.error


# --------------------------------------------------------------------------- 12. output escaping


def test_12_csv_cells_that_look_like_formulas_are_defused(tmp_path) -> None:
    for text in ('=HYPERLINK("http://x","y").png', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("cat.png") == "cat.png" and csv_cell("") == ""
    out = tmp_path / "r.csv"
    write_csv([ClassificationResult("=cmd|' /C calc'!A0.png", (Prediction(0, "=1+1", 0.5),))], out)
    row = read_csv(out)[0]
    assert row["source"].startswith("'=") and row["label_1"] == "'=1+1"


def test_12_terminal_output_escapes_controls_and_newlines(tmp_path, weights_file, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    hostile = "two\nlines\x1b[31mred\u202eevil.png"
    _picture(folder / hostile)
    _picture(folder / "plain.png", seed=1)
    assert main(_classify(weights_file, str(folder))) == 0
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 2  # one row per file
    assert "\x1b" not in out and "\u202e" not in out
    assert "two\\nlines\\x1b[31mred\\u202eevil.png" in out
    assert printable("la\x07bel\u2028") == "la\\x07bel\\u2028"


# --------------------------------------------------------------------------- 13. small ones


def test_13_folders_given_twice_or_nested_are_classified_once(tmp_path, classifier) -> None:
    sub = tmp_path / "album" / "sub"
    sub.mkdir(parents=True)
    _picture(tmp_path / "album" / "a.png")
    _picture(sub / "b.png", seed=1)
    album = tmp_path / "album"
    for inputs in (
        [album, album],
        [sub, album],
        [album, sub],
        [album, str(album) + "/"],
        [album, sub / "b.png"],
    ):
        names = sorted(Path(r.source).name for r in classifier.classify(inputs))
        assert names == ["a.png", "b.png"], inputs


def test_13_stacked_prefixes_are_stripped(state) -> None:
    for prefix in ("_orig_mod.module.", "module._orig_mod.", "module.module.", "model._orig_mod."):
        assert _strip_prefixes({prefix + k: v for k, v in state.items()}).keys() == state.keys()


def test_13_an_internal_error_is_exit_3_in_one_line(monkeypatch, capsys) -> None:
    def crash(args):
        return 1 / 0

    monkeypatch.setattr("core.cli_commands.run_devices", crash)
    monkeypatch.setattr("core.cli.COMMANDS", [_add_devices_with(crash)])
    assert main(["devices"]) == EXIT_INTERNAL
    line = _one_line_error(capsys.readouterr().err)
    assert line.startswith("internal error: ZeroDivisionError") and "RESLENS_DEBUG" in line
    monkeypatch.setenv("RESLENS_DEBUG", "1")
    assert main(["devices"]) == EXIT_INTERNAL
    assert "Traceback" in capsys.readouterr().err


def _add_devices_with(run):
    def add(sub):
        sub.add_parser("devices").set_defaults(run=run)

    return add


def test_13_some_failed_stays_exit_1(tmp_path, weights_file, capsys) -> None:
    (tmp_path / "broken.png").write_bytes(b"\x89PNG nope")
    _picture(tmp_path / "fine.png")
    assert main(_classify(weights_file, str(tmp_path))) == 1
    assert "1 of 2 files could not be classified" in capsys.readouterr().err
