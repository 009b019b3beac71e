"""Teach a ResNet new classes from a few dozen pictures each, in minutes on a CPU.

This is the one training engine of ResLens: the window's "Train New Model" and ``reslens-cli
train`` both call :func:`plan_training` then :func:`train_model` (the command-line wiring lives
in :mod:`core.cli_train`). The bundled model was made by the same engine on :mod:`core.shapes`.

Why the recipe looks the way it does (the defaults of a 60,000-image recipe fail a person with 40
pictures per class: aggressive crops cut the object out and a timid learning rate never moves the
weights):

1. **Data-driven plan.** :func:`plan_training` looks at the class counts and the start model and
   picks every setting with a reason a person can read: gentle crops that keep the object, no
   mirror images unless asked (text and arrows change meaning), a seeded stratified validation
   split, enough epochs with early stopping.
2. **Features, then head.** The start model's frozen backbone turns every picture into a
   feature vector once (kept in memory for the next run on the same files in the same
   process); a new linear head is fitted on them in a second or two. That alone is often a usable model.
3. **Fine-tune.** The whole network then trains from that head (not from a random one, which
   would wreck the pretrained features in the first steps), with augmentation, AdamW, warm-up
   and cosine decay, keeping the epoch with the best validation result.

Pictures are read through :mod:`core.images` exactly as inference reads them; the saved model is
a ``.safetensors`` file with its :class:`~core.metadata.ModelMeta` in the header and a JSON card
beside it, written atomically. Nothing is ever written into the data folders.
"""

from __future__ import annotations

import copy
import json
import math
import os
import platform
import shlex
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import torch
from PIL import Image
from torch import Tensor, nn

from core.dataset import DatasetError, TrainingSet, scan_class_folder
from core.errors import ImageDecodeError, ResLensError
from core.images import MAX_ASPECT_RATIO, LimitAspect, build_transform, decode_for_model
from core.metadata import IMAGENET_MEAN, IMAGENET_STD, ModelMeta, card_path, save_model
from core.resnet import ARCHITECTURES, ResNet, build_resnet

START_CHOICES = ("bundled", "imagenet-v1", "imagenet-v2", "scratch")
"""Where training can start; anything else is a weights file's path."""

STAGES = ("features", "head", "fine-tune")
CLI_NAME = "reslens-cli"
MEMORY_BUDGET = 1 << 30  # decoded training pictures kept in RAM up to this many bytes
FINE_TUNE_PASSES = 5000  # pictures seen while fine-tuning (a small set: about 15 epochs of 340)
STAGE_NAMES = ("layer1", "layer2", "layer3", "layer4")
SMALL_INPUT = 128  # a start model below this input size may be fine-tuned larger
MAX_UPSCALE = 1.5
LOSS_TOLERANCE = 1e-3


class TrainingError(ResLensError):
    """A run that cannot start (bad folder, mismatched classes, unusable weights), said plainly."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything a run depends on; recorded in the model card.

    ``None`` in ``arch``/``input_size``/``resize_size`` means "as the start model".
    """

    start: str = "bundled"  # bundled, imagenet-v1, imagenet-v2, scratch, or a weights file
    arch: str | None = None
    input_size: int | None = None
    resize_size: int | None = None
    val_data: str | None = None  # a separate validation folder (else val_split of each class)
    val_split: float = 0.15
    head_epochs: int = 60  # full-batch steps fitting the new head on cached features (0: none)
    epochs: int = 12  # fine-tuning epochs (0: keep the head-only model)
    fine_tune_from: str = "layer2"  # first trained stage: all, layer1 .. layer4 (earlier ones frozen)
    batch_size: int = 32
    optimizer: str = "adamw"
    lr: float = 1e-3  # peak fine-tuning learning rate
    head_lr: float = 0.01
    weight_decay: float = 0.05
    warmup_epochs: float = 1.0
    label_smoothing: float = 0.1
    min_scale: float = 0.8  # RandomResizedCrop's smallest area fraction
    rotation: float = 8.0  # random rotation, degrees either way
    hflip: bool = False
    patience: int = 4  # stop after this many fine-tuning epochs without improvement
    seed: int = 0
    workers: int = 0  # DataLoader processes when the pictures do not fit in memory
    threads: int | None = None
    device: str = "auto"
    fp16: bool = False
    name: str | None = None
    checkpoint: str | None = None  # resumable state after each fine-tuning epoch (None: none)
    resume: str | None = None
    channels_last: bool = True


@dataclass(frozen=True)
class TrainPlan:
    """A resolved configuration and, for a person, why each default was chosen."""

    config: TrainConfig
    reasons: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()  # the config fields the caller set (the CLI flags to repeat)

    def with_overrides(self, **overrides: Any) -> TrainPlan:
        """The same plan with some settings changed by hand (recorded as overrides)."""
        config = replace(self.config, **overrides)
        return TrainPlan(config, self.reasons, tuple(sorted(set(self.overrides) | set(overrides))))


@dataclass(frozen=True)
class TrainProgress:
    """One report: within a batch or two while training, and at the end of every epoch."""

    stage: str  # "features" (caching frozen features), "head", "fine-tune"
    epoch: int  # 1-based epoch within the stage
    epochs: int
    step: int  # batch within the epoch
    steps: int
    elapsed_s: float
    eta_s: float | None  # whole run
    train_loss: float | None = None  # running, within the epoch
    train_acc: float | None = None
    val_loss: float | None = None  # set on the epoch's last report
    val_acc: float | None = None

    @property
    def epoch_end(self) -> bool:
        return self.val_loss is not None

    def line(self) -> str:
        """What a terminal shows."""
        text = f"{self.stage} {self.epoch}/{self.epochs}"
        if self.train_loss is not None:
            text += f"  train loss {self.train_loss:.4f} acc {self.train_acc or 0:.1%}"
        if self.val_loss is not None:
            text += f"  val loss {self.val_loss:.4f} acc {self.val_acc or 0:.1%}"
        text += f"  {self.elapsed_s:.0f}s"
        if self.eta_s is not None:
            text += f" (about {self.eta_s:.0f}s left)"
        return text


