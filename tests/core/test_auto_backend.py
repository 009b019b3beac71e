"""Backend "auto": candidates follow the CPU's capabilities (a hook hides them), the fastest agreeing
candidate wins and a disagreeing one never does, the decision is cached and re-measured when its
key changes, a corrupt cache file is ignored, a measurement can be cancelled, the classifier
switches between batches, and the CLI shows the choice in its JSON."""

from __future__ import annotations

import io
import json
import threading
import time

import numpy as np
import pytest
import torch

from core import auto_backend as auto
from core.cli import main
from core.errors import Cancelled
from core.inference import Classifier
from core.messages import english
from core.metadata import ModelMeta
from core.resnet import resnet18

CLASSES = ("alpha", "beta", "gamma")
_REAL_CALIBRATION = auto.calibration_set


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RESLENS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(auto.HIDE_ENV, raising=False)
    return tmp_path / "cache"


@pytest.fixture
def bf16_machine(monkeypatch):
    """This CPU as torch would report an AVX-512 VNNI/BF16 one, so the hook has something to hide."""
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: True)
    monkeypatch.setattr(torch.cpu, "_is_vnni_supported", lambda: True)


@pytest.fixture
def torch_only(monkeypatch):
    """No ONNX candidates (building int8 takes a while): the torch ones are what is measured."""
    monkeypatch.setattr(auto, "_onnxruntime_version", lambda: "")
    real = auto.calibration_set
    monkeypatch.setattr(auto, "calibration_set", lambda meta, folder: real(meta, folder, 24))


def tiny_model(seed: int = 3) -> tuple[torch.nn.Module, ModelMeta]:
    torch.manual_seed(seed)
    return resnet18(num_classes=3).eval(), ModelMeta("resnet18", CLASSES, crop_size=32, resize_size=32)


def test_candidates_follow_the_device_and_its_capabilities() -> None:
    names = [c.name for c in auto.candidates("cpu", frozenset({"avx512", "bf16", "vnni"}))]
    assert names == ["torch", "torch-bf16", "onnx", "onnx-int8"]
    assert [c.name for c in auto.candidates("cpu", frozenset({"avx2"}))] == ["torch", "onnx", "onnx-int8"]
    assert [c.name for c in auto.candidates("cuda", frozenset(), cuda_bf16=True)] == [
        "torch",
        "torch-fp16",
        "torch-bf16",
    ]
    assert [c.name for c in auto.candidates("cuda", frozenset())] == ["torch", "torch-fp16"]
    assert [c.name for c in auto.candidates("mps", frozenset())] == ["torch", "torch-fp16"]


def test_the_hook_hides_capabilities_and_changes_the_key(bf16_machine, monkeypatch) -> None:
    assert {"bf16", "vnni"} <= auto.cpu_capabilities()
    _, meta = tiny_model()
    full = auto.decision_key("abc", meta, "cpu", auto.cpu_capabilities())
    monkeypatch.setenv(auto.HIDE_ENV, "bf16, VNNI")
    hidden = auto.cpu_capabilities()
    assert not {"bf16", "vnni"} & hidden and hidden  # the vector width is still there
    assert "torch-bf16" not in [c.name for c in auto.candidates("cpu", hidden)]
    assert auto.decision_key("abc", meta, "cpu", hidden) != full
    assert auto.cpu_capabilities(hidden="") >= {"bf16", "vnni"}  # a parameter overrides the variable


def _fake(probabilities: np.ndarray, pause: float):
    """A forward pass that returns fixed probabilities after ``pause`` seconds a batch."""

    def make():
        def forward(batch):
            time.sleep(pause)
            return probabilities[: len(batch)]

        return forward

    return make


def _batches(count: int) -> list[np.ndarray]:
    return [np.zeros((10, 3, 4, 4), np.float32) for _ in range(count)]


def _probabilities(wrong: int) -> np.ndarray:
    """Ten rows whose top-1 is class 0, except ``wrong`` rows whose top-1 is class 1."""
    rows = np.tile(np.array([0.7, 0.2, 0.1], np.float32), (10, 1))
    rows[:wrong] = [0.2, 0.7, 0.1]
    return rows


def test_a_disagreeing_candidate_is_never_chosen_however_fast() -> None:
    right, wrong = _probabilities(0), _probabilities(1)
    trials = auto.measure(
        [
            ("torch", _fake(right, 0.03)),
            ("onnx-int8", _fake(wrong, 0.0)),  # the fastest, and wrong on one image in ten
            ("onnx", _fake(right, 0.01)),
        ],
        _batches(3),
    )
    by_name = {t.name: t for t in trials}
    assert by_name["onnx-int8"].agreement == pytest.approx(0.9)
    assert by_name["onnx-int8"].images_per_s > by_name["onnx"].images_per_s > by_name["torch"].images_per_s
    assert by_name["onnx-int8"].max_difference == pytest.approx(0.5)
    assert auto.choose(trials) == "onnx"


