"""``--engine local``: the desktop pipeline in this process, one atomically written shard per chunk."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from core.batch.record import new_run_id, shard_prefix
from core.batch.rows import BatchSpec, Runner, rows_to_table
from core.batch.shards import prepare_output, write_shard

ProgressCallback = Callable[[int, int], None]


def run_local(
    pending: Sequence[str],
    out: str,
    spec: BatchSpec,
    shard_size: int,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    runner: Runner | None = None,
    run_id: str | None = None,
) -> tuple[int, int, list[str]]:
    """Classify ``pending`` into shards of ``shard_size`` rows; (rows, error rows, warnings).

    A shard is written only when its chunk is finished, so stopping (``cancel``, Ctrl-C, a kill)
    loses at most the chunk in progress, and never leaves a partial shard behind. Shards are named
    ``part-<run_id>-<n>.parquet``: the folder's record names ``run_id`` as the job's own.
    """
    fs, root = prepare_output(out)
    runner = runner or Runner(spec)
    prefix = shard_prefix(run_id or new_run_id())
    written = errors = 0
    if on_progress:
        on_progress(0, len(pending))
    for number, start in enumerate(range(0, len(pending), shard_size)):
        rows = runner.rows(pending[start : start + shard_size])
        write_shard(fs, root, rows_to_table(rows), f"{prefix}-{number:06d}.parquet")
        written += len(rows)
        errors += sum(1 for row in rows if row.get("error"))
        if on_progress:
            on_progress(written, len(pending))
        if cancel is not None and cancel.is_set():
            break
    return written, errors, list(runner.classifier.warnings)
