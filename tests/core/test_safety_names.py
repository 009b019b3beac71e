"""Names from outside: one escaped form in every JSON, no class without a name (issue 24, smaller items)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core import shapes
from core.cli import main
from core.errors import WeightsError
from core.labels import read_labels


def test_explain_json_writes_a_non_utf8_name_as_classify_json_does(tmp_path: Path, capsys) -> None:
    shapes.write_dataset(tmp_path / "in", seed=2, per_class=1, size=64, classes=("circle",), ext="png")
    [picture] = (tmp_path / "in" / "circle").iterdir()
    odd = os.fsdecode(os.path.join(os.fsencode(picture.parent), b"caf\xe9.png"))
    os.rename(picture, odd)
    assert main(["classify", odd, "--json", "--device", "cpu"]) == 0
    [classified] = json.loads(capsys.readouterr().out)
    assert main(["explain", odd, "--out", str(tmp_path / "cams"), "--json", "--device", "cpu"]) == 0
    [explained] = json.loads(capsys.readouterr().out)
    assert classified["source"] == explained["source"] == str(picture.parent / "caf\\xe9.png")
    json.dumps(explained, ensure_ascii=False).encode("utf-8")  # no lone surrogate left anywhere


@pytest.mark.parametrize(
    ("content", "index"),
    [(["cat", ""], 1), (["", "dog"], 0), ({"0": "cat", "1": "  "}, 1), ({"categories": ["cat", "\t"]}, 1)],
)
def test_a_json_label_file_with_an_empty_name_is_refused(tmp_path: Path, content, index: int) -> None:
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(WeightsError, match=rf"labels\.json: class {index} has an empty name"):
        read_labels(path)


def test_a_json_label_file_with_names_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"0": "cat", "1": "dog"}), encoding="utf-8")
    assert read_labels(path) == ("cat", "dog")
