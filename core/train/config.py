"""What a training run is given and what it gives back: settings, plan, progress, outcome.

Plain dataclasses (no torch), shared by the plan, the run, the CLI and the training window, and
pickled over the window's pipe to its training process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core.errors import EXIT_SOME_FAILED, ResLensError
from core.messages import QT_TRANSLATE_NOOP, Message, english, kind
from core.sources import DEFAULT, IMAGENET_SOURCES

SCRATCH = "scratch"
START_CHOICES = (DEFAULT, *IMAGENET_SOURCES, SCRATCH)
"""Where training can start, by the weight registry's names; anything else is a weights file."""
BUNDLED_ALIAS = "bundled"
"""What training called the bundled model before it used the registry's name: saved settings of
the training window and older model cards may still say it."""

STAGES = ("features", "head", "fine-tune")
MEMORY_BUDGET = 1 << 30  # decoded training pictures kept in RAM up to this many bytes
FINE_TUNE_PASSES = 5000  # pictures seen while fine-tuning (a small set: about 15 epochs of 340)
STAGE_NAMES = ("layer1", "layer2", "layer3", "layer4")
SMALL_INPUT = 128  # a start model below this input size may be fine-tuned larger
MAX_UPSCALE = 1.5
LOSS_TOLERANCE = 1e-3


class TrainingError(ResLensError):
    """A run that cannot start (bad folder, mismatched classes, unusable weights), said plainly."""


class DivergedError(TrainingError):
    """Every epoch diverged (NaN or infinite figures): nothing worth saving, and nothing saved.

    Exit 1, as for inputs that failed: the command was right, this data and these settings gave
    no model.
    """

    exit_code = EXIT_SOME_FAILED


def start_key(start: str | None) -> str:
    """The registry's name for a start choice: the old alias "bundled" (and nothing) is the
    bundled model's ``default``; every other choice, a file included, is itself."""
    return DEFAULT if start in (None, "", BUNDLED_ALIAS) else start


@dataclass(frozen=True)
class TrainConfig:
    """Everything a run depends on; recorded in the model card.

    ``None`` in ``arch``/``input_size``/``resize_size`` means "as the start model".
    """

    start: str = DEFAULT  # a START_CHOICES key (default: the bundled model) or a weights file
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
    why: tuple[Message, ...] = ()  # one reason per setting, as data (the reader's language)
    overrides: tuple[str, ...] = ()  # the config fields the caller set (the CLI flags to repeat)

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reasons in English: the CLI's lines and the model card's record."""
        return tuple(english(reason) for reason in self.why)

    def with_overrides(self, **overrides: Any) -> TrainPlan:
        """The same plan with some settings changed by hand (recorded as overrides)."""
        config = replace(self.config, **overrides)
        return TrainPlan(config, self.why, tuple(sorted(set(self.overrides) | set(overrides))))


# The progress line's words: what a terminal shows for a report (the window lays out its own).
STAGE_WORDS = {
    "features": kind("train.stage.features", QT_TRANSLATE_NOOP("Messages", "features")),
    "head": kind("train.stage.head", QT_TRANSLATE_NOOP("Messages", "head")),
    "fine-tune": kind("train.stage.fine-tune", QT_TRANSLATE_NOOP("Messages", "fine-tune")),
}
EPOCH_OF = kind("train.progress.epoch", QT_TRANSLATE_NOOP("Messages", "%1 %2/%3"))
TRAIN_FIGURES = kind("train.progress.train", QT_TRANSLATE_NOOP("Messages", "train loss %1 acc %2"))
VAL_FIGURES = kind("train.progress.val", QT_TRANSLATE_NOOP("Messages", "val loss %1 acc %2"))
SECONDS = kind("train.progress.time", QT_TRANSLATE_NOOP("Messages", "%1s"))
SECONDS_LEFT = kind("train.progress.time-left", QT_TRANSLATE_NOOP("Messages", "%1s (about %2s left)"))
BATCH_OF = kind("train.progress.batch", QT_TRANSLATE_NOOP("Messages", "batch %1/%2"))
THEN = kind("train.progress.parts", QT_TRANSLATE_NOOP("Messages", "%1  %2"))  # two parts of a line


def stage_word(stage: str) -> Message | str:
    """A stage's name in the reader's language (an unknown one as it is)."""
    word = STAGE_WORDS.get(stage)
    return word() if word else stage


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

    @property
    def message(self) -> Message:
        """The report's line, as data: stage and epoch, the figures so far, time and time left."""
        line = EPOCH_OF(stage_word(self.stage), self.epoch, self.epochs)
        if self.train_loss is not None:
            line = THEN(line, TRAIN_FIGURES(f"{self.train_loss:.4f}", f"{self.train_acc or 0:.1%}"))
        if self.val_loss is not None:
            line = THEN(line, VAL_FIGURES(f"{self.val_loss:.4f}", f"{self.val_acc or 0:.1%}"))
        elapsed = f"{self.elapsed_s:.0f}"
        time = SECONDS(elapsed) if self.eta_s is None else SECONDS_LEFT(elapsed, f"{self.eta_s:.0f}")
        return THEN(line, time)

    @property
    def batch_message(self) -> Message:
        """The line with the batch within the epoch (a heartbeat inside a long epoch)."""
        return THEN(self.message, BATCH_OF(self.step, self.steps))

    def line(self) -> str:
        """What a terminal shows (the line in English)."""
        return english(self.message)


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
