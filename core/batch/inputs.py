"""What a batch job classifies: a folder, a glob, or a manifest, as a list of source strings.

- a **folder** is walked like ``classify`` walks one (:func:`core.inference.expand_inputs`);
- a **glob** (``photos/**/*.jpg``) is expanded, sorted, folders among the matches walked;
- a **manifest** is a text file (``.txt``/``.lst``, one path a line, ``#`` comments) or a Parquet
  or CSV file with a ``path`` column. Its entries are taken as they are (no stat on the driver,
  which matters for millions of lines): a relative entry is relative to the manifest's folder.
- a **URI** (``s3://bucket/photos/``, ``gs://…``, ``file:///…``) is read through pyarrow's
  filesystems: a prefix is listed for image files, a manifest URI is read like a local one.

Local sources are absolute paths (workers may run elsewhere, and a rerun from another folder must
recognise them). Each source is one input, identified by its string; a source listed twice, or a
local file reached by two routes (``x.jpg``, ``dir/../x.jpg``, a symbolic link to it), is one
input, under the first name it was given: one row, never a second row or an error row.
"""

from __future__ import annotations

import csv
import glob
import io
import os
import posixpath
import re
from pathlib import Path

from core.errors import UsageError
from core.messages import QT_TRANSLATE_NOOP, kind

TEXT_MANIFESTS = (".txt", ".lst", ".list")
TABLE_MANIFESTS = (".parquet", ".csv")
PATH_COLUMN = "path"
CLUSTER_HINT = "pip install -e '.[cluster]'"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

CANNOT_OPEN = kind("batch.cannot-open", QT_TRANSLATE_NOOP("Messages", "cannot open %1: %2"))
NEEDS_PACKAGE = kind(
    "batch.needs-package", QT_TRANSLATE_NOOP("Messages", "%1 needs %2, which is not installed: %3")
)
NO_MATCH = kind("batch.no-match", QT_TRANSLATE_NOOP("Messages", "no file matches %1"))
NO_SUCH_INPUT = kind(
    "batch.no-such-input", QT_TRANSLATE_NOOP("Messages", "%1: no such file, folder or manifest")
)
NO_IMAGES = kind("batch.no-images", QT_TRANSLATE_NOOP("Messages", "no images found in %1"))
MANIFEST_UNREADABLE = kind(
    "batch.manifest-unreadable", QT_TRANSLATE_NOOP("Messages", "cannot read manifest %1: %2")
)
NO_PATH_COLUMN = kind(
    "batch.no-path-column", QT_TRANSLATE_NOOP("Messages", "manifest %1 has no '%2' column (columns: %3)")
)
URI_NOT_FOUND = kind("batch.uri-not-found", QT_TRANSLATE_NOOP("Messages", "%1: not found"))
CANNOT_LIST = kind("batch.cannot-list", QT_TRANSLATE_NOOP("Messages", "cannot list %1: %2"))


def is_uri(location: str) -> bool:
    """``s3://…``, ``gs://…``, ``file:///…``: anything pyarrow's filesystems should open."""
    return bool(_URI.match(str(location)))


def filesystem(location: str):
    """(pyarrow filesystem, path inside it) for a URI or a local path."""
    pafs = require("pyarrow.fs", "reading URIs and writing Parquet")
    if is_uri(location):
        try:
            return pafs.FileSystem.from_uri(location)
        except (ValueError, OSError) as exc:
            raise UsageError(CANNOT_OPEN(location, str(exc))) from None
    return pafs.LocalFileSystem(), os.path.abspath(location)


def require(module: str, what: str):
    """Import an optional dependency, or say how to install it (exit 2)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        raise UsageError(NEEDS_PACKAGE(what, top, CLUSTER_HINT)) from None


def resolve_inputs(spec: str | os.PathLike, with_same_file: bool = False):
    """The sources named by ``spec``, in a stable order, each file once. Raises :class:`UsageError`.

    With ``with_same_file``: ``(sources, how many entries named a file already listed)``.
    """
    spec = str(spec)
    suffix = Path(spec.split("?")[0]).suffix.lower()
    if is_uri(spec):
        if suffix in TEXT_MANIFESTS + TABLE_MANIFESTS:
            sources = _read_manifest_uri(spec, suffix)
        else:
            sources = _list_uri(spec)
    elif Path(spec).is_dir():
        sources = _expand_local([os.path.abspath(spec)])
    elif Path(spec).is_file() and suffix in TEXT_MANIFESTS + TABLE_MANIFESTS:
        sources = _read_manifest(Path(spec), suffix)
    elif glob.has_magic(spec):
        matches = sorted(glob.glob(spec, recursive=True))
        if not matches:
            raise UsageError(NO_MATCH(spec))
        sources = _expand_local([os.path.abspath(m) for m in matches])
    elif Path(spec).exists():
        sources = [os.path.abspath(spec)]
    else:
        raise UsageError(NO_SUCH_INPUT(spec))
    listed = len(sources)
    sources = one_per_file(sources)
    if not sources:
        raise UsageError(NO_IMAGES(spec))
    return (sources, listed - len(sources)) if with_same_file else sources


def one_per_file(sources: list[str]) -> list[str]:
    """``sources`` in order, without a later name for a local file already listed.

    A local file's key is its real path (``..`` and symbolic links resolved); each folder is
    resolved once, so a manifest costs about one ``lstat`` per entry. A URI's key is its text.
    """
    folders: dict[str, str] = {}
    seen: set[str] = set()
    kept = []
    for source in sources:
        key = source if is_uri(source) else _real(source, folders)
        if key not in seen:
            seen.add(key)
            kept.append(source)
    return kept


def _real(path: str, folders: dict[str, str]) -> str:
    """``os.path.realpath(path)``, with the folders' real paths remembered in ``folders``."""
    try:
        head, name = os.path.split(path)
        if name in ("", ".", ".."):
            return os.path.realpath(path)
        if head not in folders:
            folders[head] = os.path.realpath(head or ".")
        joined = os.path.join(folders[head], name)
        return os.path.realpath(joined) if os.path.islink(joined) else joined
    except (OSError, ValueError):
        return path


