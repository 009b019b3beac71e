"""core.dataset: class folders read through core.images, what is skipped, and the warnings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from core.dataset import (
    DatasetError,
    TrainingSet,
    check_training_set,
    from_class_files,
    scan_class_folder,
)


def _picture(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (20, 20)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three classes of 6 pictures (each distinct), plus things a scan must pass over."""
    root = tmp_path / "data"
    for c, name in enumerate(("cat", "bird", "ant")):
        for i in range(6):
            _picture(root / name / f"{i}.png", (40 * c, 10 * i, 200))
    _picture(root / "bird" / "nested" / "deep.jpg", (1, 2, 3))  # sub-folders count for the class
    _picture(root / "cat" / ".hidden.png", (9, 9, 9))  # hidden file
    _picture(root / ".thumbs" / "x.png", (9, 9, 9))  # hidden folder: not a class
    _picture(root / "loose.png", (9, 9, 9))  # no class
    (root / "ant" / "notes.txt").write_text("not a picture")  # not an image suffix: not listed
    (root / "ant" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    return root


def test_scan_reads_classes_and_reports_unreadable(folder: Path) -> None:
    ts = scan_class_folder(folder)
    assert ts.classes == ("ant", "bird", "cat")
    assert ts.counts() == {"ant": 6, "bird": 7, "cat": 6}
    names = {p.relative_to(folder).as_posix() for p, _ in ts.samples}
    assert "bird/nested/deep.jpg" in names
    assert not any(n.startswith(".") or "/." in n for n in names) and "loose.png" not in names
    assert all(ts.classes[i] == p.relative_to(folder).parts[0] for p, i in ts.samples)
    assert [p.name for p, _ in ts.unreadable] == ["broken.png"]
    assert ts.unreadable[0][1]  # core.images' reason, for a person
    assert ts.origin == str(folder)


def test_progress_counts_every_listed_file(folder: Path) -> None:
    seen: list[tuple[int, int]] = []
    scan_class_folder(folder, on_progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (20, 20) and [d for d, _ in seen] == list(range(1, 21))


def test_unusable_folders_are_plain_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no such folder"):
        scan_class_folder(tmp_path / "missing")
    _picture(tmp_path / "one" / "a" / "1.png", (0, 0, 0))
    with pytest.raises(DatasetError, match="at least two class"):
        scan_class_folder(tmp_path / "one")
    (tmp_path / "one" / "empty").mkdir()
    with pytest.raises(DatasetError, match="no readable images in class empty"):
        scan_class_folder(tmp_path / "one")


def test_class_builder_gives_the_same_set_as_the_folder(folder: Path) -> None:
    scanned = scan_class_folder(folder)
    built = from_class_files({name: [folder / name] for name in ("cat", "bird", "ant")})
    assert (built.classes, built.samples, built.unreadable) == (
        scanned.classes,
        scanned.samples,
        scanned.unreadable,
    )
    assert built.origin == ""
    by_file = from_class_files(
        {"x": [folder / "cat" / "0.png", folder / "cat" / "0.png"], "y": [folder / "ant"]}
    )
    assert by_file.counts() == {"x": 1, "y": 6}  # a file named twice counts once


def test_class_builder_refuses_bad_names() -> None:
    with pytest.raises(DatasetError, match="two classes"):
        from_class_files({"a": []})
    with pytest.raises(DatasetError, match="needs a name"):
        from_class_files({" ": [], "b": []})


def test_a_clean_set_has_no_warnings(folder: Path) -> None:
    (folder / "ant" / "broken.png").unlink()
    assert check_training_set(scan_class_folder(folder)) == []


def test_warnings_few_imbalance_duplicate_unreadable(folder: Path) -> None:
    for i in range(6, 40):
        _picture(folder / "cat" / f"{i}.png", (255, i, 0))
    for i in range(2, 6):
        (folder / "ant" / f"{i}.png").unlink()
    shutil.copy(folder / "cat" / "0.png", folder / "bird" / "copy-of-cat.png")
    ts = scan_class_folder(folder)
    warnings = {w.kind: w for w in check_training_set(ts)}
    assert set(warnings) == {"few", "imbalance", "duplicate", "unreadable"}
    assert "“ant” has only 2 images" in warnings["few"].message
    assert len(warnings["few"].paths) == 2
    assert "“cat” has 40 images" in warnings["imbalance"].message  # 40 : 2 > 5 : 1
    assert {p.name for p in warnings["duplicate"].paths} == {"0.png", "copy-of-cat.png"}
    assert "“bird”, “cat”" in warnings["duplicate"].message
    assert [p.name for p in warnings["unreadable"].paths] == ["broken.png"]


def test_same_file_twice_in_one_class_is_not_a_duplicate_warning(folder: Path) -> None:
    shutil.copy(folder / "cat" / "0.png", folder / "cat" / "again.png")
    (folder / "ant" / "broken.png").unlink()
    assert check_training_set(scan_class_folder(folder)) == []


def test_counts_list_every_class() -> None:
    ts = TrainingSet(("a", "b"), ((Path("x.png"), 1),))
    assert ts.counts() == {"a": 0, "b": 1}
