"""The folder of models a person trained: list, name, rename, delete and export them.

A fine-tuned model is two files with one stem: ``<name>.safetensors`` (the weights, which load as
a weights file everywhere) and ``<name>.json`` (its card, written by :func:`core.train.train_model`).
A resumable checkpoint ``<name>.ckpt.pt`` may sit beside them; it moves and goes with the model.
A quick model (``<name> (quick).onnx``, :mod:`core.lite.quick_train`) is one ResLens Lite file that
carries its own record (classes, architecture, card), read from the file: the only kind of model
ResLens Lite trains and opens.
The GUI passes its data folder (``QStandardPaths.AppDataLocation/models``); the store itself is
Qt-free so that the command line could list the same folder.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import OutputError, UsageError
from core.messages import QT_TRANSLATE_NOOP, kind
from core.outputs import Output, claim

WEIGHTS_SUFFIX = ".safetensors"
LITE_SUFFIX = ".onnx"
MODEL_SUFFIXES = (WEIGHTS_SUFFIX, LITE_SUFFIX)
CARD_SUFFIX = ".json"
COMPANION_SUFFIXES = (CARD_SUFFIX, ".ckpt.pt")  # files that belong to the weights of the same stem
NAME_TAKEN = kind("store.name-taken", QT_TRANSLATE_NOOP("Messages", "There is already a model called “%1”"))
IS_THE_MODEL = kind("store.is-the-model", QT_TRANSLATE_NOOP("Messages", "%1 is the model itself"))
CANNOT_EXPORT = kind("store.cannot-export", QT_TRANSLATE_NOOP("Messages", "Cannot export to %1: %2"))
NOT_IN_STORE = kind("store.not-in-store", QT_TRANSLATE_NOOP("Messages", "%1 is not a model of %2"))
MODEL_GONE = kind("store.model-gone", QT_TRANSLATE_NOOP("Messages", "The model %1 is gone"))
_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')
MAX_NAME = 80


@dataclass(frozen=True)
class StoredModel:
    """One model of the store and the summary of its card (empty fields when it has none)."""

    name: str
    path: Path  # the .safetensors file, or the Lite .onnx file
    classes: tuple[str, ...] = ()
    accuracy: float | None = None  # 0..1: validation accuracy, or a quick model's cross-validated one
    architecture: str = ""

    @property
    def card_path(self) -> Path:
        return self.path.with_suffix(CARD_SUFFIX)

    @property
    def lite(self) -> bool:
        """A ResLens Lite file (a quick model): both editions open it; it has no torch weights."""
        return self.path.suffix == LITE_SUFFIX


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


def _lite_summary(path: Path) -> StoredModel:
    """A Lite file's facts, from the record inside it (an unreadable file: its name only)."""
    try:
        stat = path.stat()
    except OSError:
        return StoredModel(path.stem, path)
    return _lite_summary_of(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _lite_summary_of(path: Path, _mtime_ns: int, _size: int) -> StoredModel:
    """Read once per version of the file: My Models lists the folder each time it opens, and a
    Lite file is tens of megabytes to read for its record."""
    from core.errors import WeightsError
    from core.lite.model_file import METADATA_KEY, parse_record, read_metadata

    try:
        record = parse_record(read_metadata(path.read_bytes()).get(METADATA_KEY), path.name)
    except (OSError, ValueError, WeightsError):  # not a Lite file after all: listed by its name
        return StoredModel(path.stem, path)
    card = record.meta.card if isinstance(record.meta.card, dict) else {}
    quick = card.get("quick_head") if isinstance(card.get("quick_head"), dict) else {}
    accuracy = quick.get("cv_accuracy")
    return StoredModel(
        name=path.stem,
        path=path,
        classes=tuple(record.meta.categories),
        accuracy=float(accuracy) if isinstance(accuracy, int | float) else None,
        architecture=record.meta.arch,
    )


def _summary(path: Path) -> StoredModel:
    """The card's facts, whether it is the training card itself or a model record holding it
    (``{"arch", "categories", …, "card": {…}}``, as ``core.metadata`` writes beside weights)."""
    if path.suffix == LITE_SUFFIX:
        return _lite_summary(path)
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
            if p.suffix in MODEL_SUFFIXES and not p.name.startswith(".") and p.is_file()
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
        names = [stem + s for s in (*MODEL_SUFFIXES, *COMPANION_SUFFIXES)]
        return any(n.casefold() in existing for n in names)

    def rename(self, path: Path, new_name: str) -> Path:
        """Give the model at ``path`` another name (its card and checkpoint follow); returns the new path."""
        path = self._own(path)
        stem = safe_name(new_name)
        if stem == path.stem:
            return path
        if stem.casefold() != path.stem.casefold() and self._taken(stem):
            raise UsageError(NAME_TAKEN(stem))
        target = self.folder / f"{stem}{path.suffix}"
        for old, new in self._files(path, target):
            old.rename(new)
        return target

    def delete(self, path: Path) -> None:
        """Remove the model's weights, card and checkpoint."""
        path = self._own(path)
        for old, _ in self._files(path, path):
            old.unlink(missing_ok=True)

    def export(self, path: Path, destination: Path) -> Path:
        """Copy the model to ``destination`` (a path with the model's suffix, ``.safetensors`` or
        ``.onnx``, or a folder) and its card beside it; returns the model's new path. The card
        replaces only a card ResLens wrote (:func:`core.outputs.claim`, as training's own card),
        checked before anything is copied."""
        path = self._own(path)
        destination = Path(destination)
        if destination.is_dir():
            destination = destination / path.name
        elif destination.suffix != path.suffix:
            destination = destination.with_name(destination.name + path.suffix)
        if destination.resolve() == path.resolve():
            raise UsageError(IS_THE_MODEL(str(destination)))
        card = path.with_suffix(CARD_SUFFIX)
        if card.is_file():  # the person chose the model's name, not the card's: a file of theirs
            claim(destination.with_suffix(CARD_SUFFIX), Output.MODEL)  # there is never replaced
        try:
            shutil.copyfile(path, destination)
            if card.is_file():
                shutil.copyfile(card, destination.with_suffix(CARD_SUFFIX))
        except OSError as exc:
            raise OutputError(CANNOT_EXPORT(str(destination), exc.strerror or str(exc))) from None
        return destination

    def _own(self, path: Path) -> Path:
        path = Path(path)
        if path.parent.resolve() != self.folder.resolve() or path.suffix not in MODEL_SUFFIXES:
            raise UsageError(NOT_IN_STORE(str(path), str(self.folder)))
        if not path.is_file():
            raise UsageError(MODEL_GONE(path.stem))
        return path

    @staticmethod
    def _files(path: Path, target: Path) -> list[tuple[Path, Path]]:
        pairs = [(path, target)]
        for suffix in COMPANION_SUFFIXES:
            old = path.with_name(path.stem + suffix)
            if old.exists():
                pairs.append((old, target.with_name(target.stem + suffix)))
        return pairs