def _expand_local(paths: list[str]) -> list[str]:
    from core.inference import expand_inputs

    return [name for name, _ in expand_inputs(paths)]


def _read_manifest(path: Path, suffix: str) -> list[str]:
    base = str(path.resolve().parent)
    if suffix in TEXT_MANIFESTS:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(MANIFEST_UNREADABLE(str(path), str(exc))) from None
        entries = _text_entries(text)
    elif suffix == ".csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                entries = _csv_entries(stream, str(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(MANIFEST_UNREADABLE(str(path), str(exc))) from None
    else:
        entries = _parquet_entries(str(path), None)
    return [_join_local(base, entry) for entry in entries]


def _read_manifest_uri(uri: str, suffix: str) -> list[str]:
    fs, path = filesystem(uri)
    if suffix == ".parquet":
        entries = _parquet_entries(path, fs)
    else:
        try:
            with fs.open_input_stream(path) as raw:
                text = raw.read().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(MANIFEST_UNREADABLE(uri, str(exc))) from None
        entries = _text_entries(text) if suffix in TEXT_MANIFESTS else _csv_entries(io.StringIO(text), uri)
    base = uri.rsplit("/", 1)[0]
    return [entry if is_uri(entry) or entry.startswith("/") else f"{base}/{entry}" for entry in entries]


def _text_entries(text: str) -> list[str]:
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _csv_entries(stream, name: str) -> list[str]:
    reader = csv.DictReader(stream)
    if PATH_COLUMN not in (reader.fieldnames or ()):
        raise UsageError(NO_PATH_COLUMN(name, PATH_COLUMN, str(reader.fieldnames)))
    return [row[PATH_COLUMN].strip() for row in reader if (row[PATH_COLUMN] or "").strip()]


def _parquet_entries(path: str, fs) -> list[str]:
    pq = require("pyarrow.parquet", "a Parquet manifest")
    try:
        schema = pq.read_schema(path, filesystem=fs)
        if PATH_COLUMN not in schema.names:
            raise UsageError(NO_PATH_COLUMN(path, PATH_COLUMN, str(schema.names)))
        column = pq.read_table(path, columns=[PATH_COLUMN], filesystem=fs).column(PATH_COLUMN)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise UsageError(MANIFEST_UNREADABLE(str(path), str(exc))) from None
    return [str(v).strip() for v in column.to_pylist() if v is not None and str(v).strip()]


def _join_local(base: str, entry: str) -> str:
    if is_uri(entry):
        return entry
    return str(Path(base, entry)) if not os.path.isabs(entry) else str(Path(entry))


def _list_uri(uri: str) -> list[str]:
    """Image files under a URI prefix (recursive, sorted), or the URI itself if it is a file."""
    from core.images import IMAGE_EXTENSIONS

    pafs = require("pyarrow.fs", "reading URIs")
    fs, path = filesystem(uri)
    scheme = uri.split("://", 1)[0]
    try:
        info = fs.get_file_info(path)
        if info.type == pafs.FileType.File:
            return [uri]
        if info.type == pafs.FileType.NotFound:
            raise UsageError(URI_NOT_FOUND(uri))
        listing = fs.get_file_info(pafs.FileSelector(path, recursive=True))
    except OSError as exc:
        raise UsageError(CANNOT_LIST(uri, str(exc))) from None
    root = path.rstrip("/") + "/"
    found = sorted(
        item.path
        for item in listing
        if item.type == pafs.FileType.File
        and posixpath.splitext(item.path)[1].lower() in IMAGE_EXTENSIONS
        and not any(part.startswith(".") for part in item.path[len(root) :].split("/"))
    )
    return [f"{scheme}://{p}" for p in found]
