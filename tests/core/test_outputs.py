"""core.outputs: an output never lands on an input, an image or file of another kind (unless
--force), or inside a data folder (through links too); a bad place is found before any work;
files are created with the user's umask."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from PIL import Image

from core.errors import OutputError
from core.export import replace_atomically
from core.messages import english
from core.outputs import Output, OutputRules, claim, png_info


def photo(path: Path) -> Path:
    Image.new("RGB", (8, 8), (200, 10, 10)).save(path, format="JPEG")
    return path


def refused(path: object, what: Output, rules: OutputRules | None = None) -> str:
    with pytest.raises(OutputError) as info:
        claim(path, what, rules)
    return english(info.value.message)


def test_an_input_of_the_run_is_never_an_output(tmp_path: Path) -> None:
    a, b = photo(tmp_path / "a.jpg"), photo(tmp_path / "b.jpg")
    rules = OutputRules.reading([a, b])
    assert "is one of this run's inputs" in refused(a, Output.TEXT, rules)
    assert "is one of this run's inputs" in refused(tmp_path / "x" / ".." / "a.jpg", Output.TEXT, rules)
    link = tmp_path / "link.jpg"
    link.symlink_to(a)
    assert "is one of this run's inputs" in refused(link, Output.TEXT, rules)
    assert a.read_bytes()[:2] == b"\xff\xd8"  # untouched


def test_an_existing_image_is_never_replaced_by_a_table_unless_forced(tmp_path: Path) -> None:
    picture = photo(tmp_path / "table.csv")  # a JPEG, whatever its name says
    assert "is an image, not a file ResLens wrote" in refused(picture, Output.TEXT)
    assert claim(picture, Output.TEXT, OutputRules(force=True)) == picture
    binary = tmp_path / "blob.json"
    binary.write_bytes(b"\x00\x01\x02")
    assert "a binary file" in refused(binary, Output.TEXT)
    earlier = tmp_path / "earlier.csv"
    earlier.write_text("source,ok\n", encoding="utf-8")
    assert claim(earlier, Output.TEXT) == earlier  # an earlier export is text: replaced


def test_a_heat_map_replaces_only_a_png_reslens_wrote(tmp_path: Path) -> None:
    users = photo(tmp_path / "x-cam.png")
    assert "is an image, not a file ResLens wrote" in refused(users, Output.PNG)
    ours = tmp_path / "y-cam.png"
    Image.new("RGB", (4, 4)).save(ours, pnginfo=png_info())
    assert claim(ours, Output.PNG) == ours


def test_a_model_replaces_only_a_model_or_card_reslens_wrote(tmp_path: Path) -> None:
    notes = tmp_path / "notes.safetensors"
    notes.write_text("my notes", encoding="utf-8")
    assert "a file of another kind" in refused(notes, Output.MODEL)
    card = tmp_path / "card.json"
    card.write_text(json.dumps({"mine": 1}), encoding="utf-8")
    assert "a file of another kind" in refused(card, Output.MODEL)
    card.write_text(json.dumps({"arch": "resnet18", "categories": ["a"]}), encoding="utf-8")
    assert claim(card, Output.MODEL) == card


def test_nothing_is_written_inside_a_data_folder_even_through_a_link(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "cats").mkdir(parents=True)
    link = tmp_path / "elsewhere"
    link.symlink_to(data)
    rules = OutputRules(data_folders=(data,))
    assert "is inside the data folder" in refused(data / "model.safetensors", Output.MODEL, rules)
    assert "is inside the data folder" in refused(link / "cats" / "m.safetensors", Output.MODEL, rules)
    assert claim(tmp_path / "model.safetensors", Output.MODEL, rules) == tmp_path / "model.safetensors"


@pytest.mark.parametrize("name", ["", "a\0b.csv"])
def test_unusable_names(tmp_path: Path, name: str) -> None:
    assert "is not a usable file name" in refused(name, Output.TEXT)


def test_a_folder_a_missing_folder_and_a_read_only_folder_are_found_before_any_work(tmp_path: Path) -> None:
    assert "is a folder" in refused(tmp_path, Output.TEXT)
    assert "does not exist" in refused(tmp_path / "missing" / "out.csv", Output.TEXT)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        # root writes into any folder: then a folder no one can create files in stands for it
        where = locked if not os.access(locked, os.W_OK) else Path("/proc")
        assert "cannot write" in refused(where / "out.csv", Output.TEXT)
    finally:
        locked.chmod(0o700)
    assert list(tmp_path.glob("**/.reslens-probe.*")) == []


def test_atomic_writes_follow_the_umask_and_keep_an_existing_files_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.png"
        replace_atomically(new, lambda tmp: tmp.write_bytes(b"x"))
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        os.umask(0o077)
        other = tmp_path / "private.json"
        replace_atomically(other, lambda tmp: tmp.write_text("{}"))
        assert stat.S_IMODE(other.stat().st_mode) == 0o600
        new.chmod(0o640)
        replace_atomically(new, lambda tmp: tmp.write_bytes(b"y"))
        assert stat.S_IMODE(new.stat().st_mode) == 0o640 and new.read_bytes() == b"y"
    finally:
        os.umask(old)


def test_an_owned_format_replaces_only_what_its_writer_recognises(tmp_path: Path) -> None:
    """Output.OWNED (a Lite model file): the writer's own recogniser decides."""
    mine, theirs = tmp_path / "mine.onnx", tmp_path / "theirs.onnx"
    mine.write_bytes(b"ours")
    theirs.write_bytes(b"notes")
    recognise = lambda path: path.read_bytes() == b"ours"  # noqa: E731
    assert claim(mine, Output.OWNED, ours=recognise) == mine
    assert "a file of another kind" in refused(theirs, Output.OWNED)
    with pytest.raises(OutputError, match="a file of another kind"):
        claim(theirs, Output.OWNED, ours=recognise)
    assert claim(theirs, Output.OWNED, OutputRules(force=True), ours=recognise) == theirs
