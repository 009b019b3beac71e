"""The ``export`` and ``quick-train`` sub-commands of ``reslens-cli``.

- ``reslens-cli export [MODEL] --out FILE [--force] [--precision int8 [--calibrate DIR]]``: the
  model that ``classify`` would open (the same ``--arch/--weights/--labels/--device`` flags,
  :func:`core.cli_commands.add_model_arguments`) as a ResLens Lite model file
  (:mod:`core.lite.export`; int8: :mod:`core.lite.quantize`; needs the full edition).
- ``reslens-cli quick-train DATA --out FILE [--from MODEL]``: a quick head on ``DATA``'s classes
  (:func:`core.lite.quick_train.quick_train`), over the backbone of a Lite model file (default:
  the bundled one). ``--from`` may also name full-edition weights (a registry key or a
  ``.safetensors``/``.pth`` file), which are exported first when torch is there.

Registering imports neither torch nor onnxruntime; running imports what the command needs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from core import options
from core.errors import EXIT_OK, UsageError
from core.export import printable
from core.lite.paths import bundled_lite_path
from core.messages import QT_TRANSLATE_NOOP, Message, english, kind
from core.sources import DEFAULT

PRECISIONS = ("fp32", "int8")  # core.lite.model_file.PRECISIONS, without importing numpy for --help
WROTE = kind("lite.wrote", QT_TRANSLATE_NOOP("Messages", "wrote %1 (%2 MB)"))
NEEDS_FULL = kind(
    "lite.needs-full",
    QT_TRANSLATE_NOOP("Messages", "%1 is not a ResLens Lite model; opening it needs ResLens, full edition"),
)
QUICK_SAVED = kind("quick.saved", QT_TRANSLATE_NOOP("Messages", "quick head (k-fold accuracy %1); saved %2"))
QUICK_DONE = kind(
    "quick.done",
    QT_TRANSLATE_NOOP(
        "Messages", "quick head: %1 classes, %2 pictures, penalty %3 (k-fold accuracy %4), %5 s"
    ),
)


def add_export(sub: argparse._SubParsersAction) -> None:
    from core.cli_commands import add_model_arguments

    p = sub.add_parser("export", help="write a model as a ResLens Lite model file (ONNX + metadata)")
    add_model_arguments(p, backend=False)
    p.add_argument("--out", required=True, metavar="FILE", help="the .onnx file to write")
    p.add_argument("--force", action="store_true", help="replace FILE even if it is not a ResLens model")
    p.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="fp32",
        help="fp32 (default), or int8: quantised as --backend onnx-int8 does (same calibration, "
        "refused below 98%% agreement with fp32), for ResLens Lite's --backend onnx-int8",
    )
    p.add_argument(
        "--calibrate",
        metavar="DIR",
        default=None,
        help="int8: calibrate on images from DIR (default: the model's training folder, or rendered shapes)",
    )
    p.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    from core.cli_commands import model_choice
    from core.lite import model_file
    from core.lite.export import export_lite
    from core.opener import open_weights

    out = Path(args.out)
    model_file.check_target(out, args.force)  # before loading anything: a bad --out is exit 2
    calibrate = None if args.calibrate is None else Path(args.calibrate)
    if calibrate is not None and args.precision != "int8":
        raise UsageError("--calibrate is for --precision int8")
    if calibrate is not None and not calibrate.is_dir():
        raise UsageError(f"--calibrate: {printable(args.calibrate)} is not a folder")
    loaded = open_weights(model_choice(args))
    say = lambda message: print(printable(english(message)), file=sys.stderr)  # noqa: E731
    if args.precision == "int8":
        from core.lite.quantize import export_int8

        path, agreement = export_int8(loaded, out, args.force, calibrate, on_status=say)
        say(agreement)
    else:
        path = export_lite(loaded, out, force=args.force)
    say(WROTE(str(path), f"{path.stat().st_size / 1e6:.1f}"))
    return EXIT_OK


def add_quick_train(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("quick-train", help="teach new classes in seconds (a quick head, no fine-tuning)")
    p.add_argument("data", metavar="DATA", help="a folder with one sub-folder of pictures per class")
    p.add_argument("--out", required=True, metavar="FILE", help="the Lite model file (.onnx) to write")
    p.add_argument(
        "--from",
        dest="source",
        default=DEFAULT,
        metavar="MODEL",
        help="the backbone: a Lite model file, or full-edition weights (default: the bundled model)",
    )
    p.add_argument(
        "--input-size",
        type=options.IMAGE_SIZE,
        default=None,
        metavar="PX",
        help="side of the square the network sees (default: from the pictures and the model)",
    )
    p.add_argument("--force", action="store_true", help="replace FILE even if it is not a ResLens model")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON on stdout")
    p.set_defaults(run=run_quick_train)


def run_quick_train(args: argparse.Namespace) -> int:
    return quick(args.data, args.out, args.source, args.input_size, force=args.force, as_json=args.json)


def quick(
    data: str,
    out_name: str,
    source_name: str | None,
    input_size: int | None,
    force: bool = False,
    as_json: bool = False,
    quiet: bool = False,
    name: str | None = None,
) -> int:
    """``quick-train`` and ``train --quick`` (both editions): a quick head on ``data``'s classes
    over ``source_name``'s backbone, written to ``out_name``; the outcome on stderr (and stdout as
    JSON with ``as_json``), ``quiet`` for none of the progress."""
    import json

    from core.lite import model_file
    from core.lite.quick_train import quick_train

    if input_size is not None and not 16 <= input_size <= model_file.MAX_SIDE:
        raise UsageError(f"--input-size must be between 16 and {model_file.MAX_SIDE}")
    out = Path(out_name)
    model_file.check_target(out, force)

    def say(message: Message) -> None:
        if not quiet:
            print(printable(english(message)), file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="reslens-quick-") as tmp:
        source = lite_source(source_name or DEFAULT, Path(tmp))
        outcome = quick_train(data, source, out, input_size, force=force, on_status=say, name=name)
    cv = "-" if outcome.cv_accuracy is None else f"{outcome.cv_accuracy:.1%}"
    say(QUICK_DONE(len(outcome.classes), outcome.images, f"{outcome.l2:g}", cv, f"{outcome.seconds:.1f}"))
    if as_json:
        print(
            json.dumps(
                {
                    "out": str(outcome.path),
                    "classes": list(outcome.classes),
                    "images": outcome.images,
                    "l2": outcome.l2,
                    "cv_accuracy": outcome.cv_accuracy,
                    "input_size": outcome.input_size,
                    "features_s": round(outcome.features_s, 3),
                    "fit_s": round(outcome.fit_s, 3),
                    "skipped": list(outcome.skipped),
                }
            )
        )
    else:
        print(printable(english(QUICK_SAVED(cv, str(outcome.path)))))
    return EXIT_OK


def lite_source(source: str, scratch: Path) -> Path:
    """The Lite model file ``--from`` names: a ``.onnx`` file as it is, the bundled model's Lite
    file, or (full edition) other weights exported into ``scratch`` first."""
    path = Path(source)
    if path.suffix.lower() == ".onnx":
        return path
    if source in (DEFAULT, "bundled") and bundled_lite_path().is_file():
        return bundled_lite_path()
    try:
        from core.lite.export import export_lite
        from core.opener import open_weights
        from core.sources import ModelChoice

        loaded = open_weights(ModelChoice(None, source, "", "cpu"))
    except ImportError:  # Lite: no torch to open full-edition weights with
        raise UsageError(NEEDS_FULL(source)) from None
    return export_lite(loaded, scratch / "source.onnx")
