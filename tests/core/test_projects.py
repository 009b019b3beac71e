"""Teaching projects (core.projects): saved, reopened in another process, moved, damaged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from core.errors import OutputError
from core.projects import (
    FINE_TUNED,
    QUICK,
    VERSION,
    Project,
    ProjectClass,
    ProjectError,
    new_model,
    open_project,
    save_project,
)

ROOT = Path(__file__).resolve().parents[2]


def picture(path: Path, colour: tuple[int, int, int]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (12, 12), colour).save(path)
    return path


def sample(tmp_path: Path) -> tuple[Project, Path]:
    """A project beside its pictures: a folder class, single files, one pasted picture."""
    home = tmp_path / "home"
    cats = home / "pictures" / "cats"
    picture(cats / "a.png", (200, 0, 0))
    dog = picture(home / "pictures" / "dog1.png", (0, 200, 0))
    pasted = picture(tmp_path / "appdata" / "pasted" / "dogs" / "pasted-1.png", (0, 0, 200))
    project = Project(
        [ProjectClass("cats", [cats]), ProjectClass("dogs", [dog, pasted])],
        start="default",
        overrides={"epochs": 3, "lr": 0.01},
        name="pets",
    )
    project.models.append(
        new_model(home / "models" / "pets.onnx", QUICK, {"classes": ["cats", "dogs"]}, 0.75)
    )
    return project, home


def test_round_trip_across_two_processes(tmp_path: Path) -> None:
    project, home = sample(tmp_path)
    path = home / "pets.reslens-project"
    saved = save_project(project, path, adopt=[tmp_path / "appdata" / "pasted"])
    # The pasted picture now lives in the project's folder, under its class.
    copied = home / "pasted" / "dogs" / "pasted-1.png"
    assert copied.is_file() and saved.classes[1].items[1] == copied
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == VERSION == 1
    assert data["classes"][0]["items"][0]["relative"] == "pictures/cats"
    code = (
        "import json, sys; from core.projects import open_project\n"
        "o = open_project(sys.argv[1]); p = o.project\n"
        "print(json.dumps({'classes': {c.name: [str(i) for i in c.items] for c in p.classes},"
        " 'overrides': p.overrides, 'start': p.start, 'name': p.name, 'missing': len(o.missing),"
        " 'models': [[m.kind, m.scores, m.card] for m in p.models]}))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RESLENS_EDITION": "lite"}
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    other = json.loads(out.stdout)
    assert other == {
        "classes": {
            "cats": [str(home / "pictures" / "cats")],
            "dogs": [str(home / "pictures" / "dog1.png"), str(copied)],
        },
        "overrides": {"epochs": 3, "lr": 0.01},
        "start": "default",
        "name": "pets",
        "missing": 0,
        "models": [["quick", {"accuracy": 0.75}, {"classes": ["cats", "dogs"]}]],
    }


def test_a_project_moved_with_its_pictures_keeps_working(tmp_path: Path) -> None:
    project, home = sample(tmp_path)
    save_project(project, home / "pets.reslens-project", adopt=[tmp_path / "appdata" / "pasted"])
    moved = tmp_path / "elsewhere" / "home"
    shutil.move(home, moved)
    shutil.rmtree(tmp_path / "appdata")
    opened = open_project(moved / "pets.reslens-project")
    assert opened.missing == ()
    items = {c.name: c.items for c in opened.project.classes}
    assert items == {
        "cats": [moved / "pictures" / "cats"],
        "dogs": [moved / "pictures" / "dog1.png", moved / "pasted" / "dogs" / "pasted-1.png"],
    }


def test_a_project_moved_alone_finds_pictures_where_they_stayed(tmp_path: Path) -> None:
    project, home = sample(tmp_path)
    save_project(project, home / "pets.reslens-project")
    (tmp_path / "alone").mkdir()
    shutil.move(home / "pets.reslens-project", tmp_path / "alone" / "p.reslens-project")
    opened = open_project(tmp_path / "alone" / "p.reslens-project")
    assert opened.missing == ()
    assert opened.project.classes[0].items == [home / "pictures" / "cats"]


def test_a_missing_picture_is_reported_not_fatal(tmp_path: Path) -> None:
    project, home = sample(tmp_path)
    save_project(project, home / "pets.reslens-project")
    (home / "pictures" / "dog1.png").unlink()
    opened = open_project(home / "pets.reslens-project")
    assert opened.missing == (home / "pictures" / "dog1.png",)
    assert [c.name for c in opened.project.classes] == ["cats", "dogs"]
    assert opened.project.classes[1].items == [tmp_path / "appdata" / "pasted" / "dogs" / "pasted-1.png"]


def test_another_version_is_refused_with_both_versions(tmp_path: Path) -> None:
    project, home = sample(tmp_path)
    path = home / "pets.reslens-project"
    save_project(project, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = 2
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        open_project(path)
    assert caught.value.message.code == "project.version"
    assert caught.value.message.args == (str(path), "2", "1")


@pytest.mark.parametrize(
    "content",
    [
        '{"format": "other", "version": 1}',
        "not json",
        '{"format": "reslens-teaching-project", "version": 1, "classes": [{"name": "a", "items": [3]}]}',
    ],
)
def test_files_that_are_not_projects_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.reslens-project"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProjectError):
        open_project(path)


def test_saving_never_replaces_a_file_resLens_did_not_write(tmp_path: Path) -> None:
    project, home = sample(tmp_path)
    mine = home / "notes.txt"
    mine.write_text("my notes", encoding="utf-8")
    with pytest.raises(OutputError):
        save_project(project, mine)
    assert mine.read_text(encoding="utf-8") == "my notes"
    path = home / "pets.reslens-project"
    save_project(project, path)
    project.name = "renamed"
    save_project(project, path)  # its own file: replaced
    assert open_project(path).project.name == "renamed"
    assert not list(home.glob(".*.tmp"))


def test_added_pictures_move_between_classes_and_clear_after_training(tmp_path: Path) -> None:
    project, home = sample(tmp_path)
    dog = home / "pictures" / "dog1.png"
    new = picture(home / "more" / "x.png", (9, 9, 9))
    assert project.add_images("cats", [dog, new]) == 2
    assert project.find("dogs").items == [tmp_path / "appdata" / "pasted" / "dogs" / "pasted-1.png"]
    assert project.added_since_training() == {"cats": [dog, new]}
    assert project.add_images("birds", [new]) == 1  # a new class; the picture leaves "cats"
    assert project.added_since_training() == {"cats": [dog], "birds": [new]}
    save_project(project, home / "p.reslens-project")
    assert open_project(home / "p.reslens-project").project.added_since_training() == {
        "cats": [dog],
        "birds": [new],
    }
    project.trained(new_model(home / "m.safetensors", FINE_TUNED, {}, None))
    assert project.added_since_training() == {}
    assert [m.kind for m in project.models] == [QUICK, FINE_TUNED]
