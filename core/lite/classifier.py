"""A Lite model file as the window's and the opener's model: facts, a classifier, a CAM, a tree.

The model session (:func:`core.session.execute`) and the window's worker were written against
the full edition's :class:`~core.weights.LoadedWeights` and :class:`~core.inference.Classifier`.
A ResLens Lite model file (:mod:`core.lite.model_file`) opens in both editions, so this module
gives it the same faces: :class:`LiteLoaded` carries what the window shows about a model (meta,
identity, description, device ``"cpu"``), and :class:`LiteClassifier` classifies in batches with
progress, cancel and per-file errors, as ``Classifier.classify`` does. Decoding, preprocessing
and the forward pass are :class:`~core.lite.runtime.LiteModel`'s: nothing here decodes a picture.

Imports neither torch nor Qt; ONNX Runtime is imported when a file is opened.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core.messages import QT_TRANSLATE_NOOP, Message, kind, translate
from core.results import ClassificationResult
from core.sources import DEFAULT, ModelChoice, ModelIdentity
from core.summary import LayerNode, ModelSummary

LITE_SUFFIX = ".onnx"  # core.lite.model_file.SUFFIX, without importing numpy for a menu
LITE_BACKENDS = ("auto", "onnx", "onnx-int8")  # Lite's choices: ONNX Runtime fp32, int8, or Auto's measure
# core.devices.CPU_NAME and core.inference.NOT_AN_INPUT (same codes and texts, so one message
# each, which kind() checks): those modules import torch, and Lite says these the same way.
CPU_NAME = kind("device.cpu", translate("Messages", "CPU (%n thread(s))", None, 0))
NOT_AN_INPUT = kind("input.not-an-input", QT_TRANSLATE_NOOP("Messages", "not a file path or an image"))

LABELS_COUNT = kind(
    "lite.labels-count", QT_TRANSLATE_NOOP("Messages", "%1 names %2 classes but the model has %3 outputs")
)

ProgressCallback = Callable[[int, int], None]
ResultCallback = Callable[[ClassificationResult], None]


def is_lite_file(weights: str) -> bool:
    """Whether ``weights`` names a Lite model file (by its suffix: the file says the rest)."""
    return Path(weights).suffix.lower() == LITE_SUFFIX


def opens_as_lite(choice: ModelChoice, torch_here: bool) -> bool:
    """Whether ``choice`` opens through :class:`LiteModel`: a ``.onnx`` file in either edition,
    and the bundled model where there is no torch (it ships as a Lite file too)."""
    return is_lite_file(choice.weights) or (choice.weights == DEFAULT and not torch_here)


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass(frozen=True)
class CpuDevice:
    """Lite's one device, with the fields of ``core.devices.DeviceInfo`` the window reads."""

    key: str = "cpu"
    kind: str = "cpu"
    name: Message | str = ""
    memory_bytes: int | None = None

    @property
    def description(self) -> Message | str:
        return self.name


def cpu_device() -> CpuDevice:
    return CpuDevice(name=CPU_NAME(n=usable_cpus()))


@dataclass
class LiteLoaded:
    """A Lite model file opened for a choice: the facts the window and the session use.

    ``source`` is the choice's weights (a file path, or ``"default"`` for the bundled model), so
    the model is named as the full edition names it ("ResNet-18 · bundled").
    """

    model: Any  # core.lite.runtime.LiteModel
    source: str
    path: Path
    labels: str = ""
    device: str = "cpu"
    auto_int8: Path | None = None  # the int8 sibling backend Auto measures against (core.lite.auto)

    @property
    def meta(self) -> Any:
        return self.model.meta

    @property
    def weights_hash(self) -> str:
        return self.model.record.weights_hash

    @property
    def identity(self) -> ModelIdentity:
        return ModelIdentity(self.meta.arch, self.source, self.weights_hash, self.labels)

    @property
    def description(self) -> str:
        """English, as ``LoadedWeights.description`` (the status bar's tooltip)."""
        name = self.meta.name or self.path.stem
        text = f"{name} (ResLens Lite model, {self.meta.num_classes} classes)"
        return f"{text}, labels from {Path(self.labels).name}" if self.labels else text

    @property
    def tree(self) -> dict[str, Any] | None:
        return self.model.tree


