"""Training never loses a run at save time: odd names, diverged epochs, classes too small to split.

Each test fails without its fix (issue 24, items 3, 6 and 13): the run trained to the end, then
the save raised, or a NaN model was kept over a good one, or the split produced NaN.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core.dataset import scan_class_folder
from core.shapes import write_dataset
from core.train import plan_training, train_model
from core.weights import load_weights_file

FAST = dict(input_size=32, resize_size=32, epochs=1, head_epochs=4, batch_size=8, seed=0)


def _bytes_name(folder: Path, name: bytes) -> str:
    """A path whose last part is ``name``, raw bytes the file system keeps as they are."""
    return os.fsdecode(os.path.join(os.fsencode(folder), name))


@pytest.fixture(scope="module")
def odd_names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two classes, one a folder named with a byte that is not UTF-8, a picture and an
    unreadable file named likewise."""
    root = tmp_path_factory.mktemp("odd") / "data"
    write_dataset(root, seed=3, per_class=6, size=32, classes=("circle", "square"), ext="png")
    os.rename(root / "square", _bytes_name(root, b"sq\xe9are"))
    picture = sorted((root / "circle").iterdir())[0]
    os.rename(picture, _bytes_name(root / "circle", b"c\xff.png"))
    Path(_bytes_name(root / "circle", b"broken\xfe.png")).write_bytes(b"not a picture")
    return root


def test_a_non_utf8_class_folder_and_file_names_still_save_the_model(odd_names: Path, tmp_path: Path) -> None:
    ts = scan_class_folder(odd_names)
    assert ts.classes == ("circle", "sq\\xe9are")  # decided at the scan: the escaped text
    assert len(ts.samples) == 12  # the picture with the odd name is read from its real path
    out = tmp_path / "m.safetensors"
    outcome = train_model(ts, plan_training(ts, **FAST), out)
    assert outcome.weights == out and out.is_file()
    assert load_weights_file(out).meta.categories == ("circle", "sq\\xe9are")
    record = json.loads(out.with_suffix(".json").read_bytes().decode("utf-8"))  # valid UTF-8 JSON
    assert record["categories"] == ["circle", "sq\\xe9are"]
    card = record["card"]
    assert card == outcome.card and card["classes"] == ["circle", "sq\\xe9are"]
    [[unreadable, _why]] = card["data"]["unreadable"]
    assert unreadable.endswith("broken\\xfe.png")