@dataclass(frozen=True)
class Evaluation:
    """The best model on the validation split."""

    classes: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]  # [true][predicted]
    precision: tuple[float, ...]
    recall: tuple[float, ...]
    accuracy: float
    mistakes: tuple[tuple[Path, int, int], ...]  # (image, true index, predicted index)
    loss: float = float("nan")

    def to_card(self) -> dict[str, Any]:
        return {
            "accuracy": round(self.accuracy, 5),
            "loss": round(self.loss, 5) if math.isfinite(self.loss) else None,
            "images": sum(map(sum, self.confusion)),
            "per_class": {
                name: {"precision": round(p, 4), "recall": round(r, 4), "images": sum(row)}
                for name, p, r, row in zip(
                    self.classes, self.precision, self.recall, self.confusion, strict=True
                )
            },
            "confusion": [list(row) for row in self.confusion],
        }


@dataclass(frozen=True)
class TrainOutcome:
    weights: Path | None  # the saved .safetensors (None when stopped before any model existed)
    card: dict[str, Any]  # also written beside it, as the sidecar json
    evaluation: Evaluation | None
    stopped: bool  # should_stop said so: the best model so far was kept (or, discarding, nothing)


# --------------------------------------------------------------------------- the start model


@dataclass(frozen=True)
class StartInfo:
    """What a start choice implies, known without loading it (for the plan)."""

    key: str  # bundled, imagenet-v1, imagenet-v2, scratch, file
    arch: str | None
    crop: int | None
    resize: int | None
    label: str


def describe_start(start: str, arch: str | None = None) -> StartInfo:
    """Architecture and input size of a start choice, from the sources registry or a file's card."""
    from core import sources

    if start in ("bundled", sources.DEFAULT):
        src = sources.bundled_source()
        if src is None:
            raise TrainingError("the bundled model is missing; start from ImageNet weights or a file")
        return StartInfo("bundled", src.archs[0], src.crop, src.resize, f"bundled model ({src.archs[0]})")
    if start in sources.IMAGENET_SOURCES:
        src = sources.IMAGENET_SOURCES[start]
        chosen = arch or src.default_arch
        if chosen not in src.archs:
            raise TrainingError(f"{src.label} weights exist for {', '.join(src.archs)}, not {chosen}")
        return StartInfo(start, chosen, src.crop, src.resize, f"{src.label} ({chosen})")
    if start == "scratch":
        bundled = sources.bundled_source()
        chosen = arch or sources.bundled_arch()
        crop = bundled.crop if bundled else 224
        resize = bundled.resize if bundled else 256
        return StartInfo("scratch", chosen, crop, resize, f"random initialisation ({chosen})")
    path = Path(start)
    if not path.is_file():
        known = ", ".join(START_CHOICES)
        raise TrainingError(f"cannot start from {start!r}: not one of {known}, and no such file")
    meta = _card_meta(path)
    if meta is None:
        return StartInfo("file", arch, None, None, path.name)
    return StartInfo("file", meta.get("arch"), meta.get("crop_size"), meta.get("resize_size"), path.name)


