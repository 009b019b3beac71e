"""What a Lite model file cannot do, said before any work: the CLI's refusals, in one place.

In the Lite edition (no torch) an option or source that needs torch is refused with
:data:`core.edition.NEEDS_FULL` naming it ("--backend torch needs ResLens, full edition (with
PyTorch)"), exit 2: fine-tuning, ``.pth``/``.safetensors`` weights, ImageNet's published weights,
the torch backend and its autocast precisions, GPU devices, int8 calibration (quantising needs the
``onnx`` package), per-layer Grad-CAM and a summary at another size. In the full edition a Lite
model file (``--weights model.onnx``) runs on ONNX Runtime on the CPU: the same options are refused
with :data:`FILE_ONLY`, since the full edition has torch but the file has no torch model in it.

Every check reads only the parsed flags: nothing is opened, decoded or written before it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from core import edition
from core.errors import UsageError
from core.messages import QT_TRANSLATE_NOOP, kind
from core.sources import AUTO_DEVICE, DEFAULT, IMAGENET_SOURCES

CPU_DEVICES = (AUTO_DEVICE, "cpu")
LITE_COMMANDS = frozenset({"classify", "explain", "summary", "train", "quick-train", "generate-shapes"})
"""The sub-commands ResLens Lite runs (the others open torch models: evaluate, batch, export...)."""
LAYER = "layer4"  # the one layer a Lite file explains at (core.lite.cam)

FILE_ONLY = kind(
    "lite.file-only",
    QT_TRANSLATE_NOOP(
        "Messages", "%1 does not apply to a ResLens Lite model file (it runs on ONNX Runtime, on the CPU)"
    ),
)
LAYER4_ONLY = kind(
    "lite.layer4-only",
    QT_TRANSLATE_NOOP(
        "Messages",
        "a ResLens Lite model file explains at layer4 only; Grad-CAM at %1 needs the model's weights "
        "(.safetensors)",
    ),
)
QUICK_ONLY = kind(
    "lite.quick-only",
    QT_TRANSLATE_NOOP("Messages", "%1 is for fine-tuning; train --quick fits only a head (leave it out)"),
)


def refuse(feature: str) -> UsageError:
    """The refusal of ``feature`` in this edition: NEEDS_FULL in Lite, FILE_ONLY in full."""
    if edition.has_torch():
        return UsageError(FILE_ONLY(feature))
    return UsageError(edition.NEEDS_FULL(feature))


def check_command(args: argparse.Namespace) -> None:
    """In Lite, a sub-command that needs torch throughout is refused before any work."""
    command = getattr(args, "command", None)
    if command and command not in LITE_COMMANDS and not edition.has_torch():
        engine = getattr(args, "engine", None)
        feature = f"reslens-cli {command}" + (f" --engine {engine}" if engine == "ray" else "")
        raise UsageError(edition.NEEDS_FULL(feature))


def weights_feature(weights: str) -> str | None:
    """How a refusal names ``--weights`` that are not a Lite file, or ``None`` when they are one
    (or the bundled model, which ships as a Lite file)."""
    if weights in (None, DEFAULT, "bundled") or Path(str(weights)).suffix.lower() == ".onnx":
        return None
    if weights in IMAGENET_SOURCES:
        return f"ImageNet's published weights ({weights})"
    return f"--weights {weights}"


def _first(features: Iterable[str | None]) -> None:
    for feature in features:
        if feature:
            raise refuse(feature)


def _model_features(args: argparse.Namespace) -> list[str | None]:
    device = getattr(args, "device", AUTO_DEVICE) or AUTO_DEVICE
    return [
        weights_feature(getattr(args, "weights", DEFAULT)),
        None if device.strip().lower() in CPU_DEVICES else f"--device {device}",
    ]


def check_classify(args: argparse.Namespace) -> None:
    """``classify``: weights, device, the torch backend, autocast precisions, int8 calibration."""
    lite = not edition.has_torch()
    backend = getattr(args, "backend", None)
    precision = getattr(args, "precision", "fp32")
    _first(
        [
            *_model_features(args),
            "--backend torch" if lite and backend == "torch" else None,
            None if precision == "fp32" else f"--precision {precision}",
            "--calibrate (int8 calibration)" if getattr(args, "calibrate", None) is not None else None,
        ]
    )


def check_explain(args: argparse.Namespace) -> None:
    """``explain``: weights, device, and any layer but layer4 (per-layer Grad-CAM needs torch)."""
    _first(_model_features(args))
    layer = getattr(args, "layer", LAYER)
    if layer != LAYER:
        if edition.has_torch():
            raise UsageError(LAYER4_ONLY(layer))
        raise UsageError(edition.NEEDS_FULL(f"Grad-CAM at --layer {layer}"))


def check_summary(args: argparse.Namespace) -> None:
    """``summary``: the stored tree only; another size or class count needs a forward pass."""
    _first(
        [
            weights_feature(getattr(args, "weights", None) or DEFAULT),
            "summary --input-size" if getattr(args, "input_size", None) is not None else None,
            "summary --num-classes" if getattr(args, "num_classes", None) is not None else None,
        ]
    )


def check_quick_train(args: argparse.Namespace, given: Iterable[str]) -> None:
    """``train`` as the quick head: ``given`` are the fine-tuning options on the command line
    (their flags); the start must be a Lite file or the bundled model unless torch is here."""
    flags = list(given)
    if flags:
        if edition.has_torch():
            raise UsageError(QUICK_ONLY(flags[0]))
        raise UsageError(edition.NEEDS_FULL(f"{flags[0]} (fine-tuning)"))
    if not edition.has_torch():
        start = weights_feature(getattr(args, "start", None) or DEFAULT)
        if start:
            raise UsageError(edition.NEEDS_FULL(start.replace("--weights", "--from")))
