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

The result is the full edition's :class:`core.cam_map.CamResult` (normalised grid, scale,
probabilities, the original's size and the crop the network saw), so the heat map, peak, box and
overlay are drawn by the same torch-free code in both editions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

from core.cam_map import CamResult, crop_box, explained_class
from core.images import load_rgb
from core.lite.runtime import LiteModel, softmax

LAYER = "layer4"


class LiteCam:
    """CAM at layer4 for a :class:`LiteModel` (see the module docstring); reusable, thread-safe."""

    layer = LAYER  # what ``explain`` reports as the layer explained, as GradCam.layer

    def __init__(self, model: LiteModel) -> None:
        self.model = model
        head = model.record.head
        if head.kind == "linear":
            self.weights = head.arrays["weight"].astype(np.float32)
        else:
            from core.lite.quick_head import QuickHead

            self.weights = QuickHead.from_record(head).layer4_weights(head.features)

    @property
    def meta(self) -> Any:
        """The model's :class:`~core.metadata.ModelMeta` (what ``explain`` reads, as from GradCam)."""
        return self.model.meta

    def class_index(self, target: int | str | None, probabilities: Sequence[float]) -> int:
        """The class to explain: ``None`` for the top-1, an index, or a label."""
        return explained_class(self.model.meta.categories, target, probabilities)

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

    def explain(self, image: Any, target: int | str | None = None, source: str | None = None) -> CamResult:
        """The CAM of one picture (a path or a PIL image) for ``target`` (default: the top-1)."""
        if source is None:
            source = "image" if isinstance(image, Image.Image) else str(image)
        picture = load_rgb(image)
        if target is not None:  # a wrong class fails before any work
            self.class_index(target, [0.0] * self.model.meta.num_classes)
        maps, probabilities, indices = self.compute(self.model.preprocess(picture)[None], target)
        grid, index = maps[0], indices[0]
        scale = float(grid.max())
        return CamResult(
            source=source,
            layer=LAYER,
            class_index=index,
            label=self.model.meta.categories[index],
            probability=float(probabilities[0, index]),
            probabilities=tuple(float(p) for p in probabilities[0]),
            grid=(grid / scale if scale > 0 else grid).astype(np.float32),
            scale=scale,
            image_size=picture.size,
            crop=crop_box(*picture.size, self.model.meta),
        )