def _card_meta(path: Path) -> dict[str, Any] | None:
    """A weights file's ResLens record, read from its JSON card (no torch needed), if it has one."""
    card = card_path(path)
    if card == path or not card.is_file():
        return None
    try:
        data = json.loads(card.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# --------------------------------------------------------------------------- the plan


def plan_training(ts: TrainingSet, start: str = "bundled", **overrides: Any) -> TrainPlan:
    """Data-driven defaults for ``ts`` starting from ``start``; ``overrides`` win over them.

    Every setting comes with a reason a person can read (for the final values, overrides
    included); the fields in ``overrides`` are recorded so the card's command repeats exactly those.
    """
    unknown = set(overrides) - {f.name for f in fields(TrainConfig)}
    if unknown:
        raise TrainingError(f"unknown training setting(s): {', '.join(sorted(unknown))}")
    overrides = {k: v for k, v in overrides.items() if v is not None and k != "start"}
    info = describe_start(start, overrides.get("arch"))
    counts = list(ts.counts().values())
    smallest, total = min(counts), sum(counts)
    scratch = info.key == "scratch"

    crop = overrides.get("input_size") or input_size_for(ts, info.crop or 224)
    # A new input size keeps the start model's resize-to-crop ratio (the bundled model sees the
    # whole picture: 64 / 64; torchvision's ImageNet models a centre crop: 224 / 256).
    resize = round(crop * info.resize / info.crop) if info.crop and info.resize else round(crop / 0.875)
    val_split = 0.15 if smallest >= 20 else 0.2
    batch = overrides.get("batch_size") or (32 if total < 2000 else 64)
    n_val = max(1, round(smallest * val_split)) if smallest >= 2 else 0
    train_images = max(1, total - len(counts) * n_val)
    if scratch:  # many more passes: nothing to adapt, everything to learn
        epochs = min(60, max(20, math.ceil(40_000 / train_images)))
    else:  # about FINE_TUNE_PASSES pictures seen: minutes on a CPU; at least 6 epochs, at most 40
        epochs = min(40, max(6, round(FINE_TUNE_PASSES / train_images)))
    defaults = TrainConfig(
        start=start,
        arch=info.arch,
        input_size=crop,
        resize_size=resize,
        val_split=val_split,
        head_epochs=0 if scratch else 60,
        epochs=epochs,
        fine_tune_from="all" if scratch else "layer2",
        batch_size=batch,
        lr=2e-3 if scratch else 1e-3,
        patience=8 if scratch else 4,
    )
    config = replace(defaults, **overrides)
    return TrainPlan(config, _reasons(config, info, smallest), tuple(sorted(overrides)))


def input_size_for(ts: TrainingSet, start_crop: int) -> int:
    """The start model's input size, raised for a small model when the pictures are larger.

    A network trained at 64 px sees a 96 px glyph's thin strokes blurred away; fine-tuning at up to
    1.5x its training size (a multiple of 8, at most the pictures' median shorter side) keeps
    them, and a ResNet's global pooling takes any size. Measured on bench/teach.py (digits in
    held-out fonts): 64 px 87.7 %, 96 px 93.3 %, for about twice the compute. Models already
    at 128 px or more keep their size (on a CPU, more would cost too much).
    """
    if start_crop >= SMALL_INPUT or not ts.sizes:
        return start_crop
    shorter = sorted(min(size) for size in ts.sizes)[len(ts.sizes) // 2]
    target = min(shorter, round(start_crop * MAX_UPSCALE)) // 8 * 8
    return max(start_crop, target)


def _reasons(config: TrainConfig, info: StartInfo, smallest: int) -> tuple[str, ...]:
    """Why each setting of ``config`` is what it is, in words."""
    reasons = [
        f"Start from the {info.label}; architecture {config.arch or 'as in the file'} follows it "
        f"unless changed."
    ]
    if info.crop and config.input_size != info.crop:
        reasons.append(
            f"Input {config.input_size} px instead of the start model's {info.crop}: the pictures "
            f"are at least that large, and small details (thin strokes) survive; the network adapts "
            f"to the size while fine-tuning."
        )
    else:
        reasons.append(f"Input {config.input_size} px, as the start model.")
    if config.val_data:
        reasons.append(f"Validation on the separate folder {config.val_data}.")
    else:
        n_val = max(1, round(smallest * config.val_split)) if smallest >= 2 else 0
        reasons.append(
            f"Validation: {config.val_split:.0%} of each class (seeded, stratified: {n_val} of the "
            f"smallest class) chooses the best epoch and measures precision and recall."
        )
    reasons.append(
        f"Crops keep at least {config.min_scale:.0%} of the picture and turn it at most "
        f"{config.rotation:g}°: with few pictures, harder crops cut the object out."
    )
    reasons.append(
        "Mirror images on, as asked."
        if config.hflip
        else "No mirror images: flips change text, digits and arrows (ask for them where they fit)."
    )
    if config.head_epochs > 0:
        reasons.append(
            "First the frozen network's features are computed once and a new head is fitted on them "
            "in seconds; fine-tuning then starts from that head, so a random head does not disturb "
            "the pretrained features."
        )
    what = (
        "the whole network"
        if config.fine_tune_from == "all"
        else f"the network from {config.fine_tune_from} on (the first layers' general edge and "
        f"stroke detectors stay as they are: faster, and steadier on few pictures)"
    )
    reasons.append(
        f"Then up to {config.epochs} epochs of fine-tuning {what}, in batches of {config.batch_size}, "
        f"stopping after {config.patience} epochs without a better validation result; the best model "
        f"is kept."
    )
    reasons.append(
        f"Learning rate {config.lr:g} ({config.optimizer}, warm-up then cosine decay): large enough "
        f"to adapt the features to new classes in a few hundred steps."
    )
    return tuple(reasons)


# --------------------------------------------------------------------------- data


def stratified_split(
    samples: Sequence[tuple[Path, int]], fraction: float, seed: int
) -> tuple[list[tuple[Path, int]], list[tuple[Path, int]]]:
    """Hold out ``fraction`` of every class (at least one, never all): a fair per-class check.

    A class with a single picture keeps it for training. Seeded: the same split every run.
    """
    g = torch.Generator().manual_seed(seed)
    train, val = [], []
    for c in sorted({c for _, c in samples}):
        items = [s for s in samples if s[1] == c]
        order = torch.randperm(len(items), generator=g).tolist()
        n_val = min(max(1, round(len(items) * fraction)), len(items) - 1) if fraction > 0 else 0
        val += [items[i] for i in order[:n_val]]
        train += [items[i] for i in order[n_val:]]
    return train, val


class Pictures(torch.utils.data.Dataset):
    """``(path, class)`` pairs decoded by :mod:`core.images` as inference decodes them.

    Each picture is decoded once, as inference does (:func:`~core.images.decode_for_model` at
    inference's reduced scale), cut to the aspect limit and resized to the evaluation resize with
    the same arithmetic as torchvision's ``Resize``; when ``keep`` is set it stays in memory, so a
    small training set is read from disk once per run, not once per epoch. ``dataset[i]`` is the
    exact tensor inference computes for the file.
    """

    def __init__(self, samples: Sequence[tuple[Path, int]], meta: ModelMeta, keep: bool) -> None:
        self.samples = list(samples)
        self.meta = meta
        self.keep = keep
        self.cache: dict[int, Image.Image] = {}
        self.transform: Callable[[Image.Image], Tensor] = build_transform(meta)
        ratio = MAX_ASPECT_RATIO * max(1.0, meta.crop_size / meta.resize_size)
        self._limit = LimitAspect(ratio)

    def __len__(self) -> int:
        return len(self.samples)

    def picture(self, index: int) -> Image.Image:
        """The picture, decoded like inference and shrunk to the evaluation resize."""
        if index in self.cache:
            return self.cache[index]
        path = self.samples[index][0]
        meta = self.meta
        try:
            image, _ = decode_for_model(path, 2 * max(meta.resize_size, meta.crop_size))
        except ImageDecodeError as exc:  # changed on disk since the scan
            raise TrainingError(f"{path}: {exc}") from None
        image = self._limit(image)
        width, height = image.size
        short, long = min(width, height), max(width, height)
        if short > meta.resize_size:  # torchvision's Resize(int): the long side is truncated
            new_long = int(meta.resize_size * long / short)
            size = (meta.resize_size, new_long) if width <= height else (new_long, meta.resize_size)
            image = image.resize(size, _pil_filter(meta.interpolation))
        if self.keep:
            self.cache[index] = image
        return image

    def __getitem__(self, index: int) -> tuple[Tensor, int]:
        return self.transform(self.picture(index)), self.samples[index][1]


def _pil_filter(name: str) -> Image.Resampling:
    return {
        "nearest": Image.Resampling.NEAREST,
        "bicubic": Image.Resampling.BICUBIC,
        "lanczos": Image.Resampling.LANCZOS,
        "box": Image.Resampling.BOX,
        "hamming": Image.Resampling.HAMMING,
    }.get(name.lower(), Image.Resampling.BILINEAR)


class Augmented(torch.utils.data.Dataset):
    """A :class:`Pictures` set seen through training augmentation."""

    def __init__(self, pictures: Pictures, transform: Callable[[Image.Image], Tensor]) -> None:
        self.pictures = pictures
        self.transform = transform

    def __len__(self) -> int:
        return len(self.pictures)

    def __getitem__(self, index: int) -> tuple[Tensor, int]:
        return self.transform(self.pictures.picture(index)), self.pictures.samples[index][1]


def train_transforms(meta: ModelMeta, config: TrainConfig) -> Callable[[Image.Image], Tensor]:
    """Gentle augmentation: crops that keep the object, a small turn and slant, mild colour changes."""
    from torchvision.transforms import v2

    interpolation = _interpolation(meta.interpolation)
    steps: list[Any] = []
    if config.rotation:
        steps.append(Turn(config.rotation, interpolation))
    steps.append(
        v2.RandomResizedCrop(
            meta.crop_size, scale=(config.min_scale, 1.0), interpolation=interpolation, antialias=True
        )
    )
    if config.hflip:
        steps.append(v2.RandomHorizontalFlip())
    steps += [
        v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2, hue=0.02),
        v2.PILToTensor(),
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(list(meta.mean), list(meta.std)),
    ]
    return v2.Compose(steps)


class Turn:
    """Rotate and slant (shear) a picture by up to ``degrees``, filling the corners with its own border.

    A white or black fill would teach the network that corners of that colour mean something;
    the mean colour of the picture's outermost pixels continues its background instead.
    """

    def __init__(self, degrees: float, interpolation: Any) -> None:
        self.degrees = degrees
        self.interpolation = interpolation

    def __call__(self, image: Image.Image) -> Image.Image:
        from torchvision.transforms.v2 import functional as F  # noqa: N812 - torchvision's spelling

        angle, shear = (float(torch.empty(1).uniform_(-self.degrees, self.degrees)) for _ in range(2))
        return F.affine(
            image, angle=angle, translate=[0, 0], scale=1.0, shear=[shear, 0.0],
            interpolation=self.interpolation, fill=border_colour(image),
        )  # fmt: skip

    def __repr__(self) -> str:
        return f"{type(self).__name__}(degrees={self.degrees})"


def border_colour(image: Image.Image) -> list[int]:
    """The mean colour of the outermost row and column of pixels on every side."""
    w, h = image.size
    strips = [image.crop(box) for box in ((0, 0, w, 1), (0, h - 1, w, h), (0, 0, 1, h), (w - 1, 0, w, h))]
    total = [0, 0, 0]
    count = 0
    for strip in strips:
        for channel, value in enumerate(strip.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))[:3]):
            total[channel] += value * strip.width * strip.height
        count += strip.width * strip.height
    return [round(t / count) for t in total]


