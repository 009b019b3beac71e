"""Run a ResLens Lite model file with ONNX Runtime: classify, and the feature maps behind it.

:class:`LiteModel` is what the torch-free edition has instead of ``load_weights`` + ``Classifier``:
it opens a file written by :mod:`core.lite.export` or :mod:`core.lite.quick_train`, checks it
(:mod:`core.lite.model_file`), and turns PIL images or image files into the same
:class:`~core.results.ClassificationResult` records as the full edition, with the same decoding
(:func:`core.images.decode_for_model`), the same preprocessing (:class:`core.preprocess.EvalTransform`,
equal to torchvision's to 1e-6), the same top-k, unknown rule and model tag. A bad file becomes a
result with ``error`` set, never an exception.

Imports numpy, Pillow, onnxruntime and torch-free ``core`` modules only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from core.errors import ImageDecodeError, UsageError
from core.images import decode_for_model, iter_image_files
from core.lite import model_file
from core.lite.model_file import METADATA_KEY, LiteRecord
from core.preprocess import EvalTransform, decode_side
from core.results import ClassificationResult, Prediction
from core.unknown import mark_unknown

BACKEND = "onnx"  # what a Lite result names as its backend (ONNX Runtime fp32), as the full edition
BACKEND_INT8 = "onnx-int8"  # ... and for an int8 model file (core.lite.quantize)
ImageInput = str | os.PathLike | Image.Image | tuple[str, Image.Image]


def import_onnxruntime() -> Any:
    """``onnxruntime``; the Lite edition ships it, the full one lists it as a dependency."""
    try:
        import onnxruntime
    except ImportError:
        raise UsageError("ResLens Lite models need ONNX Runtime: pip install onnxruntime") from None
    return onnxruntime


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax in float32, shifted by the row maximum (as torch's)."""
    logits = np.asarray(logits, dtype=np.float32)
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


@dataclass
class Decoded:
    """One input after decoding: the preprocessed array, or why there is none."""

    source: str
    array: np.ndarray | None = None
    size: tuple[int, int] | None = None
    error: str | None = None
    ms: float = 0.0


