"""One batch job from start to check: inputs, what is already done, the engine, and a final count."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.backends import BACKENDS
from core.batch.inputs import resolve_inputs
from core.batch.record import (
    RECORD_REPLACED,
    Record,
    check_settings,
    new_run_id,
    read_record,
    record_path,
    write_record,
)
from core.batch.rows import BatchSpec
from core.batch.shards import drop_shards, prepare_output, remove_stale_temporaries, scan_output
from core.errors import UsageError, describe
from core.export import escape_text, printable
from core.messages import QT_TRANSLATE_NOOP, Message, kind, translate

ENGINES = ("local", "ray")
Log = Callable[[Message | str], None]

RECOMPUTING = kind(
    "batch.resume.recompute",
    translate("Messages", "--overwrite: %n row(s) made with other settings are recomputed", None, 0),
)
COUNTS = kind("batch.counts", QT_TRANSLATE_NOOP("Messages", "%1 inputs, %2 already in %3, %4 to classify"))
MOVED_ASIDE = kind(
    "batch.moved-aside",
    QT_TRANSLATE_NOOP("Messages", "moved aside an incomplete shard (its inputs are redone): %1"),
)
SAME_FILE = kind(
    "batch.inputs.same-file",
    translate("Messages", "%n input(s) name a file already listed, and get no second row", None, 0),
)


@dataclass
class BatchReport:
    """What a run did, and whether the output folder now holds exactly one row per input."""

    inputs: int = 0
    already_done: int = 0
    classified: int = 0
    errors: int = 0
    failed_total: int = 0
    seconds: float = 0.0
    incomplete_moved: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    duplicates: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def images_per_second(self) -> float:
        return self.classified / self.seconds if self.seconds > 0 else 0.0

    @property
    def complete(self) -> bool:
        return not self.missing and not self.duplicates


@dataclass(frozen=True)
class JobOptions:
    engine: str = "local"
    workers: int | None = None
    address: str | None = None
    shard_size: int = 512
    cpus_per_worker: float = 1.0
    gpus_per_worker: float | None = None  # None: one per actor where the cluster has GPUs
    overwrite: bool = False  # rows made with other settings are recomputed instead of refused


def run_job(
    source: str,
    out: str,
    spec: BatchSpec,
    options: JobOptions = JobOptions(),
    log: Log = lambda _message: None,
    on_progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> BatchReport:
    """Classify every input of ``source`` that ``out`` has no row for yet, then count again.

    The model is opened first (a device that does not exist fails here, even when every row is
    already written); its settings must be those of the rows already in ``out``
    (:mod:`core.batch.record`), and the job's record names the run before its first shard.
    """
    _check(spec, options)
    sources, same_file = resolve_inputs(source, with_same_file=True)
    if same_file:
        log(SAME_FILE(n=same_file))
    fs, root = prepare_output(out)
    runner, settings = _open_model(spec, options, log)
    record = _read_record(fs, root, options.overwrite, log)
    if not check_settings(record, settings, out, options.overwrite):
        assert record is not None
        log(RECOMPUTING(n=scan_output(out, quarantine=False).rows))
        drop_shards(fs, root, record)
        record = None
    record = record or Record(settings)
    run_id = new_run_id()
    record.runs.append(run_id)
    write_record(fs, root, record)
    remove_stale_temporaries(fs, root)
    before = scan_output(out)
    key = {s: escape_text(s) for s in sources}  # a row holds its source in the escaped form
    report = BatchReport(inputs=len(sources), incomplete_moved=before.incomplete)
    for path in before.incomplete:
        log(MOVED_ASIDE(printable(path)))
    pending = [s for s in sources if key[s] not in before.done]
    report.already_done = len(sources) - len(pending)
    log(COUNTS(len(sources), report.already_done, printable(out), len(pending)))
    start = time.perf_counter()
    if pending:
        if options.engine == "local":
            _run_local(pending, out, spec, options, report, on_progress, cancel, runner, run_id)
        else:
            _run_ray(pending, out, spec, options, report, log, run_id)
    report.seconds = time.perf_counter() - start
    after = scan_output(out, quarantine=False)
    report.missing = [s for s in sources if key[s] not in after.done]
    wanted = {key[s] for s in sources}
    report.duplicates = {s: n for s, n in after.duplicates.items() if s in wanted}
    report.classified = sum(1 for s in pending if key[s] in after.done)
    report.errors = sum(1 for s in pending if key[s] in after.errors)
    report.failed_total = sum(1 for s in sources if key[s] in after.errors)
    return report


def _read_record(fs, root: str, overwrite: bool, log: Log) -> Record | None:
    """The folder's record; with ``overwrite``, an unreadable one is replaced by a new record (the
    shards it named can no longer be told from a person's files, so they are left alone)."""
    try:
        return read_record(fs, root)
    except UsageError:
        if not overwrite:
            raise
        log(RECORD_REPLACED(printable(record_path(root))))
        return None


