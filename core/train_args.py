"""The options of ``reslens-cli train`` and ``generate-shapes``, registered without importing torch.

``reslens-cli --help`` and every usage error build the whole parser; keeping torch out of it makes
them answer in a fraction of a second instead of the seconds ``import torch`` takes. The
commands themselves live in :mod:`core.cli_train`, which imports the engine only when one runs.

Every training option defaults to ``None`` (“not given”): the engine's data-driven plan
(:func:`core.train.plan_training`) fills in what is not given, and the model card's command
repeats exactly the options that were.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Iterable, Mapping
from typing import Any

from core import options
from core.architectures import ARCH_NAMES

PROG = "reslens-cli"  # the console script; core.cli's parser has this prog (a test checks it)
NOT_REPEATED = frozenset({"data", "out", "start", "quiet", "resume", "help", "quick"})
"""Parser destinations a card's command does not take from the plan's overrides: the positional
data and --out are written first, --from from the start, --resume names a file of this run, and
--quick (``core.cli_train``) writes a Lite model file with no training card."""

START_HELP = (
    "where training starts: default (the bundled model, offline; also called bundled), imagenet-v1, "
    "imagenet-v2 (downloaded once), scratch, or a weights FILE (.safetensors/.pth, ours or torchvision's)"
)


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``reslens-cli train``; all but DATA and --out are overrides of the plan."""
    add = parser.add_argument
    add("data", help="image folder, one sub-folder per class")
    add("--out", "-o", required=True, help="output .safetensors (a .json card is written beside it)")
    add("--from", "--weights", dest="start", metavar="START", help=START_HELP)
    add("--val-data", help="separate validation folder with the same classes (else --val-split)")
    add(
        "--val-split", type=options.VAL_SPLIT, help="fraction of each class held out (default: from the data)"
    )
    add("--arch", choices=list(ARCH_NAMES), help="architecture (default: the start model's)")
    add(
        "--input-size",
        type=options.IMAGE_SIZE,
        help="side of the square the network sees (default: the start model's)",
    )
    add(
        "--resize-size",
        type=options.IMAGE_SIZE,
        help="evaluation resize of the shorter side (default: the start model's)",
    )
    add(
        "--head-epochs",
        type=options.HEAD_EPOCHS,
        help="steps fitting the new head on cached features (0: skip that stage)",
    )
    add("--epochs", type=options.EPOCHS, help="fine-tuning epochs at most (default: from the data)")
    add(
        "--fine-tune-from",
        choices=["all", "layer1", "layer2", "layer3", "layer4"],
        help="first stage trained when fine-tuning; earlier ones stay frozen (default layer2; scratch: all)",
    )
    add("--batch-size", type=options.BATCH_SIZE)
    add("--optimizer", choices=["adamw", "sgd"])
    add("--lr", type=options.LEARNING_RATE, help="peak fine-tuning learning rate")
    add("--head-lr", type=options.LEARNING_RATE, help="learning rate of the head stage")
    add("--weight-decay", type=options.WEIGHT_DECAY)
    add("--warmup-epochs", type=options.WARMUP_EPOCHS)
    add("--label-smoothing", type=options.LABEL_SMOOTHING)
    add("--min-scale", type=options.MIN_SCALE, help="smallest crop area for RandomResizedCrop (default 0.8)")
    add(
        "--rotation",
        type=options.ROTATION,
        help="random rotation and slant in degrees either way (default 8)",
    )
    flips = parser.add_mutually_exclusive_group()
    flips.add_argument("--hflip", dest="hflip", action="store_true", default=None, help="add mirror images")
    flips.add_argument(
        "--no-hflip", dest="hflip", action="store_false", help="no mirror images (the default)"
    )
    add("--patience", type=options.PATIENCE, help="stop after this many epochs without improvement")
    add("--seed", type=options.SEED)
    add(
        "--workers",
        type=options.WORKERS,
        help="DataLoader processes, used when the pictures do not fit in memory",
    )
    add("--threads", type=options.THREADS, help="torch CPU threads (default: torch's choice)")
    add("--device", help="auto, cpu, cuda, cuda:1, mps")
    add("--resume", help="continue fine-tuning from a checkpoint written with --checkpoint")
    add("--checkpoint", help="write resumable state here after every fine-tuning epoch")
    add("--fp16", action="store_true", default=None, help="store the weights as float16 (half the size)")
    add("--name", help="model name in its card (default: the output file's stem)")
    add("--quiet", "-q", action="store_true", help="no progress on stderr")


def add_generate_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``reslens-cli generate-shapes``."""
    add = parser.add_argument
    add("out", help="folder to write (one sub-folder per class)")
    add("--per-class", type=options.PER_CLASS, default=1000, help="images per class (default 1000)")
    add("--seed", type=options.SEED, default=1)
    add(
        "--size",
        type=options.IMAGE_SIZE,
        default=None,
        help="image side in pixels (default: the bundled model's, 96)",
    )
    add("--format", dest="ext", choices=["jpg", "png"], default="jpg")
    add("--workers", type=options.PROCESSES, default=1, help="processes drawing in parallel")


def train_options() -> dict[str, dict[Any, str]]:
    """Each training option of the parser, by the setting it fills: ``{dest: {value: flag}}`` for
    a flag that stores a constant (``--hflip`` True, ``--no-hflip`` False), ``{dest: {None: flag}}``
    for one that takes a value. Read from the parser itself, so a new option is repeated in the
    model card's command without a second table to keep."""
    parser = argparse.ArgumentParser(prog=PROG, add_help=False)
    add_train_arguments(parser)
    options: dict[str, dict[Any, str]] = {}
    for action in parser._actions:  # argparse keeps no public list of its actions
        if not action.option_strings or action.dest in NOT_REPEATED:
            continue
        flag = next((o for o in action.option_strings if o.startswith("--")), action.option_strings[0])
        key = action.const if action.nargs == 0 else None
        options.setdefault(action.dest, {}).setdefault(key, flag)
    return options


def reproduce_command(
    data: str, out: str, start: str | None, settings: Mapping[str, Any], overrides: Iterable[str]
) -> str:
    """``reslens-cli train DATA --out FILE [--from START]`` plus the ``overrides`` (setting names)
    with their values in ``settings``: the command that repeats a run. A setting the parser has no
    option for, or whose value is None, is left out; a switch is written only when it is on (off is
    its default)."""
    args = [PROG, "train", data or "DATA", "--out", out]
    if start is not None:
        args += ["--from", start]
    options = train_options()
    for name in overrides:
        flags, value = options.get(name), settings.get(name)
        if flags is None or value is None:
            continue
        if isinstance(value, bool):
            if value and value in flags:
                args.append(flags[value])
        else:
            args += [flags[None], str(value)]
    return shlex.join(args)
