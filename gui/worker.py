"""The inference worker: owns the model on its device and runs every request in its own thread.

The GUI never calls it directly: requests arrive as queued signals (see ``gui.engine``) and
answers leave as signals. torch and the core modules built on it are imported here, on the first
request, so the window is already on screen while they load. Cancel is a ``threading.Event``
per request, set from the GUI thread and checked by core between batches.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from gui.choices import IMAGENET_SOURCES, is_file_source
from gui.lazy import import_heavy
from gui.threads import yield_to_gui

PREPARE, LOAD, CLASSIFY = "prepare", "load", "classify"


@dataclass(frozen=True)
class LoadRequest:
    arch: str
    source: str  # a weights source key ("default", "imagenet-v1", ...) or a file path
    labels: str = ""  # a label file, or "" for the labels that come with the weights
    device: str = "auto"
    allow_download: bool = False
    request_id: int = 0
    cancel: threading.Event = field(default_factory=threading.Event, compare=False)


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
    bundled_arch: str | None  # None when the bundled model is missing


@dataclass(frozen=True)
class ModelInfo:
    """The model now in use."""

    arch: str
    source: str
    labels: str
    description: str
    meta: Any  # core.metadata.ModelMeta
    device: str  # the device key, e.g. "cpu" or "cuda:0"
    device_name: str


@dataclass(frozen=True)
class Problem:
    """A user-facing message about a request that did not do what was asked."""

    job: str
    message: str
    suggested_arch: str | None = None
    cancelled: bool = False
    level: str = "error"  # or "warning": the request did its work, with a caveat


@dataclass(frozen=True)
class JobDone:
    job: str
    request_id: int
    cancelled: bool = False
    count: int = 0


class ClassifierWorker(QObject):
    """Lives in the inference thread; see ``gui.engine.InferenceEngine`` for the GUI side."""

    started = Signal(str)  # the job kind: PREPARE (importing torch), LOAD or CLASSIFY
    progress = Signal(int, int)  # images done, images in this request
    result = Signal(object)  # core.results.ClassificationResult, one per input as it is ready
    error = Signal(object)  # Problem
    finished = Signal(object)  # JobDone
    ready = Signal(object)  # WorkerInfo, once after the heavy imports
    modelLoaded = Signal(object)  # ModelInfo
    downloadProgress = Signal(int, int)  # bytes done, bytes in all (0 when unknown)
    needsDownload = Signal(str, str)  # arch, source: not cached and the request allowed no download

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
            self.error.emit(Problem(PREPARE, f"Could not start the model engine: {_message(exc)}"))

    def _prepare(self) -> None:
        if self._info is None:
            yield_to_gui()
            self.started.emit(PREPARE)
            devices = import_heavy("core.devices").available_devices()
            weights = import_heavy("core.weights")
            import_heavy("core.inference")
            self._device_names = {d.key: d.name for d in devices}
            try:
                bundled = weights.bundled_default_arch()
            except weights.WeightsError:  # reported when the bundled model is asked for
                bundled = None
            self._info = WorkerInfo(tuple(devices), bundled)
            self.ready.emit(self._info)

    @Slot(object)
    def load_model(self, request: LoadRequest) -> None:
        cancelled = False
        try:
            self._prepare()
            self.started.emit(LOAD)
            weights = import_heavy("core.weights")
            if (
                request.source in IMAGENET_SOURCES
                and not request.allow_download
                and not weights.is_cached(request.arch, request.source)
            ):
                self.needsDownload.emit(request.arch, request.source)
                return
            self._load(request, weights)
        except Exception as exc:
            cancelled = request.cancel.is_set()
            message = "Download cancelled." if cancelled else _message(exc)
            suggested = getattr(exc, "suggested_arch", None)
            self.error.emit(Problem(LOAD, message, suggested_arch=suggested, cancelled=cancelled))
        finally:
            self.finished.emit(JobDone(LOAD, request.request_id, cancelled))

    def _load(self, request: LoadRequest, weights: Any) -> None:
        choice = request.device if request.device in self._device_names else "auto"
        device = import_heavy("core.devices").resolve_device(choice)
        source = Path(request.source) if is_file_source(request.source) else request.source
        loaded = weights.load_weights(
            request.arch if request.source in IMAGENET_SOURCES else None,  # files: their own
            source,
            labels=Path(request.labels) if request.labels else None,
            device=device,
            on_progress=self.downloadProgress.emit,
            cancel=request.cancel,
        )
        self._classifier = import_heavy("core.inference").Classifier.from_loaded(loaded)
        # torch's modules and the model are a million long-lived objects that every full
        # collection would walk again: 50-200 ms with the GIL held, so the window froze mid-run.
        # Freezing what exists once a model is ready keeps later collections to what a run makes.
        gc.freeze()
        key = str(loaded.device)
        info = ModelInfo(
            arch=loaded.meta.arch,
            source=request.source,
            labels=request.labels,
            description=loaded.description,
            meta=loaded.meta,
            device=key,
            device_name=self._device_names.get(key, key),
        )
        self.modelLoaded.emit(info)

    @Slot(object)
    def classify(self, request: ClassifyRequest) -> None:
        done: list[Any] = []
        try:
            if request.cancel.is_set():
                return
            if self._classifier is None:
                self.error.emit(Problem(CLASSIFY, "No model is loaded, so nothing was classified."))
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
                self.error.emit(Problem(CLASSIFY, warning, level="warning"))
        except Exception as exc:  # core reports bad files as results; this is a real failure
            self.error.emit(Problem(CLASSIFY, f"Classification stopped: {_message(exc)}"))
        finally:
            cancelled = request.cancel.is_set()
            self.finished.emit(JobDone(CLASSIFY, request.request_id, cancelled, len(done)))


def _message(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
