"""The ``classify``, ``summary``, ``devices`` and ``weights`` sub-commands of ``reslens-cli``."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from core import options
from core.architectures import ARCH_NAMES
from core.backends import AUTO_BACKEND, BACKENDS, DEFAULT_BACKEND
from core.cli_progress import ProgressBar, StatusLines
from core.errors import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, UsageError
from core.export import printable
from core.messages import english
from core.results import ClassificationResult
from core.sources import AUTO_DEVICE, DEFAULT, ModelChoice, cli_weights_help
from core.unknown import unknown_text

SUMMARY_SIDES = (32, 2048)  # ``summary --input-size``: a real forward pass runs at this size
SUMMARY_ARCH, SUMMARY_INPUT, SUMMARY_NUM_CLASSES = "resnet50", 224, 1000  # ``summary``'s defaults


def add_model_arguments(p: argparse.ArgumentParser, backend: bool = True) -> None:
    """The flags that name a model, the same for every sub-command that loads one (classify,
    explain, batch): ``--arch``, ``--weights``, ``--labels``, ``--device`` and, where the command
    can run on another backend, ``--backend``. :func:`model_choice` reads them back."""
    p.add_argument(
        "--arch",
        choices=list(ARCH_NAMES),
        default=None,
        help="architecture (default: the one the weights hold)",
    )
    p.add_argument("--weights", default=DEFAULT, help=cli_weights_help())
    p.add_argument("--labels", default=None, help="class names: a .txt (one per line) or .json file")
    p.add_argument("--device", default=AUTO_DEVICE, help="auto, cpu, cuda, cuda:N or mps")
    if backend:
        p.add_argument(
            "--backend",
            choices=list(BACKENDS),
            default=None,  # not given: auto (Lite and Lite files: ONNX Runtime, see model_choice)
            help="what runs the model: auto (default: the fastest path here that agrees with "
            "fp32 on 99%% of a calibration set, measured once per model and machine and cached), "
            "torch (the exact path), onnx (ONNX Runtime fp32) or onnx-int8 (quantized; refused "
            "below 98%% agreement with fp32); an ONNX model is built once into the user cache. "
            "ResLens Lite runs a Lite model file (.onnx) with ONNX Runtime; onnx-int8 there takes an "
            "int8 file (reslens-cli export --precision int8)",
        )


def model_choice(args: argparse.Namespace) -> ModelChoice:
    """The model the flags of :func:`add_model_arguments` name, as every other face names one."""
    # No --backend flag (explain: Grad-CAM needs torch): torch; the flag not given: auto.
    backend = getattr(args, "backend", DEFAULT_BACKEND) or AUTO_BACKEND
    return ModelChoice(args.arch, args.weights, args.labels or "", args.device, backend)


def add_classify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("classify", help="classify image files and folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders (searched recursively)")
    add_model_arguments(p)
    p.add_argument("--top-k", type=options.TOP_K, default=5)
    p.add_argument(
        "--threshold",
        default=None,
        metavar="T",
        help="report results whose top-1 probability is below T (0 to 1) as unknown; "
        "0 turns this off (default: the model card's calibrated threshold, if it has one)",
    )
    p.add_argument("--batch-size", type=options.BATCH_SIZE, default=16)
    p.add_argument(
        "--precision",
        choices=["fp32", "fp16", "bf16"],
        default="fp32",
        help="autocast precision of the torch backend on CUDA (default fp32)",
    )
    p.add_argument(
        "--calibrate",
        metavar="DIR",
        default=None,
        help="onnx-int8: calibrate on images from DIR (default: rendered shapes)",
    )
    p.add_argument(
        "--exact-decode",
        action="store_true",
        help="decode every image at full size (default: large JPEGs at reduced scale, faster)",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print results as JSON on stdout")
    out.add_argument("--csv", metavar="FILE", help="write results as CSV to FILE ('-' for stdout)")
    p.add_argument(
        "--force", action="store_true", help="let --csv replace an existing file that is not a CSV"
    )
    p.set_defaults(run=run_classify)


def run_classify(args: argparse.Namespace) -> int:
    from core.lite import commands as lite_commands
    from core.opener import open_classifier, open_weights
    from core.outputs import Output, OutputRules, claim
    from core.unknown import check_threshold, default_threshold, mark_unknown

    threshold = check_threshold(args.threshold)  # a bad value is exit 2 before any work
    if args.csv is not None and args.csv != "-":
        # Before any work: never one of the images (`--csv a.jpg b.jpg`), never a picture.
        claim(args.csv, Output.TEXT, OutputRules.reading(args.paths, force=args.force))
    if lite_commands.handles(args):  # Lite, or a Lite model file: ONNX Runtime, no torch
        progress = ProgressBar(sys.stderr)
        results, num_classes = lite_commands.classify(args, threshold, progress.update)
        progress.close()
        return _report(args, results, num_classes, ())
    choice = model_choice(args)
    loaded = open_weights(choice, on_progress=_download_progress)
    print(f"model: {printable(loaded.description)} on {loaded.device}", file=sys.stderr)
    calibrate = None
    if args.calibrate is not None:
        if choice.backend not in ("onnx-int8", AUTO_BACKEND):
            raise UsageError("--calibrate is for --backend onnx-int8 or auto")
        calibrate = Path(args.calibrate)
        if not calibrate.is_dir():
            raise UsageError(f"--calibrate: {printable(args.calibrate)} is not a folder")
    classifier = open_classifier(
        choice,
        loaded,
        precision=args.precision,
        exact_decode=args.exact_decode,
        calibrate=calibrate,
        on_status=StatusLines(sys.stderr),
        auto_measure="inline",  # auto: measured once, before a run long enough to repay it
    )
    if classifier.backend_note:
        print(printable(english(classifier.backend_note)), file=sys.stderr)
    progress = ProgressBar(sys.stderr)
    results = classifier.classify(
        args.paths,
        top_k=args.top_k,
        batch_size=args.batch_size,
        on_progress=progress.update,
        cancel=threading.Event(),
    )
    progress.close()
    if threshold is None:
        threshold = default_threshold(loaded.meta, loaded.path)
    results = mark_unknown(results, threshold)
    return _report(args, results, loaded.meta.num_classes, classifier.warnings, classifier)


def _report(
    args: argparse.Namespace,
    results: Sequence[ClassificationResult],
    num_classes: int,
    warnings: Sequence[str],
    classifier: object = None,
) -> int:
    """Print ``classify``'s results as asked (table, --json, --csv) and give the exit status: the
    same for every model, torch or Lite (``classifier``: the torch one, for Auto's decision)."""
    from core.export import results_to_json, write_csv, write_csv_to

    for warning in warnings:
        print(f"warning: {printable(warning)}", file=sys.stderr)
    if not results:
        return _fail("no images found in the given paths")
    if args.json:
        print(_with_auto(results_to_json(results), classifier))
    elif args.csv == "-":
        write_csv_to(results, sys.stdout)
    elif args.csv:
        write_csv(results, args.csv)
        print(f"wrote {len(results)} rows to {printable(args.csv)}", file=sys.stderr)
    else:
        print(format_results(results, num_classes))
    failed = [(r.source, r.error or "") for r in results if not r.ok]
    return report_failures(failed, len(results), "classified")


def _with_auto(text: str, classifier: object) -> str:
    """The JSON list of results, each with ``"auto"`` (what Auto chose, how much faster than fp32,
    its agreement) when the backend was auto; other backends' JSON is unchanged."""
    plan = getattr(classifier, "auto", None)
    if plan is None:
        return text
    import json

    decision = plan.decision
    summary = {"chosen": classifier.backend, "measured": decision is not None}  # type: ignore[attr-defined]
    if decision is not None:
        trial = decision.trial(decision.chosen)
        summary |= {
            "speedup": round(decision.speedup, 3),
            "agreement": trial.agreement if trial else 1.0,
            "images": decision.images,
            "text": english(decision.describe()),
        }
    items = json.loads(text)
    for item in items:
        item["auto"] = summary
    return json.dumps(items, indent=2, ensure_ascii=False, allow_nan=False)


def report_failures(failed: Sequence[tuple[str, str]], total: int, verb: str) -> int:
    """List the inputs that failed on stderr (escaped) and give the exit status of the run."""
    if not failed:
        return EXIT_OK
    print(f"{len(failed)} of {total} files could not be {verb}:", file=sys.stderr)
    for source, error in failed:
        print(f"  {printable(source)}: {printable(error)}", file=sys.stderr)
    return EXIT_SOME_FAILED


def format_results(results: Sequence[ClassificationResult], num_classes: int = 0) -> str:
    """A readable table: file, top-1 with probability, then the runners-up.

    An unknown result shows *unknown (none of the N classes)* and then its whole top-k.

    Names, labels and errors go through :func:`core.export.printable`, so a newline or an escape
    sequence in a file name cannot split a row or restyle the terminal.
    """
    names = [printable(r.source) for r in results]
    width = min(60, max(len(name) for name in names))
    lines = []
    for r, name in zip(results, names, strict=True):
        name = name if len(name) <= width else "…" + name[-(width - 1) :]
        if not r.ok:
            lines.append(f"{name:<{width}}  ERROR: {printable(r.error or '')}")
            continue
        if r.unknown:
            ranked = ", ".join(f"{printable(p.label)} {p.probability:.1%}" for p in r.predictions)
            lines.append(f"{name:<{width}}  {unknown_text(num_classes)}   {ranked}")
            continue
        top = r.predictions[0]
        others = ", ".join(f"{printable(p.label)} {p.probability:.1%}" for p in r.predictions[1:])
        lines.append(f"{name:<{width}}  {printable(top.label):<20} {top.probability:7.2%}   {others}")
    return "\n".join(lines)


def _download_progress(done: int, total: int) -> None:
    if total:
        print(f"\rdownloading weights: {done / 2**20:.1f} / {total / 2**20:.1f} MiB", end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def add_summary(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="print the architecture as a table (shapes, params, MACs)")
    p.add_argument("--arch", choices=list(ARCH_NAMES), default=None, help=f"default {SUMMARY_ARCH}")
    p.add_argument(
        "--weights",
        default=None,
        metavar="FILE",
        help="a ResLens Lite model file (.onnx): print the tree it holds (ResLens Lite: default the "
        "bundled model's)",
    )
    p.add_argument(
        "--input-size",
        type=int,
        nargs="+",
        default=None,
        metavar="PX",
        help=f"side, or height and width, of the input image (default {SUMMARY_INPUT})",
    )
    p.add_argument(
        "--num-classes", type=options.SUMMARY_CLASSES, default=None, help=f"default {SUMMARY_NUM_CLASSES}"
    )
    p.add_argument(
        "--depth",
        type=int,
        default=2,
        help="how many levels of the tree to print (0 = totals only, -1 = all)",
    )
    p.set_defaults(run=run_summary)


def run_summary(args: argparse.Namespace) -> int:
    from core.lite import commands as lite_commands

    if lite_commands.handles(args):  # Lite, or a Lite file: the tree its record holds
        print(lite_commands.summary_table(args))
        return EXIT_OK
    from core.resnet import build_resnet
    from core.summary import format_table, summarize

    if getattr(args, "weights", None) is not None:
        raise UsageError("summary --weights takes a ResLens Lite model file (.onnx)")
    args.arch = args.arch or SUMMARY_ARCH
    args.input_size = args.input_size or [SUMMARY_INPUT]
    args.num_classes = args.num_classes or SUMMARY_NUM_CLASSES
    low, high = SUMMARY_SIDES
    if len(args.input_size) > 2 or not all(low <= side <= high for side in args.input_size):
        raise UsageError(f"--input-size takes one or two sides of at least {low} and at most {high} px")
    size = args.input_size[0] if len(args.input_size) == 1 else tuple(args.input_size)
    model = build_resnet(args.arch, num_classes=args.num_classes)
    depth = None if args.depth < 0 else args.depth
    print(format_table(summarize(model, size), max_depth=depth))
    return EXIT_OK


def add_devices(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("devices", help="list the compute devices ResLens can use")
    p.set_defaults(run=run_devices)


def run_devices(_args: argparse.Namespace) -> int:
    from core.devices import available_devices

    for index, info in enumerate(available_devices()):
        marker = "*" if index == 0 else " "
        print(f"{marker} {info.key:<8} {info.description}")
    print("(* = chosen by --device auto)")
    return EXIT_OK


def add_weights(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("weights", help="list weight sources and whether they are available offline")
    p.add_argument("--arch", choices=list(ARCH_NAMES), default=None)
    p.set_defaults(run=run_weights)


def run_weights(args: argparse.Namespace) -> int:
    from core.architectures import pretty_arch
    from core.weights import list_sources

    rows = list_sources(args.arch)
    for row in rows:
        state = "ready" if row.available_offline else "download"
        print(f"{pretty_arch(row.arch):<11} {row.key:<12} {state:<9} {row.description}  [{row.location}]")
    return EXIT_OK
