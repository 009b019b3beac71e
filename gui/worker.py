"""The inference worker: owns the model on its device and runs every request in its own thread.

The GUI never calls it directly: requests arrive as queued signals (see ``gui.engine``) and
answers leave as signals. torch and the core modules built on it are imported here, on the first
request, so the window is already on screen while they load. Loads are ``core.session.LoadJob``
jobs run by ``core.session.execute``; the worker swaps its classifier only for a model that
loaded, so the session's model in use is always the one that classifies.

Without torch (ResLens Lite, :func:`core.edition.has_torch` False) nothing here imports it: the
one device is the CPU, models are Lite model files run by ONNX Runtime
(:class:`core.lite.classifier.LiteClassifier`), and heat maps are CAMs at layer4
(:class:`core.lite.cam.LiteCam`); a Lite file opened in the full edition runs the same way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from core import session
from core.edition import has_torch
from core.errors import describe, describe_message
from core.messages import Message
from core.session import LoadJob, Outcome
from gui.explain import per_layer_maps
from gui.i18n import arg
from gui.lazy import HEAVY_IMPORTS, keep_triton_out
from gui.threads import yield_to_gui

PREPARE, LOAD, CLASSIFY = "prepare", "load", "classify"
CAM_SIDE = 512  # the heat-map image sent to a preview fits a square of this side


@dataclass(frozen=True)
class ClassifyRequest:
    inputs: tuple[Any, ...]  # paths (files or folders) and (name, PIL.Image) pairs
    top_k: int = 5
    batch_size: int = 16
    request_id: int = 0
    cancel: threading.Event = field(default_factory=threading.Event, compare=False)


@dataclass(frozen=True)
class CamRequest:
    """A Grad-CAM of one image, for a class (``None`` = its top-1) at a layer of the tree."""

    image: Any  # a path or a PIL image
    source: str
    target: str | None = None
    layer: str = "layer4"
    request_id: int = 0


@dataclass(frozen=True)
class CamAnswer:
    """The worker's answer: ``result`` (``core.cam.CamResult``) and ``colours``, the map in
    colour as a QImage (transparent where the network saw nothing), or ``error``."""

    request_id: int
    source: str
    layer: str
    result: Any = None
    colours: Any = None  # QImage, RGBA, at most CAM_SIDE on its longer side
    error: str | None = None


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
    # A tuple of core.results.ClassificationResult: one signal per batch the model ran, not per
    # image, so a run of thousands of small images does not queue thousands of events (each one a
    # slot call and a row insertion on the GUI thread) behind the window's painting.
    results = Signal(object)
    error = Signal(object)  # Problem (classification only: loads answer with an Outcome)
    finished = Signal(object)  # JobDone
    ready = Signal(object)  # WorkerInfo, once after the heavy imports
    loadFinished = Signal(object)  # core.session.Outcome
    downloadProgress = Signal(int, int, int)  # job id, bytes done, bytes in all (0 when unknown)
    cam = Signal(object)  # CamAnswer
    autoUpdate = Signal(object)  # core.auto_backend.AutoUpdate: Auto's measuring steps, then its choice

    def __init__(self) -> None:
        super().__init__()
        self._classifier: Any = None
        self._cam: Any = None  # one core.cam.GradCam on the loaded (unfused) model, reused
        self._cam_layers: frozenset[str] = frozenset()
        self._lite_cam = False  # a LiteCam: layer4 only, no layer to resolve in a torch model
        self._info: WorkerInfo | None = None
        self._device_names: dict[str, Message | str] = {}

    @Slot()
    def prepare(self) -> None:
        """Import torch and core's heavy modules, then report the devices found."""
        try:
            self._prepare()
        except Exception as exc:
            self.error.emit(Problem(arg(self.tr("Could not start the model engine: %1"), describe(exc))))

    def _prepare(self) -> None:
        if self._info is None:
            yield_to_gui()
            self.started.emit(PREPARE)
            devices = self._devices()
            self._device_names = {d.key: d.name for d in devices}
            self._info = WorkerInfo(tuple(devices))
            self.ready.emit(self._info)

    @staticmethod
    def _devices() -> list[Any]:
        """The devices to offer, after the heavy imports: torch's, or Lite's one CPU."""
        if not has_torch():
            from core.lite.classifier import cpu_device

            with HEAVY_IMPORTS:
                import core.lite.runtime  # noqa: F401 - numpy and ONNX Runtime, once

            return [cpu_device()]
        keep_triton_out()
        with HEAVY_IMPORTS:
            import core.inference  # noqa: F401 - torch and the pipeline, once
            import core.weights  # noqa: F401
            from core.devices import available_devices
        return available_devices()

    @Slot(object)
    def load(self, job: LoadJob) -> None:
        outcome = Outcome(job.job_id, None)
        try:
            self._prepare()
            self.started.emit(LOAD)
            from core.opener import open_classifier

            def progress(done: int, total: int) -> None:
                self.downloadProgress.emit(job.job_id, done, total)

            outcome, loaded = session.execute(job, progress, self._device_names)
            if loaded is not None:  # the backend (ONNX export, int8 check) is built here, off the GUI
                choice = outcome.loaded.choice

                def build(backend: str) -> Any:
                    chosen = replace(choice, backend=backend)
                    return open_classifier(chosen, loaded, on_status=job.on_status, auto_measure="background")

                replaced = self._classifier
                outcome, self._classifier = session.run_on_backend(outcome, build)
                self._start_auto(replaced, outcome)
                del replaced  # gone before the window settles the collector (gui_thread_gc.settle)
                self._make_cam(loaded)
        except Exception as exc:  # a bug: execute reports every failure a person can fix
            problem = session.Problem(job.attempts[0], session.BROKEN, describe_message(exc))
            outcome = Outcome(job.job_id, None, (problem,))
        finally:
            self.loadFinished.emit(outcome)
            self.finished.emit(JobDone(LOAD, job.job_id))

    def _start_auto(self, replaced: Any, outcome: Outcome) -> None:
        """Backend Auto measures in a thread of its own during the first long run, which goes on
        with torch fp32 (core.inference.Classifier.start_auto). Its steps and its choice reach
        the window as ``autoUpdate``, not as a load: the model is the same, only the path that
        runs it changes, so nothing the window keeps per model (heat-map overlays) is dropped.
        The model replaced stops measuring."""
        if replaced is not None and hasattr(replaced, "stop_auto"):
            replaced.stop_auto()
        classifier = self._classifier
        if outcome.loaded is None or not hasattr(classifier, "start_auto"):
            return

        def tell(update: Any) -> None:  # in the measuring thread; the signal is queued
            if self._classifier is classifier:
                self.autoUpdate.emit(update)

        classifier.start_auto(tell)

    def stop_auto(self, wait_s: float = 0.0) -> None:
        """Cancel Auto's measurement in flight. Called from the GUI thread, not queued: the
        worker's thread may be busy with the run the measurement goes along with, and all this
        does is set the classifier's cancel event (and, as the window closes, join its thread
        for up to ``wait_s``)."""
        classifier = self._classifier
        if classifier is not None and hasattr(classifier, "stop_auto"):
            classifier.stop_auto(wait_s)

    def _make_cam(self, loaded: Any) -> None:
        from core.lite.classifier import LiteLoaded

        if isinstance(loaded, LiteLoaded):  # CAM at layer4 from the graph's second output
            from core.lite.cam import LAYER, LiteCam

            self._cam, self._cam_layers = LiteCam(loaded.model), frozenset({LAYER})
            self._lite_cam = True
            return
        self._lite_cam = False
        from core.cam import GradCam, cam_layers

        self._cam = GradCam.from_loaded(loaded)
        self._cam_layers = frozenset(cam_layers(loaded.model, loaded.meta.crop_size))

    @Slot(object)
    def explain(self, request: CamRequest) -> None:
        """Grad-CAM of one image, computed here (off the GUI thread) on the model's device."""
        answer = CamAnswer(request.request_id, request.source, request.layer, error=self.tr("Interrupted."))
        try:
            answer = self._explain(request)
        except Exception as exc:  # a bad file, a class the model lacks: said in the preview
            answer = CamAnswer(request.request_id, request.source, request.layer, error=describe(exc))
        finally:
            self.cam.emit(answer)

    def _explain(self, request: CamRequest) -> CamAnswer:
        import numpy as np

        from core.cam_map import colormap
        from gui.imaging import rgba_to_qimage

        if self._cam is None:
            return CamAnswer(
                request.request_id, request.source, request.layer, error=self.tr("No model is loaded.")
            )
        lite = self._lite_cam
        if lite and request.layer not in self._cam_layers:  # a Lite model has layer4's map only
            return CamAnswer(request.request_id, request.source, request.layer, error=per_layer_maps())
        layer = request.layer if lite else self._resolve(request.layer)
        if layer not in self._cam_layers:
            message = arg(
                self.tr(
                    "The layer %1 gives no single feature map; choose a stage, a block or a convolution."
                ),
                request.layer,
            )
            return CamAnswer(request.request_id, request.source, request.layer, error=message)
        if not lite:
            self._cam.layer = layer
        result = self._cam.explain(request.image, request.target, request.source)
        width, height = result.image_size
        scale = min(1.0, CAM_SIDE / max(width, height))
        heat = result.heatmap((max(1, round(width * scale)), max(1, round(height * scale))))
        alpha = np.where(heat > 0, 255, 0).astype(np.uint8)[..., None]
        colours = rgba_to_qimage(np.ascontiguousarray(np.concatenate([colormap(heat), alpha], axis=2)))
        return CamAnswer(request.request_id, request.source, request.layer, result, colours)

    def _resolve(self, layer: str) -> str:
        from core.cam import resolve_layer

        return resolve_layer(self._cam.model, layer)

    @Slot(object)
    def classify(self, request: ClassifyRequest) -> None:
        import time

        done: list[Any] = []
        start = time.perf_counter()
        try:
            if request.cancel.is_set():
                return
            if self._classifier is None:
                self.error.emit(Problem(self.tr("No model is loaded, so nothing was classified.")))
                return
            self.started.emit(CLASSIFY)
            warned = len(self._classifier.warnings)
            batch: list[Any] = []

            def progress(count: int, total: int) -> None:
                """After each batch: its results first, as one signal, then the count."""
                if batch:
                    self.results.emit(tuple(batch))
                    batch.clear()
                self.progress.emit(count, total)

            done = self._classifier.classify(
                request.inputs,
                top_k=request.top_k,
                batch_size=request.batch_size,
                on_progress=progress,
                on_result=batch.append,
                cancel=request.cancel,
            )
            if batch:  # a classifier that reports no progress after its last batch
                self.results.emit(tuple(batch))
            for warning in self._classifier.warnings[warned:]:  # e.g. a fallback to the CPU
                self.error.emit(Problem(warning, level="warning"))
        except Exception as exc:  # core reports bad files as results; this is a real failure
            self.error.emit(Problem(arg(self.tr("Classification stopped: %1"), describe(exc))))
        finally:
            cancelled = request.cancel.is_set()
            failed = sum(1 for r in done if not r.ok)
            seconds = time.perf_counter() - start
            self.finished.emit(JobDone(CLASSIFY, request.request_id, cancelled, len(done), failed, seconds))