def open_lite(choice: ModelChoice, path: Path, auto_int8: Path | None = None) -> LiteLoaded:
    """Open the Lite model file ``path`` for ``choice`` (its label file renames the classes, as
    ``core.weights`` does for every source); a bad file is a :class:`~core.errors.WeightsError`.
    ``auto_int8``: the int8 file backend Auto measures ``path`` against (the bundled model's)."""
    from core.errors import WeightsError
    from core.labels import read_labels
    from core.lite.runtime import LiteModel

    model = LiteModel(path)
    if choice.labels:
        names = read_labels(choice.labels)
        if len(names) != model.meta.num_classes:
            raise WeightsError(LABELS_COUNT(Path(choice.labels).name, len(names), model.meta.num_classes))
        # The model is this load's own: its names are the label file's (they named the old ones).
        model.meta = replace(model.meta, categories=names, localized_categories={})
    return LiteLoaded(model, choice.weights, Path(path), choice.labels, auto_int8=auto_int8)


class LiteClassifier:
    """``core.inference.Classifier``'s interface over a :class:`LiteLoaded` (see the module
    docstring): ``classify`` in batches, ``warnings``, ``backend_note``, ``meta``, ``backend``.

    On backend Auto with the bundled int8 file beside the fp32 one (:mod:`core.lite.auto`), it runs
    fp32 until the faster agreeing file is known: cached, measured before a long run
    (``auto_measure="inline"``, the CLI) or beside it (``"background"``, the window, which
    :meth:`start_auto` tells), and takes the choice between batches, as the torch classifier does."""

    def __init__(
        self,
        loaded: LiteLoaded,
        exact_decode: bool = False,
        auto_measure: str = "never",
        on_status: Callable[[Message], None] | None = None,
        **_options: Any,
    ) -> None:
        """``_options`` are the torch classifier's (decode workers, precision, int8 calibration):
        a Lite file has none of them to set."""
        from core.lite.auto import LiteAuto

        self.loaded = loaded
        self.meta = loaded.meta
        self.model_tag = loaded.identity.tag
        self.exact_decode = exact_decode
        self.warnings: list[str] = []
        self.auto = LiteAuto(loaded.model, loaded.auto_int8) if loaded.auto_int8 is not None else None
        self.auto_measure = auto_measure
        self.on_status = on_status
        self.auto_thread: threading.Thread | None = None
        self._auto_update: Callable[[Any], None] | None = None
        self.model = self._chosen_model()

    @property
    def backend_note(self) -> Message | str:
        """Auto's choice, or that fp32 runs until it is measured (or since it was cancelled); ""."""
        from core import auto_backend as auto
        from core.lite.auto import AUTO_ONNX_UNTIL_MEASURED, FP32_LABEL

        if self.auto is None:
            return ""
        if self.auto.decision is not None:
            return self.auto.decision.describe()
        if self.auto.cancel.is_set():
            return auto.AUTO_CANCELLED(FP32_LABEL)
        return AUTO_ONNX_UNTIL_MEASURED() if self.auto_measure != "never" else ""

    def _chosen_model(self) -> Any:
        """The file Auto chose (fp32 until then, and if the int8 file cannot be opened)."""
        if self.auto is None:
            return self.loaded.model
        try:
            return self.auto.model()
        except Exception:  # noqa: BLE001 - a cached choice gone bad: fp32 runs, Auto measures again
            self.auto.decision = None
            return self.loaded.model

    def start_auto(self, on_update: Callable[[Any], None]) -> None:
        """The window's way: ``on_update`` hears the steps and the end of a background measurement
        (a :class:`core.auto_backend.AutoUpdate`, in the measuring thread)."""
        self._auto_update = on_update

    def stop_auto(self, wait_s: float = 0.0) -> None:
        """Stop a measurement in flight (another model is loading, the person said stop, the
        window closes: then wait up to ``wait_s`` for its thread, which stops between batches)."""
        if self.auto is not None:
            self.auto.cancel.set()
        thread = self.auto_thread
        if wait_s > 0 and thread is not None and thread is not threading.current_thread():
            thread.join(wait_s)

    def _measure_first(self, total: int, cancel: threading.Event | None) -> bool:
        """Auto measures once, before (CLI) or beside (window) a run long enough to repay it;
        False when an inline measurement was cancelled (the run is too)."""
        from core import auto_backend as auto
        from core.errors import Cancelled
        from core.lite.auto import FP32_LABEL

        plan = self.auto
        if (
            plan is None
            or plan.decision is not None
            or self.auto_measure == "never"
            or self.auto_thread is not None
            or total < auto.MEASURE_MIN_IMAGES
            or (cancel is not None and cancel.is_set())
        ):
            return True
        if self.auto_measure == "background":
            tell = self._auto_update or (lambda _update: None)
            measure = lambda on_step: plan.measure(on_step=on_step)  # noqa: E731
            self.auto_thread = auto.measure_in_background(measure, tell, FP32_LABEL)
            return True
        say = self.on_status or (lambda _message: None)
        try:
            decision = plan.measure(
                cancel, lambda step, steps: say(auto.AUTO_MEASURING(str(step), str(steps)))
            )
        except Cancelled:
            return False
        say(decision.describe())
        return True

    @property
    def backend(self) -> str:
        """``onnx``, or ``onnx-int8`` for an int8 file: what its results name."""
        return self.model.backend

    def classify(
        self,
        inputs: Any,
        top_k: int = 5,
        batch_size: int = 16,
        on_progress: ProgressCallback | None = None,
        on_result: ResultCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> list[ClassificationResult]:
        """One result per input in order; stops between batches once ``cancel`` is set.

        As the torch classifier, results are not marked unknown here (the window and the CLI
        apply the threshold in use) and a file that cannot be read is a result with an error.
        """
        from core.lite.runtime import expand

        items = expand(_as_list(inputs))
        total = len(items)
        if not self._measure_first(total, cancel):
            return []
        top_k = max(1, min(top_k, self.meta.num_classes))
        batch_size = max(1, batch_size)
        results: list[ClassificationResult] = []
        if on_progress:
            on_progress(0, total)
        for start in range(0, total, batch_size):
            if cancel is not None and cancel.is_set():
                break
            self.model = self._chosen_model()  # between batches: Auto's choice, once made
            for result in self._batch(items[start : start + batch_size], top_k):
                result = replace(result, model=self.model_tag, backend=self.backend)
                results.append(result)
                if on_result:
                    on_result(result)
            if on_progress:
                on_progress(len(results), total)
        return results

    def _batch(self, items: list[tuple[str, Any]], top_k: int) -> list[ClassificationResult]:
        """LiteModel classifies what it can read; an item that is neither path nor picture is an
        error result here (LiteModel would name it by its repr)."""
        readable = [(name, data) for name, data in items if data is not None]
        ran = iter(
            self.model.classify(
                [data if isinstance(data, Path) else (name, data) for name, data in readable],
                top_k=top_k,
                batch_size=max(1, len(readable)),
                threshold=0,
                exact_decode=self.exact_decode,
            )
            if readable
            else []
        )
        return [
            next(ran) if data is not None else ClassificationResult.failed(name, NOT_AN_INPUT())
            for name, data in items
        ]


def _as_list(inputs: Any) -> Any:
    """A tuple of inputs as a list: ``expand`` reads a tuple as one ``(name, picture)`` pair, and
    the window sends its inputs as a tuple."""
    from PIL import Image

    pair = len(inputs) == 2 and isinstance(inputs[1], Image.Image) if isinstance(inputs, tuple) else False
    return list(inputs) if isinstance(inputs, tuple) and not pair else inputs


def summary_of(tree: dict[str, Any] | None, crop: int) -> ModelSummary | None:
    """A Lite record's architecture tree as the full edition's :class:`ModelSummary` (the
    numbers ``core.summary.summarize`` measured when the file was written), or None."""
    if not tree:
        return None
    return ModelSummary(tree_node(tree), (1, 3, crop, crop))


def tree_node(data: dict[str, Any]) -> LayerNode:
    """A :class:`core.summary.LayerNode` from a Lite record's plain data (what
    :func:`core.lite.export.tree_dict` wrote): the one reader of the stored tree."""
    shape = data.get("output_shape")
    return LayerNode(
        name=str(data.get("name", "")),
        type_name=str(data.get("type_name", "")),
        output_shape=tuple(int(s) for s in shape) if isinstance(shape, list) else None,
        calls=int(data.get("calls", 0)),
        own_params=int(data.get("own_params", 0)),
        own_macs=int(data.get("own_macs", 0)),
        trainable_params=int(data.get("trainable_params", 0)),
        children=[tree_node(c) for c in data.get("children", ()) if isinstance(c, dict)],
        params=int(data.get("params", 0)),
        macs=int(data.get("macs", 0)),
    )
