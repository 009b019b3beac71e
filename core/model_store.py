"""The folder of models a person trained: list, name, rename, delete and export them.

A stored model is two files with one stem: ``<name>.safetensors`` (the weights, which load as a
weights file everywhere) and ``<name>.json`` (its card, written by :func:`core.train.train_model`).
A resumable checkpoint ``<name>.ckpt.pt`` may sit beside them; it moves and goes with the model.
The GUI passes its data folder (``QStandardPaths.AppDataLocation/models``); the store itself is
Qt-free so that the command line could list the same folder.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import OutputError, UsageError

WEIGHTS_SUFFIX = ".safetensors"
CARD_SUFFIX = ".json"
COMPANION_SUFFIXES = (CARD_SUFFIX, ".ckpt.pt")  # files that belong to the weights of the same stem
_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')
MAX_NAME = 80


@dataclass(frozen=True)
class StoredModel:
    """One model of the store and the summary of its card (empty fields when it has none)."""

    name: str
    path: Path  # the .safetensors file
    classes: tuple[str, ...] = ()
    accuracy: float | None = None  # validation accuracy, 0..1
    architecture: str = ""

    @property
    def card_path(self) -> Path:
        return self.path.with_suffix(CARD_SUFFIX)

    def summary(self) -> str:
        """The card in one line, for a menu's tooltip: "3 classes: a, b, c · 92% validation accuracy"."""
        parts = [f"{len(self.classes)} classes: {', '.join(self.classes)}"] if self.classes else []
        if self.accuracy is not None:
            parts.append(f"{self.accuracy:.0%} validation accuracy")
        if self.architecture:
            parts.append(self.architecture)
        return " · ".join(parts)


def safe_name(name: str) -> str:
    """A file stem from what a person typed: no path separators or characters Windows refuses,
    no leading dots (hidden files), trimmed; "model" when nothing is left."""
    cleaned = _UNSAFE.sub("-", name).strip().strip(".").strip()
    return cleaned[:MAX_NAME].rstrip() or "model"


def read_card(path: Path) -> dict[str, Any]:
    """The card beside the weights ``path``; ``{}`` when it is missing or not a JSON object."""
    try:
        card = json.loads(path.with_suffix(CARD_SUFFIX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return card if isinstance(card, dict) else {}


def _summary(path: Path) -> StoredModel:
    """The card's facts, whether it is the training card itself or a model record holding it
    (``{"arch", "categories", …, "card": {…}}``, as ``core.metadata`` writes beside weights)."""
    record = read_card(path)
    card = record.get("card") if isinstance(record.get("card"), dict) else {}
    merged = {**record, **card}
    classes = merged.get("classes", merged.get("categories"))
    metrics = merged.get("evaluation") if isinstance(merged.get("evaluation"), dict) else {}
    accuracy = merged.get("val_accuracy", metrics.get("accuracy"))
    return StoredModel(
        name=path.stem,
        path=path,
        classes=tuple(str(c) for c in classes) if isinstance(classes, list) else (),
        accuracy=float(accuracy) if isinstance(accuracy, int | float) else None,
        architecture=str(merged.get("architecture", merged.get("arch", ""))),
    )


class ModelStore:
    """Models in one folder (created when the first model is saved, not before)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def list(self) -> list[StoredModel]:
        """Every model in the folder, by name (case-insensitive); hidden and temporary files skipped."""
        if not self.folder.is_dir():
            return []
        found = [
            p
            for p in self.folder.iterdir()
            if p.suffix == WEIGHTS_SUFFIX and not p.name.startswith(".") and p.is_file()
        ]
        return [_summary(p) for p in sorted(found, key=lambda p: (p.stem.casefold(), p.stem))]

    def new_path(self, name: str) -> Path:
        """Where a new model called ``name`` goes: ``name.safetensors``, or ``name 2`` … when taken.

        Creates the folder. A name counts as taken when any file of the model exists, so a new
        model never overwrites another's card."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = safe_name(name)
        candidate, number = stem, 1
        while self._taken(candidate):
            number += 1
            candidate = f"{stem} {number}"
        return self.folder / f"{candidate}{WEIGHTS_SUFFIX}"

    def _taken(self, stem: str) -> bool:
        existing = {p.name.casefold() for p in self.folder.iterdir()} if self.folder.is_dir() else set()
        names = [stem + WEIGHTS_SUFFIX, *(stem + s for s in COMPANION_SUFFIXES)]
        return any(n.casefold() in existing for n in names)

    def rename(self, path: Path, new_name: str) -> Path:
        """Give the model at ``path`` another name (its card and checkpoint follow); returns the new path."""
        path = self._own(path)
        stem = safe_name(new_name)
        if stem == path.stem:
            return path
        if stem.casefold() != path.stem.casefold() and self._taken(stem):
            raise UsageError(f'there is already a model called "{stem}"')
        target = self.folder / f"{stem}{WEIGHTS_SUFFIX}"
        for old, new in self._files(path, target):
            old.rename(new)
        return target

    def delete(self, path: Path) -> None:
        """Remove the model's weights, card and checkpoint."""
        path = self._own(path)
        for old, _ in self._files(path, path):
            old.unlink(missing_ok=True)

    def export(self, path: Path, destination: Path) -> Path:
        """Copy the weights to ``destination`` (a ``.safetensors`` path or a folder) and the card
        beside them; returns the weights' new path."""
        path = self._own(path)
        destination = Path(destination)
        if destination.is_dir():
            destination = destination / path.name
        elif destination.suffix != WEIGHTS_SUFFIX:
            destination = destination.with_name(destination.name + WEIGHTS_SUFFIX)
        if destination.resolve() == path.resolve():
            raise UsageError(f"{destination} is the model itself")
        try:
            shutil.copyfile(path, destination)
            card = path.with_suffix(CARD_SUFFIX)
            if card.is_file():
                shutil.copyfile(card, destination.with_suffix(CARD_SUFFIX))
        except OSError as exc:
            raise OutputError(f"cannot export to {destination}: {exc.strerror or exc}") from None
        return destination

    def _own(self, path: Path) -> Path:
        path = Path(path)
        if path.parent.resolve() != self.folder.resolve() or path.suffix != WEIGHTS_SUFFIX:
            raise UsageError(f"{path} is not a model of {self.folder}")
        if not path.is_file():
            raise UsageError(f"the model {path.stem} is gone")
        return path

    @staticmethod
    def _files(path: Path, target: Path) -> list[tuple[Path, Path]]:
        pairs = [(path, target)]
        for suffix in COMPANION_SUFFIXES:
            old = path.with_name(path.stem + suffix)
            if old.exists():
                pairs.append((old, target.with_name(target.stem + suffix)))
        return pairs
