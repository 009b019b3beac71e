"""``--engine local``: the desktop pipeline in this process, one atomically written shard per chunk."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence

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
) -> tuple[int, int, list[str]]:
    """Classify ``pending`` into shards of ``shard_size`` rows; (rows, error rows, warnings).

    A shard is written only when its chunk is finished, so stopping (``cancel``, Ctrl-C, a kill)
    loses at most the chunk in progress, and never leaves a partial shard behind.
    """
    fs, root = prepare_output(out)
    runner = runner or Runner(spec)
    run_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    written = errors = 0
    if on_progress:
        on_progress(0, len(pending))
    for number, start in enumerate(range(0, len(pending), shard_size)):
        rows = runner.rows(pending[start : start + shard_size])
        write_shard(fs, root, rows_to_table(rows), f"part-{run_id}-{number:06d}.parquet")
        written += len(rows)
        errors += sum(1 for row in rows if row.get("error"))
        if on_progress:
            on_progress(written, len(pending))
        if cancel is not None and cancel.is_set():
            break
    return written, errors, list(runner.classifier.warnings)
