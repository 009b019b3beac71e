"""Weights files that are not what they claim: a zip bomb, a picture, a resume from a picture.

Issue 24 item 11 and two of its smaller items; each test fails without its fix.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import torch
from PIL import Image

from core import weights
from core.cli import main
from core.errors import WeightsError
from core.resnet import ARCHITECTURES, build_resnet
from core.weights import LARGEST_MODEL_BYTES, MAX_UNPACKED_BYTES, load_weights_file


def test_the_unpacked_size_limit_is_twice_the_largest_resnet() -> None:
    with torch.device("meta"):
        sizes = [
            sum(t.numel() * t.element_size() for t in build_resnet(arch).state_dict().values())
            for arch in ARCHITECTURES
        ]
    assert LARGEST_MODEL_BYTES == max(sizes) == 241_378_168  # ResNet-152, float32, 1000 classes
    assert MAX_UNPACKED_BYTES == 2 * LARGEST_MODEL_BYTES


def _deflated(source: Path, target: Path) -> Path:
    """``source`` (a torch.save archive) with every entry compressed: a small file, a large unpacking."""
    with zipfile.ZipFile(source) as plain, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as packed:
        for info in plain.infolist():
            packed.writestr(info.filename, plain.read(info))
    return target


def test_a_pth_that_unpacks_beyond_the_limit_is_refused_before_torch_reads_it(tmp_path, monkeypatch) -> None:
    stored = tmp_path / "stored.pth"
    torch.save({"fc.weight": torch.zeros(1024, 1024), "fc.bias": torch.zeros(1024)}, stored)  # 4 MB
    bomb = _deflated(stored, tmp_path / "bomb.pth")
    assert bomb.stat().st_size < 100_000  # zeros compress to almost nothing
    monkeypatch.setattr(weights, "MAX_UNPACKED_BYTES", 2_000_000)
    loads: list[Path] = []
    monkeypatch.setattr(torch, "load", lambda path, **_: loads.append(path))
    with pytest.raises(WeightsError, match=r"refused bomb\.pth: its contents unpack to 4 MB, .*at most 2 MB"):
        load_weights_file(bomb)
    assert loads == []  # refused from the archive's directory, nothing unpacked


@pytest.mark.parametrize("suffix", [".pth", ".jpg", ".safetensors"])
def test_a_picture_given_as_weights_is_called_a_picture(tmp_path, suffix) -> None:
    picture = tmp_path / f"star{suffix}"
    Image.new("RGB", (8, 8), "red").save(picture, format="JPEG")
    with pytest.raises(WeightsError, match=rf"star\{suffix} is a picture, not a weights file") as raised:
        load_weights_file(picture)
    assert "run code" not in str(raised.value)


def test_resume_from_a_picture_says_it_is_no_checkpoint_without_torchs_advice(tmp_path, capsys) -> None:
    from core.shapes import write_dataset

    data = tmp_path / "data"
    write_dataset(data, seed=1, per_class=4, size=32, classes=("circle", "square"), ext="png")
    star = tmp_path / "star.jpg"
    Image.new("RGB", (8, 8), "red").save(star, format="JPEG")
    args = ["train", str(data), "--out", str(tmp_path / "m.safetensors"), "--resume", str(star)]
    args += ["--input-size", "32", "--epochs", "1", "--batch-size", "4"]
    assert main(args) == 2  # refused before any work
    err = capsys.readouterr().err
    assert "is not a training checkpoint ResLens wrote" in err
    assert "weights_only" not in err and not (tmp_path / "m.safetensors").exists()
