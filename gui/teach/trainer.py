"""A training run off the GUI thread: ``core.train.train_model`` in a worker moved to a QThread.

The run reports after every batch; the worker forwards at most one report per ``THROTTLE_S``
(plus every epoch's last one, which carries the validation figures, and every change of stage;
the new head's full-batch steps, dozens a second, are sampled), so the GUI thread never has a
queue of plot updates to catch up on. Stop asks the run to end
after the current batch and keep the best model so far; :meth:`Trainer.abandon` (the window is
closing) also asks it to write nothing, waits for the thread, and removes anything of the model
that a run ending at that moment may still have written.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from core.errors import describe
from gui.threads import start_in_thread, stop_thread, yield_to_gui

THROTTLE_S = 0.1


class _Flag:
    """A ``threading.Event`` read as a bool when ``train_model`` decides whether to keep the model,
    so that closing the window after the run started still discards it."""

    def __init__(self, event: threading.Event) -> None:
        self._event = event

    def __bool__(self) -> bool:
        return self._event.is_set()


class TrainWorker(QObject):
    """Runs one training; lives in the trainer's thread."""

    progress = Signal(object)  # core.train.TrainProgress
    status = Signal(str)
    done = Signal(object)  # core.train.TrainOutcome
    failed = Signal(str)

    def __init__(self, stop: threading.Event, discard: threading.Event) -> None:
        super().__init__()
        self._stop, self._discard = stop, discard
        self._last_emit = 0.0
        self._last_stage = ""

    @Slot(object, object, object)
    def run(self, training_set: Any, plan: Any, out: Path) -> None:
        yield_to_gui()  # torch's threads must not delay the window's repaints
        try:
            from core.train import train_model

            outcome = train_model(
                training_set,
                plan,
                out,
                on_progress=self._report,
                should_stop=self._stop.is_set,
                on_status=self.status.emit,
                discard_on_stop=_Flag(self._discard),  # type: ignore[arg-type]
            )
        except Exception as exc:  # reported in the window; the thread lives on to be stopped
            self.failed.emit(describe(exc))
            return
        self.done.emit(outcome)

    def _report(self, progress: Any) -> None:
        """Forward a report when the GUI should see it: a new stage, the end of a stage, an
        epoch's validation figures (except the head's full-batch steps, dozens a second), or
        ``THROTTLE_S`` after the last one forwarded."""
        now = time.monotonic()
        p = progress
        epoch_end = p.val_loss is not None or p.val_acc is not None
        stage_end = p.epoch == p.epochs and p.step == p.steps
        if (
            p.stage != self._last_stage
            or stage_end
            or (epoch_end and p.stage != "head")
            or now - self._last_emit >= THROTTLE_S
        ):
            self._last_emit, self._last_stage = now, p.stage
            self.progress.emit(p)


class Trainer(QObject):
    """Starts runs, stops them; its signals arrive in the GUI thread."""

    progress = Signal(object)
    status = Signal(str)
    finished = Signal(object)  # TrainOutcome
    failed = Signal(str)

    _run = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = threading.Event()
        self._discard = threading.Event()
        self._thread: Any = None
        self._worker: TrainWorker | None = None
        self._out: Path | None = None
        self.running = False

    def start(self, training_set: Any, plan: Any, out: Path) -> None:
        if self.running:
            raise RuntimeError("a training run is already in progress")
        self._finish_thread()
        self._stop.clear()
        self._discard.clear()
        self._out, self.running = out, True
        worker = self._worker = TrainWorker(self._stop, self._discard)  # kept: no Qt parent
        worker.progress.connect(self.progress)
        worker.status.connect(self.status)
        worker.done.connect(self._on_done)
        worker.failed.connect(self._on_failed)
        self._run.connect(worker.run)
        self._thread = start_in_thread(worker, "teach-train", self)
        self._run.emit(training_set, plan, out)
        self._run.disconnect(worker.run)

    def stop(self) -> None:
        """End after the current batch, keeping the best model so far."""
        self._stop.set()

    def abandon(self) -> None:
        """End now and keep nothing: waits for the thread; no file of the model is left."""
        if self._thread is None:
            return
        self._discard.set()
        self._stop.set()
        self._finish_thread()
        if self.running and self._out is not None:
            for path in (
                self._out,
                self._out.with_suffix(".json"),
                self._out.with_name(self._out.stem + ".ckpt.pt"),
            ):
                path.unlink(missing_ok=True)
        self.running = False

    def _finish_thread(self) -> None:
        if self._thread is not None:
            stop_thread(self._thread)
            self._thread.deleteLater()
            self._thread = self._worker = None

    def _on_done(self, outcome: Any) -> None:
        self.running = False
        self.finished.emit(outcome)

    def _on_failed(self, message: str) -> None:
        self.running = False
        self.failed.emit(message)
