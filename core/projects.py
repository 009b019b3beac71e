"""Teaching projects: what a person taught, saved as one versioned JSON file and opened again.

A project holds the class names and their pictures (references to the person's own files and
folders; pictures pasted without a file are copied into the project's folder so the project owns
them), the images added since the last training ("Add to class" in the results), the plan's
start and overrides, and the models trained from it with their cards and scores.

Why each path is stored twice (relative to the project's folder, and absolute): a project moved
to another folder together with its pictures finds them through the relative path; a project
moved alone still finds pictures that stayed where they were through the absolute one. A picture
found by neither is reported (:attr:`OpenedProject.missing`), not fatal: the rest still trains.

Saving claims the file first (:func:`core.outputs.claim`): it replaces only a project file
ResLens wrote, never another file, and writes atomically. Qt-free; the window calls it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.errors import ResLensError
from core.messages import QT_TRANSLATE_NOOP, kind

FORMAT = "reslens-teaching-project"
VERSION = 1
SUFFIX = ".reslens-project"
PASTED = "pasted"  # the sub-folder of the project's folder that holds its copied pictures
QUICK, FINE_TUNED = "quick", "fine-tuned"  # the two kinds of model a project trains
MODEL_KINDS = (QUICK, FINE_TUNED)

NOT_READABLE = kind("project.unreadable", QT_TRANSLATE_NOOP("Messages", "cannot read the project %1: %2"))
NOT_A_PROJECT = kind(
    "project.not-ours", QT_TRANSLATE_NOOP("Messages", "%1 is not a ResLens teaching project")
)
WRONG_VERSION = kind(
    "project.version",
    QT_TRANSLATE_NOOP(
        "Messages", "%1 is a teaching project of version %2; this ResLens opens version %3 only"
    ),
)
BROKEN = kind("project.broken", QT_TRANSLATE_NOOP("Messages", "the project %1 is damaged: %2"))
CANNOT_SAVE = kind("project.cannot-save", QT_TRANSLATE_NOOP("Messages", "cannot save the project %1: %2"))


class ProjectError(ResLensError):
    """A project file that cannot be opened or saved."""


@dataclass
class ProjectClass:
    """One class: its pictures (files and folders) and which of them came since the last training."""

    name: str
    items: list[Path] = field(default_factory=list)
    added: list[Path] = field(default_factory=list)  # a subset of ``items``


@dataclass(frozen=True)
class TrainedModel:
    """A model trained from the project: its file, ``kind`` (:data:`QUICK` or :data:`FINE_TUNED`),
    its card and its scores (``accuracy`` at least, ``None`` when nothing was held out)."""

    path: Path
    kind: str
    card: dict[str, Any]
    scores: dict[str, Any]
    trained_at: str = ""


@dataclass
class Project:
    """What the window holds; :func:`save_project` and :func:`open_project` write and read it."""

    classes: list[ProjectClass] = field(default_factory=list)
    start: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    models: list[TrainedModel] = field(default_factory=list)
    name: str = ""

    def find(self, name: str) -> ProjectClass | None:
        return next((c for c in self.classes if c.name == name), None)

    def add_images(self, class_name: str, paths: Iterable[Path]) -> int:
        """Make ``paths`` training pictures of ``class_name`` (a new class when there is none by
        that name), marked as added since the last training; returns how many were new to it.
        A picture filed under another class before moves here: one picture, one class."""
        target = self.find(class_name)
        if target is None:
            target = ProjectClass(class_name)
            self.classes.append(target)
        count = 0
        for path in paths:
            for other in self.classes:
                if other is not target and path in other.items:
                    other.items.remove(path)
                    if path in other.added:
                        other.added.remove(path)
            if path not in target.items:
                target.items.append(path)
                target.added.append(path)
                count += 1
        return count

    def added_since_training(self) -> dict[str, list[Path]]:
        return {c.name: list(c.added) for c in self.classes if c.added}

    def trained(self, model: TrainedModel) -> None:
        """A run finished: remember its model; what was added is now part of the training."""
        self.models.append(model)
        for c in self.classes:
            c.added.clear()


@dataclass(frozen=True)
class OpenedProject:
    """A project as opened: ``missing`` lists the pictures found at neither stored place (left out
    of ``project`` so that it trains on the rest)."""

    project: Project
    path: Path
    missing: tuple[Path, ...] = ()


# -- writing -----------------------------------------------------------------------------------


def new_model(path: Path, kind_: str, card: dict[str, Any], accuracy: float | None) -> TrainedModel:
    """A :class:`TrainedModel` stamped with the time now (UTC, ISO 8601)."""
    if kind_ not in MODEL_KINDS:
        raise ValueError(f"unknown model kind {kind_!r}")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    return TrainedModel(Path(path), kind_, dict(card), {"accuracy": accuracy}, stamp)


def save_project(project: Project, path: str | Path, adopt: Sequence[Path] = ()) -> Project:
    """Write ``project`` to ``path``; returns the project as saved.

    Pictures under one of the ``adopt`` folders (where the window keeps pasted pictures) are
    copied into ``<project folder>/pasted/<class>/`` first, so the project owns them and moves
    with its folder; an existing file there is never replaced (a new name is chosen).
    """
    from core.export import replace_atomically
    from core.outputs import Output, claim

    target = claim(path, Output.OWNED, ours=is_project_file)
    folder = target.parent.absolute()
    saved = _adopted(project, folder, [Path(a).absolute() for a in adopt])
    text = json.dumps(to_dict(saved, folder), ensure_ascii=False, indent=1)
    try:
        replace_atomically(target, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    except OSError as exc:
        raise ProjectError(CANNOT_SAVE(str(target), exc.strerror or str(exc))) from None
    return saved


def _adopted(project: Project, folder: Path, adopt: list[Path]) -> Project:
    if not adopt:
        return project
    classes = []
    for c in project.classes:
        moved = {p: _copy_in(p, folder / PASTED / _safe(c.name)) for p in c.items if _under(p, adopt)}
        classes.append(
            ProjectClass(c.name, [moved.get(p, p) for p in c.items], [moved.get(p, p) for p in c.added])
        )
    return replace(project, classes=classes)


def _under(path: Path, folders: list[Path]) -> bool:
    return any(path.absolute().is_relative_to(f) for f in folders)


def _copy_in(source: Path, into: Path) -> Path:
    """``source`` copied into ``into`` under a name not taken yet; an existing file stays."""
    try:
        into.mkdir(parents=True, exist_ok=True)
        target, number = into / source.name, 1
        while target.exists():
            target = into / f"{source.stem}-{number}{source.suffix}"
            number += 1
        shutil.copy2(source, target)
    except OSError as exc:
        raise ProjectError(CANNOT_SAVE(str(into), exc.strerror or str(exc))) from None
    return target


def _safe(name: str) -> str:
    from core.model_store import safe_name

    return safe_name(name) or "class"


def to_dict(project: Project, folder: Path) -> dict[str, Any]:
    """The JSON form (format :data:`VERSION`), paths relative to ``folder`` where possible."""

    def ref(path: Path) -> dict[str, str]:
        return _reference(path, folder)

    return {
        "format": FORMAT,
        "version": VERSION,
        "name": project.name,
        "start": project.start,
        "overrides": project.overrides,
        "classes": [
            {"name": c.name, "items": [ref(p) for p in c.items], "added": [ref(p) for p in c.added]}
            for c in project.classes
        ],
        "models": [
            {
                "file": ref(m.path),
                "kind": m.kind,
                "trained_at": m.trained_at,
                "scores": m.scores,
                "card": m.card,
            }
            for m in project.models
        ],
    }


def _reference(path: Path, folder: Path) -> dict[str, str]:
    absolute = Path(os.path.abspath(path))
    try:
        relative = Path(os.path.relpath(absolute, folder)).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        relative = ""
    return {"relative": relative, "absolute": str(absolute)}


# -- reading -----------------------------------------------------------------------------------


def is_project_file(path: Path) -> bool:
    """Whether ``path`` is a project file ResLens wrote (any version): only such a file may be
    replaced by a save."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT


