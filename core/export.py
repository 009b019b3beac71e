"""Writing results as JSON and CSV: one schema for the CLI, the GUI's export and the tests.

Names and labels come from the outside world (file systems, label files) and are escaped on the
way out, the same way everywhere:

- **Bytes that are not UTF-8** in a file name (``b"b\\xe9.png"`` on Linux) reach Python as lone
  surrogates (``os.fsdecode``'s ``surrogateescape``); they are written as the text ``\\xe9``, so
  every file ResLens writes is valid UTF-8 (:func:`escape_text`).
- **CSV cells** that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return) get a leading ``'``, as OWASP advises against CSV injection.
- **Terminal output** shows every character that is not printable (newlines, ``ESC`` sequences,
  bidi overrides, zero-width marks) as a Python-style escape: ``\\n``, ``\\x1b``, ``\\u202e``
  (:func:`printable`), so a name cannot split a row, restyle the terminal or reorder the text.
- **Non-finite numbers** never reach JSON: they are written as ``null`` (``NaN`` is not JSON).

Files are written atomically: to a temporary file in the same folder, then renamed over the
target, so an existing file is only ever replaced by a complete one; disk full or any other
failure leaves no partial file and raises :class:`WriteError` (exit 2 in the CLI).
"""

from __future__ import annotations

import csv
import errno
import json
import math
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from core.errors import OutputError
from core.results import ClassificationResult

BASE_COLUMNS = ("source", "ok", "error", "elapsed_ms", "width", "height", "model", "unknown", "backend")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


class WriteError(OutputError, OSError):
    """An output file could not be written; nothing partial was left (also an ``OSError``)."""


# --------------------------------------------------------------------------- escaping


