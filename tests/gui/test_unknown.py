"""The threshold turns an out-of-class image into "unknown" in the table and the export, changes
rows without classifying again, and is remembered per model."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from core.export import read_csv, read_json
from core.paths import samples_dir
from core.weights import bundled_model_path
from gui.results_model import Column, Role
from tests.gui.conftest import make_settings, open_window, wait_idle


def test_threshold_marks_unknown_in_table_and_export(qtbot, window, tmp_path, settings_file) -> None:
    grey = tmp_path / "grey.png"
    Image.new("RGB", (96, 96), (128, 128, 128)).save(grey)  # none of the 12 symbols
    card = json.loads(bundled_model_path().with_suffix(".json").read_text(encoding="utf-8"))
    assert window.threshold.threshold == card["unknown_threshold"]  # the bundled model's calibrated value
    window.queue_paths([grey, samples_dir() / "star.jpg"])
    wait_idle(qtbot, window)
    window.results.flush()
    model = window.results
    rows = {Path(model.result(r).source).name: r for r in range(model.rowCount())}
    grey_row, star_row = rows["grey.png"], rows["star.jpg"]
    text = model.index(grey_row, Column.PREDICTIONS).data()
    assert text.startswith("unknown (none of the 12 classes): ")  # then the top-k, still listed
    assert model.index(grey_row, 0).data(Role.UNKNOWN) == "unknown (none of the 12 classes)"
    assert model.index(star_row, 0).data(Role.UNKNOWN) is None
    assert window.export_to(tmp_path / "out.csv") == 2
    csv_rows = {Path(r["source"]).name: r for r in read_csv(tmp_path / "out.csv")}
    assert csv_rows["grey.png"]["unknown"] == "true" and csv_rows["star.jpg"]["unknown"] == "false"

    runs = window.engine._ids  # no new classification request while the threshold changes
    before = next(runs)
    window.threshold.spin.setValue(0.0)  # off
    assert not model.result(grey_row).unknown
    assert window.export_to(tmp_path / "off.json") == 2
    assert not any(r.unknown for r in read_json(tmp_path / "off.json"))
    window.threshold.spin.setValue(0.95)  # a sure star (about 0.9996) stays known, grey does not
    assert model.result(grey_row).unknown and not model.result(star_row).unknown
    assert next(runs) == before + 1 and not window.engine.busy
    window.close()

    again = open_window(qtbot, settings_file)  # the user's value for this model is kept
    try:
        assert again.threshold.threshold == 0.95
    finally:
        again.close()
    assert make_settings(settings_file).threshold_for(again.model_info.name) == 0.95
