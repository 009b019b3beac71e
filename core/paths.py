"""Where ResLens finds its bundled assets: from a source checkout and from a PyInstaller bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ASSETS_ENV = "RESLENS_ASSETS"


def assets_dir() -> Path:
    """The ``assets/`` folder: ``$RESLENS_ASSETS``, else the bundle's, else the checkout's.

    PyInstaller unpacks data next to the executable and sets ``sys._MEIPASS``; from source the
    folder sits beside the ``core`` package. One resolver keeps both cases in one place.
    """
    override = os.environ.get(ASSETS_ENV)
    if override:
        return Path(override)
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        return Path(bundle_root) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def asset(*parts: str) -> Path:
    """A path inside ``assets/`` (not checked for existence)."""
    return assets_dir().joinpath(*parts)


def models_dir() -> Path:
    return asset("models")


def samples_dir() -> Path:
    return asset("samples")


CACHE_ENV = "RESLENS_CACHE"


def cache_dir() -> Path:
    """ResLens' own cache folder (exported ONNX models): ``$RESLENS_CACHE`` or the platform's.

    ``~/.cache/reslens`` (or ``$XDG_CACHE_HOME/reslens``) on Linux, ``~/Library/Caches/ResLens``
    on macOS, ``%LOCALAPPDATA%\\ResLens\\Cache`` on Windows. Not created here.
    """
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "ResLens" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ResLens"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reslens"
