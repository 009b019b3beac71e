"""An honest "unknown": below a confidence threshold a result is *none of the N classes*.

A classifier with N classes always names one of them, even for a picture of something else. We
call a result unknown when its top-1 probability is below a threshold. The threshold is a
property of a model, calibrated on images of its classes (and reported against images that are
none of them, see ``tools/calibrate_unknown.py``), and stored in the model card under
``unknown_threshold``. A user may override it (``--threshold``, a spin box in the GUI); ``0``
turns the idea off.

For the bundled model the probabilities are softmax outputs of a network fine-tuned with outlier
exposure (``core.outlier_exposure``): a sure answer reads about 0.999, a picture of none of its
classes was trained toward ``1 / 12`` for every class. Read them as relative confidence, not as
calibrated chances; the model card's ``confidence_note`` says the same.

Pure functions only (plain floats, numpy arrays or torch tensors in, bools and floats out), so
the CLI, the exports, the table and the sketch pad all apply the same rule.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.errors import UsageError
from core.metadata import ModelMeta, card_path
from core.results import ClassificationResult

THRESHOLD_KEY = "unknown_threshold"
DEFAULT_KEEP = 0.97  # calibrate so that this share of in-class images stays known: 2 points above
# the 95 % promise, because a fresh set of in-class images keeps about a point fewer
STEP = 0.01  # thresholds are rounded down to this step, which keeps the calibration's promise


def top_probability(probabilities: Any) -> float:
    """The largest of ``probabilities`` (a sequence, numpy array or tensor of one image)."""
    if hasattr(probabilities, "max") and not isinstance(probabilities, Sequence):
        return float(probabilities.max())
    return float(max(probabilities))


def is_unknown(probabilities: Any, threshold: float | None) -> bool:
    """Whether a result with these class probabilities is "unknown" at ``threshold``.

    ``probabilities`` may also be one number, the top-1 probability. ``None`` or ``0`` never
    gives unknown. Equal to the threshold counts as known.
    """
    if not threshold:
        return False
    top = float(probabilities) if isinstance(probabilities, int | float) else top_probability(probabilities)
    return top < threshold


def mark_unknown(
    results: Iterable[ClassificationResult], threshold: float | None
) -> list[ClassificationResult]:
    """``results`` with ``unknown`` set by the rule at ``threshold`` (a failed input is never unknown).

    The top-1 probability is the first prediction's, so this needs no more than the top-k.
    """
    return [
        replace(r, unknown=r.ok and r.top is not None and is_unknown(r.top.probability, threshold))
        for r in results
    ]


def unknown_text(num_classes: int) -> str:
    """What the table, the CLI and the exports show instead of the top-1 label."""
    return f"unknown (none of the {num_classes} classes)"


def check_threshold(value: float | str | None) -> float | None:
    """A user's threshold: a number in ``[0, 1)`` (``None`` stays ``None``), else a UsageError."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"the threshold must be a number between 0 and 1, got {value!r}") from None
    if not (0.0 <= number < 1.0) or math.isnan(number):
        raise UsageError(f"the threshold must be at least 0 and below 1, got {value}")
    return number


def default_threshold(meta: ModelMeta, weights_path: str | Path | None = None) -> float | None:
    """The model's calibrated threshold: its metadata's card, else the JSON card beside the file.

    ``None`` when the model has none (ImageNet weights, a user's file): then nothing is unknown
    unless the user sets a threshold.
    """
    value = meta.card.get(THRESHOLD_KEY)
    if value is None and weights_path is not None:
        value = _card_value(card_path(Path(weights_path)))
    try:
        return check_threshold(value)
    except UsageError:
        return None  # a broken card must not stop classification


def _card_value(path: Path) -> Any:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    card = data.get("card")
    if isinstance(card, dict) and THRESHOLD_KEY in card:
        return card[THRESHOLD_KEY]
    return data.get(THRESHOLD_KEY)


def calibrate(in_class_top: Iterable[float], keep: float = DEFAULT_KEEP, step: float = STEP) -> float:
    """The highest threshold (a multiple of ``step``) that keeps ``keep`` of in-class images known.

    ``in_class_top`` are the top-1 probabilities of images that do show one of the classes.
    """
    values = sorted(float(v) for v in in_class_top)
    if not values:
        raise ValueError("calibration needs at least one in-class image")
    allowed = math.floor((1.0 - keep) * len(values) + 1e-9)  # images we may call unknown
    cut = values[allowed]  # threshold <= cut keeps every value from here up
    return round(math.floor(cut / step + 1e-9) * step, 6)


def unknown_share(top_probabilities: Iterable[float], threshold: float) -> float:
    """The share of images that ``threshold`` calls unknown."""
    values = [float(v) for v in top_probabilities]
    return sum(is_unknown(v, threshold) for v in values) / len(values) if values else 0.0
