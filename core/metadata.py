"""What travels with a set of weights: architecture, classes and the preprocessing they expect.

As in timm's pretrained configs, the model's preprocessing is derived from this record and
nowhere else, so no ImageNet constant is scattered through the pipeline or the GUI.

ResLens' own model files are ``.safetensors`` whose header metadata holds this record as JSON
under the key ``"reslens"``; a human-readable card (same JSON, plus free-form fields) sits beside
the file as ``<name>.json``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.architectures import ARCH_NAMES
from core.errors import WeightsError

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
METADATA_KEY = "reslens"
SIZE_RANGE = (16, 2048)
"""Smallest and largest ``crop_size``/``resize_size`` in pixels (a 2048 x 2048 input already
needs about a gigabyte of activations in a ResNet-50)."""

INTERPOLATIONS = ("nearest", "nearest-exact", "bilinear", "bicubic", "box", "hamming", "lanczos")
"""torchvision's ``InterpolationMode`` values that its ``Resize`` applies to PIL images: what a
model's record may name. :data:`core.preprocess.PIL_FILTERS` maps exactly these (a test checks),
kept there because this module imports neither numpy nor Pillow (the CLI's parser reads it)."""


@dataclass(frozen=True)
class ModelMeta:
    """Everything needed to build the network and preprocess images for it.

    ``crop_size`` is the side of the square the network sees; images are first resized so the
    shorter side is ``resize_size``, then centre-cropped (torchvision's evaluation recipe).
    ``card`` holds the model card's free-form facts (training command, seed, accuracy...).
    ``localized_categories`` holds second label sets, one per language (``{"zh_CN": ["箭头",
    ...]}``), each in the order of ``categories``: the names a person reads in that language.
    ``categories`` stay the canonical names (exports, the CLI, label files); a set exists only for
    a model that ships one, so names are never made up for a model that has none.
    """

    arch: str
    categories: tuple[str, ...]
    crop_size: int = 224
    resize_size: int = 256
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    interpolation: str = "bilinear"
    name: str = ""
    card: dict[str, Any] = field(default_factory=dict)
    localized_categories: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def num_classes(self) -> int:
        return len(self.categories)

    def categories_in(self, language: str) -> tuple[str, ...]:
        """The class names in ``language`` (``"zh_CN"``) when the model has that set, else the
        canonical ones."""
        names = self.localized_categories.get(language, ())
        return names if len(names) == len(self.categories) else self.categories

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelMeta:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("categories", "mean", "std"):
            if key in values:
                values[key] = tuple(values[key])
        if "localized_categories" in values:
            values["localized_categories"] = {
                language: tuple(names) for language, names in values["localized_categories"].items()
            }
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> ModelMeta:
        return cls.from_dict(json.loads(text))


def card_path(weights_path: Path) -> Path:
    """The JSON card beside a weights file: ``model.safetensors`` → ``model.json``."""
    return weights_path.with_suffix(".json")


def read_safetensors_meta(path: Path) -> ModelMeta | None:
    """The ResLens record in a safetensors header, or ``None`` when the file has none.

    The record is checked by :func:`check_meta`: a record that is not JSON, or asks
    for something ResLens refuses (3000-pixel crops, a zero ``std``...), raises ``WeightsError``.
    """
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        raw = (f.metadata() or {}).get(METADATA_KEY)
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise WeightsError(f"{path.name}: the model metadata is not valid JSON") from None
    return check_meta(data, path.name)


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
        raise refuse(f"names the architecture {brief(arch)}; expected one of {', '.join(ARCH_NAMES)}")
    categories = data.get("categories")
    if not isinstance(categories, list | tuple) or not categories:
        raise refuse(f"has 'categories' = {brief(categories)}; expected a non-empty list of class names")
    if not all(isinstance(name, str) for name in categories):
        bad = next(name for name in categories if not isinstance(name, str))
        raise refuse(f"has a class name {brief(bad)} that is not text")
    values: dict[str, Any] = {"arch": arch, "categories": tuple(categories)}
    low, high = SIZE_RANGE
    for key in ("crop_size", "resize_size"):
        if key in data:
            size = data[key]
            if not _is_int(size) or not low <= size <= high:
                raise refuse(
                    f"has {key} = {brief(size)}; expected a whole number of pixels from {low} to {high}"
                )
            values[key] = int(size)
    for key in ("mean", "std"):
        if key in data:
            values[key] = _three_numbers(data[key], key, positive=key == "std", refuse=refuse)
    if "interpolation" in data:
        mode = data["interpolation"]
        if not isinstance(mode, str) or mode.lower() not in INTERPOLATIONS:
            raise refuse(f"has interpolation = {brief(mode)}; expected one of {', '.join(INTERPOLATIONS)}")
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
        raise refuse(f"has localized_categories = {brief(value)}; expected an object of label lists")
    sets: dict[str, tuple[str, ...]] = {}
    for language, names in value.items():
        if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
            raise refuse(f"has localized_categories[{brief(language)}] that is not a list of names")
        if len(names) != count:
            raise refuse(
                f"has {len(names)} class names in localized_categories[{brief(language)}] for {count} classes"
            )
        sets[str(language)] = tuple(names)
    return sets


def _three_numbers(value: Any, key: str, positive: bool, refuse) -> tuple[float, float, float]:
    if not isinstance(value, list | tuple) or len(value) != 3:
        raise refuse(f"has {key} = {brief(value)}; expected three numbers, one per colour channel")
    if not all(_finite_number(v) for v in value):
        raise refuse(f"has {key} = {brief(value)}; expected three finite numbers")
    if positive and not all(v > 0 for v in value):
        raise refuse(f"has {key} = {brief(value)}; every value must be above 0 (images are divided by it)")
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


def brief(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def save_model(state_dict: dict[str, Any], meta: ModelMeta, path: Path, fp16: bool = False) -> Path:
    """Write weights (+ metadata in the header) as safetensors and the JSON card beside them,
    each replaced atomically: a reader (or a crash) never sees half a model.

    ``fp16`` halves the file; floating tensors are cast back to float32 on load.
    """
    import torch
    from safetensors.torch import save_file

    from core.export import replace_atomically

    tensors = {}
    for key, value in state_dict.items():
        value = value.detach().cpu().contiguous()
        if fp16 and value.is_floating_point():
            value = value.to(torch.float16)
        tensors[key] = value
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = meta.to_json()
    replace_atomically(path, lambda tmp: save_file(tensors, str(tmp), metadata={METADATA_KEY: text}))
    replace_atomically(card_path(path), lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    return path