def open_project(path: str | Path) -> OpenedProject:
    """Read and check the project at ``path``; :class:`ProjectError` for a file that is not one,
    of another version, or damaged. Pictures found nowhere are reported in ``missing``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProjectError(NOT_READABLE(str(path), exc.strerror or str(exc))) from None
    except (ValueError, RecursionError):
        raise ProjectError(NOT_A_PROJECT(str(path))) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProjectError(NOT_A_PROJECT(str(path)))
    if data.get("version") != VERSION:
        raise ProjectError(WRONG_VERSION(str(path), str(data.get("version")), str(VERSION)))
    try:
        return _from_dict(data, path)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProjectError(BROKEN(str(path), str(exc))) from None


def _from_dict(data: dict[str, Any], path: Path) -> OpenedProject:
    folder = path.parent.absolute()
    missing: list[Path] = []

    def find(ref: Any) -> Path | None:
        found = _locate(ref, folder)
        if found is None:
            missing.append(Path(ref.get("absolute") or ref.get("relative")))
        return found

    classes: list[ProjectClass] = []
    for entry in _list(data, "classes"):
        name = entry["name"]
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a class without a name")
        if any(c.name == name for c in classes):
            raise ValueError(f"two classes are called {name}")
        items = [p for p in map(find, entry.get("items", [])) if p is not None]
        added = [p for p in (_locate(r, folder) for r in entry.get("added", [])) if p in items]
        classes.append(ProjectClass(name, items, added))
    models = []
    for entry in _list(data, "models"):
        kind_ = entry["kind"]
        if kind_ not in MODEL_KINDS or not isinstance(entry.get("card", {}), dict):
            raise ValueError(f"a model of unknown kind {kind_!r}")
        file = _locate(entry["file"], folder) or Path(entry["file"]["absolute"])
        models.append(
            TrainedModel(
                file,
                kind_,
                dict(entry.get("card", {})),
                dict(entry.get("scores", {})),
                str(entry.get("trained_at", "")),
            )
        )
    overrides = data.get("overrides", {})
    if not isinstance(overrides, dict):
        raise ValueError("overrides must be an object")
    project = Project(classes, str(data.get("start", "")), overrides, models, str(data.get("name", "")))
    return OpenedProject(project, path, tuple(dict.fromkeys(missing)))


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{key} must be a list")
    return value


def _locate(ref: Any, folder: Path) -> Path | None:
    """The stored picture: relative to the project's folder first (the project moved with its
    pictures), then at its absolute place (the project moved alone); None when at neither."""
    if not isinstance(ref, dict):
        raise ValueError("a path must be an object with 'relative' and 'absolute'")
    relative, absolute = ref.get("relative") or "", ref.get("absolute") or ""
    if not isinstance(relative, str) or not isinstance(absolute, str) or not (relative or absolute):
        raise ValueError("a path must be an object with 'relative' and 'absolute'")
    for candidate in ((folder / relative) if relative else None, Path(absolute) if absolute else None):
        if candidate is not None and candidate.exists():
            return Path(os.path.normpath(candidate))
    return None
