"""``reslens --self-test`` in the Lite edition: one JSON line, 24/24, a quick teach, torch never imported.

Runs the real entry point (``gui.app.main``) in a fresh interpreter with ``RESLENS_EDITION=lite``,
which blocks torch, torchvision and onnx as the Lite bundle lacks them (``core.edition``), so the
self-test takes its Lite path: the bundled Lite model with ONNX Runtime, a quick head taught in a
spawned process, the window opened and closed offscreen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _self_test(tmp_path: Path, prelude: str = "") -> tuple[int, dict, str]:
    env = {
        **os.environ,
        "RESLENS_EDITION": "lite",
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))),
        "HOME": str(tmp_path),  # no settings or crash log of the person running the tests
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("DISPLAY", None)
    code = f"{prelude}\nimport sys\nfrom gui.app import main\nsys.exit(main(['--self-test']))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=240
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, done.stdout + done.stderr[-3000:]
    return done.returncode, json.loads(lines[0]), done.stderr


def test_lite_self_test_passes_without_torch(tmp_path: Path) -> None:
    code, summary, stderr = _self_test(tmp_path)
    assert code == 0, (summary, stderr[-3000:])
    assert summary["ok"] is True and summary["edition"] == "lite" and summary["device"] == "cpu"
    assert (summary["samples_right"], summary["samples_total"]) == (24, 24)
    assert summary["arch_params"] == 11_182_668
    assert summary["trained"] is True
    assert summary["torch_imported"] is False


def test_lite_self_test_fails_when_torch_was_imported(tmp_path: Path) -> None:
    """A torch that slipped in fails the check. Here a stand-in module sits in ``sys.modules``
    before the edition is applied (what ``core.edition.torch_imported`` looks at), which saves the
    test the seconds of a real ``import torch``."""
    code, summary, _ = _self_test(
        tmp_path, "import sys, types; sys.modules['torch'] = types.ModuleType('torch')"
    )
    assert code == 1
    assert summary["ok"] is False and summary["torch_imported"] is True
    assert summary["samples_right"] == 24  # everything else worked: the failure is torch alone
    assert any("torch was imported" in e for e in summary["errors"])
