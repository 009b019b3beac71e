"""Downloading published weights into torch.hub's cache, with progress, cancel and a hash check.

``torch.hub.load_state_dict_from_url`` does the same but reports progress only to a terminal and
cannot be cancelled, which a GUI needs. The file lands where torch.hub would put it
(``<torch.hub.get_dir()>/checkpoints/<file name>``), so both share one cache, and a file placed
there by hand is used as is.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import queue
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import torch

from core.errors import DownloadCancelled, DownloadError

CHUNK = 1 << 14
"""Bytes asked of the socket per read; ``read1`` returns whatever has arrived, so a slow server
still shows progress and a cancel is seen between chunks."""
POLL_S = 0.1
"""How often the caller's thread checks ``cancel`` while it waits for the next chunk."""
MAX_BYTES = 2**30
"""The most any download may bring when nothing tighter is known (ResNet-152 is 0.24 GB)."""


def cache_dir() -> Path:
    return Path(torch.hub.get_dir()) / "checkpoints"


def cache_path(url: str) -> Path:
    return cache_dir() / url.rsplit("/", 1)[-1].split("?", 1)[0]


def download_to_cache(
    url: str,
    hash_prefix: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    timeout: float = 30.0,
    max_bytes: int | None = None,
) -> Path:
    """Return the cached file for ``url``, downloading it first if needed.

    The file is written to a temporary name beside its destination and only renamed into place
    once its SHA-256 starts with ``hash_prefix``, so a broken, oversized or cancelled download
    never poisons the cache. ``hash_prefix`` may be the full 64-digit SHA-256 (checked in full)
    or a prefix of it: torchvision publishes only the 8 hex digits in its file names, a 32-bit
    check against corruption, not against a forged file. ``on_progress(done, total)`` gets byte
    counts (``total`` is 0 when the server does not say).

    The download runs in a helper thread while this one waits on it in steps of
    :data:`POLL_S`: ``cancel`` is honoured within about that long whatever the server does, a
    server that sends nothing for ``timeout`` seconds is given up on, and the body may not exceed
    ``max_bytes`` (default :data:`MAX_BYTES`) nor the size the server announced.
    """
    destination = cache_path(url)
    if destination.is_file():
        return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=destination.name + ".", suffix=".part", dir=destination.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, _Reader(url, timeout) as reader:
            _receive(
                reader, url, out, digest, on_progress, cancel, timeout, destination, max_bytes or MAX_BYTES
            )
        _verify(digest.hexdigest(), hash_prefix, destination.name)
        os.replace(tmp, destination)
        return destination
    finally:
        tmp.unlink(missing_ok=True)


def _verify(actual: str, expected: str | None, name: str) -> None:
    if expected and not actual.startswith(expected.lower()):
        raise DownloadError(
            f"the download of {name} is corrupt (SHA-256 {actual[:12]}…, "
            f"expected {expected[:12]}…); it was discarded, try again"
        )


class _Reader(threading.Thread):
    """Opens ``url`` and passes its body on in chunks through a queue; the only thread that
    blocks on the network. Messages: ``("start", total)``, ``("data", bytes)``, ``("end", None)``,
    ``("error", exception)``."""

    def __init__(self, url: str, timeout: float) -> None:
        super().__init__(name="reslens-download", daemon=True)
        self.url, self.timeout = url, timeout
        self.messages: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=64)
        self.stopped = threading.Event()
        self.response: http.client.HTTPResponse | None = None

    def run(self) -> None:
        request = urllib.request.Request(self.url, headers={"User-Agent": "ResLens"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                self.response = response
                self._put("start", int(response.headers.get("Content-Length") or 0))
                while not self.stopped.is_set():
                    chunk = response.read1(CHUNK)
                    if not chunk:
                        break
                    self._put("data", chunk)
                self.response = None
            self._put("end", None)
        except BaseException as exc:  # noqa: BLE001 - every failure is handed to the waiting thread
            self._put("error", exc)

    def _put(self, kind: str, value: object) -> None:
        while not self.stopped.is_set():
            try:
                self.messages.put((kind, value), timeout=POLL_S)
                return
            except queue.Full:
                continue

    def __enter__(self) -> _Reader:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop reading now: shut the socket so a read blocked on a stalled server returns."""
        self.stopped.set()
        response = self.response
        if response is None:
            return
        try:
            with socket.socket(fileno=os.dup(response.fileno())) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        except (OSError, ValueError, AttributeError):  # already closed by the reader
            pass


def _receive(
    reader: _Reader,
    url: str,
    out: BinaryIO,
    digest: hashlib._Hash,
    on_progress: Callable[[int, int], None] | None,
    cancel: threading.Event | None,
    timeout: float,
    destination: Path,
    max_bytes: int,
) -> None:
    total = done = 0
    last_news = time.monotonic()
    while True:
        if cancel is not None and cancel.is_set():
            raise DownloadCancelled("download cancelled")
        try:
            kind, value = reader.messages.get(timeout=POLL_S)
        except queue.Empty:
            if time.monotonic() - last_news > timeout + 1:
                silence = f"{timeout:.0f} s without data"
                raise DownloadError(
                    f"the server stopped sending after {done:,} bytes ({silence}); try again"
                ) from None
            continue
        last_news = time.monotonic()
        if kind == "error":
            raise _download_error(value, url, done, destination)  # type: ignore[arg-type]
        if kind == "end":
            break
        if kind == "start":
            total = int(value)  # type: ignore[call-overload]
            if total > max_bytes:
                raise DownloadError(
                    f"the server announced {total:,} bytes, more than the {max_bytes:,} expected"
                )
            continue
        chunk: bytes = value  # type: ignore[assignment]
        done += len(chunk)
        limit = min(total, max_bytes) if total else max_bytes
        if done > limit:
            raise DownloadError(
                f"the server sent more than the {limit:,} bytes expected; the download was discarded"
            )
        out.write(chunk)
        digest.update(chunk)
        if on_progress:
            on_progress(done, total)
    if total and done != total:
        raise DownloadError(f"the download stopped after {done:,} of {total:,} bytes; try again")


def _download_error(exc: BaseException, url: str, done: int, destination: Path) -> DownloadError:
    """One sentence for whatever the network or a hostile server did."""
    if isinstance(exc, urllib.error.HTTPError):
        return DownloadError(f"could not download {url}: the server answered {exc.code} {exc.reason}")
    if isinstance(exc, TimeoutError | socket.timeout):
        return DownloadError(f"the server stopped sending after {done:,} bytes (timed out); try again")
    if isinstance(exc, http.client.HTTPException):
        what = type(exc).__name__
        return DownloadError(f"the server sent a broken response after {done:,} bytes ({what}); try again")
    if done == 0 and isinstance(exc, urllib.error.URLError | OSError | ValueError):
        reason = getattr(exc, "reason", exc)
        return DownloadError(
            f"could not download {url} ({reason}); no network? Download the file on another "
            f"machine and place it at {destination}, or load a weights file instead"
        )
    if isinstance(exc, OSError):
        return DownloadError(f"the connection broke after {done:,} bytes ({exc}); try again")
    return DownloadError(f"the download failed after {done:,} bytes ({type(exc).__name__}: {exc}); try again")
