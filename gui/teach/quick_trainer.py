"""The window's side of a quick model's process (:mod:`gui.teach.quick_process`).

Its pipe is read by :class:`gui.teach.trainer.PipeReader` in a thread of its own, as for
fine-tuning; its answers arrive in the GUI thread as signals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from gui.i18n import arg
from gui.messages import text
from gui.teach.quick_process import start_quick
from gui.teach.trainer import EXIT_WAIT_S, PipeReader, remove_model_files
from gui.threads import start_in_thread, stop_thread


class QuickTrainer(QObject):
    """Fits one quick model at a time: ``status`` while it works, then ``finished`` (a
    ``core.lite.quick_train.QuickOutcome``) or ``failed`` (why, in the window's language)."""

    status = Signal(str)
    finished = Signal(object)
    failed = Signal(str)

    _read = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running = False
        self._process: Any = None
        self._thread: Any = None
        self._reader: PipeReader | None = None
        self._out: Path | None = None
        self._answered = False

    def start(self, training_set: Any, source: Path, out: Path) -> None:
        if self.running:
            raise RuntimeError("a quick model is already being fitted")
        self._finish()
        import core.lite.quick_train  # noqa: F401 - its message kinds, for the reports that come back

        self._process, receive = start_quick(training_set, source, out)
        self._out, self._answered, self.running = out, False, True
        reader = self._reader = PipeReader()
        reader.message.connect(self._on_message)
        reader.ended.connect(self._on_ended)
        self._read.connect(reader.read)
        self._thread = start_in_thread(reader, "teach-quick-pipe", self)
        self._read.emit(receive, self._process)
        self._read.disconnect(reader.read)

    def abandon(self) -> None:
        """The window is closing: end the process and keep nothing of an unfinished model."""
        if self._process is None:
            return
        was_running, self._answered = self.running, True
        if self._process.is_alive():
            self._process.kill()
        self._finish()
        if was_running and self._out is not None:
            remove_model_files(self._out)
        self.running = False

    def _finish(self) -> None:
        if self._process is not None:
            self._process.join()
        if self._thread is not None:
            stop_thread(self._thread)
            self._thread.deleteLater()
            self._thread = self._reader = None

    def _on_message(self, kind: str, value: Any) -> None:
        if self._answered:
            return
        if kind == "status":
            self.status.emit(text(value))
        elif kind in ("done", "failed"):
            self._answered, self.running = True, False
            if kind == "done":
                self.finished.emit(value)
            else:
                self.failed.emit(text(value))

    def _on_ended(self) -> None:
        if self._process is not None:
            self._process.join(EXIT_WAIT_S)
        if not self._answered:
            self._answered, self.running = True, False
            code = self._process.exitcode if self._process is not None else None
            self.failed.emit(
                arg(self.tr("the quick model's process ended unexpectedly (exit code %1)"), code)
            )
