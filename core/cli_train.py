"""``reslens-cli train`` and ``generate-shapes``: the command-line face of :mod:`core.train`.

Importing this module is cheap (no torch): the parser is built for ``--help`` and usage errors;
the engine is imported when a command runs. Progress goes to stderr, the result to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from core.errors import UsageError
from core.messages import QT_TRANSLATE_NOOP, Message, english, kind
from core.train_args import add_generate_arguments, add_train_arguments

EXIT_OK = 0

# What ``reslens-cli train`` says on stderr and stdout, besides the engine's own messages.
SKIPPED = kind("train.cli.skipped", QT_TRANSLATE_NOOP("Messages", "skipped %1: %2"))
WARNING = kind("train.cli.warning", QT_TRANSLATE_NOOP("Messages", "warning: %1"))
SUMMARY = kind("train.cli.summary", QT_TRANSLATE_NOOP("Messages", "%1 images in %2 classes: %3"))
REASON = kind("train.cli.reason", QT_TRANSLATE_NOOP("Messages", "  - %1"))
VAL_ACCURACY = kind("train.result.val-acc", QT_TRANSLATE_NOOP("Messages", "val acc %1"))
NO_VAL = kind("train.result.no-val", QT_TRANSLATE_NOOP("Messages", "no validation images"))
BEST = kind("train.result.best", QT_TRANSLATE_NOOP("Messages", "best: %1 epoch %2"))
RESULT = kind("train.result.saved", QT_TRANSLATE_NOOP("Messages", "%1 (%2, %3 s); saved %4"))


def add_train(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="teach a ResNet your classes from an image folder (one sub-folder per class)",
        description="Train a model on DATA (one sub-folder per class). With no other option the "
        "settings are chosen from the data and training starts from the bundled model; every option "
        "overrides one of those choices.",
    )
    add_train_arguments(p)
    p.add_argument(
        "--quick",
        action="store_true",
        help="fit only a quick head in seconds (pooled layer2-4 features, no fine-tuning) and write a "
        "ResLens Lite model file (.onnx) both editions open; what ResLens Lite's train always does",
    )
    p.set_defaults(run=run_train)


def add_generate_shapes(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate-shapes", help="render the symbol dataset the bundled model was trained on")
    add_generate_arguments(p)
    p.set_defaults(run=run_generate)


PLAN_FIELDS = (
    "arch", "input_size", "resize_size", "val_data", "val_split", "head_epochs", "epochs",
    "fine_tune_from", "batch_size", "optimizer", "lr", "head_lr", "weight_decay", "warmup_epochs",
    "label_smoothing", "min_scale", "rotation", "hflip", "patience", "seed", "workers", "threads",
    "device", "resume", "checkpoint", "fp16", "name",
)  # fmt: skip


def overrides_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The options given on the command line (``None`` means "let the plan choose")."""
    return {name: getattr(args, name) for name in PLAN_FIELDS if getattr(args, name, None) is not None}


class _StderrProgress:
    """Progress lines on stderr: every epoch's result, and a heartbeat within long epochs."""

    def __init__(self) -> None:
        self.last = 0.0
        self.last_stage = ""

    def __call__(self, p: Any) -> None:
        now = time.monotonic()
        if p.stage == "head":
            if p.epoch == p.epochs:
                print(english(p.message), file=sys.stderr, flush=True)
            return
        if p.epoch_end or now - self.last > 5 or p.stage != self.last_stage:
            self.last, self.last_stage = now, p.stage
            line = p.message if p.epoch_end else p.batch_message
            print(english(line), file=sys.stderr, flush=True)


