"""The GUI side of the inference worker: starts its thread, sends requests, cancels, shuts down.

The window starts the engine once it is on screen, so importing torch (seconds, in the worker)
never delays the first frame.

Requests travel as queued signals into the worker's thread and run there in order; each carries
its own cancel event, so ``cancel()`` stops the running request between batches and drops the
queued ones. The engine re-emits every answer of the worker (they arrive queued, in the GUI
thread); nothing outside this module connects to the worker.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from core.session import LoadJob
from gui.threads import move_to_thread, stop_thread
from gui.worker import CLASSIFY, CamRequest, ClassifierWorker, ClassifyRequest, JobDone

AUTO_STOP_WAIT_S = 10.0  # Auto's measurement stops between batches: one batch of 8 at most


class InferenceEngine(QObject):
    started = Signal(str)  # PREPARE, LOAD or CLASSIFY
    progress = Signal(int, int)  # images done, images in the request
    results = Signal(object)  # tuple[ClassificationResult, ...], one per batch
    error = Signal(object)  # gui.worker.Problem, about a classification
    ready = Signal(object)  # WorkerInfo
    loadFinished = Signal(object)  # core.session.Outcome
    downloadProgress = Signal(int, int, int)  # job id, bytes done, bytes in all
    finished = Signal(object)  # JobDone, once ``busy`` reflects it
    camReady = Signal(object)  # gui.worker.CamAnswer
    autoUpdate = Signal(object)  # core.auto_backend.AutoUpdate
    _prepare = Signal()
    _load = Signal(object)
    _classify = Signal(object)
    _explain = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = ClassifierWorker()
        self._prepare.connect(self._worker.prepare)
        self._load.connect(self._worker.load)
        self._classify.connect(self._worker.classify)
        self._explain.connect(self._worker.explain)
        w = self._worker
        for mine, theirs in (
            (self.started, w.started),
            (self.progress, w.progress),
            (self.results, w.results),
            (self.error, w.error),
            (self.ready, w.ready),
            (self.loadFinished, w.loadFinished),
            (self.downloadProgress, w.downloadProgress),
            (self.camReady, w.cam),
            (self.autoUpdate, w.autoUpdate),
        ):
            theirs.connect(mine)  # signal to signal: queued into the GUI thread
        w.finished.connect(self._on_finished)
        self._ids = itertools.count(1)
        self._pending: dict[int, ClassifyRequest] = {}
        self._loads: dict[int, LoadJob] = {}
        self._thread = move_to_thread(self._worker, "reslens-inference", self)

    def start(self) -> None:
        """Start the worker: it imports torch first. Requests sent before now wait for it."""
        if not self._thread.isRunning():
            self._thread.start(QThread.Priority.LowPriority)
            self._prepare.emit()

    def load(self, job: LoadJob) -> None:
        """Run a model session's load job; the answer is ``loadFinished``."""
        self._loads[job.job_id] = job
        self._load.emit(job)

    def classify(self, inputs: Iterable[Any], top_k: int, batch_size: int = 16) -> ClassifyRequest:
        request = ClassifyRequest(tuple(inputs), top_k, batch_size, next(self._ids))
        self._pending[request.request_id] = request
        self._classify.emit(request)
        return request

    def explain(self, image: Any, source: str, target: str | None, layer: str) -> int:
        """Ask for a Grad-CAM (answered by ``camReady``); returns the request's id."""
        request = CamRequest(image, source, target, layer, next(self._ids))
        self._explain.emit(request)
        return request.request_id

    @property
    def busy(self) -> bool:
        """Whether classification requests are running or queued."""
        return bool(self._pending)

    def cancel(self) -> None:
        """Stop the running classification and drop the queued ones."""
        for request in self._pending.values():
            request.cancel.set()

    def stop_auto(self) -> None:
        """Cancel backend Auto's measurement in flight (it runs beside a classification)."""
        self._worker.stop_auto()

    def shutdown(self) -> None:
        """Cancel everything and wait for the thread to end (at most the batch it is running)."""
        for request in [*self._pending.values(), *self._loads.values()]:
            request.cancel.set()
        self._worker.stop_auto(AUTO_STOP_WAIT_S)  # Auto's measuring thread, if any, ends too
        stop_thread(self._thread)

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def _on_finished(self, done: JobDone) -> None:
        if done.job == CLASSIFY:
            self._pending.pop(done.request_id, None)
        else:
            self._loads.pop(done.request_id, None)
        self.finished.emit(done)
