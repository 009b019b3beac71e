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

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import Tensor, nn

from core.errors import OutputError, UsageError
from core.export import replace_atomically
from core.images import ImageSource, load_rgb
from core.metadata import ModelMeta
from core.outputs import png_info
from core.preprocess import EvalTransform, eval_geometry

DEFAULT_LAYER = "layer4"
BOX_LEVEL = 0.5  # cam_box: the region at or above half of the map's maximum
LAYER_ALIASES = {"stem": "maxpool"}  # virtual groups of core.summary's tree

Box = tuple[float, float, float, float]


# --------------------------------------------------------------------------- geometry


def crop_box(width: int, height: int, meta: ModelMeta) -> Box:
    """Where the eval transform's centre crop lies in an image of ``width`` x ``height`` pixels.

    The geometry is :func:`core.preprocess.eval_geometry`'s (aspect limit, torchvision's
    ``Resize`` and ``CenterCrop``), returned as ``(x0, y0, x1, y1)`` in the original's continuous
    pixel coordinates. It may reach outside the image where the crop is padded.
    """
    return eval_geometry(width, height, meta).crop_in_original()


def _bilinear_weights(length: int, cells: int, lo: float, hi: float) -> np.ndarray:
    """``(length, cells)`` weights sampling ``cells`` values centred in ``[lo, hi)`` at each pixel.

    The same rule as ``F.interpolate(mode="bilinear", align_corners=False)``: cell ``j`` sits at
    ``lo + (j + 0.5) * (hi - lo) / cells``, values are clamped beyond the outer centres, and a
    pixel whose centre lies outside ``[lo, hi)`` gets no weight at all (the crop never saw it).
    """
    centres = np.arange(length, dtype=np.float64) + 0.5
    u = (centres - lo) / (hi - lo) * cells - 0.5
    u = np.clip(u, 0.0, cells - 1.0)
    left = np.floor(u).astype(np.int64)
    right = np.minimum(left + 1, cells - 1)
    frac = u - left
    weights = np.zeros((length, cells), dtype=np.float64)
    rows = np.arange(length)
    np.add.at(weights, (rows, left), 1.0 - frac)
    np.add.at(weights, (rows, right), frac)
    weights[(centres < lo) | (centres >= hi)] = 0.0
    return weights


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class CamResult:
    """One Grad-CAM: the class explained, its probability, and the map with its geometry.

    ``grid`` is the layer-resolution map divided by its maximum (``0..1``; all zeros when the
    layer holds no positive evidence for the class, and then ``peak`` and ``box`` are ``None``);
    ``scale`` is that maximum. ``image_size`` is the oriented original's ``(width, height)`` and
    ``crop`` the part of it the network saw (see :func:`crop_box`). Plain data, cheap to pass
    through a Qt signal: the full-resolution map is only made when asked for.
    """

    source: str
    layer: str
    class_index: int
    label: str
    probability: float
    probabilities: tuple[float, ...]
    grid: np.ndarray
    scale: float
    image_size: tuple[int, int]
    crop: Box
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def has_evidence(self) -> bool:
        return self.scale > 0.0

    def heatmap(self, size: tuple[int, int] | None = None) -> np.ndarray:
        """The map as float32 ``(height, width)`` in ``0..1``, covering the whole original.

        ``size`` (``(width, height)``) renders it for a scaled copy of the original instead, such
        as a preview or a thumbnail; the default is the original's own resolution, made once and
        kept (read-only).
        """
        if size is not None and tuple(size) != self.image_size:
            return self._render(*size)
        if "full" not in self._cache:
            heat = self._render(*self.image_size)
            heat.flags.writeable = False
            self._cache["full"] = heat
        return self._cache["full"]

    def _render(self, width: int, height: int) -> np.ndarray:
        sx, sy = width / self.image_size[0], height / self.image_size[1]
        x0, y0, x1, y1 = self.crop
        gh, gw = self.grid.shape
        rows = _bilinear_weights(height, gh, y0 * sy, y1 * sy)
        cols = _bilinear_weights(width, gw, x0 * sx, x1 * sx)
        heat = rows @ self.grid.astype(np.float64) @ cols.T
        return np.clip(heat, 0.0, 1.0).astype(np.float32)

    @property
    def peak(self) -> tuple[int, int] | None:
        """The map's maximum as ``(x, y)`` pixel indices of the original (after EXIF orientation).

        Located to better than one cell, as heat-map peaks are in keypoint detection: the centre
        of mass of the strongest cell and those of its 3 x 3 neighbours at ``BOX_LEVEL`` of the
        maximum or above. A layer-4 map of the bundled model is 2 x 2 cells, whose centres alone
        could only ever name four points of the picture. The point lies inside :meth:`box`.
        ``None`` without evidence; ties go to the first cell in reading order.
        """
        if not self.has_evidence:
            return None
        gh, gw = self.grid.shape
        row, col = np.unravel_index(int(np.argmax(self.grid)), self.grid.shape)
        top, left = max(row - 1, 0), max(col - 1, 0)
        near = self.grid[top : row + 2, left : col + 2].astype(np.float64)
        weights = np.where(near >= BOX_LEVEL, near, 0.0)
        rows, cols = np.indices(near.shape)
        cy = top + float((weights * rows).sum() / weights.sum())
        cx = left + float((weights * cols).sum() / weights.sum())
        x0, y0, x1, y1 = self.crop
        x = x0 + (cx + 0.5) * (x1 - x0) / gw
        y = y0 + (cy + 0.5) * (y1 - y0) / gh
        width, height = self.image_size
        return (min(max(int(x), 0), width - 1), min(max(int(y), 0), height - 1))

    def box(self, level: float = BOX_LEVEL) -> tuple[int, int, int, int] | None:
        """``(x0, y0, x1, y1)`` around the pixels at ``level`` x the maximum or above.

        Pillow's box convention (``Image.getbbox``): ``x1`` and ``y1`` are one past the last
        pixel. ``None`` without evidence.
        """
        if not self.has_evidence:
            return None
        heat = self.heatmap()
        ys, xs = np.nonzero(heat >= level * float(heat.max()))
        return (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)

    def to_dict(self) -> dict[str, Any]:
        """The record ``reslens-cli explain --json`` prints (without file names)."""
        peak, box = self.peak, self.box()
        return {
            "source": self.source,
            "label": self.label,
            "class_index": self.class_index,
            "probability": round(self.probability, 6),
            "layer": self.layer,
            "cam_peak": list(peak) if peak else None,
            "cam_box": list(box) if box else None,
            "width": self.image_size[0],
            "height": self.image_size[1],
        }


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
        categories = self.meta.categories
        if target is None:
            return int(np.argmax(probabilities))
        if isinstance(target, str):
            if target in categories:
                return categories.index(target)
            raise UsageError(f"unknown class {target!r}; the model's classes are: {', '.join(categories)}")
        if not 0 <= int(target) < len(categories):
            raise UsageError(f"class index {target} is out of range 0..{len(categories) - 1}")
        return int(target)

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


