"""The network a run starts from (bundled, ImageNet, a file or scratch) with a head for the new
classes, the saved model's record, and the optimiser pieces every stage shares."""

from __future__ import annotations

import math
import os
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from core.messages import QT_TRANSLATE_NOOP, Message, kind
from core.metadata import IMAGENET_MEAN, IMAGENET_STD, ModelMeta
from core.resnet import ResNet, build_resnet
from core.train.config import SCRATCH, STAGE_NAMES, TrainConfig, TrainingError
from core.train.plan import describe_start

# What the start model's loading says while it happens (the window's progress line, the CLI's stderr).
LOADING_BUNDLED = kind(
    "train.status.loading-bundled", QT_TRANSLATE_NOOP("Messages", "Loading the bundled model")
)
DOWNLOADING = kind("train.status.downloading", QT_TRANSLATE_NOOP("Messages", "Downloading %1 weights for %2"))
DOWNLOADED_SHARE = kind(
    "train.status.downloading-share", QT_TRANSLATE_NOOP("Messages", "Downloading %1 weights for %2: %3")
)
LOADING_FILE = kind("train.status.loading-file", QT_TRANSLATE_NOOP("Messages", "Loading %1"))
BUNDLED_IS = kind(
    "train.error.bundled-arch",
    QT_TRANSLATE_NOOP(
        "Messages", "the bundled model is a %1; for %2 start from ImageNet weights, a file or scratch"
    ),
)
FILE_HOLDS = kind(
    "train.error.file-arch",
    QT_TRANSLATE_NOOP(
        "Messages",
        "%1 holds a %2, not a %3: leave the architecture to the file, or start from ImageNet weights "
        "or scratch",
    ),
)
CANNOT_START = kind("train.error.cannot-start", QT_TRANSLATE_NOOP("Messages", "cannot start from %1: %2"))
BAD_STAGE = kind("train.error.stage", QT_TRANSLATE_NOOP("Messages", "fine-tune from %1? choose all, %2"))
BAD_OPTIMIZER = kind(
    "train.error.optimizer", QT_TRANSLATE_NOOP("Messages", "unknown optimizer %1; choose adamw or sgd")
)
StatusCallback = Callable[[Message], None]

# --------------------------------------------------------------------------- model


def _resolve_device(choice: str) -> torch.device:
    """The device registry's answer, its error turned into a plain training error."""
    from core.devices import DeviceError, resolve_device

    try:
        return resolve_device(choice)
    except DeviceError as exc:
        raise TrainingError(exc.message) from None


@dataclass
class _Start:
    model: ResNet
    meta: ModelMeta  # the start model's preprocessing (and its classes)
    note: str
    identity: str  # for the feature cache: which weights
    head_kept: bool


