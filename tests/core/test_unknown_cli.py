"""``classify`` with the bundled model's threshold: a flat grey image is "unknown" in the table,
``--json`` and a CSV export, while a sample of one of its classes stays known."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from core.cli import main
from core.errors import EXIT_USAGE
from core.export import read_csv, read_json, write_json
from core.results import ClassificationResult, Prediction
from core.unknown import mark_unknown

SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "samples"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    grey = folder / "grey.png"
    Image.new("RGB", (96, 96), (128, 128, 128)).save(grey)  # none of the 12 symbols
    star = folder / "star.jpg"
    shutil.copy(SAMPLES / "star.jpg", star)
    return grey, star


def test_table_says_unknown_and_still_lists_the_top_k(inputs, capsys) -> None:
    grey, star = inputs
    assert main(["classify", str(grey), str(star), "--top-k", "3"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "unknown (none of the 12 classes)" in lines[str(grey)]
    assert lines[str(grey)].count("%") == 3  # the top-3 follow
    assert lines[str(star)].split()[1] == "star" and "none of the" not in lines[str(star)]


def test_json_has_unknown_on_every_record(inputs, capsys) -> None:
    grey, star = inputs
    assert main(["classify", str(grey), str(star), "--json"]) == 0
    records = {Path(r["source"]).name: r for r in json.loads(capsys.readouterr().out)}
    assert records["grey.png"]["unknown"] is True and len(records["grey.png"]["predictions"]) == 5
    assert records["star.jpg"]["unknown"] is False


def test_csv_export_has_the_column(inputs, tmp_path) -> None:
    grey, star = inputs
    out = tmp_path / "out.csv"
    assert main(["classify", str(grey), str(star), "--csv", str(out)]) == 0
    rows = {Path(r["source"]).name: r for r in read_csv(out)}
    assert rows["grey.png"]["unknown"] == "true" and rows["grey.png"]["label_1"]
    assert rows["star.jpg"]["unknown"] == "false"


def test_threshold_flag_overrides_the_card(inputs, capsys) -> None:
    grey, star = inputs
    assert main(["classify", str(grey), "--json", "--threshold", "0"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["unknown"] is False  # 0 turns it off
    assert main(["classify", str(star), "--json", "--threshold", "0.9999"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["unknown"] is True  # a sure answer reads about 0.9996


@pytest.mark.parametrize("value", ["1", "-0.1", "high", "nan"])
def test_bad_threshold_is_a_usage_error(inputs, value, capsys) -> None:
    assert main(["classify", str(inputs[0]), "--threshold", value]) == EXIT_USAGE
    assert "threshold" in capsys.readouterr().err


def test_mark_unknown_and_json_round_trip(tmp_path) -> None:
    results = [
        ClassificationResult("a.png", (Prediction(0, "star", 0.5),)),
        ClassificationResult("b.png", (Prediction(0, "star", 0.9),)),
        ClassificationResult("c.png", error="broken"),
    ]
    marked = mark_unknown(results, 0.77)
    assert [r.unknown for r in marked] == [True, False, False]
    write_json(marked, tmp_path / "r.json")
    assert read_json(tmp_path / "r.json") == marked
