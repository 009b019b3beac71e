"""Regression check for issue 10: the installed PySide6 must deliver signals without over-releasing.

PySide6 6.12.0's ``Signal.emit()`` drops a reference to ``True`` on every call, so on Python 3.11
a folder of a few thousand images ended in ``Fatal Python error: bool_dealloc`` (SIGABRT). The
probe runs in a subprocess, so an abort fails this test instead of killing pytest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import requires
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tools" / "qt_signal_probe.py"
EMISSIONS = 20_000


def test_twenty_thousand_emissions_of_every_signature_leave_refcounts_unchanged() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, str(PROBE), "--count", str(EMISSIONS)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert run.returncode == 0, f"probe exited {run.returncode}:\n{run.stderr[-2000:]}{run.stdout[-2000:]}"
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["ok"], report
    assert set(report["delivered"].values()) == {EMISSIONS}
    assert len(report["delivered"]) == 11
    for name in ("None", "True", "False", "payload"):
        assert abs(report["refcount_drift"][name]) <= 64, report["refcount_drift"]


def test_the_dependency_range_excludes_the_broken_release() -> None:
    """The installed distribution's own metadata, i.e. what ``pip install`` enforces."""
    pyside = next(Requirement(dep) for dep in requires("reslens") or () if dep.startswith("PySide6"))
    assert not pyside.specifier.contains("6.12.0")
    assert pyside.specifier.contains("6.11.3")
