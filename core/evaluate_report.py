"""An :class:`~core.evaluate.Evaluation` as JSON, CSV and a readable report.

One schema for ``reslens-cli evaluate --json``/``--csv``, the README and the tests. JSON never
holds NaN (an undefined precision is ``null``; ``allow_nan=False`` would refuse anything else),
names are escaped as every export escapes them (:mod:`core.export`).

What the report says to a person are message kinds (:mod:`core.messages`): the CLI renders them
in English, the window in its language.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from typing import Any, TextIO

from core.evaluate import Evaluation, ScoredImage
from core.export import csv_cell, escape_text, printable
from core.messages import QT_TRANSLATE_NOOP, Message, kind, translate

UNKNOWN_COLUMN = "unknown"  # the JSON's and CSV's name of the unknown column (English, a key)
CSV_COLUMNS = ("file", "true", "predicted", "probability", "correct", "unknown", "error")

ACCURACY = kind(
    "evaluate.accuracy",
    translate("Messages", "Accuracy %1: %2 of %n image(s) taken for their class", None, 0),
)
UNKNOWN_RATE = kind(
    "evaluate.unknown-rate",
    translate("Messages", "Unknown %1: %n image(s) below the threshold %2", None, 0),
)
UNMATCHED_FOLDERS = kind(
    "evaluate.unmatched-folders",
    translate("Messages", "%n folder(s) skipped, named after no class of the model: %1", None, 0),
)
MISSING_CLASSES = kind(
    "evaluate.missing-classes",
    translate("Messages", "No folder for %n class(es) of the model: %1", None, 0),
)
LOOSE_FILES = kind(
    "evaluate.loose-files",
    translate(
        "Messages",
        "%n file(s) directly in the folder were skipped: put images in a sub-folder named after their class",
        None,
        0,
    ),
)
FAILED = kind(
    "evaluate.failed",
    translate("Messages", "%n file(s) could not be evaluated", None, 0),
)
NO_IMAGES = kind(
    "evaluate.no-images", QT_TRANSLATE_NOOP("Messages", "no image in the class folders could be read")
)
CLASS = kind("evaluate.class", QT_TRANSLATE_NOOP("Messages", "Class"))
PRECISION = kind("evaluate.precision", QT_TRANSLATE_NOOP("Messages", "Precision"))
RECALL = kind("evaluate.recall", QT_TRANSLATE_NOOP("Messages", "Recall"))
F1 = kind("evaluate.f1", QT_TRANSLATE_NOOP("Messages", "F1"))
SUPPORT = kind("evaluate.support", QT_TRANSLATE_NOOP("Messages", "Images"))
UNKNOWN = kind("evaluate.unknown", QT_TRANSLATE_NOOP("Messages", "unknown"))
CONFUSION = kind(
    "evaluate.confusion",
    QT_TRANSLATE_NOOP("Messages", "Confusion matrix (rows: true class, columns: taken for)"),
)
MISCLASSIFIED = kind("evaluate.misclassified", translate("Messages", "%n image(s) misclassified", None, 0))
TAKEN_FOR = kind("evaluate.taken-for", QT_TRANSLATE_NOOP("Messages", "%1 (a %2) taken for %3 at %4"))
TAKEN_FOR_UNKNOWN = kind(
    "evaluate.taken-for-unknown",
    QT_TRANSLATE_NOOP("Messages", "%1 (a %2) unknown: at most %3 for %4"),
)


def percent(value: float | None) -> str:
    """``0.917`` as ``91.7%``; an undefined figure as an en dash."""
    return "–" if value is None else f"{100 * value:.1f}%"


def notes(evaluation: Evaluation) -> list[Message]:
    """What a person should know beyond the figures: folders and classes that did not meet."""
    data = evaluation.data
    found: list[Message] = []
    if data is not None:
        if data.unmatched_folders:
            names = ", ".join(printable(n) for n in data.unmatched_folders)
            found.append(UNMATCHED_FOLDERS(names, n=len(data.unmatched_folders)))
        if data.missing_classes:
            found.append(MISSING_CLASSES(", ".join(data.missing_classes), n=len(data.missing_classes)))
        if data.loose_files:
            found.append(LOOSE_FILES(n=data.loose_files))
    if evaluation.failed:
        found.append(FAILED(n=len(evaluation.failed)))
    return found


def headline(evaluation: Evaluation) -> list[Message]:
    """Accuracy and, with a threshold, the unknown rate: the first lines of every report."""
    count = len(evaluation.scored)
    lines = [ACCURACY(percent(evaluation.accuracy), evaluation.correct, n=count)]
    if evaluation.with_unknown:
        threshold = f"{evaluation.threshold:.2f}" if evaluation.threshold else "–"
        lines.append(UNKNOWN_RATE(percent(evaluation.unknown_rate), threshold, n=evaluation.unknown_count))
    return lines


def taken_for(image: ScoredImage, classes: tuple[str, ...]) -> Message:
    """ "x.jpg (a star) taken for circle at 54.3%": one misclassified image, said as data."""
    shown, true = printable(image.source), printable(classes[image.true])
    top = printable(classes[image.predicted]) if image.predicted is not None else "?"
    probability = percent(image.probability)
    if image.unknown:
        return TAKEN_FOR_UNKNOWN(shown, true, probability, top)
    return TAKEN_FOR(shown, true, top, probability)


# --------------------------------------------------------------------------- JSON


def _finite(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None


def to_dict(evaluation: Evaluation) -> dict[str, Any]:
    """The JSON object of an evaluation (see the README's "Evaluate" section for the keys)."""
    classes = evaluation.classes
    data = evaluation.data

    def label(index: int | None) -> str | None:
        return None if index is None else escape_text(classes[index])

    return {
        "model": escape_text(evaluation.model),
        "images": len(evaluation.scored),
        "accuracy": _finite(evaluation.accuracy),
        "unknown_rate": _finite(evaluation.unknown_rate) if evaluation.with_unknown else None,
        "threshold": evaluation.threshold or None,
        "classes": [escape_text(c) for c in classes],
        "columns": [escape_text(c) for c in classes] + ([UNKNOWN_COLUMN] if evaluation.with_unknown else []),
        "confusion": evaluation.confusion.astype(int).tolist(),
        "per_class": [
            {
                "class": escape_text(s.name),
                "precision": _finite(s.precision),
                "recall": _finite(s.recall),
                "f1": _finite(s.f1),
                "support": s.support,
            }
            for s in evaluation.per_class
        ],
        "misclassified": [
            {
                "file": escape_text(i.source),
                "true": label(i.true),
                "predicted": label(i.predicted),
                "probability": _finite(i.probability),
                "unknown": i.unknown,
            }
            for i in evaluation.misclassified
        ],
        "failed": [
            {"file": escape_text(i.source), "error": escape_text(i.error or "")} for i in evaluation.failed
        ],
        "unmatched": {
            "folders": [escape_text(n) for n in data.unmatched_folders] if data else [],
            "classes": [escape_text(n) for n in data.missing_classes] if data else [],
        },
    }


def to_json(evaluation: Evaluation) -> str:
    return json.dumps(to_dict(evaluation), indent=2, ensure_ascii=False, allow_nan=False)


# --------------------------------------------------------------------------- CSV


def write_csv_to(evaluation: Evaluation, stream: TextIO) -> None:
    """One row per image: file, true class, predicted (top-1), probability, correct, unknown,
    error (a file that could not be read has an empty prediction and its error)."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    classes = evaluation.classes
    for image in evaluation.images:
        predicted = classes[image.predicted] if image.predicted is not None else ""
        probability = "" if image.probability is None else f"{image.probability:.6f}"
        writer.writerow(
            [
                csv_cell(image.source),
                csv_cell(classes[image.true]),
                csv_cell(predicted),
                probability,
                str(image.correct).lower(),
                str(image.unknown).lower(),
                csv_cell(image.error or ""),
            ]
        )


# --------------------------------------------------------------------------- text


def format_report(evaluation: Evaluation, render: Callable[[Message], str]) -> str:
    """The readable report of ``reslens-cli evaluate``: headline, per-class table, matrix, errors."""
    classes = [printable(c) for c in evaluation.classes]
    lines = [render(m) for m in headline(evaluation)]
    width = max(len(render(CLASS())), *(len(c) for c in classes))
    heads = [render(k()) for k in (PRECISION, RECALL, F1, SUPPORT)]
    lines += ["", f"{render(CLASS()):<{width}}  " + "  ".join(f"{h:>9}" for h in heads)]
    for s, name in zip(evaluation.per_class, classes, strict=True):
        figures = [percent(s.precision), percent(s.recall), percent(s.f1), str(s.support)]
        lines.append(f"{name:<{width}}  " + "  ".join(f"{f:>9}" for f in figures))
    columns = classes + ([render(UNKNOWN())] if evaluation.with_unknown else [])
    cell = max(4, *(len(c) for c in columns))
    lines += ["", render(CONFUSION()), " " * width + "  " + " ".join(f"{c:>{cell}}" for c in columns)]
    for name, row in zip(classes, evaluation.confusion, strict=True):
        lines.append(f"{name:<{width}}  " + " ".join(f"{int(v):>{cell}}" for v in row))
    wrong = evaluation.misclassified
    if wrong:
        lines += ["", render(MISCLASSIFIED(n=len(wrong)))]
        lines += ["  " + render(taken_for(i, evaluation.classes)) for i in wrong]
    return "\n".join(lines)