def test_agreement_of_99_percent_is_enough_and_98_is_not() -> None:
    def trial(same: int) -> auto.Trial:
        return auto.Trial("onnx-int8", 100.0, same / 100)

    base = auto.Trial("torch", 10.0, 1.0)
    assert auto.choose([base, trial(99)]) == "onnx-int8"
    assert auto.choose([base, trial(98)]) == "torch"


def test_a_candidate_that_cannot_be_built_loses_and_is_reported() -> None:
    def broken():
        raise RuntimeError("no such kernel\nmore")

    trials = auto.measure([("torch", _fake(_probabilities(0), 0.0)), ("torch-bf16", broken)], _batches(2))
    assert trials[1].error == "no such kernel"
    assert auto.choose(trials) == "torch"


def test_measure_stops_when_cancelled() -> None:
    cancel = threading.Event()
    steps = []

    def progress(step, total):
        steps.append(step)
        if step == 3:
            cancel.set()

    with pytest.raises(Cancelled):
        auto.measure([("torch", _fake(_probabilities(0), 0.0))] * 2, _batches(5), cancel, progress)
    assert steps == [1, 2, 3]


def test_without_bf16_auto_falls_back_to_what_the_machine_has(cache, bf16_machine, torch_only, monkeypatch):
    monkeypatch.setenv(auto.HIDE_ENV, "bf16,vnni")
    model, meta = tiny_model()
    classifier = Classifier(model, meta, backend="auto")
    assert [c.name for c in classifier.auto.candidates] == ["torch"]
    decision = classifier.measure_auto()
    assert decision.chosen == "torch" and [t.name for t in decision.trials] == ["torch"]
    assert english(decision.describe()) == "Auto: PyTorch fp32 — 1.0x fp32 here, agrees on 100 % of 24 images"
    # The same model where bf16 is reported: another key, so it is measured again, with bf16.
    monkeypatch.delenv(auto.HIDE_ENV)
    again = Classifier(model, meta, backend="auto")
    assert again.auto.decision is None and again.auto.key != classifier.auto.key
    assert [t.name for t in again.measure_auto().trials] == ["torch", "torch-bf16"]


def test_the_decision_is_cached_and_measured_again_for_other_labels(cache, torch_only, monkeypatch):
    model, meta = tiny_model()
    first = Classifier(model, meta, backend="auto")
    decision = first.measure_auto()
    assert auto.decision_path(first.auto.key).is_file()

    def no_measuring(*args, **kwargs):
        raise AssertionError("a cached decision is not measured again")

    monkeypatch.setattr(auto, "measure", no_measuring)
    hit = Classifier(model, meta, backend="auto")
    assert hit.auto.decision == decision and hit.backend == decision.chosen
    assert english(hit.backend_note).startswith("Auto: PyTorch fp32 — ")
    relabelled = Classifier(model, ModelMeta("resnet18", ("a", "b", "c"), 32, 32), backend="auto")
    assert relabelled.auto.decision is None  # other labels: another key
    other_weights = Classifier(tiny_model(seed=4)[0], meta, backend="auto")
    assert other_weights.auto.decision is None


