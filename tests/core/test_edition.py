"""The one capability check: which edition runs, and ``RESLENS_EDITION=lite`` on a full install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core import edition
from core.messages import english

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from core import edition
edition.enforce()
try:
    import torch  # noqa: F401
    refused = False
except ModuleNotFoundError:
    refused = True
try:
    import onnx  # noqa: F401
    onnx_refused = False
except ModuleNotFoundError:
    onnx_refused = True
import numpy  # noqa: F401 - what Lite ships still imports
print(json.dumps([edition.edition(), edition.has_torch(), refused, onnx_refused, edition.torch_imported()]))
"""


def _probe(**env: str) -> list[object]:
    import json

    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_full_install_is_the_full_edition() -> None:
    assert edition.has_torch() is True and edition.edition() == edition.FULL


def test_lite_asked_for_refuses_torch_and_onnx() -> None:
    assert _probe(RESLENS_EDITION="lite") == ["lite", False, True, True, False]


def test_other_values_change_nothing() -> None:
    name, has, refused, _, _ = _probe(RESLENS_EDITION="full")
    assert (name, has, refused) == ("full", True, False)


def test_needs_full_names_the_feature() -> None:
    assert (
        english(edition.NEEDS_FULL("Fine-tuning")) == "Fine-tuning needs ResLens, full edition (with PyTorch)"
    )
