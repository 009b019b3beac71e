"""Where the bundled Lite model files are: one owner for the names, importing nothing heavy.

:mod:`core.lite.cli` (export, quick-train) and :mod:`core.lite.commands` (classify, explain,
summary over a Lite file) both need them; here neither imports the other.
"""

from __future__ import annotations

from pathlib import Path

from core.sources import bundled_lite_path  # the one owner of the bundled files' names

__all__ = ["bundled_int8_path", "bundled_lite_path"]

INT8_SUFFIX = "-int8"  # the bundled int8 Lite file: assets/models/<name>-int8.onnx


def bundled_int8_path() -> Path:
    """The bundled model quantised to int8 (``assets/models/<name>-int8.onnx``), when shipped."""
    plain = bundled_lite_path()
    return plain.with_name(f"{plain.stem}{INT8_SUFFIX}{plain.suffix}")
