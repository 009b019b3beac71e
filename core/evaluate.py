"""Evaluation on a labelled folder: which sub-folder is which class, and how well the model did.

A labelled folder holds one sub-folder per class (``data/star/*.jpg``, ``data/circle/*.jpg``).
This module turns it into a run and the run's results into figures, with no model in sight:

- :func:`find_labelled` matches the sub-folders to the model's classes (exactly first, then
  ignoring case when that names one class only) and says what matched nothing on either side;
- :func:`score` takes each image's true class and its :class:`~core.results.ClassificationResult`
  and computes the confusion matrix (rows = true class, columns = predicted, in the model's class
  order, plus an "unknown" column when a threshold is in use), per-class precision, recall, F1
  and support, accuracy, the unknown rate and the misclassified images.

Pure Python and numpy (no Qt, no torch at import), so the CLI, the window and the tests share
every figure; the pipeline that classifies the images is the one ``classify`` uses. A class
that nothing was predicted as has no precision (``None``, ``null`` in JSON), never NaN.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.errors import UsageError
from core.messages import QT_TRANSLATE_NOOP, kind
from core.results import ClassificationResult

NOT_A_FOLDER = kind(
    "evaluate.not-a-folder",
    QT_TRANSLATE_NOOP("Messages", "%1 is not a folder: give a folder with one sub-folder per class"),
)
NO_CLASS_FOLDER = kind(
    "evaluate.no-class-folder",
    QT_TRANSLATE_NOOP("Messages", "no sub-folder of %1 is named after one of the model's classes (%2)"),
)


@dataclass(frozen=True)
class ClassFolder:
    """A sub-folder of the data and the model class its images show."""

    path: Path
    class_index: int


@dataclass(frozen=True)
class LabelledData:
    """What :func:`find_labelled` found: the matched folders and what matched nothing."""

    folders: tuple[ClassFolder, ...]
    unmatched_folders: tuple[str, ...] = ()  # sub-folder names that name no class
    missing_classes: tuple[str, ...] = ()  # model classes no sub-folder names
    loose_files: int = 0  # files directly in the data folder: they have no class

    @property
    def paths(self) -> list[Path]:
        return [f.path for f in self.folders]

    def true_class(self, source: str) -> int | None:
        """The class of the image ``source`` (a path the pipeline reported), from its folder."""
        best: tuple[int, int] | None = None
        for folder in self.folders:
            root = str(folder.path)
            if (source == root or source.startswith(root.rstrip(os.sep) + os.sep)) and (
                best is None or len(root) > best[0]
            ):
                best = (len(root), folder.class_index)
        return None if best is None else best[1]


def match_folders(names: Iterable[str], classes: Sequence[str]) -> dict[str, int]:
    """Each folder name's class index: an exact match, else the one class equal ignoring case.

    A name that equals two classes ignoring case (``Cat`` for ``cat`` and ``CAT``) names neither.
    Two folders may name one class (``Star`` and ``star`` on a case-sensitive disk): both count.
    """
    exact = {name: i for i, name in enumerate(classes)}
    folded: dict[str, list[int]] = {}
    for i, name in enumerate(classes):
        folded.setdefault(name.casefold(), []).append(i)
    matched: dict[str, int] = {}
    for name in names:
        if name in exact:
            matched[name] = exact[name]
        elif len(candidates := folded.get(name.casefold(), [])) == 1:
            matched[name] = candidates[0]
    return matched


def find_labelled(data: str | os.PathLike[str], classes: Sequence[str]) -> LabelledData:
    """The sub-folders of ``data`` that name a class; a :class:`UsageError` when none does."""
    from core.export import printable

    root = Path(data)
    if not root.is_dir():
        raise UsageError(NOT_A_FOLDER(printable(str(data))))
    folders: list[Path] = []
    loose = 0
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                folders.append(root / entry.name)
            elif entry.is_file():
                loose += 1
    folders.sort(key=lambda p: (p.name.casefold(), p.name))
    matched = match_folders((p.name for p in folders), classes)
    found = tuple(ClassFolder(p, matched[p.name]) for p in folders if p.name in matched)
    if not found:
        raise UsageError(NO_CLASS_FOLDER(printable(str(data)), ", ".join(classes)))
    named = {f.class_index for f in found}
    return LabelledData(
        tuple(sorted(found, key=lambda f: (f.class_index, str(f.path)))),
        tuple(p.name for p in folders if p.name not in matched),
        tuple(name for i, name in enumerate(classes) if i not in named),
        loose,
    )


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class ScoredImage:
    """One image of the run: its true class and what the model took it for.

    ``predicted`` is the top-1 class index, ``probability`` its probability; ``unknown`` says the
    threshold put it in the unknown column. A file that could not be read has ``error`` instead.
    """

    source: str
    true: int
    predicted: int | None = None
    probability: float | None = None
    unknown: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def correct(self) -> bool:
        return self.ok and not self.unknown and self.predicted == self.true


@dataclass(frozen=True)
class ClassScore:
    """One class's row of the per-class table; ``None`` where the figure is undefined."""

    name: str
    precision: float | None
    recall: float | None
    f1: float | None
    support: int


