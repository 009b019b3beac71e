"""Grad-CAM (Selvaraju et al., 2017): where the network looked, at a layer the user chooses.

For a class ``c`` and a layer with feature maps ``A`` (``K x h x w``), Grad-CAM weighs each
channel by the mean gradient of the class's logit over that channel and keeps the positive part:
``cam = relu(sum_k mean(dy_c / dA_k) * A_k)``. The map has the layer's resolution; for the
bundled 64 px model that is 16 x 16 at ``layer1``, 8 x 8 at ``layer2``, 4 x 4 at ``layer3`` and
2 x 2 at ``layer4``, which is why attention looks sharper at the earlier stages.

:class:`GradCam` is bound to a model, its metadata and a layer named as in
``model.named_modules()`` (``"layer4"``, ``"layer3.1"``, ``"layer2.0.conv1"``; the architecture
tree's ``"stem"`` group means its last module, ``maxpool``). It is meant to be made once and
reused for every image: its hook lives only for one call and is removed in ``finally``, so
nothing accumulates across hundreds of images, and the hook ignores forward passes of other
threads, so a classifier sharing the model elsewhere is not disturbed. Only the layers after the
chosen one take part in the backward pass, and no parameter gradient is computed.

A :class:`CamResult` keeps the small layer-resolution map plus the geometry of the evaluation
transform (resize the shorter side, centre-crop), so the map, its peak and its box come out in
the pixel coordinates of the *original* image, after EXIF orientation (``core.images``). The
parts of the picture the crop cut off were never seen by the network and get zero.

Written here rather than taken from captum (``LayerGradCam``) or pytorch-grad-cam: both pull in
plotting or vision packages (matplotlib; OpenCV, scikit-learn) for what is ~40 lines of hooks,
and the bundle is large enough. ``tests/core/test_cam_captum.py`` checks this implementation
against captum's where captum is installed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import Tensor, nn

from core.cam_map import (  # noqa: F401 - drawing and results are re-exported from here
    BOX_LEVEL,
    Box,
    CamResult,
    colormap,
    crop_box,
    explained_class,
    grey16,
    overlay,
    raw_map_path,
    save_png,
)
from core.errors import UsageError
from core.images import ImageSource, load_rgb
from core.metadata import ModelMeta
from core.preprocess import EvalTransform

DEFAULT_LAYER = "layer4"
LAYER_ALIASES = {"stem": "maxpool"}  # virtual groups of core.summary's tree

# --------------------------------------------------------------------------- Grad-CAM


def resolve_layer(model: nn.Module, name: str) -> str:
    """The module name a CAM hooks for ``name`` (a module name or a tree group such as ``stem``).

    Raises :class:`~core.errors.UsageError` naming the stages and blocks to choose from.
    """
    name = LAYER_ALIASES.get(name, name)
    modules = dict(model.named_modules())
    if name and name in modules:
        return name
    choices = ["stem", *(n for n in modules if n.startswith("layer") and n.count(".") <= 1)]
    raise UsageError(f"no layer {name!r} in this model; choose one of: {', '.join(choices)}")


def cam_layers(model: nn.Module, input_size: int = 64) -> list[str]:
    """The module names a CAM can use, in tree order: those that output one feature map per pass.

    For the architecture panel, to enable only the rows that can explain (the root, the head,
    whose pooled output is 1 x 1, and a block's shared ``relu``, which runs twice, cannot).
    Runs one forward pass on zeros, hooks removed in ``finally``.
    """
    calls: dict[str, list[int]] = {}
    names = {module: name for name, module in model.named_modules() if name}

    def count(module: nn.Module, _inputs: Any, output: Any) -> None:
        is_map = isinstance(output, Tensor) and output.dim() == 4 and output.shape[2] * output.shape[3] > 1
        calls.setdefault(names[module], []).append(is_map)

    handles = [module.register_forward_hook(count) for module in names]
    was_training = model.training
    try:
        param = next(model.parameters())
        with torch.no_grad():
            model.eval()(torch.zeros(1, 3, input_size, input_size, device=param.device, dtype=param.dtype))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return [name for name in names.values() if calls.get(name) == [True]]


def explainable_in(summary: Any) -> frozenset[str]:
    """The rows of a ``core.summary`` tree a CAM can use, by :func:`cam_layers`' rule.

    Read from the summary's own forward hooks (output shape, number of calls), so the
    architecture panel knows which rows to grey out without a second forward pass: modules that
    output one spatial feature map per pass, plus the groups (``stem``) that stand for one.
    """
    names = {
        node.name
        for _, node in summary.root.walk()
        if node.name
        and node.calls == 1
        and node.output_shape is not None
        and len(node.output_shape) == 4
        and node.output_shape[2] * node.output_shape[3] > 1
    }
    names |= {group for group, module in LAYER_ALIASES.items() if module in names}
    return frozenset(names)


class GradCam:
    """Grad-CAM of ``model`` at one layer, reused across images (see the module docstring).

    Thread-safe: calls on one object run one at a time. The model is put in eval mode for a call
    and its train/eval mode restored afterwards.
    """

    def __init__(self, model: nn.Module, meta: ModelMeta, layer: str = DEFAULT_LAYER) -> None:
        self.model = model
        self.meta = meta
        arrays = EvalTransform(meta)  # torchvision's recipe in numpy: no torchvision import
        self.transform: Callable[[Image.Image], Tensor] = lambda image: torch.from_numpy(arrays(image))
        self._lock = threading.Lock()
        self.layer = layer

    @classmethod
    def from_loaded(cls, loaded: Any, layer: str = DEFAULT_LAYER) -> GradCam:
        """From :func:`core.weights.load_weights`' result (the model itself, not a fused copy)."""
        return cls(loaded.model, loaded.meta, layer)

    @property
    def layer(self) -> str:
        return self._layer

    @layer.setter
    def layer(self, name: str) -> None:
        self._layer = resolve_layer(self.model, name)

    def class_index(self, target: int | str | None, probabilities: Sequence[float]) -> int:
        """The class to explain: ``None`` for the top-1, an index, or a label of ``meta``."""
        return explained_class(self.meta.categories, target, probabilities)

    def explain(
        self, image: ImageSource, target: int | str | None = None, source: str | None = None
    ) -> CamResult:
        """Grad-CAM of one image (a path or a PIL image) for ``target`` (default: the top-1).

        Raises :class:`~core.errors.ImageDecodeError` for a file that is no picture and
        :class:`~core.errors.UsageError` for an unknown class.
        """
        if source is None:
            source = str(image) if not isinstance(image, Image.Image) else "image"
        picture = load_rgb(image)
        if target is not None:  # a wrong class must fail before any work is done
            self.class_index(target, [0.0] * self.meta.num_classes)
        with self._lock:  # the layer may be changed from another thread meanwhile
            layer = self._layer
            grids, probabilities, indices = self._compute(self.transform(picture).unsqueeze(0), target, layer)
        grid, index = grids[0], indices[0]
        scale = float(grid.max())
        return CamResult(
            source=source,
            layer=layer,
            class_index=index,
            label=self.meta.categories[index],
            probability=float(probabilities[0, index]),
            probabilities=tuple(float(p) for p in probabilities[0]),
            grid=(grid / scale if scale > 0 else grid).astype(np.float32),
            scale=scale,
            image_size=picture.size,
            crop=crop_box(*picture.size, self.meta),
        )

    def compute(
        self, batch: Tensor, target: int | str | None = None
    ) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Raw Grad-CAM for a preprocessed ``(N, 3, H, W)`` batch.

        Returns the maps ``(N, h, w)`` (non-negative, not normalised), the softmax
        probabilities ``(N, classes)`` and the class explained for each image.
        """
        with self._lock:
            return self._compute(batch, target, self._layer)

    def _compute(
        self, batch: Tensor, target: int | str | None, layer: str
    ) -> tuple[np.ndarray, np.ndarray, list[int]]:
        module = dict(self.model.named_modules())[layer]
        owner = threading.get_ident()
        outputs: list[Tensor] = []

        def keep_output(_module: nn.Module, _inputs: Any, output: Any) -> Any:
            if threading.get_ident() != owner or not isinstance(output, Tensor):
                return None
            outputs.append(output)
            # Hand a copy on, so an in-place op after this module (a ReLU) cannot change what
            # we differentiate against.
            return output.clone()

        handle = module.register_forward_hook(keep_output)
        was_training = self.model.training
        try:
            self.model.eval()
            param = next(self.model.parameters())
            with torch.inference_mode(False), torch.enable_grad():
                # a copy: the batch may be an inference tensor, made under torch.inference_mode
                x = batch.detach().to(param.device, param.dtype).clone().requires_grad_(True)
                logits = self.model(x)
                activation = _single_feature_map(outputs, layer)
                probabilities = torch.softmax(logits.detach().float(), dim=1).cpu().numpy()
                indices = [self.class_index(target, row) for row in probabilities]
                chosen = torch.as_tensor(indices, device=logits.device)
                score = logits.gather(1, chosen[:, None]).sum()  # images are independent in eval mode
                (gradient,) = torch.autograd.grad(score, activation)
            weights = gradient.mean(dim=(2, 3), keepdim=True)
            cams = torch.relu((weights * activation.detach()).sum(dim=1))
            return cams.float().cpu().numpy(), probabilities, indices
        finally:
            handle.remove()
            self.model.train(was_training)
            outputs.clear()


def _single_feature_map(outputs: list[Tensor], layer: str) -> Tensor:
    if len(outputs) != 1:
        raise UsageError(
            f"layer {layer!r} runs {len(outputs)} times in one forward pass (a shared module); "
            "choose its block or a convolution instead"
        )
    if outputs[0].dim() != 4:
        raise UsageError(f"layer {layer!r} gives no feature map (output shape {list(outputs[0].shape)})")
    return outputs[0]


# --------------------------------------------------------------------------- pictures