def load_start(
    config: TrainConfig, classes: tuple[str, ...], on_status: StatusCallback | None = None
) -> _Start:
    """The network to train, with the start model's weights and a head for ``classes``.

    The start model's head is kept when it already has exactly these classes (reordered if need
    be); otherwise the network gets a new head (fitted on cached features before fine-tuning).
    """
    from core import sources
    from core.errors import WeightsError

    start = config.start
    status = on_status or (lambda message: None)
    info = describe_start(start, config.arch)
    if info.key == SCRATCH:
        arch = config.arch or info.arch or "resnet18"
        model = build_resnet(arch, num_classes=len(classes), zero_init_residual=True)
        meta = ModelMeta(arch, classes, info.crop or 224, info.resize or 256)
        return _Start(model, meta, "random initialisation", SCRATCH, False)
    try:
        if info.key == sources.DEFAULT:
            from core.weights import load_weights

            status(LOADING_BUNDLED())
            loaded = load_weights(None, sources.DEFAULT)
            if config.arch and config.arch != loaded.meta.arch:
                raise TrainingError(BUNDLED_IS(loaded.meta.arch, config.arch))
        elif info.key in sources.IMAGENET_SOURCES:
            from core.weights import is_cached, load_weights

            arch = info.arch or "resnet18"
            label = sources.IMAGENET_SOURCES[info.key].label
            if not is_cached(arch, info.key):
                status(DOWNLOADING(label, arch))

            said = [""]  # the share last said: once per percent, not once per chunk (thousands)

            def progress(done: int, total: int) -> None:
                share = f"{done / total:.0%}" if total else ""
                if share and share != said[0]:
                    said[0] = share
                    status(DOWNLOADED_SHARE(label, arch, share))

            loaded = load_weights(arch, info.key, on_progress=progress)
        else:
            from core.weights import load_weights_file

            status(LOADING_FILE(Path(start).name))
            loaded = load_weights_file(start, arch=None)
            if config.arch and config.arch != loaded.meta.arch:
                raise TrainingError(FILE_HOLDS(Path(start).name, loaded.meta.arch, config.arch))
    except WeightsError as exc:
        raise TrainingError(CANNOT_START(start, exc.message)) from None
    model = loaded.model.cpu().train()
    theirs = tuple(loaded.meta.categories)
    label = info.label
    identity = f"{start}:{loaded.weights_hash}"
    if theirs == classes:
        return _Start(model, loaded.meta, f"all layers from {label}", identity, True)
    if sorted(theirs) == sorted(classes):
        order = torch.tensor([theirs.index(c) for c in classes])
        with torch.no_grad():
            model.fc.weight.copy_(model.fc.weight[order])
            model.fc.bias.copy_(model.fc.bias[order])
        return _Start(
            model, loaded.meta, f"all layers from {label} (head reordered to our classes)", identity, True
        )
    model.fc = nn.Linear(model.fc.in_features, len(classes))
    return _Start(
        model, loaded.meta, f"all but the head from {label} (new {len(classes)}-class head)", identity, False
    )


def _output_meta(config: TrainConfig, start: _Start, classes: tuple[str, ...], name: str) -> ModelMeta:
    """The saved model's record: the start model's preprocessing at the planned input size."""
    crop = config.input_size or start.meta.crop_size
    resize = config.resize_size or round(crop * start.meta.resize_size / start.meta.crop_size)
    return ModelMeta(
        arch=config.arch or start.meta.arch,
        categories=classes,
        crop_size=crop,
        resize_size=resize,
        mean=tuple(start.meta.mean) if start.meta.mean else IMAGENET_MEAN,
        std=tuple(start.meta.std) if start.meta.std else IMAGENET_STD,
        interpolation=start.meta.interpolation or "bilinear",
        name=name,
    )


def frozen_modules(model: ResNet, fine_tune_from: str) -> list[nn.Module]:
    """The modules before ``fine_tune_from`` ("all": none; "layer2": the stem and layer1)."""
    if fine_tune_from == "all":
        return []
    if fine_tune_from not in STAGE_NAMES:
        raise TrainingError(BAD_STAGE(repr(fine_tune_from), ", ".join(STAGE_NAMES)))
    stem: list[nn.Module] = [model.conv1, model.bn1]
    return stem + [getattr(model, name) for name in STAGE_NAMES[: STAGE_NAMES.index(fine_tune_from)]]


def make_optimizer(params: Sequence[nn.Parameter], config: TrainConfig, lr: float) -> torch.optim.Optimizer:
    """No weight decay on biases and BatchNorm parameters (decaying them only hurts)."""
    params = list(params)
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    groups = [
        {"params": decay, "weight_decay": config.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    if config.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=lr, momentum=0.9, nesterov=True)
    if config.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=lr)
    raise TrainingError(BAD_OPTIMIZER(repr(config.optimizer)))


def make_schedule(
    optimizer: torch.optim.Optimizer, warmup_steps: int, total_steps: int
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up then cosine decay to zero, stepped per batch."""

    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def hardware_info(device: torch.device) -> dict[str, Any]:
    """Where a model was trained: enough to judge (and reproduce) its training time."""
    import torchvision

    info = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "device": str(device),
    }
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


def backbone_features(model: ResNet, images: Tensor) -> Tensor:
    """The pooled features the head sees (everything but ``fc``)."""
    x = model.maxpool(model.relu(model.bn1(model.conv1(images))))
    x = model.layer4(model.layer3(model.layer2(model.layer1(x))))
    return torch.flatten(model.avgpool(x), 1)
