"""Export writes what is shown, as CSV and JSON in the CLI's schema, and parses back to it."""

from __future__ import annotations

import pytest

from core.export import read_csv, read_json
from core.paths import samples_dir
from tests.gui.conftest import sample_files, wait_idle


@pytest.fixture
def classified(qtbot, window, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG broken")
    window.queue_paths([samples_dir(), bad])
    wait_idle(qtbot, window)
    return window


def test_export_writes_csv_and_json_that_parse_back_to_the_shown_results(classified, tmp_path):
    window = classified
    window.results_view.sort_combo.setCurrentText("Confidence")
    shown = window.results_view.shown_results()
    assert len(shown) == len(sample_files()) + 1
    assert window.actions.file.export.isEnabled()

    assert window.export_to(tmp_path / "out.json") == len(shown)
    assert read_json(tmp_path / "out.json") == shown

    assert window.export_to(tmp_path / "out.csv") == len(shown)
    rows = read_csv(tmp_path / "out.csv")
    assert [row["source"] for row in rows] == [r.source for r in shown]
    for row, result in zip(rows, shown, strict=True):
        assert row["ok"] == ("true" if result.ok else "false")
        assert row["error"] == (result.error or "")
        for rank, prediction in enumerate(result.predictions, start=1):
            assert row[f"label_{rank}"] == prediction.label
            assert float(row[f"probability_{rank}"]) == pytest.approx(prediction.probability, abs=1e-6)


def test_export_of_a_filtered_view_writes_only_the_rows_shown(classified, tmp_path):
    window = classified
    label = window.results.results()[0].top.label
    window.results_view.filter_edit.setText(label.upper())
    shown = window.results_view.shown_results()
    assert 0 < len(shown) < window.results.rowCount()
    assert all(any(p.label == label for p in r.predictions) for r in shown)
    assert "shown" in window.status.counts.text()
    window.export_to(tmp_path / "filtered.json")
    assert read_json(tmp_path / "filtered.json") == shown
