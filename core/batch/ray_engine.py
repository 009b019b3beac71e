"""``--engine ray``: the same :class:`~core.batch.rows.Runner` in a Ray Data actor pool.

``map_batches`` with a callable class: each actor loads the model once (``__init__``) and decodes
and classifies its batches itself (``__call__``); ``compute=ActorPoolStrategy(size=workers)`` sizes
the pool, one GPU per actor where the cluster has GPUs. Ray Data gives backpressure, and restarts
an actor that dies and retries its task (``max_restarts``/``max_task_retries`` default to -1 for
actor pools), so every input still yields exactly one row. Results go out through Ray's Parquet
writer, from the workers, straight into the output folder (local, NFS, ``s3://``, ``gs://``).

Test-only fault injection: with ``RESLENS_BATCH_TEST_EXIT_AFTER=N`` in the driver's environment an
actor calls ``os._exit`` when its (N+1)-th batch arrives; with ``RESLENS_BATCH_TEST_EXIT_ONCE=FILE``
as well, only the first actor to create FILE does so.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from core.batch.inputs import is_uri, require
from core.batch.rows import SOURCE, BatchSpec, Runner, rows_to_table

EXIT_AFTER_ENV = "RESLENS_BATCH_TEST_EXIT_AFTER"
EXIT_ONCE_ENV = "RESLENS_BATCH_TEST_EXIT_ONCE"
LOCAL_OBJECT_STORE_BYTES = 512 * 2**20
CODE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding the ``core`` package


class BatchActor:
    """One Ray actor: a model loaded once, then one Arrow table of rows per batch of sources."""

    def __init__(
        self,
        spec: BatchSpec,
        decode_workers: int = 2,
        exit_after: int | None = None,
        exit_once: str | None = None,
    ) -> None:
        self.runner = Runner(spec, decode_workers=decode_workers)
        self.exit_after, self.exit_once, self.calls = exit_after, exit_once, 0

    def __call__(self, batch):
        if self.exit_after is not None and self.calls >= self.exit_after and self._claim_exit():
            os._exit(17)  # a dying worker, mid-run, with this batch in flight
        self.calls += 1
        return rows_to_table(self.runner.rows([str(s) for s in batch.column(SOURCE).to_pylist()]))

    def _claim_exit(self) -> bool:
        if self.exit_once is None:
            return True
        try:
            os.close(os.open(self.exit_once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True


def connect(
    address: str | None, num_cpus: int | None = None, object_store_bytes: int = LOCAL_OBJECT_STORE_BYTES
) -> bool:
    """Join the Ray named by ``address``/``$RAY_ADDRESS`` (``ray job submit`` sets it), or start a
    local one. Returns whether this call started Ray (and so should shut it down)."""
    ray = require("ray", "--engine ray")
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if address or os.environ.get("RAY_ADDRESS"):
        ray.init(address=address or None)
        return True
    path = os.pathsep.join(p for p in (CODE_ROOT, os.environ.get("PYTHONPATH")) if p)
    ray.init(
        num_cpus=num_cpus or os.cpu_count() or 1,
        include_dashboard=False,
        object_store_memory=object_store_bytes,
        runtime_env={"env_vars": {"PYTHONPATH": path}},  # workers import this very ``core``
    )
    return True


def default_workers(cpus_per_worker: float, gpus_per_worker: float) -> int:
    """As many actors as the cluster has GPUs (if they use GPUs) or CPUs for them."""
    resources = require("ray", "--engine ray").cluster_resources()
    if gpus_per_worker > 0:
        return max(1, int(resources.get("GPU", 0) // gpus_per_worker))
    return max(1, int(resources.get("CPU", 1) // cpus_per_worker))


def gpus_available() -> bool:
    return require("ray", "--engine ray").cluster_resources().get("GPU", 0) > 0


def shutdown() -> None:
    require("ray", "--engine ray").shutdown()


def run_ray(
    pending: Sequence[str],
    out: str,
    spec: BatchSpec,
    workers: int,
    cpus_per_worker: float = 1.0,
    gpus_per_worker: float = 0.0,
    rows_per_block: int = 512,
    run_id: str | None = None,
) -> None:
    """Classify ``pending`` on the connected Ray and write the rows under ``out`` (Ray's writer),
    in files named ``part-<run_id>_…`` (the folder's record names ``run_id`` as the job's own)."""
    from core.batch.record import new_run_id, shard_prefix

    pa = require("pyarrow", "--engine ray")
    ray_data = require("ray.data", "--engine ray")
    names = require("ray.data.datasource", "--engine ray").FilenameProvider(
        dataset_uuid=shard_prefix(run_id or new_run_id()), file_format="parquet"
    )

    # Enough blocks for every actor to have work, each a unit of retry and a Parquet file.
    per_block = max(1, min(rows_per_block, -(-len(pending) // (4 * workers))))
    blocks = [pa.table({SOURCE: list(pending[i : i + per_block])}) for i in range(0, len(pending), per_block)]
    exit_after = os.environ.get(EXIT_AFTER_ENV)
    dataset = ray_data.from_arrow(blocks).map_batches(
        BatchActor,
        fn_constructor_kwargs={
            "spec": spec,
            "decode_workers": max(2, int(cpus_per_worker)),
            "exit_after": int(exit_after) if exit_after else None,
            "exit_once": os.environ.get(EXIT_ONCE_ENV),
        },
        batch_size=per_block,  # one block per call: the unit of work, of retry and of a file
        batch_format="pyarrow",
        compute=ray_data.ActorPoolStrategy(size=workers),
        num_cpus=cpus_per_worker,
        num_gpus=gpus_per_worker,
    )
    # Writing a few rows of results is light: it must not wait for a CPU held by an actor.
    target = out if is_uri(out) else os.path.abspath(out)
    dataset.write_parquet(
        target, min_rows_per_file=per_block, ray_remote_args={"num_cpus": 0}, filename_provider=names
    )
