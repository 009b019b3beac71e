"""Numeric command-line options: each has one allowed range, checked when the command line is read.

A value outside its range (or NaN, or infinity) is refused by argparse itself, before any work,
with exit 2 and a message that names the flag and what it accepts::

    reslens-cli train: error: argument --lr: 'nan' is not a number > 0 and ≤ 10

Every sub-command that takes the same option (``--batch-size`` in classify, batch and train;
``--seed`` in train and generate-shapes) uses the same :class:`Range` from here, so a rule has one
owner. Ranges are what the code downstream can honour: a seed numpy accepts, a thread count the
machine can start, an input size a saved model can be loaded with.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

from core.metadata import SIZE_RANGE  # the crop/resize sizes every loader accepts


@dataclass(frozen=True)
class Range:
    """The values an option accepts; an instance is argparse's ``type=`` for that option.

    ``low``/``high`` are bounds (``None``: unbounded); ``low_open``/``high_open`` exclude them.
    Integers are whole numbers written as such (``"3"``, not ``"3.0"``); floats must be finite.
    """

    low: float | None
    high: float | None
    integer: bool = False
    low_open: bool = False
    high_open: bool = False

    @property
    def __name__(self) -> str:  # argparse names the type in some messages
        return "integer" if self.integer else "number"

    def describe(self) -> str:
        """ "a whole number from 1 to 4096", "a number > 0 and ≤ 10", "a number ≥ 0"."""
        noun = "a whole number" if self.integer else "a number"
        low, high = _shown(self.low), _shown(self.high)
        if self.low is not None and self.high is not None and not (self.low_open or self.high_open):
            return f"{noun} from {low} to {high}"
        parts = []
        if self.low is not None:
            parts.append(f"{'>' if self.low_open else '≥'} {low}")
        if self.high is not None:
            parts.append(f"{'<' if self.high_open else '≤'} {high}")
        return f"{noun} {' and '.join(parts)}" if parts else noun

    def contains(self, value: float) -> bool:
        if isinstance(value, float) and not math.isfinite(value):
            return False
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return not (self.high is not None and (value >= self.high if self.high_open else value > self.high))

    def __call__(self, text: str) -> int | float:
        value = self.parse(text)
        if value is None or not self.contains(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not {self.describe()}")
        return value

    def parse(self, text: str) -> int | float | None:
        """The number ``text`` spells, or None when it is not one of this range's kind."""
        text = text.strip()
        if self.integer:
            try:
                return int(text, 10)
            except ValueError:
                return None
        try:
            return float(text)
        except ValueError:
            return None


def _shown(bound: float | None) -> str:
    if bound is None:
        return ""
    return str(int(bound)) if float(bound).is_integer() else repr(bound)


def whole(low: int, high: int | None) -> Range:
    return Range(low, high, integer=True)


# The ranges, by what they count. Each names what the code downstream can honour.
TOP_K = whole(1, 1000)  # shown predictions (fewer when the model has fewer classes)
BATCH_SIZE = whole(1, 4096)
SEED = whole(0, 2**32 - 1)  # numpy's and torch's generators both take it
THREADS = whole(1, 1024)  # torch intra-op threads; more only thrash (5,000 hung a 2-core machine)
WORKERS = whole(0, 256)  # DataLoader processes (0: in the main process)
PROCESSES = whole(1, 256)  # generate-shapes processes
EPOCHS = whole(1, 100_000)
HEAD_EPOCHS = whole(0, 100_000)  # 0 skips the head stage
PATIENCE = whole(1, 100_000)
IMAGE_SIZE = whole(*SIZE_RANGE)  # --input-size / --resize-size / generate-shapes --size
PER_CLASS = whole(1, 10_000_000)
SHARD_SIZE = whole(1, 10_000_000)
SUMMARY_CLASSES = whole(1, 100_000)  # summary --num-classes: a 2048 x 100,000 head is 0.8 GB
RAY_WORKERS = whole(1, 100_000)
LEARNING_RATE = Range(0.0, 10.0, low_open=True)
WEIGHT_DECAY = Range(0.0, 1.0)
LABEL_SMOOTHING = Range(0.0, 1.0, high_open=True)
MIN_SCALE = Range(0.0, 1.0, low_open=True)  # RandomResizedCrop's smallest area fraction
ROTATION = Range(0.0, 180.0)  # degrees either way
WARMUP_EPOCHS = Range(0.0, 100_000.0)
VAL_SPLIT = Range(0.0, 0.9, low_open=True)  # a fraction of each class held out
CPUS = Range(0.0, 1024.0, low_open=True)  # CPUs reserved per Ray actor
GPUS = Range(0.0, 1024.0)  # GPUs per Ray actor (0: none, a fraction shares one)
OPACITY = Range(0.0, 1.0)  # of a heat-map over its picture
THRESHOLD = Range(0.0, 1.0, high_open=True)  # unknown below this top-1 probability (0: off)