def passive_openmp() -> None:
    """Let idle OpenMP threads sleep instead of spinning, unless the user chose otherwise.

    On a machine where other work holds a core (a laptop in use, a shared CI runner), spinning
    threads steal the time the working ones need: a training step measured 6x slower (and 7x the
    CPU time) on our shared 2-core machine; on an idle machine it changes nothing measurable.
    OpenMP reads the variable once, when torch loads, so this runs before ``core.train`` is
    imported (the CLI imports no torch before a command runs).
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


QUICK_OPTIONS = frozenset({"input_size", "name"})  # the plan's settings train --quick takes too
QUICK_OUT = kind(
    "train.quick.out",
    QT_TRANSLATE_NOOP(
        "Messages", "train --quick writes a ResLens Lite model file: --out must end in .onnx, not %1"
    ),
)


def run_train(args: argparse.Namespace) -> int:
    """``reslens-cli train``: 0 when a model was written; data and usage errors raise ResLensError.

    With ``--quick``, and always in ResLens Lite (no torch to fine-tune with), it is the quick
    head (:func:`run_quick`)."""
    from pathlib import Path

    from core import edition

    if getattr(args, "quick", False) or not edition.has_torch():
        return run_quick(args)
    passive_openmp()

    from core.dataset import check_training_set, scan_class_folder
    from core.export import printable
    from core.train import plan_training, stage_word, train_model

    quiet = getattr(args, "quiet", False)

    def say(message: Message) -> None:
        if not quiet:  # escaped: a file name's ESC or non-UTF-8 byte is shown, never sent to the terminal
            print(printable(english(message)), file=sys.stderr, flush=True)

    ts = scan_class_folder(Path(args.data))
    for path, why in ts.unreadable:
        say(SKIPPED(str(path), why))
    for warning in check_training_set(ts):
        say(WARNING(warning.what))
    plan = plan_training(ts, args.start, **overrides_from_args(args))
    counts = ", ".join(f"{name} {n}" for name, n in ts.counts().items())
    say(SUMMARY(len(ts.samples), len(ts.classes), counts))
    for reason in plan.why:
        say(REASON(reason))
    outcome = train_model(
        ts, plan, Path(args.out),
        on_progress=None if quiet else _StderrProgress(),
        on_status=say,
    )  # fmt: skip
    card = outcome.card
    evaluation = outcome.evaluation
    acc = VAL_ACCURACY(f"{evaluation.accuracy:.2%}") if evaluation else NO_VAL()
    best = BEST(stage_word(str(card.get("best_stage"))), card.get("best_epoch"))
    print(english(RESULT(acc, best, card.get("training_time_s"), str(outcome.weights))))
    return EXIT_OK


def run_quick(args: argparse.Namespace) -> int:
    """``train --quick`` (and Lite's ``train``): :func:`core.lite.cli.quick` on ``DATA``, from
    ``--from`` (default: the bundled model), into the Lite model file ``--out``. Fine-tuning
    options are refused before any work (:func:`core.lite.refusals.check_quick_train`)."""
    from pathlib import Path

    from core.lite import cli as lite_cli
    from core.lite import refusals
    from core.train_args import train_options

    flags = train_options()
    given = [
        flags.get(name, {}).get(value) or flags.get(name, {}).get(None) or f"--{name.replace('_', '-')}"
        for name, value in overrides_from_args(args).items()
        if name not in QUICK_OPTIONS
    ]
    refusals.check_quick_train(args, given)
    if Path(args.out).suffix.lower() != ".onnx":
        raise UsageError(QUICK_OUT(Path(args.out).name))
    return lite_cli.quick(
        args.data, args.out, args.start, args.input_size, quiet=getattr(args, "quiet", False), name=args.name
    )


def run_generate(args: argparse.Namespace) -> int:
    """``reslens-cli generate-shapes``: render the symbol dataset for a seed."""
    from core.shapes import CLASSES, DEFAULT_SIZE, write_dataset

    if args.size is None:  # left open by the parser, which does not import numpy for --help
        args.size = DEFAULT_SIZE
    start = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} images", end="", file=sys.stderr, flush=True)

    n = write_dataset(args.out, args.seed, args.per_class, args.size, workers=args.workers, ext=args.ext,
                      progress=progress)  # fmt: skip
    print(file=sys.stderr)
    print(f"wrote {n} images of {len(CLASSES)} classes to {args.out} in {time.perf_counter() - start:.0f}s")
    return EXIT_OK
