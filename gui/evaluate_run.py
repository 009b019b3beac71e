"""One evaluation in the window: a classification request to the engine, scored when it ends.

The images are classified by the worker that owns the model (``gui.engine``), never on the GUI
thread, by the same pipeline as every other request. The worker runs requests in order and its
answers arrive in order, so an evaluation sent while the engine is idle owns every result that
arrives until its own ``finished``: :meth:`EvaluationRun.takes` says so to the main window,
which then leaves those rows out of its results list. An evaluation asked for while images are
being classified waits for them (it says so) rather than mixing its results with theirs.

When the request ends, :mod:`core.evaluate` computes the figures from the results and the
folders' classes; the threshold is the window's (the one the results table uses).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from core.evaluate import LabelledData, find_labelled, score, scored_image
from core.results import ClassificationResult
from core.unknown import mark_unknown
from gui.messages import error_text
from gui.worker import CLASSIFY, ClassifyRequest, JobDone

TOP_K = 5  # what a preview of an evaluated image shows (and offers to explain)


class EvaluationRun(QObject):
    """Runs evaluations of labelled folders through ``engine``; one at a time."""

    waiting = Signal()  # the engine is busy with other images: the run starts after them
    started = Signal()  # the request is on its way to the worker
    progress = Signal(int, int)  # images done, images in all
    evaluated = Signal(object)  # core.evaluate.Evaluation
    cancelled = Signal()
    failed = Signal(str)  # what went wrong, in the window's language

    def __init__(self, engine: Any, threshold: Callable[[], float | None], parent: QObject | None = None):
        super().__init__(parent)
        self.engine = engine
        self._threshold = threshold
        self._request: ClassifyRequest | None = None
        self._pending: tuple[LabelledData, Any] | None = None  # waiting for the engine
        self._data: LabelledData | None = None
        self._model: Any = None
        self._results: list[ClassificationResult] = []
        self.results: dict[str, ClassificationResult] = {}  # the last evaluation's, by source
        engine.results.connect(self._on_results)
        engine.progress.connect(self._on_progress)
        engine.finished.connect(self._on_finished)

    @property
    def model(self) -> Any:
        """The model of the last evaluation sent (``core.session.ModelInUse``)."""
        return self._model

    @property
    def running(self) -> bool:
        return self._request is not None or self._pending is not None

    def takes(self, _results: Any) -> bool:
        """Whether results the engine just sent belong to this evaluation (see the docstring)."""
        return self._request is not None

    def start(self, folder: str, model: Any) -> bool:
        """Evaluate ``model`` (``core.session.ModelInUse``) on ``folder``; False if it cannot start
        (``failed`` said why)."""
        if self.running:
            return False
        if model is None:
            self.failed.emit(self.tr("No model is loaded yet; wait for it and try again."))
            return False
        try:
            data = find_labelled(folder, model.meta.categories)
        except Exception as exc:  # a usage error (no class folder) or an unreadable folder
            self.failed.emit(error_text(exc))
            return False
        self._pending = (data, model)
        if self.engine.busy:
            self.waiting.emit()
        else:
            self._send()
        return True

    def cancel(self) -> None:
        """Stop after the current batch (or before starting, when still waiting)."""
        if self._request is not None:
            self._request.cancel.set()
        elif self._pending is not None:
            self._pending = None
            self.cancelled.emit()

    def _send(self) -> None:
        data, model = self._pending or (None, None)
        self._pending = None
        if data is None:
            return
        self._data, self._model, self._results = data, model, []
        top_k = min(TOP_K, model.meta.num_classes)
        self.started.emit()
        self._request = self.engine.classify(data.paths, top_k)

    def _on_results(self, batch: tuple[ClassificationResult, ...]) -> None:
        if self._request is not None:
            self._results.extend(batch)

    def _on_progress(self, done: int, total: int) -> None:
        if self._request is not None:
            self.progress.emit(done, total)

    def _on_finished(self, done: JobDone) -> None:
        if done.job != CLASSIFY:
            return
        if self._request is not None and done.request_id == self._request.request_id:
            request, self._request = self._request, None
            if request.cancel.is_set():
                self.cancelled.emit()
            else:
                self._score()
        if self._pending is not None and not self.engine.busy:
            self._send()

    def _score(self) -> None:
        data, model = self._data, self._model
        threshold = self._threshold()
        results = mark_unknown(self._results, threshold)
        images = []
        self.results = {}
        for result in results:
            true = data.true_class(result.source)
            if true is not None:
                images.append(scored_image(true, result))
                self.results[result.source] = result
        evaluation = score(images, model.meta.categories, threshold, model.identity.tag, data)
        self.evaluated.emit(evaluation)
