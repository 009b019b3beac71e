"""``reslens-cli evaluate DATA``: how well a model does on a labelled folder.

DATA holds one sub-folder per class. The images go through the same pipeline as ``classify``
(:class:`core.inference.Classifier`), and the figures come from :mod:`core.evaluate`:
accuracy, per-class precision/recall/F1/support, the confusion matrix, the unknown rate and the
misclassified files; ``--json`` prints them as one object, ``--csv FILE`` writes one row per image.

Exit codes as for ``classify``: 0, 1 when some files could not be read (listed on stderr, the
evaluation goes on without them), 2 for a usage, weights or output error (found before any work).
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

from core import options
from core.cli_commands import (
    _download_progress,
    add_model_arguments,
    model_choice,
    report_failures,
)
from core.cli_progress import ProgressBar
from core.errors import UsageError
from core.export import printable
from core.messages import english


def add_evaluate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="measure a model on a labelled folder (one sub-folder per class)",
        description="Classify every image of DATA/<class>/ and report accuracy, per-class precision, "
        "recall and F1, the confusion matrix, the unknown rate and the misclassified files.",
    )
    p.add_argument(
        "data", metavar="DATA", help="a folder with one sub-folder per class, named after the class"
    )
    add_model_arguments(p)
    p.add_argument(
        "--threshold",
        type=options.THRESHOLD,
        default=None,
        metavar="T",
        help="count images whose top-1 probability is below T (0 to 1) as unknown; 0 turns this off "
        "(default: the model card's calibrated threshold, if it has one)",
    )
    p.add_argument("--batch-size", type=options.BATCH_SIZE, default=16)
    p.add_argument("--json", action="store_true", help="print the evaluation as JSON on stdout")
    p.add_argument("--csv", metavar="FILE", help="write one row per image as CSV to FILE ('-' for stdout)")
    p.set_defaults(run=run_evaluate)


def run_evaluate(args: argparse.Namespace) -> int:
    from core.evaluate import NOT_A_FOLDER, find_labelled, score, scored_image
    from core.evaluate_report import NO_IMAGES, format_report, notes, to_json
    from core.unknown import check_threshold, default_threshold, mark_unknown

    if args.json and args.csv == "-":
        raise UsageError("--json and --csv - both write to stdout; give --csv a file name")
    threshold = check_threshold(args.threshold)
    csv_path = _claim_csv(args)  # before any work: a bad output is exit 2, not a lost run
    if not Path(args.data).is_dir():
        raise UsageError(NOT_A_FOLDER(printable(args.data)))
    loaded, classifier = _open_model(args)
    data = find_labelled(args.data, loaded.meta.categories)
    progress = ProgressBar(sys.stderr)
    results = classifier.classify(
        data.paths, top_k=1, batch_size=args.batch_size, on_progress=progress.update, cancel=threading.Event()
    )
    progress.close()
    if threshold is None:
        threshold = default_threshold(loaded.meta, loaded.path)
    results = mark_unknown(results, threshold)
    images = []
    for result in results:
        true = data.true_class(result.source)
        if true is not None:
            images.append(scored_image(true, result))
    evaluation = score(images, loaded.meta.categories, threshold, loaded.identity.tag, data)
    for warning in classifier.warnings:
        print(f"warning: {printable(warning)}", file=sys.stderr)
    for note in notes(evaluation):
        print(printable(english(note)), file=sys.stderr)
    if not evaluation.scored:
        raise UsageError(NO_IMAGES())
    if args.json:
        print(to_json(evaluation))
    if args.csv:
        _write_csv(evaluation, csv_path)
    if not args.json and args.csv != "-":
        print(format_report(evaluation, english))
    failed = [(i.source, i.error or "") for i in evaluation.failed]
    return report_failures(failed, len(evaluation.images), "evaluated")


def _claim_csv(args: argparse.Namespace) -> Path | None:
    """The CSV's path, refused now if it is an input (an image, the weights, the labels) or
    lies inside the data folder: :func:`core.outputs.claim` decides."""
    from core.outputs import Output, OutputRules, claim

    if not args.csv or args.csv == "-":
        return None
    inputs = [args.data, *(p for p in (args.weights, args.labels) if p and Path(p).exists())]
    # DATA is a labelled folder, as a training folder is: nothing is written inside it.
    rules = OutputRules(tuple(Path(p) for p in inputs), data_folders=(Path(args.data),))
    return claim(args.csv, Output.TEXT, rules)


def _open_model(args: argparse.Namespace) -> tuple[Any, Any]:
    """Weights and classifier, opened as ``classify`` opens them (``core.opener``)."""
    from core.opener import open_classifier, open_weights

    choice = model_choice(args)
    loaded = open_weights(choice, on_progress=_download_progress)
    print(f"model: {printable(loaded.description)} on {loaded.device}", file=sys.stderr)
    classifier = open_classifier(
        choice, loaded, on_status=lambda message: print(printable(english(message)), file=sys.stderr)
    )
    if classifier.backend_note:
        print(printable(english(classifier.backend_note)), file=sys.stderr)
    return loaded, classifier


def _write_csv(evaluation: Any, path: Path | None) -> None:
    from core.evaluate_report import write_csv_to
    from core.export import write_atomically

    if path is None:
        write_csv_to(evaluation, sys.stdout)
        return
    write_atomically(path, lambda stream: write_csv_to(evaluation, stream), newline="")
    print(f"wrote {len(evaluation.images)} rows to {printable(str(path))}", file=sys.stderr)
