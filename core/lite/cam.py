"""Class activation maps at layer4 in Lite: layer4's output weighed by the head's weights.

For a ResNet, the logits are ``fc(GAP(layer4))``, so the logit of class ``k`` is
``sum_c w[k, c] * mean(layer4[c]) + b[k]``: its gradient with respect to ``layer4[c]`` is
``w[k, c] / (h * w)`` at every position. Grad-CAM's channel weights (the gradient's spatial
mean) are therefore ``w[k, c] / (h * w)``, and Grad-CAM at layer4 is exactly
``relu(sum_c w[k, c] * layer4[c])`` divided by a constant, which the normalisation removes
(Zhou et al.'s CAM, 2016). No gradient is needed, so ONNX Runtime's forward pass is enough.

A quick head (:mod:`core.lite.quick_head`) is linear in the standardised GAP of layer4 too; its
map uses those weights (``W[k, layer4 block] / std``), which accounts for the part of the score
that comes from layer4's average (the max-pooled and earlier-layer parts have no such map).

The result is a :class:`CamMap` with the same fields as the full edition's ``core.cam.CamResult``
(normalised grid, scale, probabilities, the original's size and the crop the network saw, from
:func:`core.preprocess.eval_geometry`, the one owner of that geometry). Rendering (heat map,
peak, box, overlay) is ``CamResult``'s: :meth:`CamMap.to_cam_result`. ``core.cam`` imports torch
at module level today, so that step needs torch until ``CamResult`` and its drawing helpers move
to a torch-free module (they use numpy and Pillow only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from PIL import Image

from core.errors import UsageError
from core.images import load_rgb
from core.lite.runtime import LiteModel, softmax
from core.messages import QT_TRANSLATE_NOOP, kind
from core.preprocess import eval_geometry

LAYER = "layer4"
UNKNOWN_CLASS = kind(
    "lite.unknown-class", QT_TRANSLATE_NOOP("Messages", "unknown class %1; the model's classes are: %2")
)


@dataclass(frozen=True, eq=False)
class CamMap:
    """One class activation map and its geometry (fields as ``core.cam.CamResult``'s)."""

    source: str
    layer: str
    class_index: int
    label: str
    probability: float
    probabilities: tuple[float, ...]
    grid: np.ndarray  # layer4's resolution, divided by its maximum (0..1), zeros without evidence
    scale: float
    image_size: tuple[int, int]
    crop: tuple[float, float, float, float]

    @property
    def peak_cell(self) -> tuple[int, int] | None:
        """``(row, column)`` of the strongest cell, ``None`` without evidence."""
        if self.scale <= 0:
            return None
        row, col = np.unravel_index(int(np.argmax(self.grid)), self.grid.shape)
        return int(row), int(col)

    def to_cam_result(self) -> Any:
        """The full edition's ``core.cam.CamResult`` (heat map, peak, box, ``to_dict``, overlay)."""
        from core.cam import CamResult

        return CamResult(**{k: v for k, v in asdict(self).items()})


class LiteCam:
    """CAM at layer4 for a :class:`LiteModel` (see the module docstring); reusable, thread-safe."""

    def __init__(self, model: LiteModel) -> None:
        self.model = model
        head = model.record.head
        if head.kind == "linear":
            self.weights = head.arrays["weight"].astype(np.float32)
        else:
            from core.lite.quick_head import QuickHead

            self.weights = QuickHead.from_record(head).layer4_weights(head.features)

    def class_index(self, target: int | str | None, probabilities: Sequence[float]) -> int:
        """The class to explain: ``None`` for the top-1, an index, or a label."""
        categories = self.model.meta.categories
        if target is None:
            return int(np.argmax(probabilities))
        if isinstance(target, str):
            if target in categories:
                return categories.index(target)
            raise UsageError(UNKNOWN_CLASS(target, ", ".join(categories)))
        if not 0 <= int(target) < len(categories):
            raise UsageError(UNKNOWN_CLASS(str(target), ", ".join(categories)))
        return int(target)

    def compute(
        self, batch: np.ndarray, target: int | str | None = None
    ) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Raw maps ``(N, h, w)`` (non-negative, not normalised), probabilities and classes
        for a preprocessed batch, from one forward pass."""
        head = self.model.record.head
        if head.kind == "linear":
            out = self.model.run(batch, ("logits", LAYER))
            logits, layer4 = out["logits"], out[LAYER]
        else:
            from core.lite.quick_head import QuickHead, pool_features, used_layers

            names = tuple(dict.fromkeys((*used_layers(head.features), LAYER)))
            out = self.model.run(batch, names)
            logits = QuickHead.from_record(head).logits(pool_features(out, head.features))
            layer4 = out[LAYER]
        probabilities = softmax(logits)
        indices = [self.class_index(target, row) for row in probabilities]
        chosen = self.weights[indices].astype(np.float64)  # (N, C)
        maps = np.einsum("nc,nchw->nhw", chosen, layer4.astype(np.float64))
        return np.maximum(maps, 0.0).astype(np.float32), probabilities, indices

    def explain(self, image: Any, target: int | str | None = None, source: str | None = None) -> CamMap:
        """The CAM of one picture (a path or a PIL image) for ``target`` (default: the top-1)."""
        if source is None:
            source = "image" if isinstance(image, Image.Image) else str(image)
        picture = load_rgb(image)
        if target is not None:  # a wrong class fails before any work
            self.class_index(target, [0.0] * self.model.meta.num_classes)
        maps, probabilities, indices = self.compute(self.model.preprocess(picture)[None], target)
        grid, index = maps[0], indices[0]
        scale = float(grid.max())
        return CamMap(
            source=source,
            layer=LAYER,
            class_index=index,
            label=self.model.meta.categories[index],
            probability=float(probabilities[0, index]),
            probabilities=tuple(float(p) for p in probabilities[0]),
            grid=(grid / scale if scale > 0 else grid).astype(np.float32),
            scale=scale,
            image_size=picture.size,
            crop=eval_geometry(*picture.size, self.model.meta).crop_in_original(),
        )
