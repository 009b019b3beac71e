"""Hostile servers (issue 12, class 6): every misbehaviour is a DownloadError, cancel is honoured
within about a second whatever the server does, a body never grows past its expected size, and
nothing is left in the cache.

The servers are raw sockets on 127.0.0.1 that misbehave on purpose; every test is bounded in time.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import socketserver
import threading
import time
from pathlib import Path

import pytest

from core.download import download_to_cache
from core.errors import DownloadCancelled, DownloadError

BODY = bytes(range(256)) * 64  # 16 KiB
HEADERS = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"


@pytest.fixture(autouse=True)
def hub_cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    return tmp_path / "torch-home" / "hub" / "checkpoints"


def _behave(conn: socket.socket, mode: str, stop: threading.Event) -> None:
    if mode == "good":
        conn.sendall(f"{HEADERS}Content-Length: {len(BODY)}\r\n\r\n".encode() + BODY)
    elif mode == "bad-status":
        conn.sendall(b"HTTP/9 banana\r\n\r\n")
    elif mode == "garbage":
        conn.sendall(b"\x00\xff" * 100)
    elif mode == "short":  # announces more than it sends, then hangs up
        conn.sendall(f"{HEADERS}Content-Length: 100000\r\n\r\n".encode() + BODY[:100])
    elif mode == "chunked-short":  # a chunk cut off: http.client raises IncompleteRead
        conn.sendall(f"{HEADERS}Transfer-Encoding: chunked\r\n\r\n1000\r\n".encode() + BODY[:100])
    elif mode == "huge":  # announces a terabyte
        conn.sendall(f"{HEADERS}Content-Length: {10**12}\r\n\r\n".encode() + BODY)
    elif mode in ("trickle", "stall", "endless", "stall-headers"):
        if mode != "stall-headers":
            length = "" if mode == "endless" else f"Content-Length: {len(BODY)}\r\n"
            conn.sendall(f"{HEADERS}{length}\r\n".encode())
        while not stop.is_set():
            if mode == "trickle":
                conn.sendall(b"x")
                time.sleep(0.05)
            elif mode == "endless":
                conn.sendall(BODY)
            else:
                time.sleep(0.05)


class _HostileServer:
    """Answers ``GET /<mode>/<name>`` the way ``mode`` says; see :func:`_behave`."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        stop = self.stop

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                request = self.request.recv(4096).decode("latin-1")
                mode = request.split(" ")[1].split("/")[1]
                with contextlib.suppress(OSError):  # the client hung up, as it should
                    _behave(self.request, mode, stop)

        socketserver.ThreadingTCPServer.daemon_threads = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{mode}/weights-{mode}.pth"

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server():
    srv = _HostileServer()
    yield srv
    srv.close()


@pytest.mark.parametrize(
    ("mode", "match"),
    [
        ("bad-status", "broken response"),
        ("garbage", "broken response"),
        ("short", "stopped after 100 of 100,000 bytes"),
        ("chunked-short", "broken response"),
        ("huge", "announced 1,000,000,000,000 bytes"),
    ],
)
def test_broken_servers_are_download_errors(server, hub_cache, mode, match) -> None:
    with pytest.raises(DownloadError, match=match) as info:
        download_to_cache(server.url(mode), timeout=5)
    assert not isinstance(info.value, DownloadCancelled)
    assert not hub_cache.exists() or list(hub_cache.iterdir()) == []


@pytest.mark.parametrize("mode", ["trickle", "stall", "stall-headers"])
def test_cancel_is_honoured_within_a_second_whatever_the_server_does(server, hub_cache, mode) -> None:
    cancel = threading.Event()
    progress: list[int] = []
    threading.Timer(0.5, cancel.set).start()
    start = time.monotonic()
    with pytest.raises(DownloadCancelled):
        download_to_cache(
            server.url(mode), cancel=cancel, timeout=30, on_progress=lambda d, t: progress.append(d)
        )
    assert time.monotonic() - start < 1.5
    if mode == "trickle":
        assert progress and progress[-1] >= 2  # a byte at a time still shows progress
    assert list(hub_cache.iterdir()) == []


def test_a_stalled_server_is_given_up_on_after_the_timeout(server, hub_cache) -> None:
    start = time.monotonic()
    with pytest.raises(DownloadError, match="stopped sending"):
        download_to_cache(server.url("stall"), timeout=0.5)
    assert time.monotonic() - start < 3
    assert list(hub_cache.iterdir()) == []


def test_an_endless_body_stops_at_the_size_cap(server, hub_cache) -> None:
    start = time.monotonic()
    with pytest.raises(DownloadError, match="more than the 1,000,000 bytes expected"):
        download_to_cache(server.url("endless"), timeout=5, max_bytes=1_000_000)
    assert time.monotonic() - start < 5
    assert list(hub_cache.iterdir()) == []


def test_a_full_sha256_is_checked_in_full(server, hub_cache) -> None:
    full = hashlib.sha256(BODY).hexdigest()
    wrong = full[:8] + ("0" if full[8] != "0" else "1") + full[9:]  # same 8-digit prefix
    with pytest.raises(DownloadError, match="corrupt"):
        download_to_cache(server.url("good"), wrong, timeout=5)
    assert list(hub_cache.iterdir()) == []
    path = download_to_cache(server.url("good"), full.upper(), timeout=5)
    assert path.read_bytes() == BODY
