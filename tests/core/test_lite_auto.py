"""Backend Auto in ResLens Lite (``RESLENS_EDITION=lite``): the bundled fp32 file and its int8
sibling are measured (speed, and top-1 agreement with fp32 on 200 rendered shapes), the faster
agreeing one runs, the decision is cached under the full edition's key scheme and shown the same
way; an int8 file whose record agrees below 99 % loses unmeasured; a cancelled measurement
caches nothing."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from PIL import Image

from core import auto_backend as auto
from core import edition
from core.errors import Cancelled
from core.lite import auto as lite_auto
from core.lite.paths import bundled_int8_path, bundled_lite_path
from core.messages import english
from core.opener import open_classifier, open_weights
from core.sources import ModelChoice

pytestmark = pytest.mark.skipif(not bundled_int8_path().is_file(), reason="no bundled int8 file")


@pytest.fixture
def lite(tmp_path, monkeypatch):
    """This process as Lite sees it (``has_torch()`` False; torch itself stays importable, as
    :func:`core.edition.enforce` is not called), with a cache of its own."""
    monkeypatch.setenv("RESLENS_EDITION", "lite")
    monkeypatch.setenv("RESLENS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(auto.HIDE_ENV, raising=False)
    edition.has_torch.cache_clear()
    assert not edition.has_torch()
    yield tmp_path / "cache"
    monkeypatch.undo()
    edition.has_torch.cache_clear()


def classifier(**options):
    choice = ModelChoice.bundled(backend="auto")
    return open_classifier(choice, open_weights(choice), **options)


def images(count: int) -> list[tuple[str, Image.Image]]:
    return [(f"i{i}", Image.new("RGB", (40, 40), (i * 3 % 256, i * 7 % 256, 90))) for i in range(count)]


def test_the_bundled_model_on_auto_has_its_int8_sibling_and_no_other_file_does(lite) -> None:
    loaded = open_weights(ModelChoice.bundled(backend="auto"))
    assert loaded.path == bundled_lite_path() and loaded.auto_int8 == bundled_int8_path()
    assert open_weights(ModelChoice.bundled(backend="onnx")).auto_int8 is None
    # The same file opened by its path (Weights ▸ a .onnx file): no sibling, no Auto.
    as_a_file = ModelChoice(None, str(bundled_lite_path()), "", "cpu", "auto")
    assert open_weights(as_a_file).auto_int8 is None


def test_lite_measures_both_files_caches_the_choice_and_runs_it(lite, monkeypatch) -> None:
    steps: list[tuple[int, int]] = []
    said: list[str] = []
    first = classifier(auto_measure="inline", on_status=lambda m: said.append(english(m)))
    assert first.backend == "onnx"
    assert english(first.backend_note) == "Auto: ONNX Runtime fp32 until the fastest backend here is measured"
    decision = first.auto.measure(on_step=lambda step, total: steps.append((step, total)))
    assert steps == [(step, 27) for step in range(1, 28)]  # 2 files opened, 25 batches of 8
    assert [t.name for t in decision.trials] == ["onnx", "onnx-int8"] and decision.images == 200
    fp32, int8 = decision.trials
    assert (fp32.agreement, fp32.max_difference) == (1.0, 0.0) and not int8.error
    assert decision.chosen == auto.choose(decision.trials, "onnx") and decision.reference == "onnx"
    assert auto.read_decision(first.auto.key) == decision  # cached with the full edition's cache code
    # Cached: a new classifier runs the choice from its first batch, and nothing is measured again.
    monkeypatch.setattr(auto, "measure", lambda *a, **k: pytest.fail("a cached choice is not measured again"))
    again = classifier(auto_measure="inline")
    assert {r.backend for r in again.classify(images(64), top_k=1)} == {decision.chosen}
    assert english(again.backend_note) == english(decision.describe())
    assert said == []  # measure() was called directly: nothing was said through on_status


def cached(cache_key: str, chosen: str, int8_rate: float, agreement: float) -> auto.Decision:
    trials = (auto.Trial("onnx", 100.0, 1.0), auto.Trial("onnx-int8", int8_rate, agreement, 0.2))
    decision = auto.Decision(chosen, 200, trials, cache_key, "shapes", "onnx")
    auto.write_decision(decision)
    return decision


def test_a_cached_int8_choice_runs_int8_and_says_so_as_the_full_edition_does(lite) -> None:
    key = classifier().auto.key
    cached(key, "onnx-int8", 210.0, 0.995)
    chosen = classifier()
    assert chosen.backend == "onnx-int8"
    assert (
        english(chosen.backend_note)
        == "Auto: ONNX Runtime int8 — 2.1x fp32 here, agrees on 99.5 % of 200 images"
    )
    assert {r.backend for r in chosen.classify(images(3), top_k=1)} == {"onnx-int8"}
    cached(key, "onnx", 90.0, 1.0)
    assert classifier().backend == "onnx"


def test_an_int8_file_recorded_below_99_percent_loses_unmeasured(lite, monkeypatch) -> None:
    from core.lite.runtime import LiteModel

    real = LiteModel.__init__

    def low_record(self, path, threads=0):
        real(self, path, threads)
        if self.precision == "int8":
            extra = {"int8": {**self.record.extra["int8"], "agreement": 0.97}}
            self.record = dataclasses.replace(self.record, extra=extra)

    monkeypatch.setattr(LiteModel, "__init__", low_record)
    monkeypatch.setattr(auto, "calibration_set", lambda meta, folder: ([], "shapes"))
    plan = classifier().auto
    trials = auto.measure([("onnx", lambda: lambda b: b), ("onnx-int8", plan._open_int8)], [], None, None)
    assert trials[1].error == "its record says it agrees with fp32 on 97.0% only"
    assert auto.choose(trials, "onnx") == "onnx"


def test_a_cancelled_lite_measurement_keeps_fp32_says_so_and_caches_nothing(lite) -> None:
    updates: list = []
    running = classifier(auto_measure="background")

    def stop_at_first_step(update) -> None:
        updates.append(update)
        running.stop_auto()

    running.start_auto(stop_at_first_step)
    results = running.classify(images(64), top_k=1, batch_size=16)
    running.auto_thread.join(60)
    assert [(u.state, u.step, u.steps) for u in updates] == [("measuring", 1, 27), ("cancelled", 0, 0)]
    said = "Auto: measuring cancelled — ONNX Runtime fp32 runs; Auto measures again next time"
    assert english(updates[-1].message) == said and english(running.backend_note) == said
    assert {r.backend for r in results} == {"onnx"} and len(results) == 64
    assert auto.read_decision(running.auto.key) is None
    with pytest.raises(Cancelled):
        stop = threading.Event()
        stop.set()
        classifier().auto.measure(stop)


def test_cpu_capabilities_come_from_cpuinfo_and_the_hook_hides_them(lite, tmp_path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_vnni avx512_bf16 sse\n")
    assert lite_auto.cpu_capabilities(info, "") == {"avx2", "avx512", "vnni", "bf16"}
    assert lite_auto.cpu_capabilities(info, "bf16, vnni") == {"avx2", "avx512"}
    assert lite_auto.cpu_capabilities(tmp_path / "missing", "") == frozenset()


def test_the_lite_cli_measures_before_a_long_run_in_five_lines_then_uses_the_cache(lite, tmp_path) -> None:
    """``reslens-cli classify`` as ResLens Lite (a fresh interpreter, torch blocked), twice."""
    import json

    from tests.core.test_lite_cli import lite as lite_cli

    folder = tmp_path / "many"
    folder.mkdir()
    for name, image in images(64):
        image.save(folder / f"{name}.png")
    done = lite_cli("classify", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    measuring = [line for line in done.stderr.splitlines() if "measuring" in line]
    assert [line.split("(")[1].split(")")[0] for line in measuring] == [
        "1 of 27",
        "7 of 27",
        "14 of 27",
        "21 of 27",
        "27 of 27",
    ]
    decision = auto.read_decision(
        lite_auto.LiteAuto(open_weights(ModelChoice.bundled()).model, bundled_int8_path()).key
    )
    assert decision is not None and english(decision.describe()) in done.stderr
    assert {item["backend"] for item in json.loads(done.stdout)} == {decision.chosen}
    again = lite_cli("classify", str(folder), "--json")  # cached: said, not measured again
    assert again.returncode == 0 and "measuring" not in again.stderr
    assert english(decision.describe()) in again.stderr


def test_lite_auto_measures_with_torch_blocked(tmp_path) -> None:
    """Not only imports: the whole measurement runs where ``import torch`` fails."""

    from tests.core.test_torch_free import _run_blocked

    done = _run_blocked(
        f"""
        import os
        os.environ["RESLENS_EDITION"] = "lite"
        os.environ["RESLENS_CACHE"] = {str(tmp_path / "cache")!r}
        from core.lite.auto import LiteAuto
        from core.lite.paths import bundled_int8_path, bundled_lite_path
        from core.lite.runtime import LiteModel

        decision = LiteAuto(LiteModel(bundled_lite_path()), bundled_int8_path()).measure()
        print(decision.images, [t.name for t in decision.trials], decision.chosen in ("onnx", "onnx-int8"))
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "200 ['onnx', 'onnx-int8'] True"
