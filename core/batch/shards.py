"""The output folder: Parquet shards, what they already hold (resume), and shards written atomically.

A shard is a ``*.parquet`` file the folder's record (:mod:`core.batch.record`) names as the job's
own (``part-<run>…``); any other file in the folder is the person's and is never read, moved or
deleted. The local engine writes each shard under a hidden temporary name and renames it when it
is complete; Ray's writer writes in place, but a Parquet file is only readable once its footer,
written last, is there. So a shard cut short by a kill cannot be read: :func:`scan_output` moves
it aside (``.incomplete-<name>``) and its inputs are simply redone.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from core.batch.inputs import filesystem, require
from core.batch.record import Record, read_record
from core.batch.rows import SOURCE
from core.errors import OutputError
from core.export import printable
from core.messages import QT_TRANSLATE_NOOP, kind

ERROR = "error"
TMP_PREFIX = ".reslens-tmp-"
INCOMPLETE_PREFIX = ".incomplete-"

OUT_IS_FILE = kind(
    "batch.out.file",
    QT_TRANSLATE_NOOP("Messages", "--out %1 is a file; give a folder (it is created if missing)"),
)
CANNOT_CREATE = kind("batch.out.cannot-create", QT_TRANSLATE_NOOP("Messages", "cannot create %1: %2"))
CANNOT_WRITE = kind("batch.out.cannot-write", QT_TRANSLATE_NOOP("Messages", "cannot write %1: %2"))


@dataclass
class OutputState:
    """What an output folder holds: sources with a row, and anything odd found on the way."""

    done: set[str] = field(default_factory=set)
    shards: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    rows: int = 0
    errors: set[str] = field(default_factory=set)
    duplicates: dict[str, int] = field(default_factory=dict)


def prepare_output(out: str):
    """(filesystem, root) of the output folder, created if needed; an existing file is an error."""
    pafs = require("pyarrow.fs", "writing Parquet")
    fs, root = filesystem(out)
    info = fs.get_file_info(root)
    if info.type == pafs.FileType.File:
        raise OutputError(OUT_IS_FILE(printable(out)))
    try:
        fs.create_dir(root, recursive=True)
    except OSError as exc:
        raise OutputError(CANNOT_CREATE(printable(out), printable(str(exc)))) from None
    return fs, root


def shard_paths(fs, root: str, record: Record | None) -> list[str]:
    """The job's own shards in the folder (none without a record)."""
    if record is None:
        return []
    pafs = require("pyarrow.fs", "reading Parquet")
    listing = fs.get_file_info(pafs.FileSelector(root, allow_not_found=True))
    return sorted(
        item.path for item in listing if item.type == pafs.FileType.File and record.owns(item.base_name)
    )


def drop_shards(fs, root: str, record: Record) -> int:
    """Delete the job's own shards (``--overwrite`` with other settings): nothing else in the folder."""
    paths = shard_paths(fs, root, record)
    pafs = require("pyarrow.fs", "reading Parquet")
    listing = fs.get_file_info(pafs.FileSelector(root, allow_not_found=True))
    paths += [
        item.path
        for item in listing
        if item.type == pafs.FileType.File
        and item.base_name.startswith(INCOMPLETE_PREFIX)
        and record.owns(item.base_name[len(INCOMPLETE_PREFIX) :])
    ]
    for path in paths:
        fs.delete_file(path)
    return len(paths)


def scan_output(out: str, quarantine: bool = True) -> OutputState:
    """Read the ``source`` and ``error`` columns of every complete shard of the job; move its
    unreadable shards aside."""
    pq = require("pyarrow.parquet", "reading Parquet")
    fs, root = filesystem(out)
    state = OutputState()
    counts: Counter[str] = Counter()
    for path in shard_paths(fs, root, _record(fs, root)):
        try:
            table = pq.read_table(path, columns=[SOURCE, ERROR], filesystem=fs)
        except (OSError, ValueError):  # truncated: no footer (ArrowInvalid is a ValueError)
            state.incomplete.append(path)
            if quarantine:
                name = path.rsplit("/", 1)[-1]
                fs.move(path, f"{path[: -len(name)]}{INCOMPLETE_PREFIX}{name}")
            continue
        sources = table.column(SOURCE).to_pylist()
        state.shards.append(path)
        state.rows += len(sources)
        counts.update(sources)
        state.errors.update(s for s, e in zip(sources, table.column(ERROR).to_pylist(), strict=True) if e)
    state.done = set(counts)
    state.duplicates = {source: n for source, n in counts.items() if n > 1}
    return state


def read_rows(out: str) -> list[dict[str, Any]]:
    """Every row of every complete shard (for tests, checks and small jobs)."""
    pq = require("pyarrow.parquet", "reading Parquet")
    fs, root = filesystem(out)
    rows: list[dict[str, Any]] = []
    for path in shard_paths(fs, root, _record(fs, root)):
        rows += pq.read_table(path, filesystem=fs).to_pylist()
    return rows


def _record(fs, root: str) -> Record | None:
    pafs = require("pyarrow.fs", "reading Parquet")
    if fs.get_file_info(root).type != pafs.FileType.Directory:
        return None
    return read_record(fs, root)


def remove_stale_temporaries(fs, root: str) -> int:
    """Temporary shards a killed local run left behind (never counted as done)."""
    pafs = require("pyarrow.fs", "writing Parquet")
    stale = [
        item.path
        for item in fs.get_file_info(pafs.FileSelector(root, allow_not_found=True))
        if item.type == pafs.FileType.File and item.base_name.startswith(TMP_PREFIX)
    ]
    for path in stale:
        fs.delete_file(path)
    return len(stale)


def write_shard(fs, root: str, table, name: str) -> str:
    """Write ``table`` as ``root/name`` so that the name appears only once the file is whole."""
    pq = require("pyarrow.parquet", "writing Parquet")
    final = f"{root.rstrip('/')}/{name}"
    tmp = f"{root.rstrip('/')}/{TMP_PREFIX}{uuid.uuid4().hex}.parquet"
    try:
        pq.write_table(table, tmp, filesystem=fs)
        fs.move(tmp, final)
    except OSError as exc:
        raise OutputError(CANNOT_WRITE(printable(final), printable(str(exc)))) from None
    return final