def colormap(heat: np.ndarray) -> np.ndarray:
    """The classic "jet" colours (blue, cyan, yellow, red) for values in ``0..1``, as uint8 RGB."""
    four = 4.0 * np.clip(heat, 0.0, 1.0)[..., None]
    rgb = np.clip(1.5 - np.abs(four - np.array([3.0, 2.0, 1.0], dtype=np.float32)), 0.0, 1.0)
    return (rgb * 255.0 + 0.5).astype(np.uint8)


def overlay(image: Image.Image, heat: np.ndarray, opacity: float = 0.5) -> Image.Image:
    """``image`` with the map blended over it at ``opacity`` (``heat`` sized like the image).

    Pixels the network never saw (outside the crop) keep the picture as it is.
    """
    if heat.shape != (image.height, image.width):
        raise ValueError(f"heat map {heat.shape} does not match the image {image.size}")
    base = np.asarray(image.convert("RGB"), dtype=np.float32)
    alpha = float(np.clip(opacity, 0.0, 1.0)) * (heat > 0)[..., None]
    blended = base * (1.0 - alpha) + colormap(heat).astype(np.float32) * alpha
    return Image.fromarray((blended + 0.5).astype(np.uint8), "RGB")


def grey16(heat: np.ndarray) -> Image.Image:
    """The raw map as a 16-bit grey image (``0..1`` → ``0..65535``), for analysis elsewhere."""
    values = (np.clip(heat, 0.0, 1.0) * 65535.0 + 0.5).astype(np.uint16)
    return Image.fromarray(values)


def raw_map_path(overlay_path: str | os.PathLike) -> Path:
    """Where the 16-bit grey map of an overlay written to ``overlay_path`` goes (CLI and GUI alike).

    ``x-cam.png`` -> ``x-cam16.png`` (what ``reslens-cli explain --raw`` documents); any other
    name gets ``-cam16`` appended to its stem: ``x.png`` -> ``x-cam16.png``.
    """
    path = Path(overlay_path)
    stem = path.stem[: -len("-cam")] if path.stem.casefold().endswith("-cam") else path.stem
    return path.with_name(f"{stem}-cam16.png")


def save_png(image: Image.Image, path: str | os.PathLike) -> Path:
    """Write ``image`` as PNG atomically: a temporary file in the same folder, then a rename.

    A reader never sees a half-written file, and a failure leaves no debris. Raises
    :class:`~core.errors.OutputError`.
    """
    path = Path(path)
    try:
        replace_atomically(path, lambda tmp: image.save(tmp, format="PNG", pnginfo=png_info()))
    except OSError as exc:
        target = path if os.access(path.parent, os.W_OK) else f"into {path.parent}"
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return path