def _interpolation(name: str) -> Any:
    from torchvision.transforms import InterpolationMode

    return InterpolationMode(name.lower())


# --------------------------------------------------------------------------- model


def _resolve_device(choice: str) -> torch.device:
    """The device registry's answer, its error turned into a plain training error."""
    from core.devices import DeviceError, resolve_device

    try:
        return resolve_device(choice)
    except DeviceError as exc:
        raise TrainingError(str(exc)) from None


@dataclass
class _Start:
    model: ResNet
    meta: ModelMeta  # the start model's preprocessing (and its classes)
    note: str
    identity: str  # for the feature cache: which weights
    head_kept: bool


def load_start(
    config: TrainConfig, classes: tuple[str, ...], on_status: Callable[[str], None] | None = None
) -> _Start:
    """The network to train, with the start model's weights and a head for ``classes``.

    The start model's head is kept when it already has exactly these classes (reordered if need
    be); otherwise the network gets a new head (fitted on cached features before fine-tuning).
    """
    from core import sources
    from core.errors import WeightsError

    start = config.start
    status = on_status or (lambda text: None)
    info = describe_start(start, config.arch)
    if info.key == "scratch":
        arch = config.arch or info.arch or "resnet18"
        model = build_resnet(arch, num_classes=len(classes), zero_init_residual=True)
        meta = ModelMeta(arch, classes, info.crop or 224, info.resize or 256)
        return _Start(model, meta, "random initialisation", "scratch", False)
    try:
        if info.key == "bundled":
            from core.weights import load_weights

            status("Loading the bundled model")
            loaded = load_weights(None, sources.DEFAULT)
            if config.arch and config.arch != loaded.meta.arch:
                raise TrainingError(
                    f"the bundled model is a {loaded.meta.arch}; for {config.arch} start from ImageNet "
                    f"weights, a file or scratch"
                )
        elif info.key in sources.IMAGENET_SOURCES:
            from core.weights import is_cached, load_weights

            arch = info.arch or "resnet18"
            label = sources.IMAGENET_SOURCES[info.key].label
            if not is_cached(arch, info.key):
                status(f"Downloading {label} weights for {arch}")

            def progress(done: int, total: int) -> None:
                if total:
                    status(f"Downloading {label} weights for {arch}: {done / total:.0%}")

            loaded = load_weights(arch, info.key, on_progress=progress)
        else:
            from core.weights import load_weights_file

            status(f"Loading {Path(start).name}")
            loaded = load_weights_file(start, arch=None)
            if config.arch and config.arch != loaded.meta.arch:
                raise TrainingError(
                    f"{Path(start).name} holds a {loaded.meta.arch}, not a {config.arch}: leave the "
                    f"architecture to the file, or start from ImageNet weights or scratch"
                )
    except WeightsError as exc:
        raise TrainingError(f"cannot start from {start}: {exc}") from None
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
        raise TrainingError(f"fine-tune from {fine_tune_from!r}? choose all, {', '.join(STAGE_NAMES)}")
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
    raise TrainingError(f"unknown optimizer {config.optimizer!r}; choose adamw or sgd")


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