def _open_model(spec: BatchSpec, options: JobOptions, log: Log):
    """(the local runner or None, the rows' settings): the model opened once, before any work."""
    from core.batch.rows import Runner, row_settings

    if options.engine == "local":
        runner = Runner(spec, on_status=log)
        if runner.classifier.backend_note:
            log(runner.classifier.backend_note)
        return runner, row_settings(spec, runner.loaded, spec.backend)
    from core.opener import open_classifier, open_weights

    # Fail here, with the user's error and exit code, rather than in every actor; an ONNX
    # backend is built (and its int8 model checked) once here, and the actors find it cached.
    here = spec.model.with_device("cpu")
    loaded = open_weights(here)
    if spec.backend != "torch":
        note = open_classifier(here, loaded, on_status=log).backend_note
        if note:
            log(note)
    return None, row_settings(spec, loaded, spec.backend)


ONE_OF = kind("batch.one-of", QT_TRANSLATE_NOOP("Messages", "%1 must be one of %2"))
AT_LEAST_ONE = kind("batch.at-least-one", QT_TRANSLATE_NOOP("Messages", "%1 must be at least 1"))
RAY_ONLY = kind(
    "batch.ray-only", QT_TRANSLATE_NOOP("Messages", "--address and --workers apply to --engine ray")
)


def _check(spec: BatchSpec, options: JobOptions) -> None:
    """The job's settings, for callers of :func:`run_job` other than the CLI (whose parser
    refuses the same values first)."""
    if options.engine not in ENGINES:
        raise UsageError(ONE_OF("--engine", ", ".join(ENGINES)))
    if spec.backend not in BACKENDS:
        raise UsageError(ONE_OF("--backend", ", ".join(BACKENDS)))
    if spec.top_k < 1 or spec.batch_size < 1 or options.shard_size < 1:
        raise UsageError(AT_LEAST_ONE("--top-k, --batch-size and --shard-size"))
    if options.workers is not None and options.workers < 1:
        raise UsageError(AT_LEAST_ONE("--workers"))
    if options.engine == "local" and (options.address or options.workers):
        raise UsageError(RAY_ONLY())


def _run_local(pending, out, spec, options, report, on_progress, cancel, runner, run_id: str) -> None:
    from core.batch.local import run_local

    _rows, _errors, report.warnings = run_local(
        pending, out, spec, options.shard_size, on_progress=on_progress, cancel=cancel, runner=runner,
        run_id=run_id,
    )  # fmt: skip


def _run_ray(pending, out, spec, options, report, log: Log, run_id: str) -> None:
    from core.batch import ray_engine

    started = ray_engine.connect(options.address, num_cpus=None)
    try:
        gpus = options.gpus_per_worker
        if gpus is None:
            gpus = 1.0 if spec.device != "cpu" and ray_engine.gpus_available() else 0.0
        workers = options.workers or ray_engine.default_workers(options.cpus_per_worker, gpus)
        log(f"ray: {workers} workers, {options.cpus_per_worker:g} CPU and {gpus:g} GPU each")
        try:
            ray_engine.run_ray(
                pending, out, spec, workers, options.cpus_per_worker, gpus, rows_per_block=options.shard_size,
                run_id=run_id,
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - whatever Ray raised, what was written stays and counts
            message = f"the Ray job stopped: {describe(exc)}"
            log(message)
            report.warnings.append(message)
    finally:
        if started:
            ray_engine.shutdown()
