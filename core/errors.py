"""One error hierarchy for ResLens, mapped once to exit codes (CLI) and once to messages (GUI).

Every error a person can cause (a bad file, a missing download, a wrong flag) is a
:class:`ResLensError` whose ``str()`` is one sentence that says what is wrong and, where there is
one, what to do. Anything else that escapes is a bug, and the CLI reports it as such with its own
exit code so scripts can tell "some files failed" from "ResLens crashed".
"""

from __future__ import annotations

from core.messages import Message, as_message, plain

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class ResLensError(Exception):
    """Something a person can fix: ``message`` says it as data (rendered in the reader's language),
    ``str()`` in English."""

    exit_code = EXIT_USAGE

    def __init__(self, message: Message | str = "") -> None:
        self.message = as_message(message)
        super().__init__(self.message)  # the one argument: str() renders it, pickling keeps it


class UsageError(ResLensError):
    """A value on the command line or in the API that cannot be used (a device, a size, a path)."""


class OutputError(ResLensError):
    """An output file that cannot be written (no such folder, a directory, disk full)."""


class WeightsError(ResLensError):
    """Weights that cannot be used, with a message for a person and, if known, the right arch."""

    def __init__(self, message: Message | str, suggested_arch: str | None = None) -> None:
        super().__init__(message)
        self.suggested_arch = suggested_arch


class DownloadError(ResLensError):
    """The file could not be fetched or verified; the message says what to do instead."""


class ImageDecodeError(ResLensError):
    """A file that cannot become a picture; ``str()`` is one sentence a person understands."""

    exit_code = EXIT_SOME_FAILED


class Cancelled(ResLensError):
    """The user stopped the work; nothing half-done was kept."""

    exit_code = EXIT_INTERRUPTED


class DownloadCancelled(DownloadError, Cancelled):
    """The user cancelled a download; nothing was left in the cache."""

    exit_code = EXIT_INTERRUPTED


def describe(exc: BaseException) -> str:
    """The one-line text a person sees for ``exc``: ours as written, anything else with its type."""
    if isinstance(exc, ResLensError):
        return str(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def describe_message(exc: BaseException) -> Message:
    """What a person is told about ``exc``, as data: ours as raised, anything else as its text."""
    if isinstance(exc, ResLensError):
        return exc.message
    return plain(describe(exc))
