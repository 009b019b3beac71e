"""The cyclic collector runs in the GUI thread only: garbage a worker thread leaves behind (here a
cycle, as a Qt object's Python wrapper and its connected closures make one) is freed by the GUI
thread's timer, never by the worker that happened to allocate. Once a model is ready the GUI
thread collects everything and freezes what lives, and the model replaced is gone by then."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading

import pytest

from core.inference import Classifier
from core.lite.classifier import LiteClassifier
from core.sources import DEFAULT
from gui import gui_thread_gc
from gui.gui_thread_gc import INTERVAL_MS, GuiThreadCollector
from tests.gui.test_polish_model import bundled_action, load_resnet34_file


class _Cycle:
    """Refers to itself; records which thread finally frees it."""

    freed_in: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_in.append(threading.current_thread().name)


def test_a_workers_garbage_is_freed_by_the_gui_thread(qtbot) -> None:
    assert not gc.isenabled()  # tests/gui/conftest.py installs the collector, as the app does
    _Cycle.freed_in.clear()

    kept: list[list[int]] = []

    def worker() -> None:
        _Cycle()  # garbage at once: only a collection frees it
        kept.extend([i] for i in range(5_000))  # live objects, past the youngest threshold (700)

    thread = threading.Thread(target=worker, name="allocating-worker")
    thread.start()
    thread.join()
    assert _Cycle.freed_in == []  # the worker crossed the thresholds and collected nothing
    qtbot.waitUntil(lambda: _Cycle.freed_in != [], timeout=5 * INTERVAL_MS)
    assert _Cycle.freed_in == [threading.main_thread().name]
    kept.clear()


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((700, 10, 10), None),  # at the thresholds, not past them: Python would not collect yet
        ((701, 10, 10), 0),
        ((701, 11, 10), 1),
        ((701, 11, 11), 2),
        ((701, 3, 11), 0),  # the oldest generation waits for the middle one, as in Python
    ],
)
def test_it_collects_the_generation_python_would(monkeypatch, qapp, counts, expected) -> None:
    collected: list[int] = []
    monkeypatch.setattr(gui_thread_gc.gc, "get_count", lambda: counts)
    monkeypatch.setattr(gui_thread_gc.gc, "collect", lambda generation: collected.append(generation) or 0)
    collector = GuiThreadCollector.__new__(GuiThreadCollector)
    collector.thresholds = (700, 10, 10)
    collector.collect()
    assert collected == ([] if expected is None else [expected])


def test_the_app_collects_in_its_gui_thread_once_a_second(tmp_path) -> None:
    """``create_application`` installs one collector (not two when called again) and automatic
    collection is off in the app's process."""
    code = (
        "import gc\n"
        "from gui.app import create_application\n"
        "from gui.gui_thread_gc import GuiThreadCollector\n"
        "app, _ = create_application([])\n"
        "create_application([])\n"
        "found = app.findChildren(GuiThreadCollector)\n"
        "print(gc.isenabled(), len(found), found[0].interval_ms)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}  # no user settings
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "1", "1000"]


def test_settle_frees_a_cycle_an_earlier_settle_froze(qtbot) -> None:
    _Cycle.freed_in.clear()
    cycle = _Cycle()
    gui_thread_gc.settle()  # alive: frozen with everything else
    assert gc.get_freeze_count() > 0
    del cycle  # garbage now, but frozen: no collection looks at it
    gc.collect()
    assert _Cycle.freed_in == []
    gui_thread_gc.settle()
    assert _Cycle.freed_in == [threading.main_thread().name]


def live_classifiers() -> int:
    """Classifiers still in memory, frozen ones included, garbage not yet collected included."""
    gc.unfreeze()
    try:
        return sum(
            type(o) in (Classifier, LiteClassifier) for o in gc.get_objects()
        )  # type(): no __class__ hooks
    finally:
        gc.freeze()


def test_switching_models_keeps_one_classifier_in_memory(qtbot, window, tmp_path, monkeypatch) -> None:
    """A frozen cycle is never collected: when the worker froze, each replaced model stayed (270 MB
    a switch between a ResNet-34 file and the bundled model)."""
    for _ in range(2):
        load_resnet34_file(qtbot, window, tmp_path, monkeypatch)
        bundled_action(window).trigger()
        qtbot.waitUntil(lambda: window.model_info.choice.weights == DEFAULT, timeout=120_000)
        qtbot.waitUntil(lambda: not window.engine.busy, timeout=120_000)
    assert live_classifiers() == 1
