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

The package, one job per module: :mod:`~core.train.config` (settings, plan, progress, outcome:
plain data), :mod:`~core.train.plan` (the data-driven plan and its reasons),
:mod:`~core.train.data` (split, decoding, augmentation), :mod:`~core.train.start` (the start
model and the optimiser), :mod:`~core.train.run` (the stages) and :mod:`~core.train.save` (the
best model, checkpoints, the evaluation, the card).
"""

from __future__ import annotations

from core.dataset import DatasetError
from core.train.config import (
    STAGE_NAMES,
    STAGES,
    START_CHOICES,
    Evaluation,
    TrainConfig,
    TrainingError,
    TrainOutcome,
    TrainPlan,
    TrainProgress,
    stage_word,
    start_key,
)
from core.train.data import Augmented, Pictures, Turn, border_colour, stratified_split, train_transforms
from core.train.plan import StartInfo, describe_start, input_size_for, plan_training
from core.train.run import train_model
from core.train.start import backbone_features, frozen_modules, load_start, make_optimizer, make_schedule

__all__ = [
    "STAGES",
    "STAGE_NAMES",
    "START_CHOICES",
    "Augmented",
    "DatasetError",
    "Evaluation",
    "Pictures",
    "StartInfo",
    "TrainConfig",
    "TrainOutcome",
    "TrainPlan",
    "TrainProgress",
    "TrainingError",
    "Turn",
    "backbone_features",
    "border_colour",
    "describe_start",
    "frozen_modules",
    "input_size_for",
    "load_start",
    "make_optimizer",
    "make_schedule",
    "plan_training",
    "stage_word",
    "start_key",
    "stratified_split",
    "train_model",
    "train_transforms",
]