@pytest.mark.parametrize("content", ["", "{not json", '{"chosen": "torch"}', '["a list"]'])
def test_a_corrupt_cache_file_is_ignored(cache, torch_only, content) -> None:
    model, meta = tiny_model()
    classifier = Classifier(model, meta, backend="auto")
    path = auto.decision_path(classifier.auto.key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    again = Classifier(model, meta, backend="auto", auto_measure="inline")
    assert again.auto.decision is None and again.backend == "torch"
    assert english(again.backend_note) == "Auto: PyTorch fp32 until the fastest backend here is measured"
    again.measure_auto()
    assert auto.read_decision(again.auto.key) is not None  # measured and written over


def test_a_decision_of_another_key_is_ignored(cache, torch_only) -> None:
    model, meta = tiny_model()
    classifier = Classifier(model, meta, backend="auto")
    decision = classifier.measure_auto()
    moved = auto.decision_path("0123456789abcdef")
    moved.write_text(auto.decision_path(classifier.auto.key).read_text())
    assert auto.read_decision("0123456789abcdef") is None
    assert decision.key == classifier.auto.key


def test_a_cancelled_measurement_keeps_torch_and_caches_nothing(cache, torch_only) -> None:
    model, meta = tiny_model()
    classifier = Classifier(model, meta, backend="auto")
    classifier.stop_auto()  # as the worker does when another model is loaded
    with pytest.raises(Cancelled):
        classifier.measure_auto()
    assert classifier.backend == "torch" and classifier.auto.decision is None
    assert not auto.decision_path(classifier.auto.key).exists()


def test_the_classifier_switches_between_batches(cache, torch_only) -> None:
    """The first batches run on torch fp32; once a choice is made, the next batch runs on it."""
    model, meta = tiny_model()
    classifier = Classifier(model, meta, backend="auto", auto_measure="background")
    chosen = auto.Decision(
        "torch-bf16", 24, (auto.Trial("torch", 1.0, 1.0), auto.Trial("torch-bf16", 2.0, 1.0))
    )
    images = [(f"i{i}", _image(i)) for i in range(12)]

    def progress(done, total):
        if done == 4:
            classifier._adopt(chosen)

    results = classifier.classify(images, top_k=1, batch_size=4, on_progress=progress)
    assert [r.backend for r in results] == ["torch"] * 4 + ["torch-bf16"] * 8
    assert (
        english(classifier.backend_note)
        == "Auto: PyTorch bf16 — 2.0x fp32 here, agrees on 100 % of 24 images"
    )


def test_inline_measuring_waits_for_64_images(cache, monkeypatch) -> None:
    """The CLI measures before a run of 64 images or more; 63 run on torch fp32 at once."""
    model, meta = tiny_model()
    calls = []

    def measured(self, cancel=None):
        calls.append(1)
        raise Cancelled()  # stop the run there: only whether it measured matters

    monkeypatch.setattr(Classifier, "measure_auto", measured)
    classifier = Classifier(model, meta, backend="auto", auto_measure="inline")
    stop = threading.Event()
    stop.set()  # a cancelled run classifies nothing, so 63 images cost nothing
    classifier.classify([(f"i{i}", _image(i)) for i in range(63)], cancel=stop)
    assert calls == []
    assert classifier.classify([(f"i{i}", _image(i)) for i in range(64)]) == [] and calls == [1]
    never = Classifier(model, meta, backend="auto")  # the API's default: it never measures itself
    never.classify([(f"i{i}", _image(i)) for i in range(64)], cancel=stop)
    assert calls == [1]


def test_background_measuring_starts_with_a_long_run_and_never_holds_it(cache, torch_only) -> None:
    """The window's way: a short run starts nothing; a long one starts the measurement in a
    thread of its own and runs on (torch fp32 meanwhile); the choice is told when made."""
    model, meta = tiny_model()
    classifier = Classifier(model, meta, backend="auto", auto_measure="background")
    notes: list = []
    classifier.start_auto(notes.append)
    classifier.classify([(f"i{i}", _image(i)) for i in range(8)], top_k=1)
    assert classifier.auto_thread is None
    results = classifier.classify([(f"i{i}", _image(i)) for i in range(64)], top_k=1, batch_size=8)
    assert len(results) == 64 and results[0].backend == "torch"
    classifier.auto_thread.join(60)
    steps = [(u.state, u.step, u.steps) for u in notes]
    assert steps == [("measuring", step, 4) for step in (1, 2, 3, 4)] + [
        ("chosen", 0, 0)
    ]  # 1 build, 3 batches
    assert english(notes[0].message) == "Auto: measuring which backend is fastest here (1 of 4)…"
    assert english(notes[-1].message) == "Auto: PyTorch fp32 — 1.0x fp32 here, agrees on 100 % of 24 images"
    assert auto.read_decision(classifier.auto.key) is not None


def test_a_background_measurement_stopped_says_so_keeps_fp32_and_caches_nothing(cache, torch_only) -> None:
    model, meta = tiny_model()
    classifier = Classifier(model, meta, backend="auto", auto_measure="background")
    notes: list = []

    def stop_at_first_step(update) -> None:
        notes.append(update)
        classifier.stop_auto()

    classifier.start_auto(stop_at_first_step)
    results = classifier.classify([(f"i{i}", _image(i)) for i in range(64)], top_k=1, batch_size=8)
    classifier.auto_thread.join(60)
    assert [(u.state, u.step) for u in notes] == [("measuring", 1), ("cancelled", 0)]
    said = "Auto: measuring cancelled — PyTorch fp32 runs; Auto measures again next time"
    assert english(notes[-1].message) == said and english(classifier.backend_note) == said
    assert {r.backend for r in results} == {"torch"} and classifier.backend == "torch"
    assert auto.read_decision(classifier.auto.key) is None  # not cached: measured again next time
    again = Classifier(model, meta, backend="auto", auto_measure="background")
    assert again.auto.decision is None and "until" in english(again.backend_note)


def _image(seed: int):
    from PIL import Image

    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (20, 20, 3), dtype=np.uint8))


