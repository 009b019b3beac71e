"""Which edition of ResLens is running: the full one (torch inside) or Lite (ONNX Runtime only).

The one capability check behind every feature that needs torch (DESIGN.md, "Two editions"):
fine-tuning, ``.pth`` weights, per-layer Grad-CAM, ImageNet's published weights, the torch
backends. Callers ask :func:`has_torch` and, where a feature cannot be had, say
:data:`NEEDS_FULL` with the feature's name (the window greys the feature with that text as its
tooltip; the CLI refuses with it), never a traceback from a failed ``import torch``.

Lite is decided by what is installed (no ``torch`` package: the Lite bundle), or asked for with
``RESLENS_EDITION=lite`` on a full install: then :func:`enforce` makes ``import torch``,
``torchvision`` and ``onnx`` fail for the whole process, so a full install run as Lite behaves
exactly as the Lite bundle would (the tests run the window and the CLI that way) and an
accidental torch import is an error, not a silent 4 s.

Imports nothing heavy: the CLI's parser and the window's first paint use it.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from functools import cache

from core.messages import QT_TRANSLATE_NOOP, kind

EDITION_ENV = "RESLENS_EDITION"
FULL, LITE = "full", "lite"
NOT_IN_LITE = ("torch", "torchvision", "onnx")  # packages the Lite bundle does not ship

NEEDS_FULL = kind(
    "edition.needs-full",
    QT_TRANSLATE_NOOP("Messages", "%1 needs ResLens, full edition (with PyTorch)"),
)


class _NotInLite(importlib.abc.MetaPathFinder):
    """Refuses the packages Lite lacks, as their absence from the bundle would."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.split(".")[0] in NOT_IN_LITE:
            raise ModuleNotFoundError(
                f"No module named {name!r} (ResLens Lite: {EDITION_ENV}=lite)", name=name
            )
        return None


def asked_for_lite() -> bool:
    """Whether the environment asks this process to run as Lite."""
    return os.environ.get(EDITION_ENV, "").strip().lower() == LITE


def enforce() -> None:
    """Apply the edition asked for: under ``RESLENS_EDITION=lite`` block torch, torchvision, onnx.

    Called first by every entry point (window, CLI, self-test). Idempotent.
    """
    if asked_for_lite() and not any(isinstance(f, _NotInLite) for f in sys.meta_path):
        sys.meta_path.insert(0, _NotInLite())
        has_torch.cache_clear()


@cache
def has_torch() -> bool:
    """Whether torch can be imported here (without importing it: ``import torch`` takes seconds)."""
    if asked_for_lite():
        return False
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def edition() -> str:
    """``"full"`` or ``"lite"``: what this process can do."""
    return FULL if has_torch() else LITE


def torch_imported() -> bool:
    """Whether torch has been imported in this process (the Lite self-test reports it)."""
    return "torch" in sys.modules
