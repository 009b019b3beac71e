"""``reslens-cli evaluate`` on a labelled folder made from the bundled samples, with a corrupt
file and a folder that names no class: exit codes, JSON keys, CSV rows, and refused outputs."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from core.cli import main
from core.paths import samples_dir


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """samples/<shape>[-drawn].jpg as data/<shape>/…; ``star`` spelt ``Star`` (matched ignoring
    case), a ``zebra`` folder (no such class), a corrupt file in ``circle``, and ``arrow``'s
    drawing filed under ``heart`` (a known mistake: the model is right, the label is wrong)."""
    root = tmp_path_factory.mktemp("labelled") / "data"
    for path in sorted(samples_dir().glob("*.jpg")):
        shape = path.stem.removesuffix("-drawn")
        folder = root / ("Star" if shape == "star" else shape)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / path.name)
    (root / "heart" / "arrow-drawn.jpg").write_bytes((root / "arrow" / "arrow-drawn.jpg").read_bytes())
    (root / "arrow" / "arrow-drawn.jpg").unlink()
    (root / "zebra").mkdir()
    shutil.copy(samples_dir() / "ring.jpg", root / "zebra" / "z.jpg")
    (root / "circle" / "broken.jpg").write_text("not a picture")
    return root


def test_json_figures_and_exit_1_for_the_corrupt_file(data, capsys) -> None:
    code = main(["evaluate", str(data), "--json", "--threshold", "0"])
    out, err = capsys.readouterr()
    assert code == 1  # one file could not be read; the evaluation still ran
    assert "broken.jpg" in err and "zebra" in err
    result = json.loads(out)
    assert {
        "accuracy",
        "classes",
        "confusion",
        "per_class",
        "misclassified",
        "unknown_rate",
        "unmatched",
        "images",
        "model",
    } <= set(result)
    classes = result["classes"]
    assert len(classes) == 12 and result["columns"] == classes  # threshold 0: no unknown column
    assert result["images"] == 24
    assert result["unmatched"] == {"folders": ["zebra"], "classes": []}
    assert result["failed"][0]["file"].endswith("broken.jpg")
    heart, arrow = classes.index("heart"), classes.index("arrow")
    assert result["confusion"][heart][arrow] == 1  # the drawing filed under heart
    assert sum(map(sum, result["confusion"])) == 24
    assert result["misclassified"] == [
        {
            "file": str(data / "heart" / "arrow-drawn.jpg"),
            "true": "heart",
            "predicted": "arrow",
            "probability": pytest.approx(result["misclassified"][0]["probability"]),
            "unknown": False,
        }
    ]
    assert result["accuracy"] == pytest.approx(23 / 24)
    rows = {r["class"]: r for r in result["per_class"]}
    assert rows["arrow"]["precision"] == pytest.approx(0.5) and rows["arrow"]["recall"] == 1.0
    assert rows["heart"]["support"] == 3 and rows["heart"]["recall"] == pytest.approx(2 / 3)
    assert rows["star"]["support"] == 2  # the folder "Star"


def test_csv_rows_and_the_report(data, tmp_path, capsys) -> None:
    out_file = tmp_path / "eval.csv"
    code = main(["evaluate", str(data), "--csv", str(out_file)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Accuracy 95.8%: 23 of 24 images taken for their class" in out  # the readable report
    assert "Unknown 0.0%" in out and "(a heart) taken for arrow" in out
    with open(out_file, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == ["file", "true", "predicted", "probability", "correct", "unknown", "error"]
    assert len(rows) == 25  # every image, the corrupt one too
    broken = [r for r in rows if r["file"].endswith("broken.jpg")]
    assert broken[0]["correct"] == "false" and broken[0]["error"] and broken[0]["predicted"] == ""
    assert sum(r["correct"] == "true" for r in rows) == 23


def test_refusals_are_exit_2_before_any_work(data, tmp_path, capsys) -> None:
    image = data / "ring" / "ring.jpg"
    before = image.read_bytes()
    assert main(["evaluate", str(data), "--csv", str(image)]) == 2
    assert image.read_bytes() == before
    assert "ring.jpg" in capsys.readouterr().err
    assert main(["evaluate", str(data), "--csv", str(data / "results.csv")]) == 2  # inside the data
    assert "inside the data folder" in capsys.readouterr().err
    assert not (data / "results.csv").exists()
    photo = tmp_path / "photo.png"
    shutil.copy(samples_dir() / "star.jpg", photo)  # an existing image elsewhere
    assert main(["evaluate", str(data), "--csv", str(photo)]) == 2
    assert "an image" in capsys.readouterr().err
    assert main(["evaluate", str(data / "ring" / "ring.jpg")]) == 2
    assert "not a folder" in capsys.readouterr().err
    empty = tmp_path / "nothing"
    (empty / "zebra").mkdir(parents=True)
    assert main(["evaluate", str(empty)]) == 2
    assert "no sub-folder" in capsys.readouterr().err
