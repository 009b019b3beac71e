"""The suite's own pytest settings do what pyproject.toml says, checked in a pytest of its own.

They guard CI rather than the product: a passing test's folder is deleted at once so the run
does not fill the disk (about 4.8 GB kept otherwise), and a failing one's stays for a look.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

INNER_TESTS = textwrap.dedent(
    """
    import json, os

    def _record(tmp_path, name):
        (tmp_path / "weights.bin").write_bytes(b"x" * 1000)
        with open(os.environ["RECORD"], "a") as record:
            record.write(json.dumps({name: str(tmp_path)}) + "\\n")

    def test_passes(tmp_path):
        _record(tmp_path, "passed")

    def test_fails(tmp_path):
        _record(tmp_path, "failed")
        assert False, "fails on purpose"
    """
)


def test_a_passing_tests_folder_is_deleted_and_a_failing_ones_is_kept(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "test_inner.py").write_text(INNER_TESTS)
    record = tmp_path / "record.jsonl"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(inner),
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(tmp_path / "base"),
            str(inner / "test_inner.py"),
        ],
        cwd=inner,
        env={"RECORD": str(record), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr  # one failure, on purpose
    folders: dict[str, str] = {}
    for line in record.read_text().splitlines():
        folders.update(json.loads(line))
    assert set(folders) == {"passed", "failed"}
    assert not Path(folders["passed"]).exists()
    assert (Path(folders["failed"]) / "weights.bin").stat().st_size == 1000
