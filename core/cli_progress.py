"""Progress on the CLI's stderr: a bar for runs of images, and the classifier's status lines.

Here, not in :mod:`core.cli_commands`, because every sub-command's module shows them (classify,
batch, evaluate, and Lite's commands in :mod:`core.lite.commands`), and a module that each of them
imports must import none of them.
"""

from __future__ import annotations

from typing import TextIO

from core.auto_backend import AUTO_MEASURING
from core.export import printable
from core.messages import Message, english

PROGRESS_THRESHOLD = 8  # show a progress bar for runs longer than this many images


class ProgressBar:
    """Progress on stderr for runs of more than a handful of images.

    On a terminal, one line redrawn in place; in a log (not a TTY), a line per tenth of the run.
    """

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream, self.width, self.shown = stream, width, False
        self.interactive = stream.isatty()
        self.last_tenth = -1

    def update(self, done: int, total: int) -> None:
        if total <= PROGRESS_THRESHOLD:
            return
        filled = self.width * done // total
        line = f"[{'#' * filled}{'-' * (self.width - filled)}] {done}/{total}"
        if self.interactive:
            self.stream.write(f"\r{line}")
            self.shown = True
        elif (tenth := 10 * done // total) > self.last_tenth:
            self.last_tenth = tenth
            self.stream.write(f"{line}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")


class StatusLines:
    """What the classifier says while it loads, on stderr, one line per message, except Auto's
    measuring steps (28 for ResNet-50 with every candidate): on a terminal they redraw one line
    in place; in a log, the first step and each quarter of the way (five lines at most)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.interactive = stream.isatty()
        self.open = 0  # the width of the step line being redrawn (0: none)
        self.last_quarter = -1

    def __call__(self, message: Message) -> None:
        line = printable(english(message))
        if message.code == AUTO_MEASURING.code:
            self._step(line, int(message.args[0]), int(message.args[1]))
            return
        self._end_line()
        self.stream.write(f"{line}\n")
        self.stream.flush()

    def _step(self, line: str, step: int, steps: int) -> None:
        if self.interactive:
            self.stream.write(f"\r{line.ljust(self.open)}")
            self.open = max(self.open, len(line))
            if step >= steps:
                self._end_line()
        elif (quarter := 4 * step // max(steps, 1)) > self.last_quarter:
            self.last_quarter = quarter
            self.stream.write(f"{line}\n")
        self.stream.flush()

    def _end_line(self) -> None:
        if self.open:
            self.stream.write("\n")
            self.open = 0
