"""A weights server on 127.0.0.1 for download tests: it serves one file, or stalls mid-way.

Nothing leaves the machine: tests point ``core.weights.imagenet_weights`` at it (see ``serve``).
A stalled server sends the headers and 64 KiB, then nothing until ``close()`` (or 20 s), so a
test that forgets to cancel still ends by itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import threading
from pathlib import Path

STALL_AFTER = 1 << 16


class WeightsServer:
    def __init__(self, data: bytes, stall: bool = False, status: int = 200) -> None:
        self.release = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                if status != 200:
                    self.send_error(status)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if stall:
                    self.wfile.write(data[:STALL_AFTER])
                    self.wfile.flush()
                    server.release.wait(20)
                    return
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def resnet18_file(folder: Path) -> tuple[bytes, str]:
    """A ResNet-18 with 1000 outputs (random weights), named the way torchvision names files."""
    import torch
    import torchvision

    torch.manual_seed(0)
    path = folder / "r18.pth"
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), path)
    data = path.read_bytes()
    return data, f"resnet18-{hashlib.sha256(data).hexdigest()[:8]}.pth"


def serve(monkeypatch, server: WeightsServer, name: str) -> None:
    """Make every ImageNet source download ``name`` from ``server``."""
    from core import weights

    real = weights.imagenet_weights
    monkeypatch.setattr(
        weights, "imagenet_weights", lambda a, s: dataclasses.replace(real(a, s), url=server.url(name))
    )
