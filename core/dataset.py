"""What a person wants to teach: classes and their pictures, read exactly as inference reads them.

Training and classification must see the same picture for the same file, or a model learns one
thing and is asked another (a transparent logo black in training and white at inference, an
EXIF-rotated photo sideways in one and upright in the other). So this module owns no walk and no
decoder of its own: folders are walked by :func:`core.images.iter_image_files` (same formats,
hidden files skipped) and every file is decoded by :mod:`core.images` once while scanning, so an
unreadable one is reported by name, with the reason, and left out instead of failing a run later.

A :class:`TrainingSet` is plain data (paths and class indices); :func:`check_training_set` lists
what a person should know before pressing Train (few images, imbalance, duplicates, skipped files).
Nothing here imports torch or Qt.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import ImageDecodeError, ResLensError
from core.images import decode_for_model, iter_image_files
from core.messages import QT_TRANSLATE_NOOP, Message, english, kind, translate

FEW_IMAGES = 5  # fewer in a class: warn
IMBALANCE_RATIO = 5.0  # largest class over smallest beyond this: warn
CHECK_SIDE = 32  # decode at a reduced scale when only checking that a file is a picture

ProgressCallback = Callable[[int, int], None]

NO_FOLDER = kind("dataset.no-folder", QT_TRANSLATE_NOOP("Messages", "%1: no such folder"))
CANNOT_LIST = kind("dataset.cannot-list", QT_TRANSLATE_NOOP("Messages", "%1: cannot list the folder (%2)"))
TWO_FOLDERS = kind(
    "dataset.two-folders",
    QT_TRANSLATE_NOOP("Messages", "%1 needs at least two class sub-folders (one per class), found %2"),
)
NAMELESS = kind("dataset.nameless", QT_TRANSLATE_NOOP("Messages", "every class needs a name"))
SAME_NAME = kind("dataset.same-name", QT_TRANSLATE_NOOP("Messages", "two classes have the same name"))
TWO_CLASSES = kind(
    "dataset.two-classes", QT_TRANSLATE_NOOP("Messages", "training needs at least two classes, got %1")
)
EMPTY_CLASS = kind("dataset.empty-class", QT_TRANSLATE_NOOP("Messages", "no readable images in class %1"))
EMPTY_CLASS_IN = kind(
    "dataset.empty-class-in", QT_TRANSLATE_NOOP("Messages", "no readable images in class %1 in %2")
)
EMPTY_FOLDER = kind("dataset.empty-folder", QT_TRANSLATE_NOOP("Messages", "no images in this folder"))
FEW = kind(
    "dataset.warning.few",
    translate(
        "Messages",
        "Class “%1” has only %n image(s); %2 or more per class give a more reliable model.",
        None,
        0,  # a literal count: lupdate marks the text numerus only for a number here, not PLURAL
    ),
)
IMBALANCE = kind(
    "dataset.warning.imbalance",
    QT_TRANSLATE_NOOP(
        "Messages",
        "The classes are unbalanced: “%1” has %2 images and “%3” %4; the model will lean towards the "
        "larger class.",
    ),
)
DUPLICATE = kind(
    "dataset.warning.duplicate", QT_TRANSLATE_NOOP("Messages", "The same picture is in classes %1: %2.")
)
NO_VALIDATION = kind(
    "dataset.warning.no-validation",
    QT_TRANSLATE_NOOP(
        "Messages",
        "No class has two images, so none is held out for validation: the last epoch is kept and no "
        "accuracy is measured.",
    ),
)
UNCHECKED = kind(
    "dataset.warning.unchecked",
    translate(
        "Messages",
        "%n class(es) with a single image (%1): it is used for training, and validation does not check "
        "these classes.",
        None,
        0,
    ),
)
UNREADABLE = kind(
    "dataset.warning.unreadable",
    translate("Messages", "%n file(s) could not be read and will be skipped.", None, 0),
)


class DatasetError(ResLensError):
    """A set of classes that cannot be trained on (one class, an empty class, no such folder)."""


@dataclass(frozen=True)
class TrainingSet:
    """Classes (sorted names) and the readable pictures of each, plus what was skipped and why."""

    classes: tuple[str, ...]
    samples: tuple[tuple[Path, int], ...]  # readable images and their class index
    unreadable: tuple[tuple[Path, Message], ...] = ()  # skipped files and why (core.images' reason)
    origin: str = ""  # the folder scanned, or "" when built in the app
    sizes: tuple[tuple[int, int], ...] = ()  # upright (width, height) of each sample, when known

    def counts(self) -> dict[str, int]:
        """Images per class, in class order (every class present, even with none)."""
        counts = dict.fromkeys(self.classes, 0)
        for _, index in self.samples:
            counts[self.classes[index]] += 1
        return counts


@dataclass(frozen=True)
class DataWarning:
    """Something worth a person's attention before training; training can still go ahead."""

    kind: str  # "few", "imbalance", "no-validation", "unchecked", "duplicate", "unreadable"
    what: Message  # one sentence for a person, as data (rendered in the reader's language)
    paths: tuple[Path, ...] = ()

    @property
    def message(self) -> str:
        """The sentence in English (the CLI's words)."""
        return english(self.what)


