"""Teach in seconds: a folder of classes -> a Lite model file with a quick head.

``quick_train(folder, model, out)`` reads ``folder/<class>/<images>`` (one sub-folder per class,
searched recursively, hidden files skipped), runs the backbone of ``model`` (a Lite model file,
:class:`~core.lite.runtime.LiteModel`) once over every picture, pools its layer2-4 maps
(:func:`core.lite.quick_head.pool_features`), chooses the L2 penalty by stratified k-fold on
these training pictures only, fits the head on all of them and writes ``out``: the same graph
bytes as ``model`` with a new record (the new classes, the input size, the head). Both editions
open it (:class:`~core.lite.runtime.LiteModel`); the full edition's ``train --quick`` is this.

The pictures are resized to ``input_size`` (default :data:`INPUT_SIZE`, 128 px), with the source
model's interpolation and normalisation. The input size matters more than the features: on the
letters task (A-K, the tuning task of ``bench/quick_head.py --explore``) the bundled 64 px
network's pooled features gave 83 % k-fold accuracy from 64 px pictures, 88-91 % from 96 px and
92-93 % from 128 px (its layer4 then sees 4 x 4 cells instead of 2 x 2).

numpy, Pillow and onnxruntime only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ImageDecodeError, UsageError
from core.images import iter_image_files, load_rgb
from core.lite import QUICK_INPUT_SIZE, model_file
from core.lite.model_file import METADATA_KEY, LiteRecord
from core.lite.quick_head import (
    DEFAULT_FEATURES,
    L2_GRID,
    choose_l2,
    feature_widths,
    fit,
    pool_features,
    used_layers,
)
from core.lite.runtime import LiteModel
from core.messages import QT_TRANSLATE_NOOP, Message, kind, translate
from core.preprocess import EvalTransform

INPUT_SIZE = QUICK_INPUT_SIZE
MAX_INPUT_SIZE = 224  # the chosen size never goes above this (features cost grows with its square)
UPSCALE = 2  # the chosen size: at most twice the start model's crop and twice the pictures' side
BATCH = 32
ProgressCallback = Callable[[Message], None]

TOO_FEW_CLASSES = kind(
    "quick.too-few-classes",
    QT_TRANSLATE_NOOP("Messages", "%1 needs at least two sub-folders of pictures, one per class"),
)
EMPTY_CLASS = kind(
    "quick.empty-class", QT_TRANSLATE_NOOP("Messages", "the class %1 has no pictures it can read")
)
INPUT_CHOSEN = kind(
    "quick.input",
    QT_TRANSLATE_NOOP(
        "Messages",
        "Input %1 px, from the start model's %2 px and the pictures' median shorter side of %3 px",
    ),
)
READING = kind("quick.reading", translate("Messages", "Reading %n picture(s)…", None, 0))
FITTING = kind("quick.fitting", QT_TRANSLATE_NOOP("Messages", "Fitting the quick head (penalty %1)…"))


@dataclass(frozen=True)
class QuickOutcome:
    """What a quick training made: the file, its classes and the figures behind its choice.

    ``cv_accuracy`` is the k-fold accuracy of the chosen penalty on the training pictures (an
    estimate, not a test score); ``skipped`` lists the files that could not be read.
    """

    path: Path
    classes: tuple[str, ...]
    images: int
    l2: float
    cv_accuracy: float | None
    input_size: int
    features_s: float
    fit_s: float
    scores: dict[float, float] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return self.features_s + self.fit_s


def class_folders(folder: Path) -> list[Path]:
    """The sub-folders of ``folder`` that name classes (sorted, hidden ones skipped)."""
    if not folder.is_dir():
        raise UsageError(TOO_FEW_CLASSES(str(folder)))
    found = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(found) < 2:
        raise UsageError(TOO_FEW_CLASSES(str(folder)))
    return found


def extract(
    model: LiteModel,
    images: Sequence[Any],
    input_size: int,
    features: Sequence[str] = DEFAULT_FEATURES,
) -> tuple[np.ndarray, np.ndarray]:
    """Pooled features (one row per picture) and the width of each block, at ``input_size``."""
    transform = EvalTransform(replace(model.meta, resize_size=input_size, crop_size=input_size))
    rows, widths = [], np.zeros(0, np.int64)
    for start in range(0, len(images), BATCH):
        batch = np.stack([transform(image) for image in images[start : start + BATCH]])
        maps = model.run(batch, used_layers(features))
        rows.append(pool_features(maps, features))
        widths = feature_widths(maps, features)
    return np.concatenate(rows), widths


def input_size_for(sizes: Sequence[tuple[int, int]], start_crop: int) -> int:
    """The quick head's input size, chosen from the data as the full edition's plan chooses its own
    (``core.train.plan.input_size_for``): :data:`UPSCALE` times the start model's crop, so a small
    network's layer4 sees 4 x 4 cells instead of 2 x 2, but no more than :data:`UPSCALE` times the
    pictures' median shorter side (enlarging further adds no detail, only cost), at most
    :data:`MAX_INPUT_SIZE`, never below the start model's crop, a multiple of 8.

    Why: on the letters task (A-K, ``bench/quick_head.py --explore``, the one tuned on) the bundled
    64 px network gave 83 % k-fold accuracy at 64 px, 88-91 % at 96 px and 92-93 % at 128 px
    (96 px pictures). Measured on other tasks with ``bench/quick_head.py`` (see its docstring).
    """
    if not sizes:
        return start_crop
    shorter = sorted(min(size) for size in sizes)[len(sizes) // 2]
    target = min(UPSCALE * start_crop, UPSCALE * shorter, MAX_INPUT_SIZE) // 8 * 8
    return max(start_crop, target)


def median_side(sizes: Sequence[tuple[int, int]]) -> int:
    return sorted(min(size) for size in sizes)[len(sizes) // 2] if sizes else 0


def read_folder(folder: Path) -> tuple[list[Any], np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """Pictures, their class indices, the class names and the files that could not be read."""
    pictures, labels, skipped = [], [], []
    classes = class_folders(folder)
    for index, sub in enumerate(classes):
        count = 0
        for path in iter_image_files([sub]):
            try:
                pictures.append(load_rgb(path))
            except ImageDecodeError:
                skipped.append(str(path))
                continue
            labels.append(index)
            count += 1
        if not count:
            raise UsageError(EMPTY_CLASS(sub.name))
    return pictures, np.array(labels, np.int64), tuple(p.name for p in classes), tuple(skipped)


def quick_train(
    folder: str | Path,
    model: LiteModel | str | Path,
    out: str | Path,
    input_size: int | None = None,
    features: Sequence[str] = DEFAULT_FEATURES,
    grid: Sequence[float] = L2_GRID,
    force: bool = False,
    on_status: ProgressCallback | None = None,
    name: str | None = None,
) -> QuickOutcome:
    """Fit a quick head on ``folder``'s classes over ``model``'s backbone and write ``out``.

    ``input_size`` ``None`` chooses it from the pictures (:func:`input_size_for`); ``name`` is the
    new model's name (default: ``out``'s stem)."""
    out = Path(out)
    model_file.check_target(out, force)
    source = model if isinstance(model, LiteModel) else LiteModel(model)
    say = on_status or (lambda _message: None)
    start = time.perf_counter()
    pictures, labels, classes, skipped = read_folder(Path(folder))
    say(READING(n=len(pictures)))
    if input_size is None:
        sizes = [picture.size for picture in pictures]
        input_size = input_size_for(sizes, source.meta.crop_size)
        say(INPUT_CHOSEN(input_size, source.meta.crop_size, median_side(sizes)))
    rows, widths = extract(source, pictures, input_size, features)
    features_s = time.perf_counter() - start
    start = time.perf_counter()
    l2, scores = choose_l2(rows, labels, grid)
    say(FITTING(f"{l2:g}"))
    head = fit(rows, labels, l2, len(classes), widths)
    fit_s = time.perf_counter() - start
    outcome = QuickOutcome(
        out, classes, len(pictures), l2, scores.get(l2), input_size, features_s, fit_s, scores, skipped
    )
    record = quick_record(source, head.to_record(features), outcome, name)
    data = model_file.with_metadata(source.path.read_bytes(), {METADATA_KEY: record.to_json()})
    model_file.write_model(out, data)
    return outcome


def quick_record(
    source: LiteModel, head: model_file.Head, outcome: QuickOutcome, name: str | None = None
) -> LiteRecord:
    """The new model's record: the source's architecture, normalisation and precision (an int8
    backbone stays int8), the new classes and input size, the quick head, no unknown threshold
    (none was calibrated), and a card."""
    meta = source.meta
    name = name or outcome.path.stem
    card = {
        "quick_head": {
            "from": source.model_tag,
            "features": list(head.features),
            "l2": outcome.l2,
            "cv_accuracy": outcome.cv_accuracy,
            "cv_scores": {f"{k:g}": v for k, v in outcome.scores.items()},
            "images": outcome.images,
            "input_size": outcome.input_size,
            "seconds": round(outcome.seconds, 2),
        }
    }
    new_meta = replace(
        meta,
        categories=outcome.classes,
        crop_size=outcome.input_size,
        resize_size=outcome.input_size,
        name=name,
        card=card,
        localized_categories={},
    )
    return LiteRecord(
        meta=new_meta,
        head=head,
        unknown_threshold=None,
        weights_hash=source.record.weights_hash,
        model_tag=f"{name} · quick · {source.record.weights_hash}".strip(" ·"),
        tree=source.tree,
        extra=dict(source.record.extra),
        precision=source.precision,
    )
