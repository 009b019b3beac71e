"""``reslens-cli explain``: the JSON fields, the overlays in --out only, --layer, --class, exit codes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from core.cli import main
from core.unknown import default_threshold
from core.weights import load_weights
from tests.core.test_cam import one_torch_thread  # noqa: F401 - an autouse fixture


def _star(path, centre=(40, 64), size=(128, 128)) -> None:
    image = Image.new("RGB", size, "white")
    cx, cy = centre
    points = [
        (
            cx + (26 if i % 2 == 0 else 12) * math.cos(-math.pi / 2 + i * math.pi / 5),
            cy + (26 if i % 2 == 0 else 12) * math.sin(-math.pi / 2 + i * math.pi / 5),
        )
        for i in range(10)
    ]
    ImageDraw.Draw(image).polygon(points, fill=(200, 30, 30))
    image.save(path)


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    _star(folder / "left.png", (40, 64))
    _star(folder / "sub" / "left.jpg", (90, 40))  # same stem in another folder
    return folder


def _run(capsys, *argv):
    try:
        code = main(["explain", *map(str, argv)])
    except SystemExit as refused:  # argparse refused a value (core.options)
        code = refused.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_fields_and_overlays(inputs, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    code, stdout, _ = _run(capsys, inputs, "--out", out, "--json", "--raw")
    assert code == 0
    loaded = load_weights(None)
    threshold = default_threshold(loaded.meta, loaded.path)
    records = json.loads(stdout)
    assert [r["source"] for r in records] == [str(inputs / "left.png"), str(inputs / "sub" / "left.jpg")]
    first, second = records
    for record in records:
        assert record["ok"] is True and record["error"] is None
        assert record["label"] == "star" and 0.5 < record["probability"] <= 1
        assert record["layer"] == "layer4"
        x, y = record["cam_peak"]
        x0, y0, x1, y1 = record["cam_box"]
        assert 0 <= x0 <= x < x1 <= 128 and 0 <= y0 <= y < y1 <= 128
        assert record["unknown"] is False and record["threshold"] == threshold
        assert record["predictions"][0]["label"] == "star"
    assert first["cam_peak"][0] < 64 < second["cam_peak"][0]  # each peak follows its star
    assert sorted(p.name for p in out.iterdir()) == [
        "left-2-cam.png",
        "left-2-cam16.png",
        "left-cam.png",
        "left-cam16.png",
    ]
    assert first["overlay"] == str(out / "left-cam.png") and second["raw"] == str(out / "left-2-cam16.png")
    with Image.open(out / "left-cam.png") as overlay:
        assert overlay.size == (128, 128)
    # nothing was written next to the inputs
    assert sorted(p.name for p in inputs.rglob("*")) == ["left.jpg", "left.png", "sub"]


def test_layer_and_class(inputs, tmp_path, capsys) -> None:
    image = inputs / "left.png"
    code, stdout, _ = _run(capsys, image, "--out", tmp_path, "--json", "--layer", "layer2.1")
    assert code == 0
    record = json.loads(stdout)[0]
    assert record["layer"] == "layer2.1" and record["label"] == "star"
    code, stdout, _ = _run(capsys, image, "--out", tmp_path, "--json", "--class", "ring")
    assert code == 0
    record = json.loads(stdout)[0]
    assert record["label"] == "ring" and record["probability"] < record["predictions"][0]["probability"]


def test_plain_output_names_the_peak(inputs, tmp_path, capsys) -> None:
    code, stdout, stderr = _run(capsys, inputs / "left.png", "--out", tmp_path)
    assert code == 0
    assert "star" in stdout and "peak [" in stdout and "left-cam.png" in stdout
    assert "layer layer4" in stderr


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--class", "dog"], "unknown class 'dog'; the model's classes are: arrow, circle"),
        (["--layer", "layer9"], "no layer 'layer9'"),
        (["--weights", "missing.pth"], "no such file"),
        (["--opacity", "2"], "--opacity"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(inputs, tmp_path, capsys, extra, message) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = _run(capsys, inputs / "left.png", "--out", out, *extra)
    assert code == 2
    assert message in stderr and stdout == ""
    assert not out.exists()


def test_out_is_a_file(inputs, tmp_path, capsys) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    code, _, stderr = _run(capsys, inputs / "left.png", "--out", target)
    assert code == 2 and "is a file" in stderr


def test_bad_file_exit_1_others_explained(inputs, tmp_path, capsys) -> None:
    (inputs / "broken.jpg").write_bytes(np.arange(50, dtype=np.uint8).tobytes())
    code, stdout, stderr = _run(capsys, inputs, "--out", tmp_path / "out", "--json")
    assert code == 1
    records = {r["source"].rsplit("/", 1)[-1]: r for r in json.loads(stdout)}
    assert records["broken.jpg"]["ok"] is False and records["broken.jpg"]["error"]
    assert records["left.png"]["ok"] is True
    assert "1 of 3 files could not be explained" in stderr
    assert not (tmp_path / "out" / "broken-cam.png").exists()


def test_a_picture_of_nothing_is_unknown(tmp_path, capsys) -> None:
    Image.new("RGB", (96, 96), (128, 128, 128)).save(tmp_path / "grey.png")
    code, stdout, _ = _run(capsys, tmp_path / "grey.png", "--out", tmp_path / "out", "--json")
    assert code == 0
    record = json.loads(stdout)[0]
    assert record["unknown"] is True and record["probability"] < record["threshold"]


def test_coordinates_are_those_of_the_upright_picture(tmp_path, capsys) -> None:
    _star(tmp_path / "upright.png", (48, 64), size=(160, 128))  # a landscape picture, star on the left
    stored = Image.open(tmp_path / "upright.png").transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera stored it turned; "rotate 90 CW to display"
    stored.save(tmp_path / "phone.jpg", exif=exif, quality=95)
    code, stdout, _ = _run(capsys, tmp_path / "phone.jpg", "--out", tmp_path / "out", "--json")
    assert code == 0
    record = json.loads(stdout)[0]
    assert (record["width"], record["height"]) == (160, 128)
    assert record["cam_peak"][0] < 80 and record["cam_box"][2] <= 160 and record["cam_box"][3] <= 128
    with Image.open(tmp_path / "out" / "phone-cam.png") as overlay:
        assert overlay.size == (160, 128)


def test_a_users_picture_with_an_overlays_name_is_never_replaced(inputs, tmp_path, capsys) -> None:
    """--out the images' own folder, which holds the user's own ``left-cam.png``: refused before
    any work (exit 2), the picture untouched; with --force it is replaced."""
    folder = tmp_path / "pics"
    folder.mkdir()
    (folder / "left.png").write_bytes((inputs / "left.png").read_bytes())
    users = folder / "left-cam.png"
    _star(users)
    before = users.read_bytes()
    code, _, stderr = _run(capsys, folder / "left.png", "--out", folder)
    assert code == 2 and "left-cam.png already exists and is an image" in stderr
    assert users.read_bytes() == before and sorted(p.name for p in folder.iterdir()) == [
        "left-cam.png",
        "left.png",
    ]
    code, _, _ = _run(capsys, folder / "left.png", "--out", folder, "--force")
    assert code == 0 and users.read_bytes() != before


def test_overlays_written_earlier_are_replaced_and_not_explained_again(inputs, tmp_path, capsys) -> None:
    folder = tmp_path / "pics"
    folder.mkdir()
    (folder / "left.png").write_bytes((inputs / "left.png").read_bytes())
    assert _run(capsys, folder, "--out", folder)[0] == 0
    code, stdout, stderr = _run(capsys, folder, "--out", folder, "--json")
    assert code == 0 and "skipped 1 heat-map(s) ResLens wrote earlier" in stderr
    assert [Path(r["source"]).name for r in json.loads(stdout)] == ["left.png"]


def test_a_huge_picture_is_explained_at_the_size_classify_decodes(tmp_path, capsys) -> None:
    """A 6000 x 4000 PNG: the overlay is a reduced copy (about 1024 px on its shorter side), the
    coordinates are the original's."""
    big = tmp_path / "big.png"
    _star(big, centre=(1500, 2000), size=(6000, 4000))
    code, stdout, _ = _run(capsys, big, "--out", tmp_path / "out", "--json")
    (record,) = json.loads(stdout)
    assert code == 0 and (record["width"], record["height"]) == (6000, 4000)
    with Image.open(record["overlay"]) as overlay:
        assert 1024 <= min(overlay.size) < 2048 and abs(overlay.size[0] / overlay.size[1] - 1.5) < 0.01
    x0, y0, x1, y1 = record["cam_box"]
    assert 0 <= x0 < x1 <= 6000 and 0 <= y0 < y1 <= 4000


@pytest.mark.parametrize("layer", ["avgpool", "fc", "layer1.0.relu"])
def test_a_layer_without_one_feature_map_is_refused_before_any_work(inputs, tmp_path, capsys, layer) -> None:
    """avgpool (1 x 1), the head, a block's shared ReLU: refused as the window greys them."""
    code, stdout, stderr = _run(capsys, inputs / "left.png", "--out", tmp_path / "out", "--layer", layer)
    assert code == 2 and "gives no single feature map" in stderr and stdout == ""
    assert not (tmp_path / "out").exists()
