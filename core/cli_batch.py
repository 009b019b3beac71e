"""``reslens-cli batch``: classify a folder, a glob or a manifest into resumable Parquet shards.

Exit codes: 0 every input has its row and none failed, 1 some inputs are error rows (or have no
row, which a rerun fills), 2 usage, weights or output errors (and ``--engine ray`` without Ray),
including a rerun into an OUT_DIR whose rows another model, backend, top-k or threshold made
(``--overwrite`` recomputes them instead).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from core import options
from core.cli_commands import add_model_arguments, model_choice
from core.errors import EXIT_OK, EXIT_SOME_FAILED, ResLensError
from core.messages import Message, english


def add_batch(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="classify many images into resumable Parquet shards, here or on a Ray cluster",
        description="Every input gets exactly one row (errors as rows); a rerun skips inputs that "
        "already have one in OUT_DIR.",
    )
    p.add_argument(
        "input",
        metavar="INPUT",
        help="a folder, a glob, or a manifest (.txt one path a line; .parquet/.csv with a 'path' "
        "column); local or a URI such as s3://bucket/photos/",
    )
    p.add_argument("--out", required=True, metavar="OUT_DIR", help="folder (or URI) for the Parquet shards")
    p.add_argument("--engine", choices=("local", "ray"), default="local")
    p.add_argument(
        "--address", default=None, help="Ray cluster to join (default: $RAY_ADDRESS, else a local Ray)"
    )
    p.add_argument(
        "--workers",
        type=options.RAY_WORKERS,
        default=None,
        help="Ray actors (default: one per CPU, or per GPU)",
    )
    p.add_argument("--cpus-per-worker", type=options.CPUS, default=1.0, help="CPUs reserved per Ray actor")
    p.add_argument(
        "--gpus-per-worker",
        type=options.GPUS,
        default=None,
        help="GPUs per Ray actor (default: 1 where there are GPUs)",
    )
    p.add_argument("--batch-size", type=options.BATCH_SIZE, default=16, help="images per forward pass")
    p.add_argument(
        "--shard-size", type=options.SHARD_SIZE, default=512, help="rows per Parquet shard (at most)"
    )
    add_model_arguments(p)  # --device: on each worker
    p.add_argument("--top-k", type=options.TOP_K, default=5)
    p.add_argument(
        "--threshold",
        default=None,
        metavar="T",
        help="rows whose top-1 probability is below T (0 to 1) are marked unknown, as classify marks "
        "them; 0 turns this off (default: the model card's calibrated threshold, if it has one)",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="recompute every row when OUT_DIR holds rows made with another model, backend, top-k or "
        "threshold (without it such a rerun is refused)",
    )
    p.set_defaults(run=run_batch)


def run_batch(args: argparse.Namespace) -> int:
    from core.batch.job import JobOptions, run_job
    from core.batch.rows import BatchSpec
    from core.cli_progress import ProgressBar
    from core.unknown import check_threshold

    try:
        threshold = check_threshold(args.threshold)  # a bad value is exit 2 before any work
    except ResLensError as exc:
        _say(f"error: {english(exc.message)}")
        return exc.exit_code
    spec = BatchSpec(
        **dataclasses.asdict(model_choice(args)),
        top_k=args.top_k,
        batch_size=args.batch_size,
        threshold=threshold,
    )
    options = JobOptions(**_options_for(JobOptions, args))
    progress = ProgressBar(sys.stderr)
    try:
        report = run_job(args.input, args.out, spec, options, log=_say, on_progress=progress.update)
    except ResLensError as exc:
        progress.close()
        _say(f"error: {english(exc.message)}")
        return exc.exit_code
    progress.close()
    for warning in report.warnings:
        _say(f"warning: {warning}")
    rate = f", {report.images_per_second:.1f} images/s" if report.classified else ""
    _say(
        f"classified {report.classified} in {report.seconds:.1f} s{rate}; {report.errors} could not be "
        f"classified; {report.inputs - len(report.missing)} of {report.inputs} inputs have a row "
        f"in {args.out}"
    )
    if report.duplicates:
        _say(
            f"error: {len(report.duplicates)} inputs have more than one row "
            f"(first: {next(iter(report.duplicates))})"
        )
    if report.missing:
        _say(
            f"{len(report.missing)} inputs have no row yet (first: {report.missing[0]}); "
            "run again to fill them"
        )
    if report.failed_total:
        _say(f"{report.failed_total} of {report.inputs} inputs could not be classified")
        _say("the rows with 'error' set say why, e.g. read them with pyarrow.parquet.read_table(OUT_DIR)")
    return EXIT_OK if report.complete and not report.failed_total else EXIT_SOME_FAILED


def _options_for(cls, args: argparse.Namespace) -> dict:
    """The flags named like the fields of the dataclass ``cls`` (every field has its flag)."""
    return {f.name: getattr(args, f.name) for f in dataclasses.fields(cls)}


def _say(message: Message | str) -> None:
    """One line on stderr, escaped (:func:`core.export.printable`): a file name's ESC, newline or
    non-UTF-8 byte is shown as ``\\x1b``, ``\\n``, ``\\xe9``, never sent to the terminal."""
    from core.export import printable

    print(printable(english(message)), file=sys.stderr)
