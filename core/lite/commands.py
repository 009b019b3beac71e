"""``classify``, ``explain`` and ``summary`` over a ResLens Lite model file, in either edition.

The CLI's sub-commands hand their parsed flags here when :func:`handles` says so: always in the
Lite edition (no torch), and in the full edition when ``--weights`` names a Lite model file
(``.onnx``). The flags, output formats and output checks stay the sub-command's own (one owner):
this module only opens the model with :class:`~core.lite.runtime.LiteModel` and gives back what the
command prints, so ``classify --json`` and ``explain --json`` have the same fields in both editions.

What needs torch is refused before any work (:mod:`core.lite.refusals`): the Lite edition says
:data:`core.edition.NEEDS_FULL`, the full edition says what a Lite file cannot do.

Imports numpy, Pillow and onnxruntime only inside the functions: the parser stays light.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import edition
from core.errors import UsageError, WeightsError
from core.export import printable
from core.lite import refusals
from core.lite.paths import bundled_int8_path, bundled_lite_path
from core.messages import QT_TRANSLATE_NOOP, english, kind
from core.sources import DEFAULT

if TYPE_CHECKING:
    from core.lite.cam import LiteCam
    from core.lite.runtime import LiteModel
    from core.results import ClassificationResult

BUNDLED_KEYS = (DEFAULT, "bundled")

OPENED = kind("lite.opened", QT_TRANSLATE_NOOP("Messages", "%1 (ResLens Lite file, %2) on cpu"))
NOT_INT8 = kind(
    "lite.not-int8",
    QT_TRANSLATE_NOOP(
        "Messages",
        "%1 is an fp32 model file; --backend onnx-int8 needs an int8 one, written by the full edition "
        "with reslens-cli export MODEL --out FILE --precision int8",
    ),
)
IS_INT8 = kind(
    "lite.is-int8",
    QT_TRANSLATE_NOOP("Messages", "%1 is an int8 model file: it runs quantised (ONNX Runtime int8)"),
)
WRONG_ARCH = kind(
    "lite.wrong-arch", QT_TRANSLATE_NOOP("Messages", "--arch %1, but %2 holds a %3; leave --arch out")
)
WRONG_LABELS = kind(
    "lite.wrong-labels",
    QT_TRANSLATE_NOOP("Messages", "%1 names %2 classes but the model has %3"),
)
NO_TREE = kind(
    "lite.no-tree",
    QT_TRANSLATE_NOOP("Messages", "%1 holds no architecture tree (written by an older ResLens)"),
)
QUICK_TREE = kind(
    "lite.quick-tree",
    QT_TRANSLATE_NOOP(
        "Messages", "The backbone's tree: a quick head over layer2-4 replaces its head (%1 classes)."
    ),
)
STEM_STRIDE = 4  # conv1 (stride 2) and maxpool (stride 2)
PRECISION_WORDS = {"fp32": "ONNX Runtime fp32", "int8": "ONNX Runtime int8"}


def is_lite_file(weights: str | None) -> bool:
    """Whether ``--weights`` names a Lite model file (by its suffix: the file is checked on opening)."""
    return bool(weights) and Path(str(weights)).suffix.lower() == ".onnx"


def handles(args: argparse.Namespace) -> bool:
    """Whether this command runs on a Lite model file: always in Lite, else for a ``.onnx`` file."""
    return not edition.has_torch() or is_lite_file(getattr(args, "weights", None))


def model_path(weights: str | None, backend: str | None = None) -> Path:
    """The Lite file ``--weights`` names: the bundled one (its int8 file for ``onnx-int8`` when
    shipped) for the default, else the ``.onnx`` file itself. Other weights were refused before."""
    if weights in (None, *BUNDLED_KEYS):
        if backend == "onnx-int8" and bundled_int8_path().is_file():
            return bundled_int8_path()
        return bundled_lite_path()
    return Path(str(weights))


def open_model(args: argparse.Namespace, backend: str | None = None) -> LiteModel:
    """The Lite model the flags name, checked against ``--arch``, ``--labels`` and the backend."""
    from core.lite.runtime import LiteModel

    path = model_path(getattr(args, "weights", None), backend)
    model = LiteModel(path)
    arch = getattr(args, "arch", None)
    if arch and arch != model.meta.arch:
        raise WeightsError(WRONG_ARCH(arch, path.name, model.meta.arch))
    labels = getattr(args, "labels", None)
    if labels:
        from core.labels import read_labels

        names = read_labels(labels)
        if len(names) != model.meta.num_classes:
            raise WeightsError(WRONG_LABELS(Path(labels).name, len(names), model.meta.num_classes))
        model.relabel(names)
    if backend == "onnx-int8" and model.precision != "int8":
        raise UsageError(NOT_INT8(path.name))
    if backend not in (None, "onnx-int8") and model.precision == "int8":
        say(IS_INT8(path.name))
    return model


def describe(model: LiteModel) -> str:
    """How ``model: …`` on stderr names a Lite model, in English (the CLI's language)."""
    return english(OPENED(model.model_tag, PRECISION_WORDS.get(model.precision, model.precision)))


def say(message: Any) -> None:
    print(printable(english(message)), file=sys.stderr)


# --------------------------------------------------------------------------- classify


def classify(
    args: argparse.Namespace, threshold: float | None, on_progress: Callable[[int, int], None] | None = None
) -> tuple[list[ClassificationResult], int]:
    """``classify``'s results over the Lite model, and its number of classes (for the table);
    ``on_progress(done, total)`` after each batch (the CLI's progress bar)."""
    refusals.check_classify(args)
    backend = getattr(args, "backend", None)
    model = open_model(args, backend)
    bundled = getattr(args, "weights", None) in (None, *BUNDLED_KEYS)
    if bundled and backend in (None, "auto"):  # the flag not given: auto, as in the full edition
        model = auto_model(model, args.paths)
    print(f"model: {printable(describe(model))}", file=sys.stderr)
    results = model.classify(
        args.paths,
        top_k=args.top_k,
        batch_size=args.batch_size,
        threshold=threshold,
        exact_decode=args.exact_decode,
        on_progress=on_progress,
    )
    return results, model.meta.num_classes


def auto_model(model: LiteModel, paths: Any) -> LiteModel:
    """``--backend auto`` (or none) on the bundled model: the fp32 file or its int8 sibling, as measured
    (:mod:`core.lite.auto`): the cached choice, else measured before a run of at least
    :data:`~core.auto_backend.MEASURE_MIN_IMAGES` images (a shorter one runs fp32 at once)."""
    from core import auto_backend as auto
    from core.cli_progress import StatusLines
    from core.lite.auto import LiteAuto, int8_sibling
    from core.lite.runtime import expand

    sibling = int8_sibling("auto")
    if sibling is None:
        return model
    plan = LiteAuto(model, sibling)
    status = StatusLines(sys.stderr)
    if plan.decision is None and len(expand(paths)) >= auto.MEASURE_MIN_IMAGES:
        plan.measure(on_step=lambda step, steps: status(auto.AUTO_MEASURING(str(step), str(steps))))
    if plan.decision is not None:
        status(plan.decision.describe())
    return plan.model()


# --------------------------------------------------------------------------- explain


def open_cam(args: argparse.Namespace) -> tuple[LiteCam, str, float | None]:
    """``explain``'s CAM at layer4 over the Lite model, the model's name and its threshold."""
    from core.lite.cam import LiteCam

    refusals.check_explain(args)
    model = open_model(args)
    return LiteCam(model), describe(model), model.unknown_threshold


# --------------------------------------------------------------------------- summary


def summary_table(args: argparse.Namespace) -> str:
    """``summary``: the architecture tree stored in the Lite model's record, as the full table."""
    from core.lite.classifier import tree_node
    from core.summary import ModelSummary, format_table

    refusals.check_summary(args)
    model = open_model(args)
    if not model.tree:
        raise WeightsError(NO_TREE(model.path.name))
    root = tree_node(model.tree)
    side = measured_side(root, model.meta.crop_size)
    depth = None if args.depth < 0 else args.depth
    table = format_table(ModelSummary(root, (1, 3, side, side)), max_depth=depth)
    if model.record.head.kind == "quick":
        table += "\n" + english(QUICK_TREE(model.meta.num_classes))
    return table


def measured_side(root: Any, crop: int) -> int:
    """The input side the tree was measured at: a ResNet's stem divides it by 4 (a quick head's
    model keeps its backbone's tree, measured at the backbone's size, not the head's)."""
    stem = root.find("stem")
    shape = stem.output_shape if stem is not None else None
    return int(shape[-1]) * STEM_STRIDE if shape and len(shape) == 4 else crop
