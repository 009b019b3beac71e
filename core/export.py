"""Writing results as JSON and CSV: one schema for the CLI, the GUI's export and the tests."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from core.results import ClassificationResult

BASE_COLUMNS = ("source", "ok", "error", "elapsed_ms", "width", "height", "model")


def results_to_json(results: Iterable[ClassificationResult]) -> str:
    """A JSON list of :meth:`ClassificationResult.to_dict` objects."""
    return json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False)


def write_json(results: Iterable[ClassificationResult], path: str | Path) -> None:
    Path(path).write_text(results_to_json(results) + "\n", encoding="utf-8")


def read_json(path: str | Path) -> list[ClassificationResult]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [ClassificationResult.from_dict(item) for item in data]


def csv_columns(top_k: int) -> list[str]:
    ranked = [f"{field}_{rank}" for rank in range(1, top_k + 1) for field in ("label", "probability")]
    return [*BASE_COLUMNS, *ranked]


def write_csv_to(results: Sequence[ClassificationResult], stream: TextIO) -> None:
    """One row per input; ``label_N``/``probability_N`` for each rank, empty where there is none."""
    top_k = max((len(r.predictions) for r in results), default=0)
    writer = csv.DictWriter(stream, fieldnames=csv_columns(top_k), lineterminator="\n")
    writer.writeheader()
    for result in results:
        row = {
            "source": result.source,
            "ok": "true" if result.ok else "false",
            "error": result.error or "",
            "elapsed_ms": f"{result.elapsed_ms:.1f}",
            "width": result.width or "",
            "height": result.height or "",
            "model": result.model,
        }
        for rank, prediction in enumerate(result.predictions, start=1):
            row[f"label_{rank}"] = prediction.label
            row[f"probability_{rank}"] = f"{prediction.probability:.6f}"
        writer.writerow(row)


def write_csv(results: Sequence[ClassificationResult], path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8", newline="") as stream:
        write_csv_to(results, stream)


def read_csv(path: str | Path) -> list[dict[str, str]]:
    """The rows as dictionaries of strings (what a spreadsheet would show)."""
    with Path(path).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))
