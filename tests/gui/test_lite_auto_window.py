"""Backend Auto in the ResLens Lite window (a fresh interpreter, ``RESLENS_EDITION=lite``): the
bundled model runs on Auto; a long run measures its fp32 and int8 files in the worker, each step
in the status bar, and the choice becomes the status bar's note without a model change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.lite.paths import bundled_int8_path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import json, sys, tempfile, time
    from pathlib import Path

    sys.path.insert(0, sys.argv[1])
    from PIL import Image
    from PySide6.QtCore import QCoreApplication, QSettings

    from gui.app import create_application

    STOP = sys.argv[2] == "stop"
    if STOP:  # a measurement that lasts until Stop Measuring is clicked
        import core.auto_backend as auto
        from core.errors import Cancelled

        def endless(trials_of, batches, cancel=None, on_progress=None):
            on_progress(1, 27)
            while not cancel.is_set():
                time.sleep(0.01)
            raise Cancelled()

        auto.measure = endless

    app, _ = create_application([])
    from gui.main_window import MainWindow
    from gui.settings import Settings

    ini = Path(tempfile.mkdtemp()) / "s.ini"
    window = MainWindow(Settings(QSettings(str(ini), QSettings.Format.IniFormat)))
    window.show()

    def wait(condition, seconds=120):
        end = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > end:
                raise SystemExit("timed out: " + window.status.device.toolTip())
            QCoreApplication.processEvents()
            time.sleep(0.01)

    wait(lambda: window.model_info is not None and not window.models.view.busy)
    before = window.status.device.toolTip()
    updates, changed, bars = [], [], []
    window.engine.autoUpdate.connect(lambda u: updates.append([u.state, u.step, u.steps]))
    window.engine.autoUpdate.connect(lambda u: bars.append(window.status.auto_progress.text()))
    window.models.modelChanged.connect(lambda m: changed.append(1))
    folder = Path(tempfile.mkdtemp())
    for i in range(64):
        Image.new("RGB", (40, 40), (i * 3 % 256, i * 7 % 256, 90)).save(folder / f"i{i:02d}.png")
    window.queue_paths([folder])
    if STOP:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        wait(lambda: window.status.auto_cancel.isVisible())
        QTest.mouseClick(window.status.auto_cancel, Qt.MouseButton.LeftButton)
        wait(lambda: "cancelled" in window.status.device.toolTip())
    else:
        wait(lambda: "fp32 here" in window.status.device.toolTip())
    wait(lambda: window.results.rowCount() == 64 and not window.engine.busy)
    print("REPORT " + json.dumps({
        "before": before,
        "after": window.status.device.toolTip(),
        "device": window.status.device.text(),
        "backend": window.model_info.backend,
        "updates": updates,
        "bars": bars,
        "changed": len(changed),
        "bar_hidden": window.status.auto_progress.isHidden(),
        "torch": "torch" in sys.modules,
        "results": sorted({r.backend for r in window.results.results()}),
    }))
    window.close()
    """
)


def run_lite_window(tmp_path: Path, mode: str) -> dict:
    env = {
        **os.environ,
        "RESLENS_EDITION": "lite",
        "QT_QPA_PLATFORM": "offscreen",
        "RESLENS_LANG": "en",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "RESLENS_CACHE": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT), mode], capture_output=True, text=True, env=env, timeout=240
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("REPORT ")]
    assert done.returncode == 0 and lines, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(lines[-1][len("REPORT ") :])


@pytest.mark.skipif(not bundled_int8_path().is_file(), reason="no bundled int8 file")
def test_lite_window_measures_its_two_files_and_shows_the_choice(tmp_path: Path) -> None:
    report = run_lite_window(tmp_path, "measure")
    assert report["backend"] == "auto" and report["device"].endswith("· Auto")
    assert "Auto: ONNX Runtime fp32 until the fastest backend here is measured" in report["before"]
    assert report["updates"] == [["measuring", step, 27] for step in range(1, 28)] + [["chosen", 0, 0]]
    assert report["bars"][0] == "Auto: measuring which backend is fastest here (1 of 27)…"
    assert "Auto: ONNX Runtime " in report["after"] and "of 200 images" in report["after"]
    assert report["changed"] == 0 and report["bar_hidden"] and report["torch"] is False
    assert len(list((tmp_path / "cache").glob("auto/decision-*.json"))) == 1  # cached for next time


@pytest.mark.skipif(not bundled_int8_path().is_file(), reason="no bundled int8 file")
def test_stop_measuring_in_the_lite_window_keeps_onnx_fp32_and_caches_nothing(tmp_path: Path) -> None:
    report = run_lite_window(tmp_path, "stop")
    assert report["updates"] == [["measuring", 1, 27], ["cancelled", 0, 0]]
    said = "Auto: measuring cancelled — ONNX Runtime fp32 runs; Auto measures again next time"
    assert said in report["after"] and report["results"] == ["onnx"]
    assert report["changed"] == 0 and report["bar_hidden"] and report["torch"] is False
    assert not list((tmp_path / "cache").glob("auto/decision-*.json"))
