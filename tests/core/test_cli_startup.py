"""``reslens-cli --help`` and usage errors must not pay for ``import torch`` (seconds)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from core.cli import build_parser
parser = build_parser()
try:
    parser.parse_args(["classify", "x.jpg", "--backend", "nope"])
except SystemExit as exc:
    assert exc.code == 2
heavy = sorted(m for m in ("torch", "torchvision", "numpy", "onnxruntime", "PySide6") if m in sys.modules)
print(",".join(heavy))
"""


def test_parser_and_usage_errors_import_no_heavy_library() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
