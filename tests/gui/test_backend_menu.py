"""Device ▸ Backend: the choice reaches the worker, the results, the status bar and the settings;
a backend that cannot be had gives way to PyTorch with a message, and the menu shows what runs."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from core.backends import BACKEND_LABELS, int8_model_path, model_folder
from core.paths import CACHE_ENV
from gui.messages import text as rendered
from tests.gui.conftest import make_settings, open_window, sample_files, wait_idle

LOAD_TIMEOUT_MS = 240_000  # int8: export, calibrate and check against fp32 on two shared cores


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory) -> Path:
    """One ONNX cache for the module, so each model is built once."""
    return tmp_path_factory.mktemp("reslens-cache")


@pytest.fixture
def cache(monkeypatch, shared_cache) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(shared_cache))
    return shared_cache


def choose_backend(window, backend: str) -> None:
    """Click Device ▸ Backend ▸ ``backend`` as a person does (through the menu's action)."""
    action = next(a for a in window.actions.model.backends.actions() if a.data() == backend)
    assert action.isEnabled() and action.text() == BACKEND_LABELS[backend]
    action.trigger()


def checked_backend(window) -> list[str]:
    return [a.data() for a in window.actions.model.backends.actions() if a.isChecked()]


def wait_for_backend(qtbot, window, backend: str) -> None:
    qtbot.waitUntil(
        lambda: (
            window.model_info is not None
            and window.model_info.backend == backend
            and not window.models.view.busy
        ),
        timeout=LOAD_TIMEOUT_MS,
    )


def classify_samples(qtbot, window) -> dict[str, object]:
    window.clear_results()
    window.queue_paths(sample_files())
    wait_idle(qtbot, window)
    return {Path(r.source).name: r for r in window.results.results()}


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_the_backend_chosen_in_the_menu_classifies_and_is_recorded(qtbot, settings_file, cache, backend):
    window = open_window(qtbot, settings_file)
    # New settings: Auto, which runs torch fp32 until it has measured (a run of 64 images or more).
    assert checked_backend(window) == ["auto"] and window.model_info.backend == "auto"
    torch_results = classify_samples(qtbot, window)
    assert {r.backend for r in torch_results.values()} == {"torch"}

    said: list[str] = []
    window.models.changed.connect(lambda view: said.append(rendered(view.message or "")))
    choose_backend(window, backend)
    wait_for_backend(qtbot, window, backend)
    assert any(text.startswith("Building the ") for text in said)  # the first build says so
    assert checked_backend(window) == [backend]
    assert window.settings.backend == backend
    assert BACKEND_LABELS[backend] in window.status.device.text()
    assert "Grad-CAM" in window.status.device.toolTip()

    results = classify_samples(qtbot, window)
    assert set(results) == set(torch_results) and all(r.ok for r in results.values())
    assert {r.backend for r in results.values()} == {backend}
    same = sum(results[n].predictions[0].label == torch_results[n].predictions[0].label for n in results)
    assert same >= (len(results) if backend == "onnx" else len(results) - 1)
    if backend == "onnx-int8":  # its agreement with fp32 is shown: status bar and banner
        assert "int8: agrees with fp32 on" in window.status.device.toolTip()
        assert "int8: agrees with fp32 on" in window.banner.text
        assert "int8: int8:" not in window.banner.text  # issue 25: said once
    window.close()


def test_the_backend_survives_a_restart(qtbot, settings_file, cache) -> None:
    first = open_window(qtbot, settings_file)
    choose_backend(first, "onnx")
    wait_for_backend(qtbot, first, "onnx")
    first.close()

    assert make_settings(settings_file).backend == "onnx"
    second = open_window(qtbot, settings_file)
    wait_for_backend(qtbot, second, "onnx")
    assert checked_backend(second) == ["onnx"]
    assert second.model_info.choice.backend == "onnx"
    results = classify_samples(qtbot, second)
    assert {r.backend for r in results.values()} == {"onnx"}
    second.close()


def test_a_saved_int8_backend_without_onnxruntime_falls_back_to_torch(
    qtbot, settings_file, cache, monkeypatch
) -> None:
    store = make_settings(settings_file)
    store.backend = "onnx-int8"
    store.sync()
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # `import onnxruntime` fails, as uninstalled

    window = open_window(qtbot, settings_file)
    qtbot.waitUntil(lambda: not window.models.view.busy, timeout=LOAD_TIMEOUT_MS)
    assert window.model_info.backend == "torch"
    assert checked_backend(window) == ["torch"]
    assert "ONNX Runtime int8 could not be used" in window.banner.text
    assert "pip install onnxruntime" in window.banner.text
    assert window.banner.level == "warning"
    assert window.settings.backend == "torch"  # what runs is what is saved
    assert "PyTorch" in window.status.device.text()
    results = classify_samples(qtbot, window)
    assert {r.backend for r in results.values()} == {"torch"}
    window.close()


def test_a_refused_int8_model_falls_back_to_torch(qtbot, settings_file, tmp_path, monkeypatch) -> None:
    """An int8 model whose stored check says 90 % agreement is refused (98 % is needed)."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    window = open_window(qtbot, settings_file)
    choose_backend(window, "onnx")
    wait_for_backend(qtbot, window, "onnx")

    import onnxruntime

    model = window.model_info
    folder = model_folder(
        model.arch, model.identity.weights_hash, model.meta.crop_size, onnxruntime.__version__
    )
    int8 = int8_model_path(folder, "shapes")
    shutil.copyfile(folder / "model.onnx", int8)
    check = {"agreement": 0.9, "images": 500, "calibration": "shapes"}
    int8.with_suffix(".json").write_text(json.dumps(check))

    choose_backend(window, "onnx-int8")
    qtbot.waitUntil(
        lambda: not window.models.view.busy and window.model_info.backend != "onnx", timeout=LOAD_TIMEOUT_MS
    )
    assert window.model_info.backend == "torch"
    assert checked_backend(window) == ["torch"]
    assert "agrees with fp32 on 90.0 % of 500 images" in window.banner.text
    assert "98%" in window.banner.text
    results = classify_samples(qtbot, window)
    assert {r.backend for r in results.values()} == {"torch"}
    window.close()


def test_an_unknown_saved_backend_is_ignored(settings_file) -> None:
    store = make_settings(settings_file)
    store.store.setValue("model/backend", "tensorrt")
    store.sync()
    assert make_settings(settings_file).request.backend == "torch"


CHILD = """
import json, sys
from PySide6.QtCore import QTimer
from gui.app import create_application
app, _ = create_application([])
from gui.main_window import MainWindow
window = MainWindow()
window.show()
step = sys.argv[1]
state = {"chosen": False, "queued": False}
def tick():
    if window.model_info is None or window.engine.busy or window.models.view.busy:
        return
    if step == "choose" and not state["chosen"]:
        state["chosen"] = True
        next(a for a in window.actions.model.backends.actions() if a.data() == "onnx").trigger()
        return
    if step == "report" and not state["queued"]:
        state["queued"] = True
        window.queue_paths(sys.argv[2:])
        return
    rows = window.results.results()
    checked = [a.data() for a in window.actions.model.backends.actions() if a.isChecked()]
    print(json.dumps({"backend": window.model_info.backend, "checked": checked,
        "device": window.status.device.text(), "rows": sorted({r.backend for r in rows})}))
    window.close()
    app.quit()
timer = QTimer(interval=200, timeout=tick)
timer.start()
QTimer.singleShot(200_000, app.quit)
app.exec()
"""


def test_the_backend_persists_across_two_processes(tmp_path) -> None:
    """As a person does it: one run of the app picks ONNX Runtime fp32 and quits; the next run
    (a new process, the same settings where QSettings keeps them) classifies with it."""
    import os
    import subprocess

    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        CACHE_ENV: str(tmp_path / "cache"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }

    def run(*args: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *args], env=env, capture_output=True, text=True, timeout=280
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    first = run("choose")
    assert first["backend"] == "onnx" and first["checked"] == ["onnx"]
    second = run("report", *map(str, sample_files()[:4]))
    assert second["backend"] == "onnx" and second["checked"] == ["onnx"]
    assert second["device"].endswith("· ONNX Runtime fp32") and second["rows"] == ["onnx"]
