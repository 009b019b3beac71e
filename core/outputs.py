"""Whether a path may receive an output: the one place that decides, before any work starts.

Outputs are user data too. A file ResLens writes must never replace something the person made:

- never an **input of the same run** (``classify --csv a.jpg b.jpg`` forgot the CSV's name: a.jpg
  is a photo being classified, not a place for the table);
- never an **existing image, or a file of another kind**, unless ``--force``: a CSV or JSON
  replaces only a text file, a heat-map PNG replaces only a PNG that ResLens wrote (it carries
  :data:`MARKER` in a text chunk), a model only a model ResLens wrote (its metadata key);
- never anything **inside a folder the run reads as data** (a training folder, a batch's inputs),
  resolved through symbolic links, so ``--out link-to-data/model.safetensors`` is caught too;
- never a folder, a name with a NUL byte, an empty name, or a place whose folder is missing or
  read-only: found now, not after an hour of training.

Writing itself stays in :func:`core.export.replace_atomically` (a temporary file in the same
folder, then a rename; created with the user's umask).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from core.errors import OutputError
from core.messages import QT_TRANSLATE_NOOP, Message, kind

MARKER = "ResLens"  # the PNG text chunk "Software" of every picture ResLens writes
SNIFF_BYTES = 4096

IS_INPUT = kind(
    "output.is-input",
    QT_TRANSLATE_NOOP("Messages", "%1 is one of this run's inputs; choose another output name"),
)
INSIDE_DATA = kind(
    "output.inside-data",
    QT_TRANSLATE_NOOP("Messages", "%1 is inside the data folder %2; write outputs somewhere else"),
)
NOT_OURS = kind(
    "output.not-ours",
    QT_TRANSLATE_NOOP(
        "Messages",
        "%1 already exists and is %2, not a file ResLens wrote; choose another name or use --force",
    ),
)
IS_FOLDER = kind(
    "output.is-folder", QT_TRANSLATE_NOOP("Messages", "cannot write %1: it is a folder; give a file name")
)
NO_FOLDER = kind(
    "output.no-folder", QT_TRANSLATE_NOOP("Messages", "cannot write %1: the folder %2 does not exist")
)
NOT_WRITABLE = kind("output.not-writable", QT_TRANSLATE_NOOP("Messages", "cannot write %1: %2"))
BAD_NAME = kind("output.bad-name", QT_TRANSLATE_NOOP("Messages", "%1 is not a usable file name"))
AN_IMAGE = kind("output.an-image", QT_TRANSLATE_NOOP("Messages", "an image"))
A_BINARY_FILE = kind("output.binary", QT_TRANSLATE_NOOP("Messages", "a binary file"))
ANOTHER_FILE = kind("output.other", QT_TRANSLATE_NOOP("Messages", "a file of another kind"))


class Output(Enum):
    """What is written, which decides what an existing file may be replaced by it."""

    TEXT = "text"  # CSV, JSON: replaces a text file (an earlier export), never an image or binary
    PNG = "png"  # a heat-map: replaces only a PNG ResLens wrote
    MODEL = "model"  # .safetensors (+ card): replaces only a model ResLens wrote
    FILE = "file"  # anything else ResLens owns by name (checkpoints): replaces a file, not a folder
    OWNED = "owned"  # a format whose writer recognises its own files (``claim(..., ours=)``)


@dataclass(frozen=True)
class OutputRules:
    """What one run reads: its outputs may not land on or inside these."""

    inputs: tuple[Path, ...] = ()  # what this run reads: none of them is an output
    data_folders: tuple[Path, ...] = ()  # folders nothing may be written inside (training data)
    force: bool = False  # --force: an existing file of another kind may be replaced
    _resolved: tuple[frozenset[Path], tuple[Path, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        files = frozenset(_resolve(p) for p in self.inputs)
        folders = tuple(_resolve(p) for p in self.data_folders)
        object.__setattr__(self, "_resolved", (files, folders))

    @classmethod
    def reading(cls, inputs: Iterable[str | os.PathLike[str]], **kwargs: object) -> OutputRules:
        return cls(tuple(Path(p) for p in inputs if str(p)), **kwargs)  # type: ignore[arg-type]


def claim(
    path: str | os.PathLike[str],
    what: Output,
    rules: OutputRules | None = None,
    ours: Callable[[Path], bool] | None = None,
) -> Path:
    """``path`` as the run will write it, or an :class:`OutputError` saying why it may not be.

    ``ours`` recognises an existing file as one ResLens wrote, for :attr:`Output.OWNED` (a Lite
    model file: its record is deep inside the ONNX graph, beyond what this module sniffs).
    Call it before any work; it writes nothing but a probe file, removed at once.
    """
    from core.export import printable

    raw = os.fspath(path)
    shown = printable(raw)
    if not raw or "\0" in raw:
        raise OutputError(BAD_NAME(printable(repr(raw))))
    target = Path(raw)
    real = _resolve(target)
    rules = rules or NO_RULES
    files, folders = rules._resolved
    if real in files:
        raise OutputError(IS_INPUT(shown))
    for folder in folders:
        if real != folder and real.is_relative_to(folder):
            raise OutputError(INSIDE_DATA(shown, printable(str(folder))))
    info = _stat(target, shown)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(IS_FOLDER(shown))
    if info is not None and stat.S_ISREG(info.st_mode) and not rules.force:
        problem = _foreign(real, what, ours)
        if problem is not None:
            raise OutputError(NOT_OURS(shown, problem))
    if info is None or stat.S_ISREG(info.st_mode):
        _probe_folder(real.parent, shown)
    return target


NO_RULES = OutputRules()


def _resolve(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _stat(path: Path, shown: str) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise OutputError(NOT_WRITABLE(shown, getattr(exc, "strerror", None) or str(exc))) from None


def _probe_folder(folder: Path, shown: str) -> None:
    """Create and remove a temporary file where the atomic write will put its own."""
    import tempfile

    from core.export import printable

    if not folder.is_dir():
        raise OutputError(NO_FOLDER(shown, printable(str(folder))))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".reslens-probe.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(NOT_WRITABLE(shown, exc.strerror or str(exc))) from None
    os.close(fd)
    os.unlink(tmp)


def _foreign(path: Path, what: Output, ours: Callable[[Path], bool] | None = None) -> Message | None:
    """Why the existing file at ``path`` is not one this output may replace (None: it may)."""
    head = _head(path)
    image = _is_image(path)
    if what is Output.OWNED:
        return None if ours is not None and ours(path) else (AN_IMAGE() if image else ANOTHER_FILE())
    if what is Output.TEXT:
        if image:
            return AN_IMAGE()
        if b"\0" in head or not _utf8(head):
            return A_BINARY_FILE()
        return None
    if what is Output.PNG:
        if _written_by_us_png(path):
            return None
        return AN_IMAGE() if image else ANOTHER_FILE()
    if what is Output.MODEL:
        from core.metadata import METADATA_KEY

        if path.suffix == ".json" and not image and _utf8(head) and METADATA_KEY.encode() not in head:
            return _json_card_problem(path)
        return None if METADATA_KEY.encode() in head else (AN_IMAGE() if image else ANOTHER_FILE())
    return AN_IMAGE() if image else None


def _json_card_problem(path: Path) -> Message | None:
    """A model's JSON card replaces only a card ResLens wrote (it names the architecture)."""
    import json

    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ANOTHER_FILE()
    return None if isinstance(card, dict) and "arch" in card and "categories" in card else ANOTHER_FILE()


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read(SNIFF_BYTES)
    except OSError:
        return b""


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 3  # a character cut by the sniff's end is still text
    return True


def _is_image(path: Path) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return bool(image.format)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return False


def written_by_us(path: Path) -> bool:
    """Whether ``path`` is a picture ResLens wrote (a heat-map): such inputs are not explained."""
    return path.suffix.lower() == ".png" and _written_by_us_png(path)


def _written_by_us_png(path: Path) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.format == "PNG" and image.info.get("Software") == MARKER
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return False


def png_info():  # -> PIL.PngImagePlugin.PngInfo
    """The text chunk that marks a PNG as ResLens's own (:func:`claim` may then replace it)."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Software", MARKER)
    return info
