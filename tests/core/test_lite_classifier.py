"""A Lite model file through the one opener and the model session, in both editions.

``core.opener.open_weights`` / ``core.session.execute`` give a Lite file (and, without torch, the
bundled model) as a :class:`~core.lite.classifier.LiteLoaded`; its classifier answers as
``core.inference.Classifier`` does: batches with progress, cancel between batches, one result per
input with a per-file error for what cannot be read. Without torch (``RESLENS_EDITION=lite``
here: :func:`core.edition.has_torch` is then False) what needs torch fails with NEEDS_FULL.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core import edition
from core.edition import NEEDS_FULL
from core.lite.classifier import LiteClassifier, LiteLoaded, summary_of
from core.lite.cli import bundled_lite_path
from core.lite.model_file import NOT_ONNX
from core.opener import needs_torch, open_classifier, open_weights
from core.paths import samples_dir
from core.session import BROKEN, LoadJob, execute, run_on_backend
from core.sources import ModelChoice

SAMPLES = sorted(samples_dir().glob("*.jpg"))


@pytest.fixture
def lite(monkeypatch: pytest.MonkeyPatch):
    """This process answers as ResLens Lite (torch may be imported already: only the check)."""
    monkeypatch.setenv(edition.EDITION_ENV, edition.LITE)
    edition.has_torch.cache_clear()
    yield
    monkeypatch.delenv(edition.EDITION_ENV)
    edition.has_torch.cache_clear()


@pytest.fixture(scope="module")
def loaded() -> LiteLoaded:
    found = open_weights(ModelChoice(None, str(bundled_lite_path())))
    assert isinstance(found, LiteLoaded)
    return found


def truth(path: str) -> str:
    return Path(path).stem.split("-")[0]


def test_the_bundled_model_is_its_lite_file_without_torch(lite: None) -> None:
    outcome, found = execute(LoadJob(1, (ModelChoice.bundled(),)))
    assert isinstance(found, LiteLoaded) and found.path == bundled_lite_path()
    model = outcome.loaded
    assert model.identity.name == "ResNet-18 · bundled"
    assert (model.backend, model.device, model.choice.weights) == ("onnx", "cpu", "default")
    assert model.tree is not None and model.tree["params"] == 11_182_668
    outcome, runner = run_on_backend(outcome, lambda b: open_classifier(outcome.loaded.choice, found))
    assert isinstance(runner, LiteClassifier) and outcome.loaded.backend == "onnx"
    assert outcome.backend_problem is None


@pytest.mark.parametrize(
    ("choice", "feature"),
    [
        (ModelChoice(None, "mine.pth"), "mine.pth"),
        (ModelChoice(None, "mine.safetensors"), "mine.safetensors"),
        (ModelChoice("resnet50", "imagenet-v2"), "ResNet-50 ImageNet V2"),
    ],
)
def test_what_needs_torch_is_refused_with_needs_full_and_the_bundled_model_follows(
    lite: None, choice: ModelChoice, feature: str
) -> None:
    assert needs_torch(choice)
    outcome, found = execute(LoadJob(1, (choice, ModelChoice.bundled())))
    (problem,) = outcome.problems
    assert problem.kind == BROKEN and problem.message.code == NEEDS_FULL.code
    assert str(problem.message) == f"{feature} needs ResLens, full edition (with PyTorch)"
    assert isinstance(found, LiteLoaded) and outcome.loaded.choice.weights == "default"


def test_a_broken_onnx_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"not a protobuf at all")
    outcome, found = execute(LoadJob(1, (ModelChoice(None, str(bad)),)))
    assert found is None
    (problem,) = outcome.problems
    assert problem.kind == BROKEN and problem.message.code == NOT_ONNX.code


def test_classify_in_batches_with_progress_and_a_per_file_error(loaded: LiteLoaded, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 this is not a JPEG")
    progress: list[tuple[int, int]] = []
    seen: list[str] = []
    inputs = (*[str(p) for p in SAMPLES], str(broken), 42)  # the window sends a tuple
    results = LiteClassifier(loaded).classify(
        inputs, top_k=3, batch_size=5, on_progress=lambda d, t: progress.append((d, t)), on_result=seen.append
    )
    assert progress == [(0, 26), (5, 26), (10, 26), (15, 26), (20, 26), (25, 26), (26, 26)]
    assert [r.source for r in results] == [str(p) for p in SAMPLES] + [str(broken), "42"]
    assert seen == results
    assert all(r.ok and r.top.label == truth(r.source) for r in results[:24])
    assert all(len(r.predictions) == 3 and r.backend == "onnx" for r in results[:24])
    assert {r.model for r in results} == {loaded.identity.tag}
    assert not results[24].ok and results[24].error and not results[24].predictions
    assert not results[25].ok and results[25].why.code == "input.not-an-input"
    assert not any(r.unknown for r in results)  # the window applies its own threshold


def test_cancel_stops_between_batches(loaded: LiteLoaded) -> None:
    cancel = threading.Event()

    def progress(done: int, _total: int) -> None:
        if done >= 4:
            cancel.set()

    results = LiteClassifier(loaded).classify(
        [str(p) for p in SAMPLES], batch_size=4, on_progress=progress, cancel=cancel
    )
    assert len(results) == 4
    assert LiteClassifier(loaded).classify([str(p) for p in SAMPLES], cancel=cancel) == []


def test_a_label_file_renames_the_classes(tmp_path: Path) -> None:
    names = [f"class {i}" for i in range(12)]
    labels = tmp_path / "names.txt"
    labels.write_text("\n".join(names), encoding="utf-8")
    found = open_weights(ModelChoice(None, str(bundled_lite_path()), str(labels)))
    assert found.meta.categories == tuple(names) and found.identity.labels == str(labels)
    (result,) = LiteClassifier(found).classify([str(SAMPLES[0])], top_k=1)
    assert result.top.label == "class 0"  # arrow-drawn.jpg is an arrow, the first class


def test_the_tree_of_the_record_reads_as_a_summary(loaded: LiteLoaded) -> None:
    summary = summary_of(loaded.tree, loaded.meta.crop_size)
    assert summary is not None and summary.input_shape == (1, 3, 64, 64)
    assert summary.total_params == 11_182_668
    layer2 = summary.root.find("layer2.0.conv1")
    assert layer2 is not None and layer2.output_shape == (1, 128, 8, 8) and layer2.calls == 1
    assert summary_of(None, 64) is None


def test_a_lite_file_in_the_full_edition_gives_the_torch_models_top1(loaded: LiteLoaded) -> None:
    """The bundled Lite file was exported from the bundled weights: the same top-1 on every
    sample, probabilities within 1e-4 (fp32 against fp32)."""
    pytest.importorskip("torch")
    torch_model = open_classifier(ModelChoice.bundled("cpu"))
    want = torch_model.classify([str(p) for p in SAMPLES], top_k=1)
    got = open_classifier(ModelChoice(None, str(bundled_lite_path())), loaded).classify(
        [str(p) for p in SAMPLES], top_k=1
    )
    assert [r.top.label for r in got] == [r.top.label for r in want]
    assert max(abs(a.top.probability - b.top.probability) for a, b in zip(got, want, strict=True)) < 1e-4


def test_one_bundled_lite_file() -> None:
    from core.lite.cli import bundled_lite_path as the_cli_one
    from core.sources import bundled_lite_path

    assert bundled_lite_path() == the_cli_one() and bundled_lite_path().is_file()


def test_the_session_says_needs_full_as_it_is_and_keeps_the_bundled_model(lite: None) -> None:
    """A 0.1.0 setting naming ImageNet weights, started in Lite: the bundled model loads, and
    the banner says what needs the full edition with no Retry or Download to offer."""
    from core.session import Fix, ModelSession, State

    views = []
    session = ModelSession(lambda job: session.finished(execute(job)[0]), views.append)
    session.start(ModelChoice("resnet50", "imagenet-v2"))
    view = session.view
    assert view.state is State.FAILED and view.model.choice.weights == "default"
    assert str(view.message) == "ResNet-50 ImageNet V2 needs ResLens, full edition (with PyTorch)"
    assert view.fixes == (Fix.LOAD_FILE, Fix.KEEP)


def test_a_label_file_of_another_length_is_refused_with_a_message(tmp_path: Path) -> None:
    from core.errors import WeightsError
    from core.lite.classifier import LABELS_COUNT

    labels = tmp_path / "three.txt"
    labels.write_text("a\nb\nc\n", encoding="utf-8")
    with pytest.raises(WeightsError) as refused:
        open_weights(ModelChoice(None, str(bundled_lite_path()), str(labels)))
    assert refused.value.message == LABELS_COUNT("three.txt", 3, 12)
    assert str(refused.value) == "three.txt names 3 classes but the model has 12 outputs"


def test_the_bundled_model_on_int8_opens_the_bundled_int8_file(lite: None) -> None:
    """Lite cannot quantise (no onnx package): int8 of the bundled model is the shipped file."""
    from core.lite.paths import bundled_int8_path

    choice = ModelChoice(None, "default", backend="onnx-int8")
    loaded = open_weights(choice)
    assert isinstance(loaded, LiteLoaded) and loaded.path == bundled_int8_path()
    results = open_classifier(choice, loaded).classify([str(p) for p in SAMPLES[:4]])
    assert {r.backend for r in results} == {"onnx-int8"}
