"""Downloading published weights into torch.hub's cache, with progress, cancel and a hash check.

``torch.hub.load_state_dict_from_url`` does the same but reports progress only to a terminal and
cannot be cancelled, which a GUI needs. The file lands where torch.hub would put it
(``<torch.hub.get_dir()>/checkpoints/<file name>``), so both share one cache, and a file placed
there by hand is used as is.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import torch

from core.errors import DownloadCancelled, DownloadError

CHUNK = 1 << 16


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
) -> Path:
    """Return the cached file for ``url``, downloading it first if needed.

    The file is written to a temporary name beside its destination and only renamed into place
    once its SHA-256 starts with ``hash_prefix`` (torchvision's file names carry one), so a
    broken or cancelled download never poisons the cache. ``on_progress(done, total)`` gets
    byte counts (``total`` is 0 when the server does not say).
    """
    destination = cache_path(url)
    if destination.is_file():
        return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=destination.name + ".", suffix=".part", dir=destination.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            _stream(url, out, digest, on_progress, cancel, timeout, destination)
        if hash_prefix and not digest.hexdigest().startswith(hash_prefix):
            raise DownloadError(
                f"the download of {destination.name} is corrupt (SHA-256 {digest.hexdigest()[:12]}…, "
                f"expected {hash_prefix}…); it was discarded, try again"
            )
        os.replace(tmp, destination)
        return destination
    finally:
        tmp.unlink(missing_ok=True)


def _stream(
    url: str,
    out: BinaryIO,
    digest: hashlib._Hash,
    on_progress: Callable[[int, int], None] | None,
    cancel: threading.Event | None,
    timeout: float,
    destination: Path,
) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "ResLens"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(
            f"could not download {url} ({reason}); no network? Download the file on another "
            f"machine and place it at {destination}, or load a weights file instead"
        ) from None
    with response:
        total = int(response.headers.get("Content-Length") or 0)
        done = 0
        while True:
            if cancel is not None and cancel.is_set():
                raise DownloadCancelled("download cancelled")
            try:
                chunk = response.read(CHUNK)
            except OSError as exc:
                raise DownloadError(f"the connection broke after {done:,} bytes ({exc}); try again") from None
            if not chunk:
                break
            out.write(chunk)
            digest.update(chunk)
            done += len(chunk)
            if on_progress:
                on_progress(done, total)
    if total and done != total:
        raise DownloadError(f"the download stopped after {done:,} of {total:,} bytes; try again")
