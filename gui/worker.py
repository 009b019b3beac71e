"""The inference worker: owns the model on its device and runs every request in its own thread.

The GUI never calls it directly: requests arrive as queued signals (see ``gui.engine``) and
answers leave as signals. torch and the core modules built on it are imported here, on the first
request, so the window is already on screen while they load. Loads are ``core.session.LoadJob``
jobs run by ``core.session.execute``; the worker swaps its classifier only for a model that
loaded, so the session's model in use is always the one that classifies.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from core import session
from core.errors import describe
from core.session import LoadJob, Outcome
from gui.lazy import HEAVY_IMPORTS, keep_triton_out
from gui.threads import yield_to_gui

PREPARE, LOAD, CLASSIFY = "prepare", "load", "classify"


@dataclass(frozen=True)
class ClassifyRequest:
    inputs: tuple[Any, ...]  # paths (files or folders) and (name, PIL.Image) pairs
    top_k: int = 5
    batch_size: int = 16
    request_id: int = 0
    cancel: threading.Event = field(default_factory=threading.Event, compare=False)


@dataclass(frozen=True)
class WorkerInfo:
    """What the worker found once torch was imported."""

    devices: tuple[Any, ...]  # core.devices.DeviceInfo


@dataclass(frozen=True)
class Problem:
    """A user-facing message about a classification that did not do what was asked."""

    message: str
    level: str = "error"  # or "warning": the request did its work, with a caveat


@dataclass(frozen=True)
class JobDone:
    job: str
    request_id: int
    cancelled: bool = False
    count: int = 0
    failed: int = 0  # results with an error
    seconds: float = 0.0


class ClassifierWorker(QObject):
    """Lives in the inference thread; see ``gui.engine.InferenceEngine`` for the GUI side."""

    started = Signal(str)  # the job kind: PREPARE (importing torch), LOAD or CLASSIFY
    progress = Signal(int, int)  # images done, images in this request
    result = Signal(object)  # core.results.ClassificationResult, one per input as it is ready
    error = Signal(object)  # Problem (classification only: loads answer with an Outcome)
    finished = Signal(object)  # JobDone
    ready = Signal(object)  # WorkerInfo, once after the heavy imports
    loadFinished = Signal(object)  # core.session.Outcome
    downloadProgress = Signal(int, int, int)  # job id, bytes done, bytes in all (0 when unknown)

    def __init__(self) -> None:
        super().__init__()
        self._classifier: Any = None
        self._info: WorkerInfo | None = None
        self._device_names: dict[str, str] = {}

    @Slot()
    def prepare(self) -> None:
        """Import torch and core's heavy modules, then report the devices found."""
        try:
            self._prepare()
        except Exception as exc:
            self.error.emit(Problem(f"Could not start the model engine: {describe(exc)}"))

    def _prepare(self) -> None:
        if self._info is None:
            yield_to_gui()
            self.started.emit(PREPARE)
            keep_triton_out()
            with HEAVY_IMPORTS:
                import core.inference  # noqa: F401 - torch and the pipeline, once
                import core.weights  # noqa: F401
                from core.devices import available_devices

            devices = available_devices()
            self._device_names = {d.key: d.name for d in devices}
            self._info = WorkerInfo(tuple(devices))
            self.ready.emit(self._info)

    @Slot(object)
    def load(self, job: LoadJob) -> None:
        outcome = Outcome(job.job_id, None)
        try:
            self._prepare()
            self.started.emit(LOAD)
            from core.inference import Classifier

            def progress(done: int, total: int) -> None:
                self.downloadProgress.emit(job.job_id, done, total)

            outcome, loaded = session.execute(job, progress, self._device_names)
            if loaded is not None:
                self._classifier = Classifier.from_loaded(loaded)
                # torch's modules and the model are a million long-lived objects that every full
                # collection would walk again: 50-200 ms with the GIL held, so the window froze
                # mid-run. Freezing what exists once a model is ready keeps later collections to
                # what a run makes.
                gc.freeze()
        except Exception as exc:  # a bug: execute reports every failure a person can fix
            problem = session.Problem(job.attempts[0], session.BROKEN, describe(exc))
            outcome = Outcome(job.job_id, None, (problem,))
        finally:
            self.loadFinished.emit(outcome)
            self.finished.emit(JobDone(LOAD, job.job_id))

    @Slot(object)
    def classify(self, request: ClassifyRequest) -> None:
        import time

        done: list[Any] = []
        start = time.perf_counter()
        try:
            if request.cancel.is_set():
                return
            if self._classifier is None:
                self.error.emit(Problem("No model is loaded, so nothing was classified."))
                return
            self.started.emit(CLASSIFY)
            warned = len(self._classifier.warnings)
            done = self._classifier.classify(
                request.inputs,
                top_k=request.top_k,
                batch_size=request.batch_size,
                on_progress=self.progress.emit,
                on_result=self.result.emit,
                cancel=request.cancel,
            )
            for warning in self._classifier.warnings[warned:]:  # e.g. a fallback to the CPU
                self.error.emit(Problem(warning, level="warning"))
        except Exception as exc:  # core reports bad files as results; this is a real failure
            self.error.emit(Problem(f"Classification stopped: {describe(exc)}"))
        finally:
            cancelled = request.cancel.is_set()
            failed = sum(1 for r in done if not r.ok)
            seconds = time.perf_counter() - start
            self.finished.emit(JobDone(CLASSIFY, request.request_id, cancelled, len(done), failed, seconds))