@dataclass(frozen=True)
class Evaluation:
    """The figures of one evaluation; every view (CLI text, JSON, CSV, the window) reads these."""

    classes: tuple[str, ...]
    images: tuple[ScoredImage, ...]  # every image of the run, readable or not, in run order
    confusion: np.ndarray  # int, rows = true class, columns = predicted (+ unknown, see below)
    with_unknown: bool  # the last column of ``confusion`` counts the images called unknown
    per_class: tuple[ClassScore, ...]
    model: str = ""
    threshold: float | None = None
    data: LabelledData | None = field(default=None, compare=False)

    @property
    def scored(self) -> list[ScoredImage]:
        """The images that were classified (a file that could not be read is not counted)."""
        return [i for i in self.images if i.ok]

    @property
    def failed(self) -> list[ScoredImage]:
        return [i for i in self.images if not i.ok]

    @property
    def correct(self) -> int:
        return sum(i.correct for i in self.images)

    @property
    def accuracy(self) -> float | None:
        count = len(self.scored)
        return self.correct / count if count else None

    @property
    def unknown_count(self) -> int:
        return sum(i.unknown for i in self.images)

    @property
    def unknown_rate(self) -> float | None:
        count = len(self.scored)
        return self.unknown_count / count if count else None

    @property
    def misclassified(self) -> list[ScoredImage]:
        """Classified images whose top-1 is not their class, or that were called unknown."""
        return [i for i in self.images if i.ok and not i.correct]

    def errors_of(self, true: int) -> list[ScoredImage]:
        """The misclassified images of class ``true`` (its row of the matrix off the diagonal)."""
        return [i for i in self.misclassified if i.true == true]

    @property
    def columns(self) -> int:
        return self.confusion.shape[1]

    def cell(self, true: int, column: int) -> list[ScoredImage]:
        """The images of one cell of the confusion matrix (``column == len(classes)``: unknown)."""
        unknown = column == len(self.classes)
        return [
            i
            for i in self.scored
            if i.true == true and (i.unknown if unknown else not i.unknown and i.predicted == column)
        ]


def scored_image(true: int, result: ClassificationResult) -> ScoredImage:
    """``result`` of an image whose class is ``true`` (its threshold already applied)."""
    if not result.ok or result.top is None:
        return ScoredImage(result.source, true, error=result.error or "no prediction")
    top = result.top
    return ScoredImage(result.source, true, top.index, top.probability, result.unknown)


def score(
    images: Iterable[ScoredImage],
    classes: Sequence[str],
    threshold: float | None = None,
    model: str = "",
    data: LabelledData | None = None,
) -> Evaluation:
    """The figures of a run; with a threshold (not ``None`` or 0) the matrix has an unknown column.

    Precision of a class = images correctly taken for it / images taken for it (unknown ones are
    taken for no class); recall = correctly taken / its images (unknown ones count against it);
    F1 = their harmonic mean.
    """
    images = tuple(images)
    n = len(classes)
    with_unknown = bool(threshold) or any(i.unknown for i in images)
    confusion = np.zeros((n, n + 1), dtype=np.int64)
    for image in images:
        if image.ok:
            confusion[image.true, n if image.unknown else image.predicted] += 1
    if not with_unknown:
        confusion = confusion[:, :n]
    per_class = tuple(_class_score(name, confusion, i) for i, name in enumerate(classes))
    return Evaluation(tuple(classes), images, confusion, with_unknown, per_class, model, threshold, data)


def _class_score(name: str, confusion: np.ndarray, i: int) -> ClassScore:
    n = confusion.shape[0]
    hits = int(confusion[i, i])
    predicted = int(confusion[:n, i].sum())
    support = int(confusion[i].sum())
    precision = hits / predicted if predicted else None
    recall = hits / support if support else None
    if precision is None or recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ClassScore(name, precision, recall, f1, support)
