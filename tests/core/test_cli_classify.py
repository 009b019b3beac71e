"""``reslens-cli classify``: exit codes 0/1/2, and JSON equal to the Python API's results."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

from core.cli import main
from core.export import read_csv
from core.inference import Classifier
from core.resnet import resnet18
from core.weights import load_weights_file


@pytest.fixture(scope="module")
def weights_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weights")
    torch.manual_seed(3)
    torch.save(resnet18(num_classes=3).state_dict(), folder / "tiny.pth")
    (folder / "labels.txt").write_text("alpha\nbeta\ngamma\n")
    return folder / "tiny.pth"


@pytest.fixture
def images(tmp_path):
    rng = np.random.default_rng(1)
    folder = tmp_path / "images"
    folder.mkdir()
    for i in range(10):
        Image.fromarray(rng.integers(0, 255, (40, 60, 3), dtype=np.uint8)).save(folder / f"p{i}.jpg")
    return folder


def test_json_matches_python_api(weights_file, images, capsys) -> None:
    code = main(["classify", str(images), "--weights", str(weights_file), "--top-k", "2", "--json"])
    captured = capsys.readouterr()
    assert code == 0
    data = json.loads(captured.out)
    loaded = load_weights_file(weights_file)
    expected = Classifier.from_loaded(loaded).classify([images], top_k=2)
    assert [d["source"] for d in data] == [r.source for r in expected]
    for item, result in zip(data, expected, strict=True):
        assert [p["label"] for p in item["predictions"]] == [p.label for p in result.predictions]
        got = [p["probability"] for p in item["predictions"]]
        assert got == pytest.approx([p.probability for p in result.predictions], abs=1e-5)
        assert item["error"] is None
    assert "10/10" in captured.err  # progress bar for more than a handful of images


def test_exit_1_lists_failed_files(weights_file, images, capsys) -> None:
    (images / "broken.jpg").write_text("not a picture")
    code = main(["classify", str(images), "--weights", str(weights_file)])
    captured = capsys.readouterr()
    assert code == 1
    assert "1 of 11 files could not be classified" in captured.err
    assert "broken.jpg" in captured.err
    assert (
        sum("alpha" in line or "beta" in line or "gamma" in line for line in captured.out.splitlines()) == 10
    )


def test_csv_output(weights_file, images, tmp_path, capsys) -> None:
    out = tmp_path / "out.csv"
    assert (
        main(["classify", str(images), "--weights", str(weights_file), "--csv", str(out), "--top-k", "3"])
        == 0
    )
    rows = read_csv(out)
    assert len(rows) == 10 and rows[0]["label_3"] in {"alpha", "beta", "gamma"}


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--weights", "missing.pth"], "no such file"),
        (["--device", "cuda:7"], "not available"),
        (["--arch", "resnet50"], "holds a ResNet-18; you chose ResNet-50"),
    ],
)
def test_exit_2_for_usage_and_weights_errors(weights_file, images, capsys, extra, message) -> None:
    args = ["classify", str(images), "--weights", str(weights_file), *extra]
    if extra[0] == "--weights":
        args = ["classify", str(images), *extra]
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_argparse_usage_error_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["classify"])
    assert info.value.code == 2


def test_devices_and_weights_listings(capsys) -> None:
    assert main(["devices"]) == 0
    assert "cpu" in capsys.readouterr().out
    assert main(["weights", "--arch", "resnet50"]) == 0
    out = capsys.readouterr().out
    assert "imagenet-v1" in out and "imagenet-v2" in out and "download" in out


def test_samples_with_no_other_argument_use_the_bundled_model(capsys) -> None:
    from core.paths import samples_dir
    from core.selftest import sample_files, true_class
    from core.weights import bundled_meta

    assert main(["classify", str(samples_dir())]) == 0
    captured = capsys.readouterr()
    assert "bundled" in captured.err
    rows = captured.out.splitlines()
    categories = bundled_meta().categories
    assert len(rows) == len(sample_files())
    unknown = "unknown (none of the 12 classes)"
    for path, row in zip(sample_files(), rows, strict=True):
        # Below the card's threshold a row says unknown, then lists its top-k: still led by the truth.
        top = row.split(unknown)[1].split()[0] if unknown in row else row.split()[1]
        assert top == true_class(path, categories), row
    assert sum(unknown in row for row in rows) <= len(rows) * 0.05  # the card's promise: 95 % known