def test_cli_json_shows_the_cached_choice_and_torch_stays_exact(cache, tmp_path, capsys) -> None:
    model, meta = tiny_model()
    weights = tmp_path / "tiny.pth"
    torch.save(model.state_dict(), weights)
    (tmp_path / "labels.txt").write_text("\n".join(CLASSES) + "\n")
    folder = tmp_path / "images"
    folder.mkdir()
    for i in range(3):
        _image(i).save(folder / f"p{i}.png")
    args = ["classify", str(folder), "--weights", str(weights), "--labels", str(tmp_path / "labels.txt")]
    assert main([*args, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert [item["auto"] for item in first] == [{"chosen": "torch", "measured": False}] * 3
    # A decision cached for this model here (as a longer run would have measured it): it is used.
    from core.opener import open_weights
    from core.sources import ModelChoice

    loaded = open_weights(ModelChoice(None, str(weights), str(tmp_path / "labels.txt")))
    key = Classifier.from_loaded(loaded, backend="auto").auto.key
    trials = (auto.Trial("torch", 10.0, 1.0), auto.Trial("torch-bf16", 25.0, 1.0, 0.002))
    auto.write_decision(auto.Decision("torch-bf16", 200, trials, key))
    assert main([*args, "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert {item["backend"] for item in data} == {"torch-bf16"}
    assert data[0]["auto"] == {
        "chosen": "torch-bf16",
        "measured": True,
        "speedup": 2.5,
        "agreement": 1.0,
        "images": 200,
        "text": "Auto: PyTorch bf16 — 2.5x fp32 here, agrees on 100 % of 200 images",
    }
    assert "Auto: PyTorch bf16 — 2.5x fp32 here" in captured.err
    assert main([*args, "--json", "--backend", "torch"]) == 0
    exact = json.loads(capsys.readouterr().out)
    assert {item["backend"] for item in exact} == {"torch"} and "auto" not in exact[0]


def test_an_unwritable_cache_costs_nothing_but_is_said(tmp_path, torch_only, monkeypatch) -> None:
    """RESLENS_CACHE naming a file: the decision goes to a temporary folder, said once, and is found there."""
    from core import backends

    monkeypatch.setattr(backends, "_fallbacks", {})
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "cache").write_text("a file")
    monkeypatch.setenv("RESLENS_CACHE", str(tmp_path / "cache"))
    said: list = []
    model, meta = tiny_model()
    first = Classifier(model, meta, backend="auto", on_status=said.append)
    assert english(said[0]).startswith(f"The cache folder {tmp_path / 'cache'} cannot be written (")
    first.measure_auto()
    assert Classifier(model, meta, backend="auto").auto.decision is not None
    assert (tmp_path / "cache").read_text() == "a file"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_cli_shows_measuring_on_one_line_or_five(cache, torch_only, monkeypatch) -> None:
    """26 steps (1 build, 25 batches of 8): a terminal redraws one line, a log gets five."""
    from core.cli_progress import StatusLines

    monkeypatch.setenv(auto.HIDE_ENV, "bf16")  # torch fp32 alone
    monkeypatch.setattr(auto, "calibration_set", lambda meta, folder: _REAL_CALIBRATION(meta, folder, 200))
    model, meta = tiny_model()
    for stream, lines in ((_Terminal(), 2), (io.StringIO(), 6)):
        auto_cache = cache / "auto"
        for old in auto_cache.glob("*.json"):
            old.unlink()
        Classifier(model, meta, backend="auto", on_status=StatusLines(stream)).measure_auto()
        text = stream.getvalue()
        printed = text.rstrip("\n").split("\n")  # lines on the screen: "\r" redraws one in place
        assert len(printed) == lines, text
        assert text.count("(26 of 26)") == 1 and printed[-1].startswith("Auto: PyTorch fp32 — ")
        if lines == 2:  # every step redrawn in place: 26 carriage returns, one newline after them
            assert text.count("\r") == 26
        else:
            shown = [line for line in printed if "measuring" in line]
            assert [line.split("(")[1].split(" ")[0] for line in shown] == ["1", "7", "13", "20", "26"]


def test_a_failed_background_measurement_says_why_and_keeps_fp32(cache, torch_only, monkeypatch) -> None:
    def broken(meta, folder):
        raise OSError("no room for the calibration set")

    monkeypatch.setattr(auto, "calibration_set", broken)
    model, meta = tiny_model()
    classifier = Classifier(model, meta, backend="auto", auto_measure="background")
    updates: list = []
    classifier.start_auto(updates.append)
    results = classifier.classify([(f"i{i}", _image(i)) for i in range(64)], top_k=1, batch_size=8)
    classifier.auto_thread.join(60)
    assert [u.state for u in updates] == ["failed"] and {r.backend for r in results} == {"torch"}
    said = "Auto: measuring failed (no room for the calibration set) — PyTorch fp32 runs"
    assert english(updates[0].message) == said and auto.read_decision(classifier.auto.key) is None
