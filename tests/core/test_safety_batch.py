"""``batch`` owns only what it writes, resumes only what it may, and takes any name (issue 24).

Items 5, 7, 8, 9 and 15, and batch's escaping: each test fails without its fix.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from core import shapes  # noqa: E402
from core.batch import BatchSpec, read_rows, scan_output  # noqa: E402
from core.batch.job import JobOptions, run_job  # noqa: E402
from core.batch.record import RECORD  # noqa: E402
from core.cli import main  # noqa: E402
from core.errors import UsageError  # noqa: E402
from core.inference import Classifier  # noqa: E402
from core.unknown import mark_unknown  # noqa: E402
from core.weights import load_weights  # noqa: E402

SPEC = BatchSpec(device="cpu", top_k=3, batch_size=16, backend="auto")  # the CLI's default backend


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve symbols, one of them under a name that is not UTF-8 (item 9)."""
    root = tmp_path_factory.mktemp("safety-batch") / "images"
    shapes.write_dataset(root, seed=5, per_class=1, size=64, ext="png")
    files = sorted(root.rglob("*.png"))
    os.rename(files[0], os.fsdecode(os.path.join(os.fsencode(files[0].parent), b"caf\xe9.png")))
    return root


def _sources(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*.png"))


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_persons_own_parquet_files_in_out_are_never_read_moved_or_deleted(folder, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    pq.write_table(pa.table({"source": ["/elsewhere/x.png"], "error": [None]}), out / "mine.parquet")
    (out / "notes.parquet").write_bytes(b"PAR1 my half-written export")  # unreadable, and not ours
    theirs = _listing(out)
    report = run_job(str(folder), str(out), SPEC)
    assert report.complete and report.inputs == len(_sources(folder)) == 12
    after = _listing(out)
    assert {name: after[name] for name in theirs} == theirs  # same names, same bytes
    assert not any(name.startswith(".incomplete-") for name in after)
    assert "/elsewhere/x.png" not in {row["source"] for row in read_rows(str(out))}
    assert RECORD in after and run_job(str(folder), str(out), SPEC).already_done == 12


def test_a_non_utf8_file_name_gets_its_row_in_the_escaped_form(folder, tmp_path) -> None:
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--out", str(out), "--device", "cpu", "--top-k", "3"]) == 0
    rows = {row["source"]: row for row in read_rows(str(out))}
    odd = [source for source in rows if source.endswith("caf\\xe9.png")]
    assert len(odd) == 1 and rows[odd[0]]["error"] is None and rows[odd[0]]["predictions"]
    again = run_job(str(folder), str(out), SPEC)  # the rerun recognises the escaped row as done
    assert (again.already_done, again.classified) == (12, 0)


def test_a_resume_with_other_settings_is_refused_and_overwrite_recomputes(folder, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    base = ["batch", str(folder), "--out", str(out), "--device", "cpu"]
    assert main([*base, "--top-k", "3"]) == 0
    before = _listing(out)
    capsys.readouterr()
    assert main([*base, "--top-k", "2"]) == 2
    assert "top_k was 3, now 2" in capsys.readouterr().err
    assert main([*base, "--top-k", "3", "--threshold", "0.5"]) == 2
    assert re.search(r"threshold was 0\.\d+, now 0\.5\)", capsys.readouterr().err)  # the model's, then
    assert _listing(out) == before  # refused before any work: nothing written, nothing moved
    with pytest.raises(UsageError, match="top_k was 3, now 4"):
        run_job(str(folder), str(out), BatchSpec(device="cpu", top_k=4))
    assert main([*base, "--top-k", "2", "--overwrite"]) == 0
    rows = read_rows(str(out))
    assert len(rows) == 12 and {len(row["predictions"]) for row in rows} == {2}
    assert scan_output(str(out)).rows == 12  # the old rows are gone, not kept beside the new


def test_a_device_that_does_not_exist_fails_even_when_every_row_is_written(folder, tmp_path) -> None:
    out = tmp_path / "out"
    run_job(str(folder), str(out), SPEC)
    with pytest.raises(UsageError):
        run_job(str(folder), str(out), BatchSpec(device="cuda:97", top_k=3))


def test_the_same_file_reached_three_ways_is_one_input_with_one_row(folder, tmp_path, capsys) -> None:
    picture = Path(_sources(folder)[1])
    (tmp_path / "link.png").symlink_to(picture)
    manifest = tmp_path / "m.txt"
    manifest.write_text(f"{picture}\n{picture.parent}/../{picture.parent.name}/{picture.name}\nlink.png\n")
    out = tmp_path / "out"
    assert main(["batch", str(manifest), "--out", str(out), "--device", "cpu"]) == 0
    assert "2 inputs name a file already listed" in capsys.readouterr().err
    rows = read_rows(str(out))
    assert [row["source"] for row in rows] == [str(picture)] and rows[0]["error"] is None


def test_batch_marks_unknown_at_the_threshold_classify_uses(folder, tmp_path) -> None:
    sources = _sources(folder)
    desktop = Classifier.from_loaded(load_weights(None, "default", device="cpu")).classify(sources, top_k=3)
    tops = sorted(r.top.probability for r in desktop if r.ok)
    threshold = (tops[len(tops) // 2 - 1] + tops[len(tops) // 2]) / 2  # half of them below it
    expected = {r.source: r.unknown for r in mark_unknown(desktop, threshold)}
    assert 0 < sum(expected.values()) < len(expected)  # both kinds of row are checked
    out = tmp_path / "out"
    run_job(str(folder), str(out), BatchSpec(device="cpu", top_k=3, threshold=threshold))
    from core.export import escape_text

    assert {row["source"]: row["unknown"] for row in read_rows(str(out))} == {
        escape_text(s): u for s, u in expected.items()
    }


def test_the_bundled_models_own_threshold_is_used_when_none_is_given(folder, tmp_path) -> None:
    from core.batch.rows import Runner

    runner = Runner(SPEC)
    from core.unknown import default_threshold

    assert runner.threshold == default_threshold(runner.loaded.meta, runner.loaded.path)


def test_batch_messages_show_odd_names_escaped(tmp_path, capsys) -> None:
    missing = str(tmp_path / "no\x1b[31mfile\nname")
    assert main(["batch", missing, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "no\\x1b[31mfile\\nname" in err


def test_a_bad_threshold_is_refused_before_any_work(folder, tmp_path, capsys) -> None:
    assert main(["batch", str(folder), "--out", str(tmp_path / "out"), "--threshold", "1.5"]) == 2
    assert "threshold" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_options_for_every_job_option_has_its_flag() -> None:
    assert JobOptions().overwrite is False


def test_an_unreadable_record_is_refused_and_overwrite_starts_a_new_one(folder, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / RECORD).write_text("{ not json", encoding="utf-8")
    base = ["batch", str(folder), "--out", str(out), "--device", "cpu", "--top-k", "3"]
    assert main(base) == 2
    assert "is not a batch record ResLens can read" in capsys.readouterr().err
    assert main([*base, "--overwrite"]) == 0
    assert "a new record is started" in capsys.readouterr().err
    assert len(read_rows(str(out))) == 12


def test_a_resume_with_other_weights_is_refused(folder, tmp_path, capsys) -> None:
    from dataclasses import replace

    from core.metadata import save_model

    loaded = load_weights(None, "default", device="cpu")
    other = tmp_path / "other.safetensors"  # the same network under another name: another file, hash
    save_model(loaded.model.state_dict(), replace(loaded.meta, name="other"), other)
    out = tmp_path / "out"
    base = ["batch", str(folder), "--out", str(out), "--device", "cpu", "--top-k", "3"]
    assert main(base) == 0
    capsys.readouterr()
    assert main([*base, "--weights", str(other)]) == 2
    assert re.search(r"\(weights was \w+, now \w+[;)]", capsys.readouterr().err)
