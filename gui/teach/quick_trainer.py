"""The window's side of a quick model's process (:mod:`gui.teach.quick_process`).

Its pipe is read in a thread of its own, as for fine-tuning (:class:`gui.teach.process_link.ProcessLink`);
its answers arrive in the GUI thread as signals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from gui.i18n import arg
from gui.messages import text
from gui.teach.process_link import ProcessLink
from gui.teach.quick_process import start_quick
from gui.teach.trainer import remove_model_files


class QuickTrainer(ProcessLink):
    """Fits one quick model at a time: ``status`` while it works, then ``finished`` (a
    ``core.lite.quick_train.QuickOutcome``) or ``failed`` (why, in the window's language)."""

    status = Signal(str)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._out: Path | None = None

    def start(self, training_set: Any, source: Path, out: Path) -> None:
        if self.running:
            raise RuntimeError("a quick model is already being fitted")
        self._finish()
        import core.lite.quick_train  # noqa: F401 - its message kinds, for the reports that come back

        process, receive = start_quick(training_set, source, out)
        self._out = out
        self._listen(process, receive, "teach-quick-pipe")

    def abandon(self) -> None:
        """The window is closing: end the process and keep nothing of an unfinished model."""
        if self._process is None:
            return
        if self._process.is_alive():  # it has no stop to honour: seconds of work, thrown away
            self._process.kill()
        if self._end_now() and self._out is not None:
            remove_model_files(self._out)

    def _on_message(self, kind: str, value: Any) -> None:
        if kind == "status":
            self.status.emit(text(value))
        elif kind == "done":
            self._answer(self.finished, value)
        elif kind == "failed":
            self._answer(self.failed, text(value))

    def _died(self, exit_code: int | None) -> None:
        self.failed.emit(
            arg(self.tr("the quick model's process ended unexpectedly (exit code %1)"), exit_code)
        )
