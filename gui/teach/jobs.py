"""The teaching window's quick background jobs: scanning the classes and planning the training.

Both read files or import torch (``core.train``), so neither may run on the GUI thread. One worker
in a thread of its own takes the requests in order; each answer carries the number of the request
it answers, and the window keeps only the newest (a scan asked for while another runs makes the
older one's answer stale). A scan in progress stops at its next file when a newer one is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from core.errors import Cancelled
from gui.messages import error_text
from gui.threads import start_in_thread, stop_thread


@dataclass(frozen=True)
class ScanRequest:
    """A folder with one sub-folder per class, or the classes built in the window."""

    folder: Path | None = None
    classes: Mapping[str, Sequence[Path]] | None = None
    # Cards that cannot be trained on yet (one is empty or unnamed, two share a name): count and
    # list each card's pictures anyway, keyed by the card, so the cards show what they hold.
    preview: bool = False


@dataclass(frozen=True)
class Scanned:
    training_set: Any  # core.dataset.TrainingSet
    warnings: tuple[Any, ...]  # core.dataset.DataWarning
    preview: bool = False  # the request's: a set to show on the cards, not to train on


class _Stale(Cancelled):
    """A newer scan was asked for: this one stops."""


class DataJobs(QObject):
    """The worker: ``scan`` and ``plan`` run in its thread; answers come back as signals."""

    scanned = Signal(int, object)  # request number, Scanned
    scanProgress = Signal(int, int, int)  # request number, files done, files found
    planned = Signal(int, object)  # request number, core.train.TrainPlan
    failed = Signal(int, str, str)  # request number, "scan" or "plan", message (window's language)

    def __init__(self) -> None:
        super().__init__()
        self.newest_scan = 0  # written by the GUI thread, read between files

    @Slot(int, object)
    def scan(self, number: int, request: ScanRequest) -> None:
        from core.dataset import check_training_set, from_class_files, scan_class_folder

        def progress(done: int, total: int) -> None:
            if number != self.newest_scan:
                raise _Stale("a newer scan was asked for")
            self.scanProgress.emit(number, done, total)

        try:
            if request.preview:
                ts = preview_set(request.classes or {}, progress)
                self.scanned.emit(number, Scanned(ts, (), preview=True))
                return
            if request.folder is not None:
                ts = scan_class_folder(request.folder, on_progress=progress)
            else:
                ts = from_class_files(request.classes or {}, on_progress=progress)
            warnings = tuple(check_training_set(ts))
        except _Stale:
            return
        except Exception as exc:  # a clear message for the window, never a dead thread
            self.failed.emit(number, "scan", error_text(exc))
            return
        self.scanned.emit(number, Scanned(ts, warnings))

    @Slot(int, object, str, object)
    def plan(self, number: int, training_set: Any, start: str, overrides: dict[str, Any]) -> None:
        try:
            from core.train import plan_training

            plan = plan_training(training_set, start, **overrides)
        except Exception as exc:  # a bad weights file, an override out of range
            self.failed.emit(number, "plan", error_text(exc))
            return
        self.planned.emit(number, plan)


def preview_set(classes: Mapping[str, Sequence[Path]], progress: Any) -> Any:
    """Each group's readable pictures, as a ``TrainingSet`` in which a group may hold none.

    ``core.dataset`` refuses such a set (rightly: it cannot be trained on); the cards still need
    their counts and thumbnails, so each group is read on its own and an empty one counts 0.
    """
    from core.dataset import DatasetError, TrainingSet, _build

    keys = tuple(sorted(classes))
    samples: list[tuple[Path, int]] = []
    unreadable: list[tuple[Path, str]] = []
    for index, key in enumerate(keys):
        try:
            one = _build({key: classes[key]}, "", progress)
        except DatasetError:  # no readable picture in this group: it shows 0
            continue
        samples += [(path, index) for path, _ in one.samples]
        unreadable += list(one.unreadable)
    return TrainingSet(keys, tuple(samples), tuple(unreadable))


class JobRunner(QObject):
    """The GUI side: numbers the requests, forwards them to the worker's thread, stops it."""

    _scan = Signal(int, object)
    _plan = Signal(int, object, str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs = DataJobs()
        self._scan.connect(self.jobs.scan)
        self._plan.connect(self.jobs.plan)
        self._thread = start_in_thread(self.jobs, "teach-data", self)
        self._count = 0

    def scan(self, request: ScanRequest) -> int:
        self._count += 1
        self.jobs.newest_scan = self._count
        self._scan.emit(self._count, request)
        return self._count

    def plan(self, training_set: Any, start: str, overrides: dict[str, Any]) -> int:
        self._count += 1
        self._plan.emit(self._count, training_set, start, dict(overrides))
        return self._count

    def shutdown(self) -> None:
        """Stop a scan at its next file, then end the thread (a plan in progress finishes)."""
        self.jobs.newest_scan = -1
        stop_thread(self._thread)
