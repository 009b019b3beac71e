"""Backend Auto in the window: the default of new settings; a cached choice runs at once and is
shown in the status bar; with none, a long run starts the measurement in the worker while its
first batches run on PyTorch fp32, and the choice then appears in the status bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core import auto_backend as auto
from core.paths import CACHE_ENV
from tests.gui.conftest import make_images, open_window, sample_files, wait_idle


@pytest.fixture
def cache(monkeypatch, tmp_path) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def checked_backend(window) -> list[str]:
    return [a.data() for a in window.actions.model.backends.actions() if a.isChecked()]


def test_a_cached_choice_runs_at_once_and_is_shown(qtbot, settings_file, cache) -> None:
    from core.inference import Classifier
    from core.weights import load_weights

    key = Classifier.from_loaded(load_weights(None), backend="auto").auto.key
    trials = (auto.Trial("torch", 10.0, 1.0), auto.Trial("torch-bf16", 31.0, 1.0, 0.001))
    auto.write_decision(auto.Decision("torch-bf16", 200, trials, key))
    window = open_window(qtbot, settings_file)
    assert checked_backend(window) == ["auto"] and window.model_info.backend == "auto"
    assert window.status.device.text().endswith("· Auto")
    said = "Auto: PyTorch bf16 — 3.1x fp32 here, agrees on 100 % of 200 images"
    assert said in window.status.device.toolTip()
    window.queue_paths(sample_files()[:4])
    wait_idle(qtbot, window)
    assert {r.backend for r in window.results.results()} == {"torch-bf16"}
    window.close()


def test_a_long_run_measures_in_the_worker_and_shows_the_choice(
    qtbot, settings_file, cache, tmp_path, monkeypatch
) -> None:
    """Each step shows in the status bar; the choice is the same model with a new note: no model
    change, so the thumbnails' heat-map overlays stay."""
    monkeypatch.setattr(auto, "_onnxruntime_version", lambda: "")  # torch candidates only: quick
    monkeypatch.setenv(auto.HIDE_ENV, "bf16")  # torch fp32 alone: 1 build + 2 batches = 3 steps
    real = auto.calibration_set
    monkeypatch.setattr(auto, "calibration_set", lambda meta, folder: real(meta, folder, 16))
    window = open_window(qtbot, settings_file)
    tip = window.status.device.toolTip()
    assert "Auto: PyTorch fp32 until the fastest backend here is measured" in tip
    shown: list[tuple[int, int, str]] = []
    show = window.status.show_auto
    monkeypatch.setattr(
        window.status,
        "show_auto",
        lambda step, steps, text: (shown.append((step, steps, text)), show(step, steps, text)),
    )
    changed: list[object] = []
    window.models.modelChanged.connect(changed.append)
    window.thumbnail_cams._cache[("kept", "overlay", "layer4")] = None  # an overlay the choice must keep
    window.queue_paths(make_images(tmp_path / "many", auto.MEASURE_MIN_IMAGES, size=32))
    wait_idle(qtbot, window)
    rows = window.results.results()
    assert len(rows) == auto.MEASURE_MIN_IMAGES and rows[0].backend == "torch"
    qtbot.waitUntil(lambda: "Auto: PyTorch fp32 — " in window.status.device.toolTip(), timeout=60_000)
    assert [(step, steps) for step, steps, _ in shown] == [(1, 3), (2, 3), (3, 3)]
    assert shown[-1][2] == "Auto: measuring which backend is fastest here (3 of 3)…"
    assert window.status.auto_progress.isHidden() and window.status.auto_cancel.isHidden()
    assert changed == [] and ("kept", "overlay", "layer4") in window.thumbnail_cams._cache
    assert window.model_info.backend == "auto" and window.status.device.text().endswith("· Auto")
    window.close()


def test_stop_measuring_keeps_fp32_says_so_and_caches_nothing(
    qtbot, settings_file, cache, tmp_path, monkeypatch
) -> None:
    """The status bar's Stop Measuring, clicked while Auto measures: torch fp32 stays, the
    tooltip says so, no decision is cached (the next start measures again), no model change."""
    import time

    from core.errors import Cancelled

    def endless(trials_of, batches, cancel=None, on_progress=None):
        on_progress(1, 5)
        while not cancel.is_set():
            time.sleep(0.01)
        raise Cancelled()

    monkeypatch.setattr(auto, "measure", endless)
    monkeypatch.setattr(auto, "calibration_set", lambda meta, folder: ([], "shapes"))
    window = open_window(qtbot, settings_file)
    changed: list[object] = []
    window.models.modelChanged.connect(changed.append)
    window.queue_paths(make_images(tmp_path / "many", auto.MEASURE_MIN_IMAGES, size=32))
    button = window.status.auto_cancel
    qtbot.waitUntil(button.isVisible, timeout=60_000)
    assert window.status.auto_progress.text() == "Auto: measuring which backend is fastest here (1 of 5)…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    said = "Auto: measuring cancelled — PyTorch fp32 runs; Auto measures again next time"
    qtbot.waitUntil(lambda: said in window.status.device.toolTip(), timeout=30_000)
    wait_idle(qtbot, window)
    assert window.status.auto_progress.isHidden() and not button.isVisible()
    assert {r.backend for r in window.results.results()} == {"torch"}
    assert not list(cache.glob("auto/decision-*.json")) and changed == []
    window.close()
