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

from core.architectures import ARCH_NAMES

START_HELP = (
    "where training starts: bundled (default, offline), imagenet-v1, imagenet-v2 (downloaded once), "
    "scratch, or a weights FILE (.safetensors/.pth, ours or torchvision's)"
)


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``reslens-cli train``; all but DATA and --out are overrides of the plan."""
    add = parser.add_argument
    add("data", help="image folder, one sub-folder per class")
    add("--out", "-o", required=True, help="output .safetensors (a .json card is written beside it)")
    add("--from", "--weights", dest="start", metavar="START", help=START_HELP)
    add("--val-data", help="separate validation folder with the same classes (else --val-split)")
    add("--val-split", type=float, help="fraction of each class held out (default: from the data)")
    add("--arch", choices=list(ARCH_NAMES), help="architecture (default: the start model's)")
    add("--input-size", type=int, help="side of the square the network sees (default: the start model's)")
    add("--resize-size", type=int, help="evaluation resize of the shorter side (default: the start model's)")
    add("--head-epochs", type=int, help="steps fitting the new head on cached features (0: skip that stage)")
    add("--epochs", type=int, help="fine-tuning epochs at most (default: from the data)")
    add(
        "--fine-tune-from",
        choices=["all", "layer1", "layer2", "layer3", "layer4"],
        help="first stage trained when fine-tuning; earlier ones stay frozen (default layer2; scratch: all)",
    )
    add("--batch-size", type=int)
    add("--optimizer", choices=["adamw", "sgd"])
    add("--lr", type=float, help="peak fine-tuning learning rate")
    add("--head-lr", type=float, help="learning rate of the head stage")
    add("--weight-decay", type=float)
    add("--warmup-epochs", type=float)
    add("--label-smoothing", type=float)
    add("--min-scale", type=float, help="smallest crop area for RandomResizedCrop (default 0.8)")
    add("--rotation", type=float, help="random rotation and slant in degrees either way (default 8)")
    flips = parser.add_mutually_exclusive_group()
    flips.add_argument("--hflip", dest="hflip", action="store_true", default=None, help="add mirror images")
    flips.add_argument(
        "--no-hflip", dest="hflip", action="store_false", help="no mirror images (the default)"
    )
    add("--patience", type=int, help="stop after this many epochs without improvement")
    add("--seed", type=int)
    add("--workers", type=int, help="DataLoader processes, used when the pictures do not fit in memory")
    add("--threads", type=int, help="torch CPU threads (default: torch's choice)")
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
    add("--per-class", type=int, default=1000, help="images per class (default 1000)")
    add("--seed", type=int, default=1)
    add("--size", type=int, default=None, help="image side in pixels (default: the bundled model's, 96)")
    add("--format", dest="ext", choices=["jpg", "png"], default="jpg")
    add("--workers", type=int, default=1, help="processes drawing in parallel")
