"""The data-driven plan: every setting chosen from the class counts and the start model, with a
reason a person can read (the window's Plan tab, the CLI's stderr, the model card)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from core.dataset import TrainingSet
from core.messages import QT_TRANSLATE_NOOP, Message, kind
from core.metadata import card_path
from core.sources import DEFAULT
from core.train.config import (
    FINE_TUNE_PASSES,
    MAX_UPSCALE,
    SCRATCH,
    SMALL_INPUT,
    START_CHOICES,
    TrainConfig,
    TrainingError,
    TrainPlan,
    start_key,
)

# --------------------------------------------------------------------------- the start model

BUNDLED_MODEL = kind("train.start.bundled", QT_TRANSLATE_NOOP("Messages", "bundled model (%1)"))
IMAGENET_MODEL = kind("train.start.imagenet", QT_TRANSLATE_NOOP("Messages", "%1 (%2)"))
RANDOM_INIT = kind("train.start.scratch", QT_TRANSLATE_NOOP("Messages", "random initialisation (%1)"))
NO_BUNDLED = kind(
    "train.error.no-bundled",
    QT_TRANSLATE_NOOP("Messages", "the bundled model is missing; start from ImageNet weights or a file"),
)
NOT_FOR_ARCH = kind(
    "train.error.imagenet-arch", QT_TRANSLATE_NOOP("Messages", "%1 weights exist for %2, not %3")
)
UNKNOWN_START = kind(
    "train.error.unknown-start",
    QT_TRANSLATE_NOOP("Messages", "cannot start from %1: not one of %2, and no such file"),
)
UNKNOWN_SETTINGS = kind(
    "train.error.unknown-settings", QT_TRANSLATE_NOOP("Messages", "unknown training setting(s): %1")
)


@dataclass(frozen=True)
class StartInfo:
    """What a start choice implies, known without loading it (for the plan)."""

    key: str  # the registry's key (default, imagenet-v1, imagenet-v2), scratch, or file
    arch: str | None
    crop: int | None
    resize: int | None
    label: Message | str  # a file's name, or what the choice is called (in the reader's language)


def describe_start(start: str, arch: str | None = None) -> StartInfo:
    """Architecture and input size of a start choice, from the sources registry or a file's card.

    ``start`` is a registry key, ``scratch`` or a weights file; the old alias ``bundled`` still
    names the bundled model (saved window settings and older cards say it)."""
    from core import sources

    start = start_key(start)
    if start == sources.DEFAULT:
        src = sources.bundled_source()
        if src is None:
            raise TrainingError(NO_BUNDLED())
        return StartInfo(sources.DEFAULT, src.archs[0], src.crop, src.resize, BUNDLED_MODEL(src.archs[0]))
    if start in sources.IMAGENET_SOURCES:
        src = sources.IMAGENET_SOURCES[start]
        chosen = arch or src.default_arch
        if chosen not in src.archs:
            raise TrainingError(NOT_FOR_ARCH(src.label, ", ".join(src.archs), chosen))
        return StartInfo(start, chosen, src.crop, src.resize, IMAGENET_MODEL(src.label, chosen))
    if start == SCRATCH:
        bundled = sources.bundled_source()
        chosen = arch or sources.bundled_arch()
        crop = bundled.crop if bundled else 224
        resize = bundled.resize if bundled else 256
        return StartInfo(SCRATCH, chosen, crop, resize, RANDOM_INIT(chosen))
    path = Path(start)
    if not path.is_file():
        raise TrainingError(UNKNOWN_START(repr(start), ", ".join(START_CHOICES)))
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


def plan_training(ts: TrainingSet, start: str = DEFAULT, **overrides: Any) -> TrainPlan:
    """Data-driven defaults for ``ts`` starting from ``start``; ``overrides`` win over them.

    ``start`` is recorded by the registry's name (the old alias ``bundled`` becomes ``default``).

    Every setting comes with a reason a person can read (for the final values, overrides
    included); the fields in ``overrides`` are recorded so the card's command repeats exactly those.
    """
    unknown = set(overrides) - {f.name for f in fields(TrainConfig)}
    if unknown:
        raise TrainingError(UNKNOWN_SETTINGS(", ".join(sorted(unknown))))
    overrides = {k: v for k, v in overrides.items() if v is not None and k != "start"}
    start = start_key(start)
    info = describe_start(start, overrides.get("arch"))
    counts = list(ts.counts().values())
    smallest, total = min(counts), sum(counts)
    scratch = info.key == SCRATCH

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


START_FROM = kind(
    "train.plan.start",
    QT_TRANSLATE_NOOP("Messages", "Start from the %1; architecture %2 follows it unless changed."),
)
AS_IN_FILE = kind("train.plan.arch-from-file", QT_TRANSLATE_NOOP("Messages", "as in the file"))
INPUT_LARGER = kind(
    "train.plan.input-larger",
    QT_TRANSLATE_NOOP(
        "Messages",
        "Input %1 px instead of the start model's %2: the pictures are at least that large, and small "
        "details (thin strokes) survive; the network adapts to the size while fine-tuning.",
    ),
)
INPUT_SAME = kind("train.plan.input-same", QT_TRANSLATE_NOOP("Messages", "Input %1 px, as the start model."))
VAL_FOLDER = kind(
    "train.plan.val-folder", QT_TRANSLATE_NOOP("Messages", "Validation on the separate folder %1.")
)
VAL_SPLIT = kind(
    "train.plan.val-split",
    QT_TRANSLATE_NOOP(
        "Messages",
        "Validation: %1 of each class (seeded, stratified: %2 of the smallest class) chooses the best "
        "epoch and measures precision and recall.",
    ),
)
CROPS = kind(
    "train.plan.crops",
    QT_TRANSLATE_NOOP(
        "Messages",
        "Crops keep at least %1 of the picture and turn it at most %2°: with few pictures, harder "
        "crops cut the object out.",
    ),
)
MIRROR_ON = kind("train.plan.mirror-on", QT_TRANSLATE_NOOP("Messages", "Mirror images on, as asked."))
MIRROR_OFF = kind(
    "train.plan.mirror-off",
    QT_TRANSLATE_NOOP(
        "Messages", "No mirror images: flips change text, digits and arrows (ask for them where they fit)."
    ),
)
HEAD_FIRST = kind(
    "train.plan.head-first",
    QT_TRANSLATE_NOOP(
        "Messages",
        "First the frozen network's features are computed once and a new head is fitted on them in "
        "seconds; fine-tuning then starts from that head, so a random head does not disturb the "
        "pretrained features.",
    ),
)
WHOLE_NETWORK = kind("train.plan.whole-network", QT_TRANSLATE_NOOP("Messages", "the whole network"))
NETWORK_FROM = kind(
    "train.plan.network-from",
    QT_TRANSLATE_NOOP(
        "Messages",
        "the network from %1 on (the first layers' general edge and stroke detectors stay as they "
        "are: faster, and steadier on few pictures)",
    ),
)
FINE_TUNE = kind(
    "train.plan.fine-tune",
    QT_TRANSLATE_NOOP(
        "Messages",
        "Then up to %1 epochs of fine-tuning %2, in batches of %3, stopping after %4 epochs without a "
        "better validation result; the best model is kept.",
    ),
)
LEARNING_RATE = kind(
    "train.plan.lr",
    QT_TRANSLATE_NOOP(
        "Messages",
        "Learning rate %1 (%2, warm-up then cosine decay): large enough to adapt the features to new "
        "classes in a few hundred steps.",
    ),
)


def _reasons(config: TrainConfig, info: StartInfo, smallest: int) -> tuple[Message, ...]:
    """Why each setting of ``config`` is what it is, as messages (the reader's language)."""
    reasons = [START_FROM(info.label, config.arch or AS_IN_FILE())]
    if info.crop and config.input_size != info.crop:
        reasons.append(INPUT_LARGER(config.input_size, info.crop))
    else:
        reasons.append(INPUT_SAME(config.input_size))
    if config.val_data:
        reasons.append(VAL_FOLDER(config.val_data))
    else:
        n_val = max(1, round(smallest * config.val_split)) if smallest >= 2 else 0
        reasons.append(VAL_SPLIT(f"{config.val_split:.0%}", n_val))
    reasons.append(CROPS(f"{config.min_scale:.0%}", f"{config.rotation:g}"))
    reasons.append(MIRROR_ON() if config.hflip else MIRROR_OFF())
    if config.head_epochs > 0:
        reasons.append(HEAD_FIRST())
    what = WHOLE_NETWORK() if config.fine_tune_from == "all" else NETWORK_FROM(config.fine_tune_from)
    reasons.append(FINE_TUNE(config.epochs, what, config.batch_size, config.patience))
    reasons.append(LEARNING_RATE(f"{config.lr:g}", config.optimizer))
    return tuple(reasons)