class LiteModel:
    """A Lite model file opened with ONNX Runtime (see the module docstring).

    ``record`` holds the checked metadata; ``meta`` is the full edition's
    :class:`~core.metadata.ModelMeta`, so the preprocessing and labels come from the same fields.
    Thread-safe for inference (ONNX Runtime sessions are).
    """

    def __init__(self, path: str | os.PathLike, threads: int = 0) -> None:
        ort = import_onnxruntime()
        self.path = Path(path)
        origin = self.path.name
        if not self.path.is_file():
            raise model_file.not_onnx(origin, "no such file")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        if threads:
            options.intra_op_num_threads = threads
        try:
            self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - ONNX Runtime raises its own types for a bad file
            raise model_file.not_onnx(origin, _first_line(exc)) from None
        props = self.session.get_modelmeta().custom_metadata_map
        self.record: LiteRecord = model_file.parse_record(props.get(METADATA_KEY), origin)
        model_file.check_outputs([o.name for o in self.session.get_outputs()], origin)
        logits_shape = self.session.get_outputs()[0].shape
        model_file.check_classes(logits_shape[1] if len(logits_shape) == 2 else None, self.record, origin)
        self.meta = self.record.meta
        self.transform = EvalTransform(self.meta)
        self.input_name = self.session.get_inputs()[0].name

    # ----------------------------------------------------------------- facts

    @property
    def model_tag(self) -> str:
        return self.record.model_tag or self.meta.name or self.path.stem

    @property
    def precision(self) -> str:
        """``"fp32"``, or ``"int8"`` for a file :mod:`core.lite.quantize` wrote."""
        return self.record.precision

    @property
    def backend(self) -> str:
        """What results name as their backend: the full edition's name for the same runtime."""
        return BACKEND_INT8 if self.precision == "int8" else BACKEND

    def relabel(self, names: Sequence[str]) -> None:
        """Rename the classes (``--labels``): same count, the model unchanged."""
        self.meta = replace(self.meta, categories=tuple(names), localized_categories={})

    @property
    def tree(self) -> dict[str, Any] | None:
        """The architecture tree as plain data (``core.summary.LayerNode``'s fields, nested)."""
        return self.record.tree

    @property
    def unknown_threshold(self) -> float | None:
        return self.record.unknown_threshold

    # ----------------------------------------------------------------- forward

    def run(self, batch: np.ndarray, outputs: Sequence[str] = ("logits",)) -> dict[str, np.ndarray]:
        """The graph's ``outputs`` for a preprocessed float32 ``N x 3 x H x W`` batch."""
        array = np.ascontiguousarray(batch, dtype=np.float32)
        values = self.session.run(list(outputs), {self.input_name: array})
        return dict(zip(outputs, values, strict=True))

    def logits(self, batch: np.ndarray) -> np.ndarray:
        """Class scores of a batch: the graph's own, or the quick head's from pooled features."""
        head = self.record.head
        if head.kind == "linear":
            return self.run(batch)["logits"]
        from core.lite.quick_head import QuickHead, pool_features, used_layers

        maps = self.run(batch, used_layers(head.features))
        return QuickHead.from_record(head).logits(pool_features(maps, head.features))

    def preprocess(self, image: Image.Image) -> np.ndarray:
        """One RGB picture as the network's input (``3 x crop x crop`` float32)."""
        return self.transform(image)

    def decode(self, source: str, data: Path | Image.Image | None, exact: bool = False) -> Decoded:
        """Decode and preprocess one input as the full edition does; never raises."""
        start = time.perf_counter()
        if data is None:
            return Decoded(source, error="not a file path or an image")
        try:
            image, size = decode_for_model(data, None if exact else decode_side(self.meta))
            array = self.transform(image)
        except ImageDecodeError as exc:
            return Decoded(source, error=str(exc), ms=_ms(start))
        except Exception as exc:  # noqa: BLE001 - one bad file must never stop the run
            return Decoded(source, error=f"could not read this image: {_first_line(exc)}", ms=_ms(start))
        return Decoded(source, array, size, ms=_ms(start))

    # ----------------------------------------------------------------- classify

    def classify(
        self,
        inputs: ImageInput | Iterable[ImageInput],
        top_k: int = 5,
        batch_size: int = 16,
        threshold: float | None = None,
        exact_decode: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> list[ClassificationResult]:
        """One result per input, in order (folders searched recursively, as the full edition).

        ``threshold`` ``None`` uses the model's calibrated one; ``0`` turns "unknown" off.
        """
        if top_k < 1 or batch_size < 1:
            raise UsageError("top-k and the batch size must be at least 1")
        items = expand(inputs)
        results: list[ClassificationResult] = []
        for start in range(0, len(items), batch_size):
            decoded = [
                self.decode(name, data, exact_decode) for name, data in items[start : start + batch_size]
            ]
            results.extend(self._run_batch(decoded, min(top_k, self.meta.num_classes)))
            if on_progress is not None:  # (done, total), as the full edition's Classifier reports
                on_progress(len(results), len(items))
        results = [replace(r, model=self.model_tag, backend=self.backend) for r in results]
        return mark_unknown(results, self.unknown_threshold if threshold is None else threshold)

    def probabilities(self, images: Sequence[Image.Image]) -> np.ndarray:
        """Softmax probabilities (``N x classes``) of RGB pictures, in one batch."""
        return softmax(self.logits(np.stack([self.preprocess(i) for i in images])))

    def _run_batch(self, batch: list[Decoded], top_k: int) -> list[ClassificationResult]:
        good = [d for d in batch if d.array is not None]
        probabilities = np.zeros((0, self.meta.num_classes), np.float32)
        forward_ms = 0.0
        if good:
            start = time.perf_counter()
            probabilities = softmax(self.logits(np.stack([d.array for d in good])))
            forward_ms = _ms(start) / len(good)
        results, row = [], 0
        for d in batch:
            if d.array is None:
                results.append(ClassificationResult(d.source, error=d.error, elapsed_ms=d.ms))
                continue
            p = probabilities[row]
            row += 1
            if not np.isfinite(p).all():
                error = "the model's output for this image is not a number (NaN or infinity)"
                results.append(ClassificationResult(d.source, error=error, elapsed_ms=d.ms + forward_ms))
                continue
            order = np.argsort(-p, kind="stable")[:top_k]
            predictions = tuple(Prediction(int(i), self.meta.categories[int(i)], float(p[i])) for i in order)
            width, height = d.size or (None, None)
            results.append(
                ClassificationResult(
                    d.source, predictions, elapsed_ms=d.ms + forward_ms, width=width, height=height
                )
            )
        return results


def expand(inputs: ImageInput | Iterable[ImageInput]) -> list[tuple[str, Path | Image.Image | None]]:
    """Paths, folders (recursive, sorted) and in-memory images as ``(name, source)`` pairs, as
    the full edition's ``core.inference.expand_inputs``: an empty name is no file (not the current
    folder), and a file reached twice (a folder and its sub-folder) is listed once."""
    if isinstance(inputs, str | os.PathLike | Image.Image | tuple):
        inputs = [inputs]  # type: ignore[list-item]
    items: list[tuple[str, Path | Image.Image | None]] = []
    seen: set[str] = set()
    count = 0
    for item in inputs:  # type: ignore[union-attr]
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Image.Image):
            items.append((str(item[0]), item[1]))
        elif isinstance(item, Image.Image):
            count += 1
            items.append((f"image-{count}", item))
        elif isinstance(item, str | os.PathLike) and not os.fspath(item):
            items.append(("", None))
        elif isinstance(item, str | os.PathLike):
            for path in iter_image_files([Path(item)]):
                key = os.path.realpath(path)
                if key not in seen:
                    seen.add(key)
                    items.append((str(path), path))
        else:
            items.append((repr(item)[:80], None))
    return items


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