def escape_text(text: str) -> str:
    """``text`` as valid UTF-8: undecodable file-name bytes (lone surrogates) become ``\\xNN``."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that did not come from a file name
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def written_form(value: Any) -> Any:
    """``value`` (nested dicts, lists, strings, numbers) as every file ResLens writes holds it.

    Strings are :func:`escape_text`-ed (a name that is not UTF-8 becomes ``\\xe9``), a number that
    is not finite becomes ``None`` (``NaN`` is not JSON), paths become text and tuples lists: a
    model card, a batch row or a JSON report made of it always serialises, so a finished run is
    never lost at the moment it is saved.
    """
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {escape_text(str(k)): written_form(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [written_form(v) for v in value]
    if isinstance(value, os.PathLike):
        return escape_text(os.fspath(value))
    return value


def printable(text: str) -> str:
    """``text`` safe for a terminal: one line, no control sequences (see the module docstring)."""
    text = escape_text(text)
    if text.isprintable():
        return text
    return "".join(_escape_char(ch) for ch in text)


def _escape_char(ch: str) -> str:
    if ch.isprintable():
        return ch
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def csv_cell(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = escape_text(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _finite(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None


# --------------------------------------------------------------------------- JSON


def _json_ready(result: ClassificationResult) -> dict[str, Any]:
    data = result.to_dict()
    data["source"] = escape_text(data["source"])
    data["model"] = escape_text(data["model"])
    if data["error"] is not None:
        data["error"] = escape_text(data["error"])
    data["elapsed_ms"] = _finite(data["elapsed_ms"])
    for prediction in data["predictions"]:
        prediction["label"] = escape_text(prediction["label"])
        prediction["probability"] = _finite(prediction["probability"])
    return data


def results_to_json(results: Iterable[ClassificationResult]) -> str:
    """A JSON list of :meth:`ClassificationResult.to_dict` objects, escaped as described above."""
    return json.dumps([_json_ready(r) for r in results], indent=2, ensure_ascii=False, allow_nan=False)


def write_json(results: Iterable[ClassificationResult], path: str | Path) -> None:
    text = results_to_json(results) + "\n"
    write_atomically(path, lambda stream: stream.write(text))


def read_json(path: str | Path) -> list[ClassificationResult]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [ClassificationResult.from_dict(item) for item in data]


# --------------------------------------------------------------------------- CSV


def csv_columns(top_k: int) -> list[str]:
    ranked = [f"{field}_{rank}" for rank in range(1, top_k + 1) for field in ("label", "probability")]
    return [*BASE_COLUMNS, *ranked]


def _number(value: float, spec: str) -> str:
    return format(value, spec) if math.isfinite(value) else ""


def write_csv_to(results: Sequence[ClassificationResult], stream: TextIO) -> None:
    """One row per input; ``label_N``/``probability_N`` for each rank, empty where there is none."""
    top_k = max((len(r.predictions) for r in results), default=0)
    writer = csv.DictWriter(stream, fieldnames=csv_columns(top_k), lineterminator="\n")
    writer.writeheader()
    for result in results:
        row = {
            "source": csv_cell(result.source),
            "ok": "true" if result.ok else "false",
            "error": csv_cell(result.error or ""),
            "elapsed_ms": _number(result.elapsed_ms, ".1f"),
            "width": result.width or "",
            "height": result.height or "",
            "model": csv_cell(result.model),
            "unknown": "true" if result.unknown else "false",
            "backend": csv_cell(result.backend),
        }
        for rank, prediction in enumerate(result.predictions, start=1):
            row[f"label_{rank}"] = csv_cell(prediction.label)
            row[f"probability_{rank}"] = _number(prediction.probability, ".6f")
        writer.writerow(row)


def write_csv(results: Sequence[ClassificationResult], path: str | Path) -> None:
    write_atomically(path, lambda stream: write_csv_to(results, stream), newline="")


def read_csv(path: str | Path) -> list[dict[str, str]]:
    """The rows as dictionaries of strings (what a spreadsheet would show)."""
    with Path(path).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


# --------------------------------------------------------------------------- safe writing


def check_writable(path: str | Path) -> Path:
    """Fail with a :class:`WriteError` if ``path`` cannot receive an output file now.

    The last look before :func:`write_atomically` writes: the rules of what may be written, and
    the check before any work, are :func:`core.outputs.claim`'s; this catches what changed since
    (a folder removed or made read-only during the run). Refuses a folder, a missing parent folder
    and a folder we may not create files in, by creating (and removing) a temporary file where the
    write will put its own, as ``core.outputs`` probes a folder. Devices and pipes
    (``/dev/stdout``) are written in place and only checked for existence.
    """
    path = Path(path)
    shown = printable(str(path))
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteError(f"cannot write {shown}: {exc.strerror or exc}") from None
    except ValueError:
        raise WriteError(f"cannot write {shown}: not a valid file name") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise WriteError(f"cannot write {shown}: it is a folder; give a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        return path
    parent = path.parent
    if not parent.is_dir():
        raise WriteError(f"cannot write {shown}: the folder {printable(str(parent))} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise WriteError(f"cannot write {shown}: {exc.strerror or exc}") from None
    os.close(fd)
    os.unlink(tmp)
    return path


def write_atomically(path: str | Path, write: Callable[[TextIO], Any], newline: str | None = None) -> None:
    """Write a UTF-8 text file through ``write(stream)``, replacing ``path`` only when complete.

    A device or pipe (``/dev/stdout``, ``/dev/full``) cannot be renamed over, so it is written in
    place; any failure there still raises :class:`WriteError` rather than an ``OSError``.
    """
    path = Path(path)
    if path.is_symlink() and path.is_file():  # replace the file the link points to, keep the link
        path = Path(os.path.realpath(path))
    check_writable(path)
    shown = printable(str(path))
    try:
        if path.exists() and not path.is_file():
            with open(_open_in_place(path), "w", encoding="utf-8", newline=newline) as stream:
                write(stream)
            return
        _replace_with(path, write, newline)
    except OSError as exc:
        if isinstance(exc, WriteError):
            raise
        reason = exc.strerror or str(exc)
        raise WriteError(f"could not write {shown}: {reason}; nothing was written") from None


def _open_in_place(path: Path) -> int:
    """A device or pipe opened for writing; a pipe nobody reads is an error, not a wait forever."""
    nonblock = getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, os.O_WRONLY | nonblock)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise WriteError(f"cannot write {printable(str(path))}: it is a pipe that nobody reads") from None
        raise
    if nonblock:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~nonblock)  # block normally now
    return fd


def replace_atomically(path: Path, write_to: Callable[[Path], Any]) -> None:
    """``write_to(tmp)`` fills a temporary file beside ``path``, which then replaces ``path``.

    The one atomic-write mechanism of core (exports, heat-map PNGs, models, cached ONNX models): a
    reader never sees a half-written file, and a failure (or an interrupt) leaves no temporary
    file. The result has the replaced file's permissions, or a new file's (``0o666`` less the
    umask), not ``mkstemp``'s private ``0o600``.
    """
    mode = _mode_for(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write_to(Path(tmp_name))
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _replace_with(path: Path, write: Callable[[TextIO], Any], newline: str | None) -> None:
    def write_to(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline=newline) as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())

    replace_atomically(path, write_to)


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new one gets the usual ``0o666`` less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
