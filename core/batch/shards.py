"""The output folder: Parquet shards, what they already hold (resume), and shards written atomically.

A shard is a ``*.parquet`` file whose name starts with neither ``.`` nor ``_`` (the names pyarrow
and Ray skip when they read a folder). The local engine writes each one under a hidden temporary
name and renames it when it is complete; Ray's writer writes in place, but a Parquet file is only
readable once its footer, written last, is there. So a shard cut short by a kill cannot be read:
:func:`scan_output` moves it aside (``.incomplete-<name>``) and its inputs are simply redone.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from core.batch.inputs import filesystem, require
from core.batch.rows import SOURCE
from core.errors import OutputError

ERROR = "error"
TMP_PREFIX = ".reslens-tmp-"
INCOMPLETE_PREFIX = ".incomplete-"


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
        raise OutputError(f"--out {out} is a file; give a folder (it is created if missing)")
    try:
        fs.create_dir(root, recursive=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out}: {exc}") from None
    return fs, root


def _shard_paths(fs, root: str) -> list[str]:
    pafs = require("pyarrow.fs", "reading Parquet")
    listing = fs.get_file_info(pafs.FileSelector(root, allow_not_found=True))
    return sorted(
        item.path
        for item in listing
        if item.type == pafs.FileType.File
        and item.base_name.endswith(".parquet")
        and not item.base_name.startswith((".", "_"))
    )


def scan_output(out: str, quarantine: bool = True) -> OutputState:
    """Read the ``source`` and ``error`` columns of every complete shard; move unreadable shards aside."""
    pq = require("pyarrow.parquet", "reading Parquet")
    fs, root = filesystem(out)
    state = OutputState()
    counts: Counter[str] = Counter()
    for path in _shard_paths(fs, root):
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
    for path in _shard_paths(fs, root):
        rows += pq.read_table(path, filesystem=fs).to_pylist()
    return rows


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
        raise OutputError(f"cannot write {final}: {exc}") from None
    return final
