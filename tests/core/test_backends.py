"""The ONNX Runtime backends: same pipeline, same answers as torch, a cache that is reused and keyed."""

from __future__ import annotations

import builtins
import dataclasses
import json
import sys

import pytest
import torch

from core.backends import BACKENDS, int8_model_path, model_folder
from core.cli import main
from core.errors import UsageError
from core.export import read_csv
from core.inference import Classifier
from core.messages import english
from core.paths import samples_dir
from core.resnet import resnet18
from core.weights import load_weights

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One cache folder for the module, so int8 is built (about 20 s) once."""
    folder = tmp_path_factory.mktemp("reslens-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESLENS_CACHE", str(folder))
        yield folder


@pytest.fixture(scope="module")
def bundled():
    return load_weights(None)


@pytest.fixture(scope="module")
def torch_tops(bundled):
    results = Classifier.from_loaded(bundled).classify(samples_dir(), top_k=1)
    assert len(results) == 24 and all(r.ok for r in results)
    return [r.top.label for r in results]


def _tops(results):
    return [r.top.label if r.ok else None for r in results]


def test_onnx_fp32_gives_torch_top1_on_every_sample(cache, bundled, torch_tops) -> None:
    messages: list[str] = []
    classifier = Classifier.from_loaded(bundled, backend="onnx", on_status=messages.append)
    results = classifier.classify(samples_dir(), top_k=3, batch_size=5)
    assert _tops(results) == torch_tops
    assert all(r.backend == "onnx" and r.model for r in results)
    assert messages and "Building the ONNX model once" in english(messages[0])


def test_onnx_probabilities_match_torch(cache, bundled) -> None:
    ours = Classifier.from_loaded(bundled, backend="onnx").classify(samples_dir(), top_k=3)
    theirs = Classifier.from_loaded(bundled).classify(samples_dir(), top_k=3)
    for a, b in zip(ours, theirs, strict=True):
        assert [p.index for p in a.predictions] == [p.index for p in b.predictions]
        assert [p.probability for p in a.predictions] == pytest.approx(
            [p.probability for p in b.predictions], abs=1e-4
        )


def test_int8_agrees_with_torch_and_reports_its_check(cache, bundled, torch_tops) -> None:
    classifier = Classifier.from_loaded(bundled, backend="onnx-int8")
    results = classifier.classify(samples_dir(), top_k=1)
    same = sum(a == b for a, b in zip(_tops(results), torch_tops, strict=True))
    assert same >= 23
    assert all(r.backend == "onnx-int8" for r in results)
    assert english(classifier.backend_note).startswith("int8: agrees with fp32 on ")
    assert english(classifier.backend_note).endswith(" % of 500 images")
    folder = model_folder(bundled.meta.arch, bundled.weights_hash, bundled.meta.crop_size, _ort_version())
    check = json.loads(int8_model_path(folder, "shapes").with_suffix(".json").read_text())
    assert check["images"] == 500 and check["agreement"] >= 0.98


def test_cache_is_reused_and_keyed_by_the_weights(cache, bundled) -> None:
    Classifier.from_loaded(bundled, backend="onnx")  # built by now or here
    folder = model_folder(bundled.meta.arch, bundled.weights_hash, bundled.meta.crop_size, _ort_version())
    built = (folder / "model.onnx").stat().st_mtime_ns
    messages: list[str] = []
    Classifier.from_loaded(bundled, backend="onnx", on_status=messages.append)
    assert messages == [] and (folder / "model.onnx").stat().st_mtime_ns == built

    torch.manual_seed(3)
    other = resnet18(num_classes=bundled.meta.num_classes)  # other weights: another hash, a new model
    fresh: list[str] = []
    classifier = Classifier(other, bundled.meta, backend="onnx", on_status=fresh.append)
    assert fresh and "Building" in english(fresh[0])
    assert classifier.runner.path.parent != folder
    expected = Classifier(other, bundled.meta).classify(samples_dir(), top_k=1)
    assert _tops(classifier.classify(samples_dir(), top_k=1)) == _tops(expected)


def test_int8_below_the_threshold_is_refused(cache, bundled) -> None:
    folder = model_folder(bundled.meta.arch, bundled.weights_hash, bundled.meta.crop_size, _ort_version())
    Classifier.from_loaded(bundled, backend="onnx-int8")
    check = int8_model_path(folder, "shapes").with_suffix(".json")
    saved = check.read_text()
    try:
        check.write_text(json.dumps({"agreement": 0.9, "images": 500, "calibration": "shapes"}))
        with pytest.raises(UsageError, match=r"agrees with fp32 on 90\.0 % of 500 images, below the 98%"):
            Classifier.from_loaded(bundled, backend="onnx-int8")
    finally:
        check.write_text(saved)


def test_missing_onnxruntime_says_how_to_install_it(monkeypatch, bundled) -> None:
    real_import = builtins.__import__

    def blocked(name, *args, **kwargs):
        if name == "onnxruntime" or name.startswith("onnxruntime."):
            raise ImportError("No module named 'onnxruntime'")
        return real_import(name, *args, **kwargs)

    for name in [n for n in sys.modules if n == "onnxruntime" or n.startswith("onnxruntime.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", blocked)
    with pytest.raises(UsageError, match="pip install onnxruntime"):
        Classifier.from_loaded(bundled, backend="onnx")
    assert Classifier.from_loaded(bundled).classify(samples_dir() / "star.jpg")[0].ok  # torch stays


def test_cli_backend_json_and_csv_record_it(cache, tmp_path, capsys) -> None:
    assert main(["classify", str(samples_dir()), "--backend", "onnx", "--json", "--top-k", "1"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 24 and {row["backend"] for row in rows} == {"onnx"}
    out = tmp_path / "r.csv"
    assert main(["classify", str(samples_dir() / "star.jpg"), "--csv", str(out)]) == 0
    assert read_csv(out)[0]["backend"] == "torch"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--backend", "tensorrt"], "invalid choice: 'tensorrt'"),
        (["--precision", "int4"], "invalid choice: 'int4'"),
        (["--backend", "onnx", "--calibrate", "."], "--calibrate is for --backend onnx-int8 or auto"),
        (["--backend", "onnx-int8", "--calibrate", "/no/such/folder"], "is not a folder"),
    ],
)
def test_backend_usage_errors_exit_2(extra, message, capsys) -> None:
    try:
        code = main(["classify", str(samples_dir() / "star.jpg"), *extra])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    assert message in capsys.readouterr().err


def test_every_backend_is_offered() -> None:
    assert BACKENDS == ("auto", "torch", "onnx", "onnx-int8")


def _ort_version() -> str:
    import onnxruntime

    return onnxruntime.__version__


def test_split_folder_holds_out_every_fourth_file_never_used_to_calibrate(tmp_path) -> None:
    from core.backends import HOLDOUT_EVERY, split_folder

    files = [tmp_path / f"{i:03d}.png" for i in range(40)]
    calibration, held = split_folder(files, 100, 500)
    assert held == files[HOLDOUT_EVERY - 1 :: HOLDOUT_EVERY] and len(held) == 10
    assert not set(calibration) & set(held) and len(calibration) == 30
    assert split_folder(files, 100, 500) == (calibration, held)  # deterministic
    few_calibration, few_held = split_folder(files, 6, 4)
    assert len(few_calibration) == 6 and len(few_held) == 4 and not set(few_calibration) & set(few_held)
    assert split_folder(files[:3], 100, 500)[1] == []  # too few to hold any out


def test_calibrate_dir_checks_int8_on_images_held_out_from_it(cache, bundled, tmp_path, capsys) -> None:
    """--calibrate DIR: the agreement is measured on DIR's held-out quarter, and says so."""
    from core import shapes

    folder = tmp_path / "mine"
    shapes.write_dataset(folder, seed=23, per_class=3, size=96, ext="png")
    count = len(list(folder.rglob("*.png")))
    classifier = Classifier.from_loaded(bundled, backend="onnx-int8", calibrate=folder)
    held = count // 4
    assert english(classifier.backend_note).endswith(
        f"% of {held} images held out from {folder} (not used to calibrate)"
    )
    folder_cache = classifier.runner.path.parent
    saved = json.loads(classifier.runner.path.with_suffix(".json").read_text())
    assert saved["images"] == held and saved["calibration"].startswith("dir-")
    assert classifier.runner.path == int8_model_path(folder_cache, saved["calibration"])
    again = Classifier.from_loaded(bundled, backend="onnx-int8", calibrate=folder)  # cached: same check
    assert again.backend_note == classifier.backend_note
    tops = _tops(classifier.classify(samples_dir(), top_k=1))
    assert all(tops)