def scan_class_folder(root: Path | str, on_progress: ProgressCallback | None = None) -> TrainingSet:
    """The classes of ``root``: one visible sub-folder per class, its images (at any depth) its examples.

    Files directly in ``root`` belong to no class and are ignored. Raises :class:`DatasetError`
    for a missing folder, fewer than two classes, or a class with no readable picture.
    """
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(NO_FOLDER(str(root)))
    try:
        folders = sorted(
            (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.name,
        )
    except OSError as exc:
        raise DatasetError(CANNOT_LIST(str(root), str(exc.strerror or exc))) from None
    if len(folders) < 2:
        raise DatasetError(TWO_FOLDERS(str(root), len(folders)))
    groups = {class_name(p.name): [p] for p in folders}
    if len(groups) != len(folders):  # b"caf\xe9" and a folder really named "caf\xe9"
        raise DatasetError(SAME_NAME())
    return _build(groups, str(root), on_progress)


def class_name(folder_name: str) -> str:
    """A class folder's name as the model's label: text, whatever bytes the file system gave.

    A name that is not UTF-8 (``b"caf\\xe9"`` on Linux reaches Python as a lone surrogate) could
    not be written into the model's header or card: decided here, before any work, it becomes
    the escaped text ``caf\\xe9``, the one form every file ResLens writes uses
    (:func:`core.export.escape_text`), while its pictures are still read from the real folder.
    """
    from core.export import escape_text

    return escape_text(folder_name)


def from_class_files(
    classes: Mapping[str, Sequence[Path | str]], on_progress: ProgressCallback | None = None
) -> TrainingSet:
    """The set a person built in the app: class name -> files (a folder in the list means its images)."""
    names = [class_name(name.strip()) for name in classes]
    if any(not name for name in names):
        raise DatasetError(NAMELESS())
    if len(set(names)) != len(names):
        raise DatasetError(SAME_NAME())
    if len(names) < 2:
        raise DatasetError(TWO_CLASSES(len(names)))
    return _build({class_name(name.strip()): list(files) for name, files in classes.items()}, "", on_progress)


def _build(
    groups: Mapping[str, Sequence[Path | str]], origin: str, on_progress: ProgressCallback | None
) -> TrainingSet:
    classes = tuple(sorted(groups))
    listed = [
        (path, index)
        for index, name in enumerate(classes)
        for path in _unique(iter_image_files([Path(p) for p in groups[name]]))
    ]
    samples: list[tuple[Path, int]] = []
    sizes: list[tuple[int, int]] = []
    unreadable: list[tuple[Path, Message]] = []
    for done, (path, index) in enumerate(listed, 1):
        size, reason = _read_size(path)
        if size is not None:
            samples.append((path, index))
            sizes.append(size)
        elif reason is not None:
            unreadable.append((path, reason))
        if on_progress is not None:
            on_progress(done, len(listed))
    present = {index for _, index in samples}
    empty = [name for index, name in enumerate(classes) if index not in present]
    if empty:
        names = ", ".join(empty)
        raise DatasetError(EMPTY_CLASS_IN(names, origin) if origin else EMPTY_CLASS(names))
    return TrainingSet(classes, tuple(samples), tuple(unreadable), origin, tuple(sizes))


def _unique(paths: Sequence[Path] | object) -> list[Path]:
    """Paths in order, each once (a file named twice, or inside a folder also named)."""
    seen: set[Path] = set()
    out = []
    for path in paths:  # type: ignore[attr-defined]
        key = Path(path).absolute()
        if key not in seen:
            seen.add(key)
            out.append(Path(path))
    return out


def _read_size(path: Path) -> tuple[tuple[int, int] | None, Message | None]:
    """The upright size of a picture :mod:`core.images` decodes; else ``None`` and the reason."""
    if path.is_dir():
        return None, EMPTY_FOLDER()
    try:
        _, size = decode_for_model(path, CHECK_SIDE)
    except ImageDecodeError as exc:
        return None, exc.message
    return size, None


# --------------------------------------------------------------------------- checks


def check_training_set(ts: TrainingSet) -> list[DataWarning]:
    """What to tell a person before training: few images, imbalance, duplicates, skipped files."""
    warnings: list[DataWarning] = []
    counts = ts.counts()
    few = [name for name, n in counts.items() if n < FEW_IMAGES]
    for name in few:
        n = counts[name]
        warnings.append(
            DataWarning(
                "few",
                FEW(name, FEW_IMAGES, n=n),
                tuple(p for p, i in ts.samples if ts.classes[i] == name),
            )
        )
    if counts:
        largest = max(counts, key=lambda k: counts[k])
        smallest = min(counts, key=lambda k: counts[k])
        if counts[smallest] and counts[largest] / counts[smallest] > IMBALANCE_RATIO:
            warnings.append(
                DataWarning(
                    "imbalance",
                    IMBALANCE(largest, counts[largest], smallest, counts[smallest]),
                )
            )
    single = [name for name, n in counts.items() if n == 1]
    if single and len(single) == len(counts):
        warnings.append(DataWarning("no-validation", NO_VALIDATION(), tuple(p for p, _ in ts.samples)))
    elif single:
        paths = tuple(p for p, i in ts.samples if ts.classes[i] in single)
        warnings.append(DataWarning("unchecked", UNCHECKED(", ".join(single), n=len(single)), paths))
    warnings += _duplicates(ts)
    if ts.unreadable:
        n = len(ts.unreadable)
        warnings.append(
            DataWarning(
                "unreadable",
                UNREADABLE(n=n),
                tuple(p for p, _ in ts.unreadable),
            )
        )
    return warnings


def _duplicates(ts: TrainingSet) -> list[DataWarning]:
    """Files of identical content filed under two or more classes (a contradiction to learn)."""
    by_digest: dict[str, list[tuple[Path, int]]] = {}
    for path, index in ts.samples:
        digest = file_digest(path)
        if digest is not None:
            by_digest.setdefault(digest, []).append((path, index))
    warnings = []
    for entries in by_digest.values():
        labels = sorted({ts.classes[i] for _, i in entries})
        if len(labels) > 1:
            paths = tuple(p for p, _ in entries)
            warnings.append(
                DataWarning(
                    "duplicate",
                    DUPLICATE(", ".join(f"“{c}”" for c in labels), ", ".join(p.name for p in paths)),
                    paths,
                )
            )
    return warnings


def file_digest(path: Path) -> str | None:
    """A content hash of the file's bytes (``None`` if it vanished meanwhile)."""
    try:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "blake2b").hexdigest()
    except OSError:
        return None
