"""``reslens-cli batch`` without Ray: inputs, one row per input, resume, and an interrupted run.

The local engine runs the desktop pipeline in-process; these tests hold it to the same rows as
:meth:`core.inference.Classifier.classify`, and hold the output folder to "every input exactly
once" through a cancel, a half-written shard and a ``kill -9``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from core import shapes  # noqa: E402
from core.batch import BatchSpec, read_rows, resolve_inputs, scan_output  # noqa: E402
from core.batch.job import JobOptions, run_job  # noqa: E402
from core.batch.shards import TMP_PREFIX  # noqa: E402
from core.cli import main  # noqa: E402
from core.errors import UsageError  # noqa: E402
from core.inference import Classifier  # noqa: E402
from core.results import ClassificationResult  # noqa: E402
from core.weights import load_weights  # noqa: E402

SPEC = BatchSpec(device="cpu", top_k=3, batch_size=16)
REPO = Path(__file__).resolve().parents[2]


def render_images(folder: Path, count: int) -> list[str]:
    """``count`` symbols from :mod:`core.shapes` at the bundled model's 64 px, as PNG files."""
    per_class = -(-count // len(shapes.CLASSES))
    shapes.write_dataset(folder, seed=17, per_class=per_class, size=64, ext="png")
    files = sorted(str(p) for p in folder.rglob("*.png"))
    for extra in files[count:]:
        os.remove(extra)
    return files[:count]


def desktop_results(paths: list[str], top_k: int = SPEC.top_k) -> dict[str, ClassificationResult]:
    classifier = Classifier.from_loaded(load_weights(None, "default", device="cpu"))
    return {r.source: r for r in classifier.classify(paths, top_k=top_k)}


def assert_rows_match(rows: list[dict], expected: dict[str, ClassificationResult]) -> None:
    """Exactly one row per expected source; same top-k labels, probabilities within 1e-5."""
    sources = [row["source"] for row in rows]
    assert len(sources) == len(set(sources)), "a source has more than one row"
    assert set(sources) == set(expected)
    for row in rows:
        want = expected[row["source"]]
        assert row["error"] == want.error
        assert [p["label"] for p in row["predictions"]] == [p.label for p in want.predictions]
        got = [p["probability"] for p in row["predictions"]]
        assert got == pytest.approx([p.probability for p in want.predictions], abs=1e-5)
        assert (row["width"], row["height"]) == (want.width, want.height)


def kill_after_shards(cli_args: list[str], out: Path, shards: int = 2, timeout: float = 180) -> None:
    """Run ``reslens-cli`` with ``cli_args`` in a child process; ``kill -9`` it once ``out`` holds
    ``shards`` complete-looking shards."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    cmd = [sys.executable, "-m", "core.cli", *cli_args, "--device", "cpu"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        shards_now = lambda: len(list(out.glob("part-*.parquet")))  # noqa: E731 - complete shards only
        while shards_now() < shards and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended (or failed) before it could be interrupted"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)


def check_exactly_once(out: Path, sources: list[str]) -> None:
    state = scan_output(str(out), quarantine=False)
    assert state.duplicates == {}
    assert state.done == set(sources)
    assert state.rows == len(sources)


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("batch") / "images"
    render_images(folder, 60)
    (folder / "broken.png").write_bytes(b"not a picture")
    return folder, sorted(resolve_inputs(str(folder)))


@pytest.fixture(scope="module")
def expected(images) -> dict[str, ClassificationResult]:
    return desktop_results(images[1])


# --- inputs ---


def test_folder_glob_and_manifests_name_the_same_inputs(images, tmp_path) -> None:
    folder, sources = images
    assert len(sources) == 61 and str(folder / "broken.png") in sources
    pngs = resolve_inputs(f"{folder}/**/*.png")
    assert sorted(pngs) == sources
    rel = [os.path.relpath(s, folder) for s in sources]
    text = folder / "list.txt"
    text.write_text("# one path a line, relative to this file\n" + "\n".join(rel + rel[:3]) + "\n\n")
    assert sorted(resolve_inputs(str(text))) == sources  # listed twice: classified once
    csv_file = tmp_path / "m.csv"
    csv_file.write_text("path,label\n" + "".join(f"{s},x\n" for s in sources))
    assert resolve_inputs(str(csv_file)) == sources
    pq.write_table(pa.table({"path": sources, "n": list(range(len(sources)))}), tmp_path / "m.parquet")
    assert resolve_inputs(str(tmp_path / "m.parquet")) == sources
    uri = resolve_inputs(f"file://{folder}")
    assert sorted(u.removeprefix("file://") for u in uri) == sources


@pytest.mark.parametrize(
    "content, message", [("path_x\na.png\n", "no 'path' column"), ("path\n", "no images found")]
)
def test_bad_manifests_are_usage_errors(tmp_path, content, message) -> None:
    (tmp_path / "m.csv").write_text(content)
    with pytest.raises(UsageError, match=message):
        resolve_inputs(str(tmp_path / "m.csv"))
    with pytest.raises(UsageError, match="no such file"):
        resolve_inputs(str(tmp_path / "missing"))


# --- the local engine ---


def test_local_rows_equal_the_desktop_classifier(images, expected, tmp_path) -> None:
    folder, sources = images
    out = tmp_path / "out"
    report = run_job(str(folder), str(out), SPEC, JobOptions(shard_size=25))
    assert (report.inputs, report.classified, report.errors, report.failed_total) == (61, 61, 1, 1)
    assert report.complete
    assert len(list(out.glob("*.parquet"))) == 3
    rows = read_rows(str(out))
    assert_rows_match(rows, expected)
    fields = set(ClassificationResult("x").to_dict()) | {"backend"}
    assert all(set(row) == fields for row in rows)
    assert all(row["backend"] == "torch" and row["model"] for row in rows)
    broken = next(r for r in rows if r["source"].endswith("broken.png"))
    assert broken["error"] and not broken["predictions"]


def test_local_engine_runs_the_onnx_backend_and_records_it(images, expected, tmp_path, monkeypatch, capsys):
    """``--backend onnx``: the same rows as the desktop's torch classifier (top-k labels, and
    probabilities to ONNX Runtime's tolerance), each row naming the backend that ran."""
    pytest.importorskip("onnxruntime")
    monkeypatch.setenv("RESLENS_CACHE", str(tmp_path / "cache"))
    folder, sources = images
    out = tmp_path / "out"
    args = ["batch", str(folder), "--out", str(out), "--device", "cpu", "--top-k", "3", "--backend", "onnx"]
    assert main(args) == 1  # broken.png is an error row
    assert "Building the ONNX model once" in capsys.readouterr().err
    rows = read_rows(str(out))
    assert len(rows) == len(sources) and {row["backend"] for row in rows} == {"onnx"}
    for row in rows:
        want = expected[row["source"]]
        assert row["error"] == want.error
        assert [p["label"] for p in row["predictions"]][:1] == [p.label for p in want.predictions][:1]
        got = [p["probability"] for p in row["predictions"]]
        assert got == pytest.approx([p.probability for p in want.predictions], abs=1e-3)
    assert list((tmp_path / "cache" / "onnx").glob("*/model.onnx"))  # built once, into the cache


def test_batch_backend_without_onnxruntime_is_a_usage_error(images, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    folder, _ = images
    assert main(["batch", str(folder), "--out", str(tmp_path / "o"), "--backend", "onnx-int8"]) == 2
    assert "pip install onnxruntime" in capsys.readouterr().err
    assert not list((tmp_path / "o").glob("*.parquet"))


def test_one_schema_for_every_shard_and_unknown_fields_kept() -> None:
    from core.batch.rows import rows_to_table

    error_only = rows_to_table([{**ClassificationResult("a", error="bad").to_dict(), "backend": "torch"}])
    assert error_only.schema == rows_to_table([]).schema  # all-null columns keep their types
    later = rows_to_table([{"source": "b", "device": {"type": "cpu"}}])  # a field classify may gain
    assert later.column("device").to_pylist() == ['{"type": "cpu"}']


def test_manifest_entries_taken_literally_one_row_each(images, tmp_path) -> None:
    folder, sources = images
    manifest = tmp_path / "m.txt"
    manifest.write_text(f"{sources[0]}\nmissing.png\n{folder}\nfile://{sources[1]}\n")
    out = tmp_path / "out"
    report = run_job(str(manifest), str(out), SPEC)
    rows = {r["source"]: r for r in read_rows(str(out))}
    assert report.complete and len(rows) == 4
    assert rows[sources[0]]["error"] is None and rows[f"file://{sources[1]}"]["error"] is None
    assert "folder" in rows[str(folder)]["error"]
    assert rows[str(tmp_path / "missing.png")]["error"]


def test_cancelled_run_resumes_without_repeating(images, expected, tmp_path) -> None:
    folder, sources = images
    out = tmp_path / "out"
    cancel = threading.Event()

    def stop_after_two_shards(done: int, _total: int) -> None:
        if done >= 20:
            cancel.set()

    first = run_job(
        str(folder),
        str(out),
        SPEC,
        JobOptions(shard_size=10),
        on_progress=stop_after_two_shards,
        cancel=cancel,
    )
    assert first.classified == 20 and len(first.missing) == 41 and not first.duplicates
    second = run_job(str(folder), str(out), SPEC, JobOptions(shard_size=10))
    assert (second.already_done, second.classified) == (20, 41)
    assert second.complete
    assert_rows_match(read_rows(str(out)), expected)
    third = run_job(str(folder), str(out), SPEC)
    assert (third.already_done, third.classified) == (61, 0)


def test_half_written_shard_is_redone_not_trusted(images, expected, tmp_path) -> None:
    folder, sources = images
    out = tmp_path / "out"
    run_job(str(folder), str(out), SPEC, JobOptions(shard_size=25))
    victim = sorted(out.glob("*.parquet"))[1]
    lost = set(pq.read_table(victim, columns=["source"]).column("source").to_pylist())
    victim.write_bytes(victim.read_bytes()[:-100])  # the footer never made it to disk
    (out / f"{TMP_PREFIX}stale.parquet").write_bytes(b"PAR1 half")  # a killed local run's temporary
    report = run_job(str(folder), str(out), SPEC)
    assert report.incomplete_moved == [str(victim)]
    assert report.classified == len(lost) == 25
    assert report.complete
    assert not (out / f"{TMP_PREFIX}stale.parquet").exists()
    check_exactly_once(out, sources)
    assert_rows_match(read_rows(str(out)), expected)


def test_killed_process_then_rerun_no_duplicates_no_gaps(tmp_path) -> None:
    """A real ``kill -9`` of ``reslens-cli batch`` mid-run, then the same command again."""
    sources = render_images(tmp_path / "images", 240)
    out = tmp_path / "out"
    kill_after_shards(["batch", str(tmp_path / "images"), "--out", str(out), "--shard-size", "20"], out)
    kept = scan_output(str(out), quarantine=False)
    assert 40 <= kept.rows < len(sources) and not kept.duplicates
    assert main(["batch", str(tmp_path / "images"), "--out", str(out), "--device", "cpu"]) == 0
    check_exactly_once(out, sources)


def test_core_has_no_import_statement_for_the_cluster_extra() -> None:
    """PyInstaller collects ``core`` whole and follows import statements: one naming Ray or pyarrow
    would put them in the desktop bundle whenever the build venv has the extra."""
    import ast

    import core

    found = []
    for path in Path(core.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("ray", "pyarrow")]
    assert found == []


# --- the command line ---


def test_cli_exit_codes(images, tmp_path, capsys) -> None:
    folder, _ = images
    assert main(["batch", str(folder), "--out", str(tmp_path / "a"), "--device", "cpu"]) == 1  # broken.png
    assert "1 of 61 inputs could not be classified" in capsys.readouterr().err
    good = tmp_path / "good.txt"
    good.write_text(f"{folder / 'circle' / 'circle_00000.png'}\n")
    assert main(["batch", str(good), "--out", str(tmp_path / "b"), "--device", "cpu"]) == 0
    assert main(["batch", str(tmp_path / "nothing"), "--out", str(tmp_path / "c")]) == 2
    assert main(["batch", str(good), "--out", str(tmp_path / "d"), "--workers", "2"]) == 2
    assert main(["batch", str(good), "--out", str(good)]) == 2  # --out is a file
    assert main(["batch", str(good), "--out", str(tmp_path / "e"), "--weights", str(good)]) == 2
    with pytest.raises(SystemExit) as exited:
        main(["batch", str(good), "--out", str(tmp_path / "f"), "--backend", "tensorrt"])
    assert exited.value.code == 2


def test_a_failed_ray_job_is_reported_and_resumable(images, tmp_path, capsys, monkeypatch) -> None:
    from core.batch import ray_engine

    def crash(*_args, **_kwargs):
        raise RuntimeError("ActorDiedError: the actor died unexpectedly\n(long traceback)")

    monkeypatch.setattr(ray_engine, "connect", lambda *_a, **_k: False)
    monkeypatch.setattr(ray_engine, "gpus_available", lambda: False)
    monkeypatch.setattr(ray_engine, "run_ray", crash)
    _, sources = images
    code = main(["batch", sources[0], "--out", str(tmp_path / "out"), "--engine", "ray", "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert "the Ray job stopped: RuntimeError: ActorDiedError: the actor died unexpectedly" in err
    assert "1 inputs have no row yet" in err and "run again" in err


def test_ray_engine_without_ray_says_how_to_install(images, tmp_path, capsys, monkeypatch) -> None:
    _, sources = images
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    code = main(["batch", sources[0], "--out", str(tmp_path / "out"), "--engine", "ray"])
    assert code == 2
    assert "pip install -e '.[cluster]'" in capsys.readouterr().err