def test_an_onnx_classifier_builds_no_torch_copy_of_the_model(cache, bundled) -> None:
    """The runner is all that runs: a fused, channels-last copy would only take memory."""
    classifier = Classifier.from_loaded(bundled, backend="onnx")
    assert classifier.model is None and classifier.runner is not None
    assert Classifier.from_loaded(bundled).model is not None


def test_int8_of_a_user_trained_model_is_checked_on_its_own_training_pictures(
    cache, bundled, tmp_path
) -> None:
    """A model whose card names the folder it learned from: the int8 check holds out that
    folder's pictures instead of rendered shapes (issue 25, item 9); a folder that is gone falls
    back to rendered shapes."""
    from core import shapes
    from core.opener import open_classifier, training_folder
    from core.sources import ModelChoice

    folder = tmp_path / "learned-from"
    shapes.write_dataset(folder, seed=31, per_class=3, size=96, ext="png")
    card = {**bundled.meta.card, "data": {"folder": str(folder)}}
    mine = dataclasses.replace(bundled, meta=dataclasses.replace(bundled.meta, card=card))
    assert training_folder(mine.meta) == folder
    int8 = ModelChoice(bundled.meta.arch, backend="onnx-int8")
    note = english(open_classifier(int8, mine).backend_note)
    assert note.endswith(f"held out from {folder} (not used to calibrate)")
    gone = dataclasses.replace(bundled.meta, card={**card, "data": {"folder": str(tmp_path / "gone")}})
    assert training_folder(gone) is None
    assert english(open_classifier(int8, dataclasses.replace(bundled, meta=gone)).backend_note).endswith(
        " % of 500 images"
    )
