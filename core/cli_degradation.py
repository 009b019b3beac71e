"""``reslens-cli degradation``: the ResNet paper's degradation experiment, headless.

Trains plain and residual CIFAR-style nets of each ``--depths`` side by side on the same batches
(:mod:`core.degradation.runner`) and prints their final training and held-out errors, or with
``--json`` ``{"nets": [{"depth", "residual", "steps", "curve", "train_error", "val_error"}, …]}``.
Every option is checked while parsing (a depth that is not 6n + 2, a step count below 1…), so a
mistake is refused in a fraction of a second, before torch loads and images are drawn.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from core import degradation as d

EXIT_OK = 0
DEPTHS = " ".join(map(str, d.DEFAULT_DEPTHS))


def _int_in(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number from {low} to {high}, not {text!r}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high}, not {value}")
        return value

    return parse


def _depth(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"depth must be a whole number 6n+2 (8, 14, 20, 32, 44, 56…), not {text!r}"
        ) from None
    problem = d.depth_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def _learning_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 10:  # NaN fails too
        raise argparse.ArgumentTypeError(f"the learning rate must be above 0 and at most 10, not {text!r}")
    return value


class _Depths(argparse.Action):
    """Up to ``MAX_DEPTHS`` distinct depths, in the order given (a repeated one counts once)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option: str | None = None,
    ) -> None:
        depths = list(dict.fromkeys(values))  # type: ignore[call-overload]
        if len(depths) > d.MAX_DEPTHS:
            parser.error(f"{option}: at most {d.MAX_DEPTHS} depths, not {len(depths)}")
        setattr(namespace, self.dest, depths)


def _folder(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder (it must hold one sub-folder per class)")
    return path


def add_degradation(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "degradation",
        help="why residual? train plain and residual nets side by side (the ResNet paper's experiment)",
        description="Train a plain and a residual CIFAR-style net of each depth on the same batches "
        "and compare their training error: a deeper plain net trains worse than a shallower one, a "
        "deeper residual net does not. The defaults take a few minutes on two cores.",
    )
    add = p.add_argument
    add(
        "--data",
        type=_folder,
        metavar="DIR",
        help="image folder, one sub-folder per class (default: rendered shapes)",
    )
    add(
        "--depths",
        type=_depth,
        nargs="+",
        action=_Depths,
        metavar="DEPTH",
        default=list(d.DEFAULT_DEPTHS),
        help=f"depths 6n+2, {d.MIN_DEPTH} to {d.MAX_DEPTH}, at most {d.MAX_DEPTHS} (default: {DEPTHS})",
    )
    add(
        "--steps",
        type=_int_in(1, d.MAX_STEPS, "--steps"),
        default=d.DEFAULT_STEPS,
        help=f"training steps of every net (default {d.DEFAULT_STEPS})",
    )
    add(
        "--seed",
        type=_int_in(0, 2**31 - 1, "--seed"),
        default=d.DEFAULT_SEED,
        help="seed of the images, the nets' initial weights and the batch order",
    )
    add("--batch-size", type=_int_in(1, 1024, "--batch-size"), default=d.DEFAULT_BATCH)
    add("--lr", type=_learning_rate, default=d.DEFAULT_LR, help=f"SGD learning rate (default {d.DEFAULT_LR})")
    add(
        "--size",
        type=_int_in(d.MIN_SIZE, d.MAX_SIZE, "--size"),
        default=d.DEFAULT_SIZE,
        help=f"image side in pixels (default {d.DEFAULT_SIZE})",
    )
    add(
        "--per-class",
        type=_int_in(2, 100_000, "--per-class"),
        default=d.DEFAULT_PER_CLASS,
        help=f"rendered training images a class (default {d.DEFAULT_PER_CLASS}; ignored with --data)",
    )
    add("--device", default="auto", help="auto, cpu, cuda, cuda:1, mps")
    add("--json", action="store_true", help="print JSON: every net's curve and errors")
    add("--quiet", "-q", action="store_true", help="no progress on stderr")
    p.set_defaults(run=run_degradation)


def config_from_args(args: argparse.Namespace) -> d.ExperimentConfig:
    """The experiment the options ask for."""
    return d.ExperimentConfig(
        depths=tuple(args.depths), steps=args.steps, seed=args.seed, batch_size=args.batch_size, lr=args.lr,
        size=args.size, per_class=args.per_class, data=args.data, device=args.device,
    )  # fmt: skip


class _Progress:
    """A line on stderr every 10 % of the steps, and for each stage."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.stage = ""

    def __call__(self, r: d.StepReport) -> None:
        if r.stage != self.stage:
            self.stage = r.stage
            what = {"data": "preparing images", "train": "training", "evaluate": "measuring errors"}[r.stage]
            print(f"{what}…", file=sys.stderr, flush=True)
        if r.stage == "train" and (r.step % max(1, r.total // 10) == 0 or r.step == r.total):
            errors = "  ".join(f"{n} {e:.2f}" for n, e in zip(self.names, r.error, strict=True))
            print(f"  step {r.step}/{r.total}  batch error: {errors}", file=sys.stderr, flush=True)


def table(result: d.ExperimentResult) -> str:
    """The plain-text table: one row a net, then what to look for."""
    rows = [f"{'net':<14}{'steps':>7}{'train error':>13}{'val error':>11}{'seconds':>9}"]
    for n in result.nets:
        train = "-" if n.train_error is None else f"{n.train_error:.3f}"
        val = "-" if n.val_error is None else f"{n.val_error:.3f}"
        rows.append(f"{n.name:<14}{n.steps:>7}{train:>13}{val:>11}{n.seconds:>9.0f}")
    rows.append(
        f"{result.train_images} training and {result.val_images} held-out images of "
        f"{len(result.classes)} classes; training error measured on the training images after the last step."
    )
    return "\n".join(rows)


def run_degradation(args: argparse.Namespace) -> int:
    """Run the experiment; the table or the JSON on stdout, progress on stderr."""
    from core.cli_train import passive_openmp

    config = config_from_args(args)
    passive_openmp()  # before torch loads
    from core.degradation.runner import run_experiment

    names = [d.net_name(depth, residual) for depth, residual in config.nets()]
    result = run_experiment(config, None if args.quiet else _Progress(names))
    if args.json:
        print(json.dumps(result.as_json(), allow_nan=False))
    else:
        print(table(result))
    return EXIT_OK