# --------------------------------------------------------------------------- feature cache

_FEATURE_CACHE: dict[tuple[str, str, int, int, tuple[tuple[str, int, int], ...]], Tensor] = {}
_FEATURE_CACHE_MAX = 4


def _file_keys(samples: Sequence[tuple[Path, int]]) -> tuple[tuple[str, int, int], ...]:
    keys = []
    for path, _ in samples:
        try:
            st = os.stat(path)
            keys.append((str(Path(path).absolute()), st.st_mtime_ns, st.st_size))
        except OSError:
            keys.append((str(path), 0, 0))
    return tuple(keys)


def backbone_features(model: ResNet, images: Tensor) -> Tensor:
    """The pooled features the head sees (everything but ``fc``)."""
    x = model.maxpool(model.relu(model.bn1(model.conv1(images))))
    x = model.layer4(model.layer3(model.layer2(model.layer1(x))))
    return torch.flatten(model.avgpool(x), 1)


# --------------------------------------------------------------------------- the run


def _score(val_loss: float, val_acc: float) -> tuple[float, float]:
    """How good a model is on the validation pictures: lower loss first (a small validation set
    moves its accuracy in coarse steps, one picture at a time, while its loss keeps showing
    progress), then accuracy. Losses within ``LOSS_TOLERANCE`` count as equal, so the later,
    further-annealed model wins a tie only when its accuracy is at least as good."""
    return (-round(val_loss / LOSS_TOLERANCE) * LOSS_TOLERANCE, val_acc)


class _Stopped(Exception):
    """should_stop() said so."""


@dataclass
class _Best:
    score: tuple[float, float] = (-math.inf, 0.0)  # (-val loss, val acc): higher is better
    state: dict[str, Tensor] | None = None
    stage: str = ""
    epoch: int = 0
    val_acc: float = float("nan")
    val_loss: float = float("nan")


@dataclass
class _Clock:
    """Elapsed time and a whole-run ETA from the measured cost of a unit of work."""

    start: float = field(default_factory=time.perf_counter)
    units_total: float = 1.0
    units_done: float = 0.0
    offset: float = 0.0

    def elapsed(self) -> float:
        return self.offset + time.perf_counter() - self.start

    def eta(self) -> float | None:
        if self.units_done <= 0:
            return None
        rate = (time.perf_counter() - self.start) / self.units_done
        return max(0.0, (self.units_total - self.units_done) * rate)


