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

import math
from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor

from core.architectures import ARCH_NAMES, pretty_arch
from core.errors import WeightsError
from core.metadata import ModelMeta
from core.preprocess import PIL_FILTERS

SIZE_RANGE = (16, 2048)
"""Smallest and largest ``crop_size``/``resize_size`` in pixels (a 2048 x 2048 input already
needs about a gigabyte of activations in a ResNet-50)."""

INTERPOLATIONS = tuple(PIL_FILTERS)
"""torchvision's ``InterpolationMode`` values that its ``Resize`` applies to PIL images (the names
:mod:`core.preprocess` maps to Pillow filters)."""

FLOAT_DTYPES = frozenset({torch.float16, torch.bfloat16, torch.float32, torch.float64})
INT_DTYPES = frozenset({torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64})


# --------------------------------------------------------------------------- metadata


def check_meta(data: Any, origin: str) -> ModelMeta:
    """A :class:`ModelMeta` from a decoded metadata record, or a ``WeightsError`` saying what is wrong.

    ``origin`` names where the record came from (``"model.safetensors"``) for the message.
    Keys ResLens does not know are ignored, so newer files still load.
    """

    def refuse(problem: str) -> WeightsError:
        return WeightsError(
            f"{origin}: the model metadata {problem}; these weights cannot be used as they are"
        )

    if not isinstance(data, Mapping):
        raise refuse(f"is a JSON {_json_type(data)}, not an object")
    arch = data.get("arch")
    if arch is None:
        raise refuse("names no architecture ('arch')")
    if arch not in ARCH_NAMES:
        raise refuse(f"names the architecture {_short(arch)}; expected one of {', '.join(ARCH_NAMES)}")
    categories = data.get("categories")
    if not isinstance(categories, list | tuple) or not categories:
        raise refuse(f"has 'categories' = {_short(categories)}; expected a non-empty list of class names")
    if not all(isinstance(name, str) for name in categories):
        bad = next(name for name in categories if not isinstance(name, str))
        raise refuse(f"has a class name {_short(bad)} that is not text")
    values: dict[str, Any] = {"arch": arch, "categories": tuple(categories)}
    low, high = SIZE_RANGE
    for key in ("crop_size", "resize_size"):
        if key in data:
            size = data[key]
            if not _is_int(size) or not low <= size <= high:
                raise refuse(
                    f"has {key} = {_short(size)}; expected a whole number of pixels from {low} to {high}"
                )
            values[key] = int(size)
    for key in ("mean", "std"):
        if key in data:
            values[key] = _three_numbers(data[key], key, positive=key == "std", refuse=refuse)
    if "interpolation" in data:
        mode = data["interpolation"]
        if not isinstance(mode, str) or mode.lower() not in INTERPOLATIONS:
            raise refuse(f"has interpolation = {_short(mode)}; expected one of {', '.join(INTERPOLATIONS)}")
        values["interpolation"] = mode.lower()
    name = data.get("name", "")
    values["name"] = name if isinstance(name, str) else str(name)
    card = data.get("card", {})
    values["card"] = dict(card) if isinstance(card, Mapping) else {}
    if "localized_categories" in data:
        values["localized_categories"] = _label_sets(data["localized_categories"], len(categories), refuse)
    return ModelMeta(**values)


def _label_sets(value: Any, count: int, refuse) -> dict[str, tuple[str, ...]]:
    """Second label sets (``{"zh_CN": [...]}``): per language, one text name per class, in order."""
    if not isinstance(value, Mapping):
        raise refuse(f"has localized_categories = {_short(value)}; expected an object of label lists")
    sets: dict[str, tuple[str, ...]] = {}
    for language, names in value.items():
        if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
            raise refuse(f"has localized_categories[{_short(language)}] that is not a list of names")
        if len(names) != count:
            raise refuse(
                f"has {len(names)} class names in localized_categories[{_short(language)}] "
                f"for {count} classes"
            )
        sets[str(language)] = tuple(names)
    return sets


def _three_numbers(value: Any, key: str, positive: bool, refuse) -> tuple[float, float, float]:
    if not isinstance(value, list | tuple) or len(value) != 3:
        raise refuse(f"has {key} = {_short(value)}; expected three numbers, one per colour channel")
    if not all(_finite_number(v) for v in value):
        raise refuse(f"has {key} = {_short(value)}; expected three finite numbers")
    if positive and not all(v > 0 for v in value):
        raise refuse(f"has {key} = {_short(value)}; every value must be above 0 (images are divided by it)")
    return tuple(float(v) for v in value)  # type: ignore[return-value]


def _finite_number(value: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer beyond any float
        return False


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_type(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- state dict


def check_state_dict(state: Any, origin: str) -> dict[str, Tensor]:
    """The state dict as ``{str: Tensor}``, or a ``WeightsError`` naming the first bad entry.

    Refuses non-text keys, values that are not tensors, sparse or quantized tensors, complex or
    boolean types, and floating-point tensors holding NaN or infinity (weights that cannot give a
    meaningful answer, typically from a training run that diverged).
    """
    if not isinstance(state, Mapping):
        raise WeightsError(f"{origin} holds a {type(state).__name__}, not a dictionary of weights")
    if not state:
        raise WeightsError(f"{origin} holds no tensors: it is not a weights file")
    checked: dict[str, Tensor] = {}
    for key, value in state.items():
        if not isinstance(key, str):
            raise WeightsError(
                f"{origin}: a weight is named {_short(key)} ({type(key).__name__}); names must be text"
            )
        if not isinstance(value, Tensor):
            raise WeightsError(f"{origin}: {_short(key)} is a {type(value).__name__}, not a tensor")
        _check_tensor(key, value, origin)
        checked[key] = value
    return checked


def _check_tensor(key: str, value: Tensor, origin: str) -> None:
    if value.layout != torch.strided or value.is_quantized or value.is_meta:
        raise WeightsError(f"{origin}: {_short(key)} is a sparse, quantized or empty placeholder tensor")
    if value.dtype not in FLOAT_DTYPES and value.dtype not in INT_DTYPES:
        raise WeightsError(f"{origin}: {_short(key)} has the type {value.dtype}, which no ResNet weight has")
    if value.is_floating_point() and value.numel() and not bool(torch.isfinite(value).all()):
        raise WeightsError(
            f"{origin}: {_short(key)} holds NaN or infinite values; these weights cannot give "
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
            parts.append(f"{len(missing)} missing (e.g. {_short(missing[0])})")
        if extra:
            parts.append(f"{len(extra)} unexpected (e.g. {_short(extra[0])})")
        raise WeightsError(f"the weights in {origin} do not fit {name}: {' and '.join(parts)} keys")
    for key, shape in expected.items():
        if key not in state:
            continue
        got = tuple(state[key].shape)
        if got != shape:
            raise WeightsError(
                f"the weights in {origin} do not fit {name}: {key} has shape {got}, expected {shape}"
            )
