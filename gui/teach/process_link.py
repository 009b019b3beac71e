"""The window's end of a spawned process: its pipe read in a thread of its own, its end reaped.

Fine-tuning (:class:`gui.teach.trainer.Trainer`), the quick model
(:class:`gui.teach.quick_trainer.QuickTrainer`) and the "Why residual?" experiment
(:class:`gui.residual.ExperimentProcess`) each run in a process and talk back through a pipe.
What they share is here, once: reading the pipe off the GUI thread (:class:`PipeReader`), one
answer per run (a process that dies without one is reported with its exit code), and ending the
process at once when the window closes. A subclass says what its messages mean
(:meth:`ProcessLink._on_message`) and how a death without an answer reads (:meth:`ProcessLink._died`).
"""

from __future__ import annotations

from multiprocessing.connection import wait
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from gui.threads import start_in_thread, stop_thread

ABANDON_WAIT_S = 2.0
"""How long a closing window waits for a process to end by itself before killing it: it keeps
nothing either way, and a window must close promptly even while its process imports torch."""
EXIT_WAIT_S = 5.0


class PipeReader(QObject):
    """Lives in a thread of its own: receives the process's messages until the pipe closes (the
    process ended, however it ended)."""

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


class ProcessLink(QObject):
    """One process at a time and the thread that reads its pipe (see the module docstring)."""

    _read = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: Any = None
        self._thread: Any = None
        self._reader: PipeReader | None = None
        self._receive: Any = None
        self._answered = True
        self.running = False

    @property
    def process(self) -> Any:
        """The current (or last) run's ``multiprocessing.Process``, None before the first."""
        return self._process

    def _listen(self, process: Any, receive: Any, thread_name: str) -> None:
        """Read ``process``'s end of the pipe, ``receive``, until it closes; call after
        :meth:`_finish` has ended the previous run."""
        self._process, self._answered, self.running = process, False, True
        reader = self._reader = PipeReader()  # no Qt parent: kept here; deleted with its thread
        reader.message.connect(self._receive_message)
        reader.ended.connect(self._on_ended)
        self._read.connect(reader.read)
        self._thread = start_in_thread(reader, thread_name, self)
        self._receive = receive  # the reader closes it; held here until it has it
        self._read.emit(receive, process)
        self._read.disconnect(reader.read)

    def _end_now(self) -> bool:
        """The window is closing: nothing more is reported; the process gets a moment to end by
        itself (it was asked to stop), then is killed. Returns whether a run was in flight (its
        unfinished files are then the caller's to remove)."""
        was_running, self._answered = self.running, True
        if self._process is not None:
            self._process.join(ABANDON_WAIT_S)
            if self._process.is_alive():  # importing torch, or in a long batch
                self._process.kill()
        self._finish()
        self.running = False
        return was_running

    def _finish(self) -> None:
        """Reap the process and end the reader's thread."""
        if self._process is not None:
            self._process.join()
        if self._thread is not None:
            stop_thread(self._thread)
            self._thread.deleteLater()
            self._thread = self._reader = self._receive = None

    def _receive_message(self, kind: str, value: Any) -> None:
        """A message from the pipe; none counts once the run has answered or was abandoned."""
        if not self._answered:
            self._on_message(kind, value)

    def _on_message(self, kind: str, value: Any) -> None:
        """What one message of the running process means (a subclass says)."""
        raise NotImplementedError

    def _died(self, exit_code: int | None) -> None:
        """The process ended without an answer (killed, crashed): say so, with ``exit_code``."""
        raise NotImplementedError

    def _answer(self, signal: Any, value: Any) -> None:
        self._answered, self.running = True, False
        signal.emit(value)

    def _on_ended(self) -> None:
        """The pipe closed and the process ended: after its answer, or died without one."""
        if self._process is not None:
            self._process.join(EXIT_WAIT_S)  # it has ended (or is ending): at once
        if not self._answered:
            self._answered, self.running = True, False
            self._died(self._process.exitcode if self._process is not None else None)
