"""Where the teaching window keeps what it makes: the app's data folder, never the user's images.

``QStandardPaths.AppDataLocation`` (``~/.local/share/ResLens`` on Linux), or ``$RESLENS_DATA``
when set (tests, portable installs): ``models/`` holds trained models (``core.model_store``),
``pasted/`` the images pasted or dropped without a file, saved so training can read them.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QImage

from core.model_store import ModelStore, safe_name

DATA_ENV = "RESLENS_DATA"


def data_dir() -> Path:
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location or Path.home() / ".reslens")


def model_store() -> ModelStore:
    return ModelStore(data_dir() / "models")


def pasted_dir(class_name: str) -> Path:
    return data_dir() / "pasted" / safe_name(class_name)


def save_pasted(image: QImage, class_name: str) -> Path:
    """Save an in-memory image (pasted or dropped without a file) as a PNG in the data folder."""
    folder = pasted_dir(class_name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"pasted-{uuid.uuid4().hex[:12]}.png"
    if not image.save(str(path), "PNG"):
        raise OSError(f"cannot save the pasted image in {folder}")
    return path
