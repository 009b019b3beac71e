"""Thumbnails made off the GUI thread, at the size they are shown (never full resolution).

``core.images.make_thumbnail`` decodes (with JPEG draft mode), orients by EXIF and shrinks; the
result crosses back to the GUI thread as a small QImage through a queued signal.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QImage

from core.errors import describe
from gui.imaging import pil_to_qimage

if TYPE_CHECKING:
    from PIL import Image


class ThumbnailLoader(QObject):
    """Makes thumbnails in a small thread pool of its own; each key is made once.

    ``ready(key, image)`` or ``failed(key, message)`` are emitted in the loader's thread.
    """

    ready = Signal(str, QImage)
    failed = Signal(str, str)
    _made = Signal(str, QImage)  # from a pool thread; re-emitted as ``ready`` in ours
    _not_made = Signal(str, str)

    def __init__(self, size: int, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self.size = size
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._requested: set[str] = set()
        self._in_flight: set[str] = set()
        self._closed = False
        self._made.connect(self._deliver)
        self._not_made.connect(self._report)

    def request(self, key: str, source: str | Path | Image.Image) -> None:
        """Queue a thumbnail of ``source`` (a file or an in-memory image) under ``key``."""
        if key in self._requested or self._closed:
            return
        self._requested.add(key)
        self._in_flight.add(key)
        self._pool.start(lambda: self._make(key, source))

    def forget(self) -> None:
        """Drop queued requests (running ones finish) and allow every key again."""
        self._pool.clear()
        self._requested.clear()
        self._in_flight.clear()

    @property
    def busy(self) -> bool:
        """Whether thumbnails asked for are still being made."""
        return bool(self._in_flight)

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def close(self) -> None:
        """Drop queued requests, wait for running ones and take no more."""
        self._closed = True
        self.forget()
        self.wait()

    def _make(self, key: str, source: str | Path | Image.Image) -> None:
        try:
            from core.images import make_thumbnail

            image = pil_to_qimage(make_thumbnail(source, self.size))
        except Exception as exc:  # a bad file is shown as such, never raised in a pool thread
            self._not_made.emit(key, describe(exc))
        else:
            self._made.emit(key, image)

    # Bound methods of this QObject run in its thread, so ``ready`` and ``failed`` are always
    # emitted there, whatever their receivers are (a lambda would otherwise run in the pool).
    def _deliver(self, key: str, image: QImage) -> None:
        self._in_flight.discard(key)
        self.ready.emit(key, image)

    def _report(self, key: str, message: str) -> None:
        self._in_flight.discard(key)
        self.failed.emit(key, message)
