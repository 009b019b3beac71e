"""Every check on what comes with a set of weights, in one place, done once at load time.

A weights file is input from the outside world like an image: it can hold a scalar where a
matrix belongs, integer keys, a string among the tensors, zero classes, NaN, or metadata asking
for 3000 x 3000 inputs. :mod:`core.weights` reads the file and calls these checks before it
builds a model, so every such file is refused with a :class:`~core.errors.WeightsError` that
names the file and the problem, instead of failing later in ``topk``, in the transform, or on
every image as "could not read image".

The limits (also in the README, "What ResLens refuses and why"):

- metadata: ``arch`` one of ResNet-18..152; ``categories`` a non-empty list of strings;
  ``crop_size``/``resize_size`` whole numbers within :data:`SIZE_RANGE`; ``mean`` and ``std``
  three finite numbers each, ``std`` > 0; ``interpolation`` one of :data:`INTERPOLATIONS`;
  ``localized_categories`` (optional) one list of text names per language, as long as ``categories``;
- state dict: text keys, tensor values of a real number type (floating point, or integer
  counters such as ``num_batches_tracked``), dense, finite; a 2-D ``fc.weight`` with at least one
  class; and exactly the keys and shapes of the ResNet it claims to be.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor

from core.architectures import pretty_arch
from core.errors import WeightsError
from core.messages import QT_TRANSLATE_NOOP, kind

# The record's own checks live with the record (torch-free, and no import cycle with it); they
# are named here too because this module is where every check on weights is looked for.
from core.metadata import INTERPOLATIONS, SIZE_RANGE, brief, check_meta  # noqa: F401 - re-exported

NOT_A_DICT = kind(
    "weights.not-a-dict", QT_TRANSLATE_NOOP("Messages", "%1 holds a %2, not a dictionary of weights")
)
NO_TENSORS = kind(
    "weights.no-tensors", QT_TRANSLATE_NOOP("Messages", "%1 holds no tensors: it is not a weights file")
)

FLOAT_DTYPES = frozenset({torch.float16, torch.bfloat16, torch.float32, torch.float64})
INT_DTYPES = frozenset({torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64})


# --------------------------------------------------------------------------- state dict


def check_state_dict(state: Any, origin: str) -> dict[str, Tensor]:
    """The state dict as ``{str: Tensor}``, or a ``WeightsError`` naming the first bad entry.

    Refuses non-text keys, values that are not tensors, sparse or quantized tensors, complex or
    boolean types, and floating-point tensors holding NaN or infinity (weights that cannot give a
    meaningful answer, typically from a training run that diverged).
    """
    if not isinstance(state, Mapping):
        raise WeightsError(NOT_A_DICT(origin, type(state).__name__))
    if not state:
        raise WeightsError(NO_TENSORS(origin))
    checked: dict[str, Tensor] = {}
    for key, value in state.items():
        if not isinstance(key, str):
            raise WeightsError(
                f"{origin}: a weight is named {brief(key)} ({type(key).__name__}); names must be text"
            )
        if not isinstance(value, Tensor):
            raise WeightsError(f"{origin}: {brief(key)} is a {type(value).__name__}, not a tensor")
        _check_tensor(key, value, origin)
        checked[key] = value
    return checked


def _check_tensor(key: str, value: Tensor, origin: str) -> None:
    if value.layout != torch.strided or value.is_quantized or value.is_meta:
        raise WeightsError(f"{origin}: {brief(key)} is a sparse, quantized or empty placeholder tensor")
    if value.dtype not in FLOAT_DTYPES and value.dtype not in INT_DTYPES:
        raise WeightsError(f"{origin}: {brief(key)} has the type {value.dtype}, which no ResNet weight has")
    if value.is_floating_point() and value.numel() and not bool(torch.isfinite(value).all()):
        raise WeightsError(
            f"{origin}: {brief(key)} holds NaN or infinite values; these weights cannot give "
            "meaningful results (a training run that diverged?)"
        )


def head_classes(state: Mapping[str, Tensor], origin: str) -> int:
    """How many classes the final layer has: ``fc.weight`` must be a matrix with at least one row."""
    weight = state.get("fc.weight")
    if weight is None:
        raise WeightsError(f"{origin} has no final layer ('fc.weight')")
    if weight.dim() != 2 or weight.shape[0] < 1 or weight.shape[1] < 1:
        raise WeightsError(
            f"{origin}: the final layer 'fc.weight' has shape {tuple(weight.shape)}; "
            "expected (classes, features) with at least one class"
        )
    return int(weight.shape[0])


def check_fits(state: Mapping[str, Tensor], arch: str, num_classes: int, origin: str) -> None:
    """Every key and shape ``arch`` with ``num_classes`` outputs expects, and nothing else.

    Compared against the model built on the ``meta`` device (no memory, no time), so a wrong file
    is named precisely before any real model is allocated.
    """
    from core.resnet import build_resnet

    with torch.device("meta"):
        expected = {
            k: tuple(v.shape) for k, v in build_resnet(arch, num_classes=num_classes).state_dict().items()
        }
    name = pretty_arch(arch)
    # BatchNorm fills in a missing ``num_batches_tracked`` itself (torchvision's older files lack it).
    missing = [k for k in expected if k not in state and not k.endswith("num_batches_tracked")]
    extra = [k for k in state if k not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {brief(missing[0])})")
        if extra:
            parts.append(f"{len(extra)} unexpected (e.g. {brief(extra[0])})")
        raise WeightsError(f"the weights in {origin} do not fit {name}: {' and '.join(parts)} keys")
    for key, shape in expected.items():
        if key not in state:
            continue
        got = tuple(state[key].shape)
        if got != shape:
            raise WeightsError(
                f"the weights in {origin} do not fit {name}: {key} has shape {got}, expected {shape}"
            )
