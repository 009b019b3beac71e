"""``--engine ray`` on a local Ray with 2 CPUs: the same rows as the desktop, exactly once, even when
an actor dies mid-run or the driver is killed and the job is run again.

Marked ``ray`` and skipped where the ``cluster`` extra is absent; CI installs it and runs them.
One Ray is started for the module (2 CPUs, 300 MB object store, no dashboard, no usage stats).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")
pytest.importorskip("pyarrow")

from core.batch import ray_engine, read_rows, scan_output  # noqa: E402
from core.batch.job import JobOptions, run_job  # noqa: E402
from tests.core.test_batch import (  # noqa: E402
    SPEC,
    assert_rows_match,
    check_exactly_once,
    desktop_results,
    kill_after_shards,
    render_images,
)

pytestmark = pytest.mark.ray
IMAGES = 300
RAY = JobOptions(engine="ray", workers=2, shard_size=64)


@pytest.fixture(scope="module")
def cluster():
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    assert ray_engine.connect(None, num_cpus=2, object_store_bytes=300 * 2**20)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("ray") / "images"
    return folder, render_images(folder, IMAGES)


@pytest.fixture(scope="module")
def expected(images):
    return desktop_results(images[1])


def test_ray_rows_equal_local_rows_and_the_desktop(cluster, images, expected, tmp_path) -> None:
    folder, sources = images
    report = run_job(str(folder), str(tmp_path / "ray"), SPEC, RAY)
    assert report.complete and report.classified == IMAGES and report.errors == 0
    ray_rows = read_rows(str(tmp_path / "ray"))
    assert_rows_match(ray_rows, expected)
    run_job(str(folder), str(tmp_path / "local"), SPEC)
    local = {row["source"]: row for row in read_rows(str(tmp_path / "local"))}
    for row in ray_rows:
        twin = local[row["source"]]
        assert {k: row[k] for k in ("model", "backend", "width", "height", "error")} == {
            k: twin[k] for k in ("model", "backend", "width", "height", "error")
        }
        assert row["predictions"][0]["label"] == twin["predictions"][0]["label"]
        got = [p["probability"] for p in row["predictions"]]
        assert got == pytest.approx([p["probability"] for p in twin["predictions"]], abs=1e-5)
    assert len(list((tmp_path / "ray").glob("*.parquet"))) > 2  # written by Ray, block by block


def test_actor_killed_mid_run_every_input_exactly_once(
    cluster, images, expected, tmp_path, monkeypatch
) -> None:
    folder, sources = images
    flag = tmp_path / "an-actor-died"
    monkeypatch.setenv(ray_engine.EXIT_AFTER_ENV, "1")  # the first actor to reach its 2nd batch dies
    monkeypatch.setenv(ray_engine.EXIT_ONCE_ENV, str(flag))
    report = run_job(str(folder), str(tmp_path / "out"), SPEC, RAY)
    assert flag.exists(), "no actor was killed"
    assert report.complete
    check_exactly_once(tmp_path / "out", sources)
    assert_rows_match(read_rows(str(tmp_path / "out")), expected)


def test_driver_killed_then_rerun_no_duplicates_no_gaps(cluster, images, expected, tmp_path) -> None:
    """``kill -9`` of a ``batch --engine ray --address`` driver after its first shards, then rerun."""
    folder, sources = images
    out = tmp_path / "out"
    args = ["batch", str(folder), "--out", str(out), "--engine", "ray", "--address", cluster]
    # --backend torch: the rerun below (SPEC) must ask for the same settings, or it is refused
    kill_after_shards(
        [*args, "--workers", "1", "--shard-size", "20", "--top-k", "3", "--backend", "torch"], out
    )
    _wait_until_the_killed_job_is_gone(out)
    kept = scan_output(str(out), quarantine=False)
    assert 0 < len(kept.done) < IMAGES and not kept.duplicates
    report = run_job(str(folder), str(out), SPEC, RAY)
    assert report.already_done == len(kept.done) and report.classified == IMAGES - len(kept.done)
    assert report.complete
    check_exactly_once(out, sources)
    assert_rows_match(read_rows(str(out)), expected)


def _wait_until_the_killed_job_is_gone(out: Path, timeout: float = 60) -> None:
    """Ray reaps a dead driver's actors and tasks a moment later; until then a write task may still
    finish a file. Wait for the actors' CPUs to come back and for the folder to stop changing."""
    deadline = time.monotonic() + timeout
    before = None
    while time.monotonic() < deadline:
        listing = sorted((p.name, p.stat().st_size) for p in out.iterdir())
        if (
            ray.available_resources().get("CPU", 0) >= ray.cluster_resources().get("CPU", 0)
            and listing == before
        ):
            return
        before = listing
        time.sleep(1.0)
    raise AssertionError("the killed job's actors are still running")
