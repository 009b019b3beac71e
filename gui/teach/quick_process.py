"""The quick model (issue 26, item 4): a quick head fitted in a process of its own, in seconds.

The window shows a usable model this soon, before fine-tuning (full edition) starts, and in ResLens
Lite it is the only model the window teaches. The work is :func:`core.lite.quick_train.quick_train`
itself (not a copy): it reads a folder with one sub-folder per class, so the classes built in the
window are laid out as such a folder of links to the person's files, in a temporary folder.

Why a process, as for fine-tuning (:mod:`gui.teach.train_process`): reading and pooling the
pictures runs Python and numpy that hold the GIL the window's repaints need. The same pipe
protocol: ``("status", Message)`` reports, then one ``("done", QuickOutcome)`` or ``("failed",
Message)``. No Qt and no torch here: it runs the same in both editions.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gui.teach.train_process import report_outcome, start_process


def link_classes(root: Path, classes: Sequence[str], samples: Sequence[tuple[Path, int]]) -> Path:
    """``root/<class>/<n>-<file name>``: a link to each sample (a copy where links are refused)."""
    for name in classes:
        (root / name).mkdir()
    for number, (path, index) in enumerate(samples):
        link = root / classes[index] / f"{number:06d}-{Path(path).name}"
        try:
            os.symlink(os.path.abspath(path), link)
        except OSError:  # Windows without the right to make links
            shutil.copyfile(path, link)
    return root


def run_quick(
    conn: Any, classes: Sequence[str], samples: Sequence[tuple[Path, int]], source: Path, out: Path
) -> None:
    """The process's entry point: fit, write ``out``, report the :class:`QuickOutcome`."""

    def work() -> Any:
        from core.lite.quick_train import quick_train

        with tempfile.TemporaryDirectory(prefix="reslens-quick-") as tmp:
            folder = link_classes(Path(tmp), classes, samples)
            return quick_train(folder, source, out, on_status=lambda m: conn.send(("status", m)))

    report_outcome(conn, work)


def start_quick(training_set: Any, source: Path, out: Path) -> tuple[Any, Any]:
    """Start :func:`run_quick` on ``training_set``'s pictures; returns the process and its pipe."""
    return start_process(  # spawned, never a fork of the process that runs Qt
        run_quick, (tuple(training_set.classes), tuple(training_set.samples), source, out), "reslens-quick"
    )
