"""Start-up: the window is on screen before torch is imported; ``reslens PATH`` queues PATH."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

import gui.app
from gui.main_window import MainWindow
from tests.gui.conftest import sample_files

SHOWN_WITHOUT_TORCH = """
import sys, time
from gui.app import create_application
app, _ = create_application([])
from gui.main_window import MainWindow
def heavy():
    return sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "torchvision"))
window = MainWindow()
window.show()
window.grab()  # the first frame, painted
print("AT SHOW", heavy()[:3])
deadline = time.monotonic() + 90
while "torch" not in sys.modules and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
print("LATER", "torch" in heavy())
window.close()
"""


def test_the_window_is_shown_before_torch_is_imported(tmp_path: Path) -> None:
    env = {"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", SHOWN_WITHOUT_TORCH],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "PATH": "/usr/bin:/bin"},
        cwd=Path(gui.app.__file__).parent.parent,
    )
    assert "AT SHOW []" in done.stdout, done.stdout + done.stderr
    assert "LATER True" in done.stdout, done.stdout + done.stderr  # then the worker imports it


def test_main_queues_the_paths_given(qtbot, monkeypatch) -> None:
    sample = sample_files()[0]
    seen: dict[str, object] = {}

    def run_until_classified(_app: QApplication) -> int:
        windows = QApplication.topLevelWidgets()
        window = next(w for w in windows if isinstance(w, MainWindow) and w.isVisible())
        qtbot.waitUntil(lambda: window.results.rowCount() == 1 and not window.engine.busy, timeout=120_000)
        seen["sources"] = [r.source for r in window.results.results()]
        seen["visible"] = window.isVisible()
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", run_until_classified)
    assert gui.app.main([str(sample)]) == 0
    assert seen == {"sources": [str(sample)], "visible": True}


def test_version_flag(capsys) -> None:
    try:
        gui.app.main(["--version"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert capsys.readouterr().out.startswith("ResLens ")


def test_self_test_flag_checks_the_installation(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    env.pop("DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "gui", "--self-test"], capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["ok"] is True
    assert summary["samples_right"] == summary["samples_total"] == len(sample_files())
    assert summary["arch_params"] == 11_182_668  # ResNet-18 with the bundled 12-class head
    assert summary["trained"] is True  # a model taught in a spawned process, as the training window does
