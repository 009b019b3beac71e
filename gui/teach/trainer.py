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
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from gui.i18n import arg
from gui.messages import text
from gui.teach.train_process import start_training
from gui.threads import start_in_thread, stop_thread

# Closing the window waits this long for the run to end by itself (after its batch), then ends
# the process: it keeps nothing either way, and a window must close promptly even while the
# process is still importing torch or computing a large batch.
ABANDON_WAIT_S = 2.0
EXIT_WAIT_S = 5.0


class PipeReader(QObject):
    """Lives in a thread of its own: receives the training process's messages until the pipe
    closes (the process ended, however it ended)."""

    message = Signal(str, object)
    ended = Signal()

    @Slot(object, object)
    def read(self, conn: Any, process: Any) -> None:
        """Until the pipe closes; then wait here, not in the GUI thread, for the process to end
        (an interpreter with torch loaded takes tens of milliseconds to exit)."""
        try:
            while True:
                kind, value = conn.recv()
                self.message.emit(kind, value)
        except (EOFError, OSError):  # the process closed its end, or died
            pass
        finally:
            conn.close()
        # Its sentinel, not join(): only the GUI thread reaps the process (two threads calling
        # waitpid() on one process race, and the loser would believe it still runs).
        wait([process.sentinel], EXIT_WAIT_S)
        self.ended.emit()


class Trainer(QObject):
    """Starts runs, stops them; its signals arrive in the GUI thread.

    ``setup``, when set, is a picklable callable the training process runs before training (the
    tests point ImageNet downloads at a local server with it).
    """

    progress = Signal(object)  # core.train.TrainProgress
    status = Signal(str)  # what the run is doing, in the window's language
    finished = Signal(object)  # core.train.TrainOutcome
    failed = Signal(str)  # why the run failed, in the window's language

    _read = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setup: Callable[[], Any] | None = None
        self._process: Any = None
        self._thread: Any = None
        self._stop: Any = None
        self._discard: Any = None
        self._out: Path | None = None
        self._receive: Any = None
        self._reader: PipeReader | None = None
        self._answered = False
        self.running = False

    @property
    def process(self) -> Any:
        """The current (or last) run's ``multiprocessing.Process``, None before the first."""
        return self._process

    def start(self, training_set: Any, plan: Any, out: Path) -> None:
        if self.running:
            raise RuntimeError("a training run is already in progress")
        self._finish_process()
        run = start_training(training_set, plan, out, self.setup)
        process, receive, self._stop, self._discard = run.process, run.receive, run.stop, run.discard
        self._process, self._out, self._answered, self.running = process, out, False, True
        reader = self._reader = PipeReader()  # no Qt parent: kept here; deleted with its thread
        reader.message.connect(self._on_message)
        reader.ended.connect(self._on_ended)
        self._read.connect(reader.read)
        self._thread = start_in_thread(reader, "teach-train-pipe", self)
        self._receive = receive  # the reader closes it; held here until it has it
        self._read.emit(receive, process)
        self._read.disconnect(reader.read)

    def stop(self) -> None:
        """End after the current batch, keeping the best model so far."""
        if self._stop is not None:
            self._stop.set()

    def abandon(self) -> None:
        """End now and keep nothing: waits for the process; no file of the model is left."""
        if self._process is None:
            return
        was_running, self._answered = self.running, True  # nothing more is reported
        self._discard.set()
        self._stop.set()
        self._process.join(ABANDON_WAIT_S)
        if self._process.is_alive():  # importing, downloading, or in a long batch
            self._process.kill()
            self._process.join()
        self._finish_process()
        if was_running and self._out is not None:
            remove_model_files(self._out)
        self.running = False

    def _finish_process(self) -> None:
        if self._process is not None:
            self._process.join()
        if self._thread is not None:
            stop_thread(self._thread)
            self._thread.deleteLater()
            self._thread = self._reader = self._receive = None

    def _on_message(self, kind: str, value: Any) -> None:
        if self._answered:
            return
        if kind == "progress":
            self.progress.emit(value)
        elif kind == "status":  # a core.messages.Message
            self.status.emit(text(value))
        elif kind == "done":
            self._answer(self.finished, value)
        elif kind == "failed":  # a Message (or, from a process that could not import core, words)
            self._answer(self.failed, text(value))

    def _on_ended(self) -> None:
        """The pipe closed and the process ended: after its answer, or died without one."""
        if self._process is not None:
            self._process.join(EXIT_WAIT_S)  # it has ended (or is ending): at once
        if not self._answered:
            code = self._process.exitcode if self._process is not None else None
            message = self.tr("the training process ended unexpectedly (exit code %1)")
            self._answer(self.failed, arg(message, code))

    def _answer(self, signal: Any, value: Any) -> None:
        self._answered, self.running = True, False
        signal.emit(value)


def remove_model_files(out: Path) -> None:
    """The model, its card, its checkpoint and any temporary file of theirs (an ended writer's)."""
    card = out.with_suffix(".json")
    checkpoint = out.with_name(out.stem + ".ckpt.pt")
    for path in (out, card, checkpoint):
        path.unlink(missing_ok=True)
        for temporary in path.parent.glob(f".{path.name}.*.tmp"):
            temporary.unlink(missing_ok=True)
