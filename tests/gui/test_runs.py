"""Long runs: progress, Cancel keeps what is done, closing mid-run stops every thread."""

from __future__ import annotations

import dataclasses
import threading

from PySide6.QtWidgets import QApplication

from core.session import Outcome
from gui.worker import CLASSIFY
from tests.gui.conftest import make_images, open_window, wait_idle

RUN_SIZE = 160  # ten batches of 16


def test_cancel_during_a_run_keeps_the_partial_results(qtbot, window, tmp_path) -> None:
    make_images(tmp_path / "many", RUN_SIZE)
    window.queue_paths([tmp_path / "many"])
    assert window.actions.file.cancel.isEnabled()
    assert not any(a.isEnabled() for a in window.actions.model.archs.actions())
    qtbot.waitUntil(lambda: window.status.progress.value() > 0, timeout=120_000)
    assert window.status.progress.maximum() == RUN_SIZE
    assert window.status.progress.text() == f"{window.status.progress.value()} / {RUN_SIZE}"
    window.actions.file.cancel.trigger()  # as Esc or the status bar's button does
    with qtbot.waitSignal(
        window.engine.finished, timeout=120_000, check_params_cb=lambda d: d.job == CLASSIFY
    ) as finished:
        pass
    wait_idle(qtbot, window)

    assert finished.args[0].cancelled
    kept = window.results.rowCount()
    assert 0 < kept < RUN_SIZE
    assert window.status.progress.isHidden() and not window.actions.file.cancel.isEnabled()
    assert all(a.isEnabled() for a in window.actions.model.archs.actions())
    assert "Cancelled after" in window.summary.full_text

    extra = make_images(tmp_path / "more", 1)
    window.queue_paths(extra)  # the worker still takes requests
    wait_idle(qtbot, window)
    assert window.results.rowCount() == kept + 1
    window.queue_paths(extra)  # the same file again replaces its row
    wait_idle(qtbot, window)
    assert window.results.rowCount() == kept + 1
    assert window.summary.full_text.startswith("Classified 1 image in")


def test_closing_mid_run_leaves_no_running_thread(qtbot, settings_file, tmp_path) -> None:
    make_images(tmp_path / "many", RUN_SIZE)
    before = set(python_threads())
    window = open_window(qtbot, settings_file)
    window.queue_paths([tmp_path / "many"])
    qtbot.waitUntil(lambda: window.status.progress.value() > 0, timeout=120_000)

    window.close()

    assert not window.engine.is_running()
    assert window.arch_panel._thread is None or not window.arch_panel._thread.isRunning()
    assert window.results.thumbnails.wait(0)
    assert window.results.rowCount() < RUN_SIZE
    # Python's own threads (the decoding pool); Qt's threads show up as never-ending dummies.
    leftover = [t for t in python_threads() if t not in before and t.is_alive()]
    assert leftover == []


def test_answers_queued_before_close_never_reach_the_closed_window(qtbot, settings_file) -> None:
    window = open_window(qtbot, settings_file)
    info = window.model_info
    meta = dataclasses.replace(info.meta, arch="resnet50")
    other = dataclasses.replace(info, meta=meta, description="late")
    late = Outcome(99, other)  # a model loaded: the session would take it, even from an old job
    sender = threading.Thread(target=window.engine._worker.loadFinished.emit, args=(late,))
    sender.start()  # emitted from another thread: queued for the window, not yet delivered
    sender.join()
    window.close()
    QApplication.processEvents()
    assert window.model_info is info
    assert window.arch_panel._thread is None or not window.arch_panel._thread.isRunning()


def python_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if not isinstance(t, threading._DummyThread)]
