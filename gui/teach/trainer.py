"""A training run in a process of its own (:mod:`gui.teach.train_process`), watched from the GUI.

The window's event loop must not stall while a model trains (< 50 ms). A thread in this process
could not promise that: training runs a lot of Python between its torch calls and holds the GIL
that every repaint needs (see :mod:`gui.teach.train_process` for what was measured). The run
happens in a spawned process at a lower priority; its reports come back over a pipe, read by a
small thread here that only unpickles them and hands them to the GUI thread as signals.

Stop asks the run to end after the current batch and keep the best model so far.
:meth:`Trainer.abandon` (the window is closing) also asks it to write nothing, waits for the
process (ending it if it does not end in ``ABANDON_WAIT_S``) and removes anything of the model
that a run ending at that moment may still have written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from gui.i18n import arg
from gui.messages import text
from gui.teach.process_link import ABANDON_WAIT_S, ProcessLink
from gui.teach.train_process import start_training

__all__ = ["ABANDON_WAIT_S", "Trainer", "remove_model_files"]


class Trainer(ProcessLink):
    """Starts runs, stops them; its signals arrive in the GUI thread.

    ``setup``, when set, is a picklable callable the training process runs before training (the
    tests point ImageNet downloads at a local server with it).
    """

    progress = Signal(object)  # core.train.TrainProgress
    status = Signal(str)  # what the run is doing, in the window's language
    finished = Signal(object)  # core.train.TrainOutcome
    failed = Signal(str)  # why the run failed, in the window's language

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setup: Callable[[], Any] | None = None
        self._stop: Any = None
        self._discard: Any = None
        self._out: Path | None = None

    def start(self, training_set: Any, plan: Any, out: Path) -> None:
        if self.running:
            raise RuntimeError("a training run is already in progress")
        self._finish()
        run = start_training(training_set, plan, out, self.setup)
        self._stop, self._discard, self._out = run.stop, run.discard, out
        self._listen(run.process, run.receive, "teach-train-pipe")

    def stop(self) -> None:
        """End after the current batch, keeping the best model so far."""
        if self._stop is not None:
            self._stop.set()

    def abandon(self) -> None:
        """End now and keep nothing: waits for the process; no file of the model is left."""
        if self._process is None:
            return
        self._discard.set()
        self._stop.set()
        if self._end_now() and self._out is not None:
            remove_model_files(self._out)

    def _on_message(self, kind: str, value: Any) -> None:
        if kind == "progress":
            self.progress.emit(value)
        elif kind == "status":  # a core.messages.Message
            self.status.emit(text(value))
        elif kind == "done":
            self._answer(self.finished, value)
        elif kind == "failed":  # a Message (or, from a process that could not import core, words)
            self._answer(self.failed, text(value))

    def _died(self, exit_code: int | None) -> None:
        message = self.tr("the training process ended unexpectedly (exit code %1)")
        self.failed.emit(arg(message, exit_code))


def remove_model_files(out: Path) -> None:
    """The model, its card, its checkpoint and any temporary file of theirs (an ended writer's)."""
    card = out.with_suffix(".json")
    checkpoint = out.with_name(out.stem + ".ckpt.pt")
    for path in (out, card, checkpoint):
        path.unlink(missing_ok=True)
        for temporary in path.parent.glob(f".{path.name}.*.tmp"):
            temporary.unlink(missing_ok=True)
