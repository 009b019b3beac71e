"""The GUI side of the inference worker: starts its thread, sends requests, cancels, shuts down.

The window starts the engine once it is on screen, so importing torch (seconds, in the worker)
never delays the first frame.

Requests travel as queued signals into the worker's thread and run there in order; each carries
its own cancel event, so ``cancel()`` stops the running request between batches and drops the
queued ones. Connect to ``engine.worker``'s signals for the answers (they arrive queued, in the
GUI thread), except ``finished``: connect to the engine's, which comes once ``busy`` is updated.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from gui.threads import move_to_thread, stop_thread
from gui.worker import CLASSIFY, ClassifierWorker, ClassifyRequest, JobDone, LoadRequest


class InferenceEngine(QObject):
    finished = Signal(object)  # JobDone, in the GUI thread, once ``busy`` reflects it
    _prepare = Signal()
    _load = Signal(object)
    _classify = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = ClassifierWorker()
        self._prepare.connect(self.worker.prepare)
        self._load.connect(self.worker.load_model)
        self._classify.connect(self.worker.classify)
        self.worker.finished.connect(self._on_finished)
        self._ids = itertools.count(1)
        self._pending: dict[int, LoadRequest | ClassifyRequest] = {}
        self._thread = move_to_thread(self.worker, "reslens-inference", self)

    def start(self) -> None:
        """Start the worker: it imports torch first. Requests sent before now wait for it."""
        if not self._thread.isRunning():
            self._thread.start(QThread.Priority.LowPriority)
            self._prepare.emit()

    def load(
        self, arch: str, source: str, labels: str = "", device: str = "auto", download: bool = False
    ) -> LoadRequest:
        """Ask for a model; the answer is ``modelLoaded``, ``needsDownload`` or ``error``."""
        request = LoadRequest(arch, source, labels, device, download, next(self._ids))
        self._pending[request.request_id] = request
        self._load.emit(request)
        return request

    def classify(self, inputs: Iterable[Any], top_k: int, batch_size: int = 16) -> ClassifyRequest:
        request = ClassifyRequest(tuple(inputs), top_k, batch_size, next(self._ids))
        self._pending[request.request_id] = request
        self._classify.emit(request)
        return request

    @property
    def busy(self) -> bool:
        """Whether classification requests are running or queued."""
        return any(isinstance(r, ClassifyRequest) for r in self._pending.values())

    def cancel(self, job: str = CLASSIFY) -> None:
        """Stop the running request of this kind and drop the queued ones."""
        kind = ClassifyRequest if job == CLASSIFY else LoadRequest
        for request in self._pending.values():
            if isinstance(request, kind):
                request.cancel.set()

    def shutdown(self) -> None:
        """Cancel everything and wait for the thread to end (at most the batch it is running)."""
        for request in self._pending.values():
            request.cancel.set()
        stop_thread(self._thread)

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def _on_finished(self, done: JobDone) -> None:
        self._pending.pop(done.request_id, None)
        self.finished.emit(done)