class _Run:
    """One training run: data, model, the three stages; ``run()`` drives it."""

    def __init__(
        self,
        ts: TrainingSet,
        plan: TrainPlan,
        out: Path,
        on_progress: Callable[[TrainProgress], None] | None,
        should_stop: Callable[[], bool] | None,
        on_status: Callable[[str], None] | None,
    ) -> None:
        self.ts, self.plan, self.config, self.out = ts, plan, plan.config, out
        self.on_progress = on_progress or (lambda p: None)
        self.should_stop = should_stop or (lambda: False)
        self.on_status = on_status or (lambda text: None)
        self.best = _Best()
        self.history: list[dict[str, Any]] = []
        self.clock = _Clock()

    # -- helpers

    def check_stop(self) -> None:
        if self.should_stop():
            raise _Stopped

    def report(self, **values: Any) -> None:
        self.on_progress(TrainProgress(elapsed_s=self.clock.elapsed(), eta_s=self.clock.eta(), **values))

    # -- set-up

    def prepare(self) -> None:
        config, ts = self.config, self.ts
        if config.arch is not None and config.arch not in ARCHITECTURES:
            known = ", ".join(ARCHITECTURES)
            raise TrainingError(f"unknown architecture {config.arch!r}; choose one of {known}")
        if config.threads:
            torch.set_num_threads(config.threads)
        torch.manual_seed(config.seed)
        self.device = _resolve_device(config.device)
        self.classes = ts.classes
        self.start = load_start(config, self.classes, self.on_status)
        self.model = self.start.model
        name = config.name or self.out.stem
        self.meta = _output_meta(config, self.start, self.classes, name)
        if config.val_data:
            val_ts = scan_class_folder(Path(config.val_data))
            if val_ts.classes != self.classes:
                raise TrainingError(
                    f"validation classes {', '.join(val_ts.classes)} differ from training classes "
                    f"{', '.join(self.classes)}"
                )
            train_samples, val_samples = list(ts.samples), list(val_ts.samples)
        else:
            train_samples, val_samples = stratified_split(ts.samples, config.val_split, config.seed)
        per_image = 3 * self.meta.resize_size * self.meta.resize_size * MAX_ASPECT_RATIO
        keep = per_image * len(train_samples) < MEMORY_BUDGET
        self.train_pictures = Pictures(train_samples, self.meta, keep)
        self.val_pictures = Pictures(val_samples, self.meta, keep)
        self.keep = keep
        self.model.to(self.device)
        if config.channels_last:
            self.model.to(memory_format=torch.channels_last)
        self.criterion = nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)
        self.do_head = (
            config.head_epochs > 0
            and not self.start.head_kept
            and self.start.identity != "scratch"
            and not config.resume
        )
        batches = math.ceil(len(train_samples) / config.batch_size)
        val_batches = math.ceil(len(val_samples) / config.batch_size)
        # Units of work for the ETA: one forward+backward batch = 3, a forward-only batch = 1.
        feature_units = (batches + val_batches) if self.do_head else 0
        self.clock.units_total = feature_units + config.epochs * (3 * batches + val_batches)

    def loader(
        self, dataset: torch.utils.data.Dataset, shuffle: bool, seed: int = 0
    ) -> torch.utils.data.DataLoader:
        generator = torch.Generator().manual_seed(seed)
        workers = 0 if self.keep else self.config.workers
        return torch.utils.data.DataLoader(
            dataset,
            batch_size=self.config.batch_size,
            shuffle=shuffle,
            num_workers=workers,
            generator=generator,
            drop_last=shuffle and len(dataset) > self.config.batch_size,
        )

    def to_device(self, images: Tensor, targets: Tensor) -> tuple[Tensor, Tensor]:
        images, targets = images.to(self.device), targets.to(self.device)
        if self.config.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        return images, targets

    # -- stage 1 and 2: features, head

    def features(self, pictures: Pictures, part: str) -> tuple[Tensor, Tensor]:
        """Frozen-backbone features of every picture (eval mode), from the cache when possible."""
        key = (
            self.start.identity,
            part,
            self.meta.crop_size,
            self.meta.resize_size,
            _file_keys(pictures.samples),
        )
        targets = torch.tensor([c for _, c in pictures.samples], dtype=torch.long)
        if key in _FEATURE_CACHE:
            self.clock.units_done += math.ceil(len(pictures) / self.config.batch_size)
            return _FEATURE_CACHE[key], targets
        self.model.eval()
        loader = self.loader(pictures, shuffle=False)
        chunks = []
        with torch.no_grad():
            for step, (images, _) in enumerate(loader, 1):
                images, _ = self.to_device(images, torch.zeros(0))
                chunks.append(backbone_features(self.model, images).float().cpu())
                self.clock.units_done += 1
                self.report(stage="features", epoch=1, epochs=1, step=step, steps=len(loader))
                self.check_stop()
        feats = torch.cat(chunks) if chunks else torch.zeros(0, self.model.fc.in_features)
        if len(_FEATURE_CACHE) >= _FEATURE_CACHE_MAX:
            _FEATURE_CACHE.pop(next(iter(_FEATURE_CACHE)))
        _FEATURE_CACHE[key] = feats
        return feats, targets

    def fit_head(self) -> None:
        """A new linear head on cached features: full-batch AdamW, a second or two on a CPU."""
        config = self.config
        self.on_status("Computing features")
        train_x, train_y = self.features(self.train_pictures, "train")
        val_x, val_y = self.features(self.val_pictures, "val")
        self.on_status("Fitting the new head")
        head = nn.Linear(train_x.shape[1], len(self.classes))
        torch.manual_seed(config.seed)
        nn.init.zeros_(head.weight)
        nn.init.zeros_(head.bias)
        optimizer = torch.optim.AdamW(head.parameters(), lr=config.head_lr, weight_decay=config.weight_decay)
        schedule = make_schedule(optimizer, 0, config.head_epochs)
        criterion = nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)
        best_state, best_score, best_epoch = None, (-math.inf, 0.0), 0
        try:
            for epoch in range(1, config.head_epochs + 1):
                head.train()
                logits = head(train_x)
                loss = criterion(logits, train_y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                schedule.step()
                train_acc = (logits.argmax(1) == train_y).float().mean().item()
                with torch.no_grad():
                    val_loss, val_acc = self._val_scores(head(val_x), val_y, criterion)
                score = _score(val_loss, val_acc)
                if best_state is None or score > best_score:
                    best_score, best_state, best_epoch = score, copy.deepcopy(head.state_dict()), epoch
                self.report(
                    stage="head", epoch=epoch, epochs=config.head_epochs, step=1, steps=1,
                    train_loss=loss.item(), train_acc=train_acc, val_loss=val_loss, val_acc=val_acc,
                )  # fmt: skip
                self.check_stop()
        except _Stopped:  # the best head so far is the best model so far: Stop keeps it
            if best_state is not None:
                self._keep_head(head, best_state, best_score, best_epoch)
            raise
        assert best_state is not None
        self._keep_head(head, best_state, best_score, config.head_epochs)

    def _keep_head(
        self, head: nn.Linear, state: dict[str, Tensor], score: tuple[float, float], epoch: int
    ) -> None:
        """Put the fitted head on the network and offer it as the best model so far."""
        head.load_state_dict(state)
        with torch.no_grad():
            self.model.fc.weight.copy_(head.weight)
            self.model.fc.bias.copy_(head.bias)
        val_loss, val_acc = -score[0], score[1]
        self.history.append({"stage": "head", "epoch": epoch, "val_loss": val_loss, "val_acc": val_acc})
        self.consider("head", epoch, val_acc, val_loss)

    @staticmethod
    def _val_scores(logits: Tensor, targets: Tensor, criterion: nn.Module) -> tuple[float, float]:
        if len(targets) == 0:
            return float("nan"), float("nan")
        return criterion(logits, targets).item(), (logits.argmax(1) == targets).float().mean().item()

    def consider(self, stage: str, epoch: int, val_acc: float, val_loss: float) -> bool:
        """Keep the model if it is the best so far (no validation set: the latest is the best);
        True only when it is strictly better (what early stopping counts)."""
        score = (float(len(self.history)), 0.0) if math.isnan(val_loss) else _score(val_loss, val_acc)
        better = score > self.best.score
        if better or (score == self.best.score and self.best.state is not None):  # a tie: the later one
            self.best = _Best(score, copy.deepcopy(self.model.state_dict()), stage, epoch, val_acc, val_loss)
        return better

    # -- stage 3: fine-tune

    def fine_tune(self) -> bool:
        """Train the network from ``fine_tune_from`` on; True when early stopping ended it."""
        config = self.config
        if config.epochs <= 0:
            return False
        self.on_status("Fine-tuning")
        aug = train_transforms(self.meta, config)
        train_loader = self.loader(Augmented(self.train_pictures, aug), shuffle=True, seed=config.seed)
        val_loader = self.loader(self.val_pictures, shuffle=False)
        steps = len(train_loader)
        frozen = frozen_modules(self.model, config.fine_tune_from)
        for module in frozen:
            module.requires_grad_(False)
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        optimizer = make_optimizer(trainable, config, config.lr)
        schedule = make_schedule(optimizer, int(config.warmup_epochs * steps), config.epochs * steps)
        first = 1
        if config.resume:
            first = self._load_checkpoint(Path(config.resume), optimizer, schedule)
        since_best = 0
        for epoch in range(first, config.epochs + 1):
            train_loader.generator.manual_seed(config.seed * 1000 + epoch)
            torch.manual_seed(config.seed * 1000 + epoch)  # augmentation draws: repeatable per epoch
            self.model.train()
            for module in frozen:  # frozen layers keep their BatchNorm statistics too
                module.eval()
            total_loss, correct, seen = 0.0, 0, 0
            for step, (images, targets) in enumerate(train_loader, 1):
                images, targets = self.to_device(images, targets)
                logits = self.model(images)
                loss = self.criterion(logits, targets)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                schedule.step()
                total_loss += loss.item() * len(targets)
                correct += (logits.argmax(1) == targets).sum().item()
                seen += len(targets)
                self.clock.units_done += 3
                if step < steps:
                    self.report(
                        stage="fine-tune", epoch=epoch, epochs=config.epochs, step=step, steps=steps,
                        train_loss=total_loss / seen, train_acc=correct / seen,
                    )  # fmt: skip
                    self.check_stop()
            val_loss, val_acc = self.validate(val_loader)
            train_loss, train_acc = total_loss / max(seen, 1), correct / max(seen, 1)
            lr = schedule.get_last_lr()[0]
            self.history.append(
                {"stage": "fine-tune", "epoch": epoch, "train_loss": train_loss, "train_acc": train_acc,
                 "val_loss": val_loss, "val_acc": val_acc, "lr": lr}
            )  # fmt: skip
            improved = self.consider("fine-tune", epoch, val_acc, val_loss)
            since_best = 0 if improved else since_best + 1
            if config.checkpoint:
                self._save_checkpoint(Path(config.checkpoint), optimizer, schedule, epoch)
            self.report(
                stage="fine-tune", epoch=epoch, epochs=config.epochs, step=steps, steps=steps,
                train_loss=train_loss, train_acc=train_acc, val_loss=val_loss, val_acc=val_acc,
            )  # fmt: skip
            self.check_stop()
            if since_best >= config.patience and not math.isnan(val_acc):
                return True
        return False

    def validate(self, loader: torch.utils.data.DataLoader) -> tuple[float, float]:
        self.model.eval()
        total_loss, correct, seen = 0.0, 0, 0
        with torch.no_grad():
            for images, targets in loader:
                images, targets = self.to_device(images, targets)
                logits = self.model(images)
                total_loss += self.criterion(logits, targets).item() * len(targets)
                correct += (logits.argmax(1) == targets).sum().item()
                seen += len(targets)
                self.clock.units_done += 1
        if seen == 0:
            return float("nan"), float("nan")
        return total_loss / seen, correct / seen

    def _save_checkpoint(
        self, path: Path, optimizer: torch.optim.Optimizer, schedule: Any, epoch: int
    ) -> None:
        """Fine-tuning state, plain tensors and numbers only (loadable with ``weights_only=True``)."""
        from core.export import replace_atomically

        path.parent.mkdir(parents=True, exist_ok=True)
        best = self.best
        blob = {
            "model": self.model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "schedule": schedule.state_dict(),
            "classes": list(self.classes),
            "epoch": epoch,
            "best_state": best.state or {},
            "best": [best.score[0], best.score[1], best.stage, best.epoch, best.val_acc, best.val_loss],
            "history": self.history,
            "elapsed": self.clock.elapsed(),
        }
        replace_atomically(path, lambda tmp: torch.save(blob, tmp))

    def _load_checkpoint(self, path: Path, optimizer: torch.optim.Optimizer, schedule: Any) -> int:
        try:
            ckpt = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is the same error for the user
            raise TrainingError(f"cannot resume from {path}: {exc}") from None
        if tuple(ckpt.get("classes", ())) != self.classes:
            raise TrainingError(f"{path} was trained on other classes: {ckpt.get('classes')}")
        self.model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        schedule.load_state_dict(ckpt["schedule"])
        acc, neg_loss, stage, epoch, val_acc, val_loss = ckpt["best"]
        self.best = _Best((acc, neg_loss), ckpt["best_state"] or None, stage, int(epoch), val_acc, val_loss)
        self.history = list(ckpt["history"])
        self.clock.offset = float(ckpt["elapsed"])
        return int(ckpt["epoch"]) + 1

    # -- after

    def evaluate(self) -> Evaluation | None:
        """The best model on the validation split: confusion, precision, recall, the mistakes."""
        if len(self.val_pictures) == 0:
            return None
        self.model.eval()
        n = len(self.classes)
        confusion = [[0] * n for _ in range(n)]
        mistakes = []
        loader = self.loader(self.val_pictures, shuffle=False)
        total_loss, index = 0.0, 0
        with torch.no_grad():
            for images, targets in loader:
                images, targets = self.to_device(images, targets)
                logits = self.model(images)
                total_loss += self.criterion(logits, targets).item() * len(targets)
                for t, p in zip(targets.tolist(), logits.argmax(1).tolist(), strict=True):
                    confusion[t][p] += 1
                    if t != p:
                        mistakes.append((self.val_pictures.samples[index][0], t, p))
                    index += 1
        precision = tuple(
            confusion[c][c] / col if (col := sum(row[c] for row in confusion)) else 0.0 for c in range(n)
        )
        recall = tuple(confusion[c][c] / sum(confusion[c]) if sum(confusion[c]) else 0.0 for c in range(n))
        accuracy = sum(confusion[c][c] for c in range(n)) / max(index, 1)
        return Evaluation(
            self.classes, tuple(map(tuple, confusion)), precision, recall, accuracy, tuple(mistakes),
            total_loss / max(index, 1),
        )  # fmt: skip

    def card(self, evaluation: Evaluation | None, stopped: bool, early: bool) -> dict[str, Any]:
        config, best = self.config, self.best
        counts = self.ts.counts()
        return {
            "architecture": self.meta.arch,
            "classes": list(self.classes),
            "input_size": self.meta.crop_size,
            "val_accuracy": None if math.isnan(best.val_acc) else round(best.val_acc, 5),
            "val_loss": None if math.isnan(best.val_loss) else round(best.val_loss, 5),
            "best_stage": best.stage,
            # The new head on the frozen start network, not fine-tuned (stopped, or no better).
            "head_only": best.stage == "head",
            "best_epoch": best.epoch,
            "epochs_run": sum(1 for h in self.history if h["stage"] == "fine-tune"),
            "stopped": "by the user" if stopped else ("early (no improvement)" if early else "planned end"),
            "command": reproduce_command(self.ts.origin, self.out, self.plan),
            "seed": config.seed,
            "training_time_s": round(self.clock.elapsed(), 1),
            "hardware": hardware_info(self.device),
            "start": {"from": config.start, "init": self.start.note},
            "init": self.start.note,
            "data": {
                "folder": self.ts.origin,
                "train": self.ts.origin,
                "val": config.val_data or f"{config.val_split:.0%} of each class (seed {config.seed})",
                "class_counts": counts,
                "train_images": len(self.train_pictures),
                "val_images": len(self.val_pictures),
                "unreadable": [[str(p), why] for p, why in self.ts.unreadable],
            },
            "evaluation": evaluation.to_card() if evaluation else None,
            "plan": {"reasons": list(self.plan.reasons), "overrides": list(self.plan.overrides)},
            "config": {k: v for k, v in asdict(config).items() if k not in ("checkpoint", "resume")},
            "history": self.history,
        }

    def save(self, card: dict[str, Any]) -> Path:
        """Write the best weights and the card, each atomically (complete or absent)."""
        meta = replace(self.meta, card=card)
        save_model(self.best.state or self.model.state_dict(), meta, self.out, fp16=self.config.fp16)
        return self.out

    def run(self, discard_on_stop: bool) -> TrainOutcome:
        stopped = early = False
        try:
            self.prepare()
            self.check_stop()  # Stop while the start model loaded: nothing was trained
            if self.do_head:
                self.fit_head()
            early = self.fine_tune()
        except _Stopped:
            stopped = True
        if stopped and (discard_on_stop or self.best.state is None):
            return TrainOutcome(None, {}, None, True)
        if self.best.state is None:  # no validation pictures and no epoch ended: keep what we have
            self.consider("fine-tune", self.config.epochs, float("nan"), float("nan"))
        self.model.load_state_dict(self.best.state)
        evaluation = self.evaluate()
        card = self.card(evaluation, stopped, early)
        self.save(card)
        return TrainOutcome(self.out, card, evaluation, stopped)


def train_model(
    ts: TrainingSet,
    plan: TrainPlan,
    out: Path | str,
    *,
    on_progress: Callable[[TrainProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_status: Callable[[str], None] | None = None,
    discard_on_stop: bool = False,
) -> TrainOutcome:
    """Train on ``ts`` as ``plan`` says and save the best model to ``out`` (+ its card beside it).

    ``on_progress`` hears after every batch and at every epoch's end; ``should_stop`` is asked
    after every batch: when it says yes the best model so far is saved (``stopped=True``), or
    nothing at all with ``discard_on_stop`` (a window closed mid-run). ``on_status`` hears what
    is happening in words ("Downloading ImageNet V1 weights: 40 %"). The output is written
    atomically and never into the data folders (``out`` inside one is refused).
    """
    out = Path(out)
    if out.suffix.lower() != ".safetensors":
        raise TrainingError(f"{out.name}: the output must be a .safetensors file")
    _refuse_data_folder(out, ts)
    if not out.parent.is_dir():
        raise TrainingError(f"{out.parent}: no such folder for the output")
    return _Run(ts, plan, out, on_progress, should_stop, on_status).run(discard_on_stop)


def _refuse_data_folder(out: Path, ts: TrainingSet) -> None:
    """Never write into a person's image folders."""
    target = out.absolute().parent
    folders = {Path(ts.origin).absolute()} if ts.origin else set()
    folders |= {Path(p).absolute().parent for p, _ in ts.samples}
    for folder in folders:
        if target == folder or folder in target.parents:
            raise TrainingError(f"{out}: refusing to write into the training pictures' folder {folder}")


# --------------------------------------------------------------------------- reproducing a run

# Config field -> CLI flag (booleans: the flag that sets the non-default value).
CLI_FLAGS: dict[str, str] = {
    "arch": "--arch",
    "input_size": "--input-size",
    "resize_size": "--resize-size",
    "val_data": "--val-data",
    "val_split": "--val-split",
    "head_epochs": "--head-epochs",
    "epochs": "--epochs",
    "batch_size": "--batch-size",
    "optimizer": "--optimizer",
    "lr": "--lr",
    "head_lr": "--head-lr",
    "weight_decay": "--weight-decay",
    "warmup_epochs": "--warmup-epochs",
    "label_smoothing": "--label-smoothing",
    "min_scale": "--min-scale",
    "rotation": "--rotation",
    "fine_tune_from": "--fine-tune-from",
    "hflip": "--hflip",
    "patience": "--patience",
    "seed": "--seed",
    "workers": "--workers",
    "threads": "--threads",
    "device": "--device",
    "fp16": "--fp16",
    "name": "--name",
    "checkpoint": "--checkpoint",
}


def reproduce_command(data: str, out: Path, plan: TrainPlan) -> str:
    """``reslens-cli train DATA --out FILE`` plus the settings that were chosen by hand."""
    args = [CLI_NAME, "train", data or "DATA", "--out", str(out)]
    if plan.config.start != "bundled":
        args += ["--from", plan.config.start]
    for name in plan.overrides:
        flag = CLI_FLAGS.get(name)
        value = getattr(plan.config, name)
        if flag is None or value is None:
            continue
        if isinstance(value, bool):
            if value:
                args.append(flag)
            elif name == "hflip":
                continue
        else:
            args += [flag, str(value)]
    return shlex.join(args)


__all__ = [
    "START_CHOICES",
    "DatasetError",
    "Evaluation",
    "TrainConfig",
    "TrainOutcome",
    "TrainPlan",
    "TrainProgress",
    "TrainingError",
    "plan_training",
    "stratified_split",
    "train_model",
]


if __name__ == "__main__":  # ``python -m core.train train ...``: the CLI's own command, as in old cards
    import sys

    from core.cli import main

    sys.exit(main(sys.argv[1:]))
