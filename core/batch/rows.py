"""One model, loaded once, turning chunks of sources into rows: the ``classify --json`` fields plus
``backend``, one row per source, an unreadable source a row with ``error`` set.

Both engines call :meth:`Runner.rows`, so ``--engine local`` and every Ray actor run exactly the
desktop pipeline (:meth:`core.inference.Classifier.classify`: decoding in a thread pool, batches
under ``inference_mode``, per-file errors). Sources that are URIs are fetched through pyarrow's
filesystems into a temporary folder first, so they are decoded by the same hardened reader.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from core.batch.inputs import filesystem, is_uri, require
from core.batch.record import Settings
from core.results import ClassificationResult
from core.sources import ModelChoice

SOURCE = "source"


@dataclass(frozen=True)
class BatchSpec(ModelChoice):
    """What every worker needs to build the same classifier: plain data, cheap to ship to actors.

    The model is a :class:`~core.sources.ModelChoice` (architecture, weights, labels, device,
    backend: the ``classify`` flags of the same names), plus how the worker batches.
    """

    top_k: int = 5
    batch_size: int = 16
    threshold: float | None = None  # None: the model's calibrated threshold, as classify uses

    @property
    def model(self) -> ModelChoice:
        """The model part alone, as every other face of ResLens names one."""
        return ModelChoice(self.arch, self.weights, self.labels, self.device, self.backend)


class Runner:
    """The model of ``spec`` opened once (:func:`core.opener.open_classifier`), ready for chunks."""

    def __init__(
        self,
        spec: BatchSpec,
        decode_workers: int | None = None,
        on_status: Callable[[str], None] | None = None,
    ) -> None:
        """``spec.backend`` runs the forward pass (an ONNX model is built once into the user cache
        and reused; ``on_status`` hears "building the ONNX model once…")."""
        from core.opener import open_classifier, open_weights

        self.spec = spec
        self.loaded = open_weights(spec.model)
        self.classifier = open_classifier(
            spec.model, self.loaded, decode_workers=decode_workers, on_status=on_status
        )
        # Classifier stamps ClassificationResult.model where it knows the model's identity; this
        # is the fallback for rows it leaves blank, so no row is ever without its model.
        self.model_id = self.loaded.description
        self.threshold = threshold_for(spec, self.loaded)

    def rows(self, sources: Sequence[str]) -> list[dict[str, Any]]:
        """One row per source, in order; unknown by the threshold, as ``classify`` marks it; every
        name in the one escaped form of every ResLens output (:func:`core.export.written_form`)."""
        from core.export import written_form
        from core.unknown import mark_unknown

        with tempfile.TemporaryDirectory(prefix="reslens-batch-") as scratch:
            results = mark_unknown(self._classify(sources, Path(scratch)), self.threshold)
        rows = []
        for source, result in zip(sources, results, strict=True):
            row = replace(result, source=source).to_dict()
            row["model"] = row.get("model") or self.model_id
            row["backend"] = row.get("backend") or self.classifier.backend
            rows.append(written_form(row))
        return rows

    def _classify(self, sources: Sequence[str], scratch: Path) -> list[ClassificationResult]:
        results: list[ClassificationResult | None] = [None] * len(sources)
        todo: dict[str, list[int]] = {}
        for index, source in enumerate(sources):
            try:
                local = _local_path(source, scratch, index)
            except OSError as exc:
                results[index] = ClassificationResult(source, error=f"could not fetch {source}: {exc}")
                continue
            if os.path.isdir(local):
                results[index] = ClassificationResult(
                    source, error="this is a folder: list its images, or give the folder as INPUT"
                )
                continue
            todo.setdefault(str(Path(local)), []).append(index)
        if todo:
            classified = self.classifier.classify(
                list(todo), top_k=self.spec.top_k, batch_size=self.spec.batch_size
            )
            # classify promises one result per path, in order; match by position, and by name
            # only if that promise were ever broken.
            pairs = (
                zip(todo.values(), classified, strict=True)
                if len(classified) == len(todo)
                else ((todo.get(r.source, ()), r) for r in classified)
            )
            for indices, result in pairs:
                for index in indices:
                    results[index] = results[index] or result
        return [
            r if r is not None else ClassificationResult(s, error="no result came back for this input")
            for s, r in zip(sources, results, strict=True)
        ]


def threshold_for(spec: BatchSpec, loaded: Any) -> float | None:
    """The unknown threshold of a job: the one asked for, else the model's own (as classify)."""
    from core.unknown import default_threshold

    return spec.threshold if spec.threshold is not None else default_threshold(loaded.meta, loaded.path)


def row_settings(spec: BatchSpec, loaded: Any, backend: str) -> Settings:
    """What decides the rows' content, in the form the output folder's record keeps."""
    from core.export import escape_text

    return Settings(
        weights=loaded.weights_hash,
        arch=loaded.meta.arch,
        labels=tuple(escape_text(str(c)) for c in loaded.meta.categories),
        backend=backend,
        top_k=spec.top_k,
        threshold=threshold_for(spec, loaded),
    )


def _local_path(source: str, scratch: Path, index: int) -> str:
    """A path the desktop reader can open: local paths as they are, URIs fetched into ``scratch``."""
    if not is_uri(source):
        return source
    fs, path = filesystem(source)
    if source.startswith("file://"):
        return path
    target = scratch / f"{index:06d}{PurePosixPath(path).suffix}"
    with fs.open_input_stream(path) as remote, target.open("wb") as local:
        while chunk := remote.read(1 << 20):
            local.write(chunk)
    return str(target)


# --- rows as Arrow tables ---


def _arrow_types() -> dict[str, Any]:
    pa = require("pyarrow", "writing Parquet")
    prediction = pa.struct([("index", pa.int64()), ("label", pa.string()), ("probability", pa.float64())])
    return {
        "source": pa.string(),
        "predictions": pa.list_(prediction),
        "elapsed_ms": pa.float64(),
        "error": pa.string(),
        "width": pa.int64(),
        "height": pa.int64(),
        "model": pa.string(),
        "unknown": pa.bool_(),
        "backend": pa.string(),
    }


def rows_to_table(rows: Sequence[dict[str, Any]]):
    """An Arrow table with one fixed schema, whatever the rows hold (all errors, no width...).

    Fields the pipeline may gain later and this table does not know are kept as strings (JSON
    for anything that is not one already).
    """
    pa = require("pyarrow", "writing Parquet")
    types = _arrow_types()
    names = list(types)
    for row in rows:
        names += [k for k in row if k not in names]
    fields = [pa.field(name, types.get(name, pa.string())) for name in names]
    extra = [name for name in names if name not in types]
    if extra:
        rows = [{**r, **{k: _as_text(r.get(k)) for k in extra}} for r in rows]
    return pa.Table.from_pylist(list(rows), schema=pa.schema(fields))


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, allow_nan=False)
