"""The output folder's record of a batch job: which shards are its own, and how their rows were made.

``OUT/_reslens-batch.json`` (a leading ``_``: pyarrow and Ray skip it when they read the folder as
a dataset) names every run that wrote into the folder; a shard is the job's own only when its name
starts with ``part-<run>`` for one of them. So a person's own Parquet file in OUT is never read as
rows, never moved aside, never deleted: batch touches only what it named.

The record also holds the :class:`Settings` the rows were made with (the model's weights hash,
architecture and labels, the backend, top-k and the unknown threshold). A rerun with other
settings would mix rows of two models under one name, so it is refused (exit 2, saying what
differs) unless ``--overwrite`` asks to recompute every row. The device and the batch sizes are
not settings: they change how fast, not what, a row says.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from core.batch.inputs import require
from core.errors import OutputError, UsageError
from core.export import printable
from core.messages import QT_TRANSLATE_NOOP, Message, kind

RECORD = "_reslens-batch.json"
FORMAT = "reslens-batch"
VERSION = 1
SHARD_PREFIX = "part-"

OTHER_SETTINGS = kind(
    "batch.resume.other-settings",
    QT_TRANSLATE_NOOP(
        "Messages",
        "%1 holds rows made with other settings (%2); give the same settings, another --out, or "
        "--overwrite to recompute every row",
    ),
)
DIFFERS = kind("batch.resume.differs", QT_TRANSLATE_NOOP("Messages", "%1 was %2, now %3"))
AND = kind("batch.resume.and", QT_TRANSLATE_NOOP("Messages", "%1; %2"))
UNREADABLE_RECORD = kind(
    "batch.record.unreadable",
    QT_TRANSLATE_NOOP(
        "Messages", "%1 is not a batch record ResLens can read (%2); give another --out, or --overwrite"
    ),
)
RECORD_REPLACED = kind(
    "batch.record.replaced",
    QT_TRANSLATE_NOOP(
        "Messages",
        "--overwrite: %1 could not be read; a new record is started, and the files the old one named "
        "are left as they are",
    ),
)
CANNOT_WRITE_RECORD = kind("batch.record.cannot-write", QT_TRANSLATE_NOOP("Messages", "cannot write %1: %2"))


@dataclass(frozen=True)
class Settings:
    """What decides a row's content: two runs with equal settings write the same row for a file."""

    weights: str  # the weights file's hash prefix
    arch: str
    labels: tuple[str, ...]
    backend: str
    top_k: int
    threshold: float | None  # the unknown threshold in force (the model's own when not given)

    def differences(self, earlier: Settings) -> list[Message]:
        """What changed since ``earlier``, one message per setting."""
        return [
            DIFFERS(f.name, _shown(getattr(earlier, f.name)), _shown(getattr(self, f.name)))
            for f in fields(self)
            if getattr(earlier, f.name) != getattr(self, f.name)
        ]

    @classmethod
    def from_dict(cls, data: Any) -> Settings:
        if not isinstance(data, dict):
            raise ValueError("no settings")
        return cls(
            weights=str(data["weights"]),
            arch=str(data["arch"]),
            labels=tuple(str(v) for v in data["labels"]),
            backend=str(data["backend"]),
            top_k=int(data["top_k"]),
            threshold=None if data["threshold"] is None else float(data["threshold"]),
        )


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return printable(", ".join(value) if len(value) <= 5 else f"{', '.join(value[:5])}, …")
    return printable(str(value))


@dataclass
class Record:
    """The settings of the rows in the folder and the runs that wrote them."""

    settings: Settings
    runs: list[str] = field(default_factory=list)

    def owns(self, base_name: str) -> bool:
        """Whether a file of this name is one of this job's shards."""
        return base_name.endswith(".parquet") and any(
            base_name.startswith(shard_prefix(run)) for run in self.runs
        )


def new_run_id() -> str:
    """A name no other run has: its time, then random hex (so a folder's shards sort by time)."""
    return f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}"


def shard_prefix(run: str) -> str:
    return f"{SHARD_PREFIX}{run}"


def record_path(root: str) -> str:
    return f"{root.rstrip('/')}/{RECORD}"


def read_record(fs, root: str) -> Record | None:
    """The folder's record; ``None`` where there is none (a new folder, or one batch never wrote)."""
    pafs = require("pyarrow.fs", "reading Parquet")
    path = record_path(root)
    if fs.get_file_info(path).type == pafs.FileType.NotFound:
        return None
    try:
        with fs.open_input_stream(path) as stream:
            data = json.loads(stream.read().decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ValueError(f"not a {FORMAT} record of version {VERSION}")
        runs = data.get("runs")
        if not isinstance(runs, list) or not all(isinstance(r, str) and r for r in runs):
            raise ValueError("no list of runs")
        return Record(Settings.from_dict(data.get("settings")), list(runs))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(UNREADABLE_RECORD(printable(path), printable(str(exc)))) from None


def write_record(fs, root: str, record: Record) -> None:
    """Replace the record whole: a temporary file beside it, then a rename."""
    path = record_path(root)
    tmp = f"{root.rstrip('/')}/.reslens-tmp-{uuid.uuid4().hex}.json"
    data = {"format": FORMAT, "version": VERSION, "settings": asdict(record.settings), "runs": record.runs}
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    try:
        with fs.open_output_stream(tmp) as stream:
            stream.write(text.encode("utf-8"))
        fs.move(tmp, path)
    except OSError as exc:
        raise OutputError(CANNOT_WRITE_RECORD(printable(path), printable(str(exc)))) from None


def check_settings(record: Record | None, settings: Settings, out: str, overwrite: bool) -> bool:
    """Whether the rows in the folder may be kept; refuses (exit 2) a resume with other settings.

    Returns False when ``overwrite`` asks to recompute rows made with other settings.
    """
    if record is None or record.settings == settings:
        return True
    if overwrite:
        return False
    first, *more = settings.differences(record.settings)
    for difference in more:
        first = AND(first, difference)
    raise UsageError(OTHER_SETTINGS(printable(out), first))
