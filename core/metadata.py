"""What travels with a set of weights: architecture, classes and the preprocessing they expect.

As in timm's pretrained configs, the model's preprocessing is derived from this record and
nowhere else, so no ImageNet constant is scattered through the pipeline or the GUI.

ResLens' own model files are ``.safetensors`` whose header metadata holds this record as JSON
under the key ``"reslens"``; a human-readable card (same JSON, plus free-form fields) sits beside
the file as ``<name>.json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
METADATA_KEY = "reslens"


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
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)

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

    The record is checked by :func:`core.validate.check_meta`: a record that is not JSON, or asks
    for something ResLens refuses (3000-pixel crops, a zero ``std``...), raises ``WeightsError``.
    """
    from safetensors import safe_open

    from core.errors import WeightsError
    from core.validate import check_meta

    with safe_open(str(path), framework="pt") as f:
        raw = (f.metadata() or {}).get(METADATA_KEY)
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise WeightsError(f"{path.name}: the model metadata is not valid JSON") from None
    return check_meta(data, path.name)


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
