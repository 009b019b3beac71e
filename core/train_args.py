"""The options of ``reslens-cli train`` and ``generate-shapes``, registered without importing torch.

``reslens-cli --help`` and every usage error build the whole parser; keeping torch out of it makes
them answer in a fraction of a second instead of the seconds ``import torch`` takes. The
commands themselves live in :mod:`core.train`, imported when one of them runs.
"""

from __future__ import annotations

import argparse

from core.architectures import ARCH_NAMES


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``reslens-cli train``."""
    add = parser.add_argument
    add("data", help="image folder, one sub-folder per class")
    add("--out", "-o", required=True, help="output .safetensors (a .json card is written beside it)")
    add("--val-data", help="separate validation folder with the same classes (else --val-split)")
    add("--val-split", type=float, default=0.1, help="fraction of each class held out (default 0.1)")
    add("--arch", default="resnet18", choices=list(ARCH_NAMES))
    add("--input-size", type=int, default=224, help="side of the square the network sees")
    add("--resize-size", type=int, help="evaluation resize of the shorter side (default input/0.875)")
    add("--epochs", type=int, default=10)
    add("--batch-size", type=int, default=64)
    add("--optimizer", choices=["adamw", "sgd"], default="adamw")
    add("--lr", type=float, help="peak learning rate (default 1e-3 AdamW, 0.1 SGD; x0.1 fine-tuning)")
    add("--weight-decay", type=float)
    add("--warmup-epochs", type=float, default=1.0)
    add("--label-smoothing", type=float, default=0.1)
    add("--min-scale", type=float, default=0.35, help="smallest crop area for RandomResizedCrop")
    add("--no-hflip", dest="hflip", action="store_false", help="no mirror augmentation (text, arrows...)")
    add("--patience", type=int, default=5, help="stop after this many epochs without improvement")
    add("--seed", type=int, default=0)
    add("--workers", type=int, default=2, help="DataLoader worker processes")
    add("--threads", type=int, help="torch CPU threads (default: torch's choice)")
    add("--device", default="auto", help="auto, cpu, cuda, cuda:1, mps")
    add("--weights", help="start from these weights (.safetensors/.pth, ours or torchvision's)")
    add("--resume", help="continue from a .ckpt.pt written by an earlier run")
    add("--checkpoint", help="where to keep the resumable state (default: <out stem>.ckpt.pt)")
    add("--fp16", action="store_true", help="store the weights as float16 (half the size)")
    add("--name", help="model name in its card (default: the output file's stem)")


def add_generate_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``reslens-cli generate-shapes``."""
    add = parser.add_argument
    add("out", help="folder to write (one sub-folder per class)")
    add("--per-class", type=int, default=1000, help="images per class (default 1000)")
    add("--seed", type=int, default=1)
    add("--size", type=int, default=None, help="image side in pixels (default: the bundled model's, 96)")
    add("--format", dest="ext", choices=["jpg", "png"], default="jpg")
    add("--workers", type=int, default=1, help="processes drawing in parallel")


def run_train(args: argparse.Namespace) -> int:
    from core.train import run_train as run

    return run(args)


def run_generate(args: argparse.Namespace) -> int:
    from core.train import run_generate as run

    return run(args)
