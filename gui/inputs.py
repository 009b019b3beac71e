"""What a drop or a paste holds: local files and folders, file URLs, paths as text, or an image."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QImage


@dataclass
class MimeInputs:
    paths: list[Path] = field(default_factory=list)
    image: QImage | None = None
    skipped: list[str] = field(default_factory=list)  # URLs or text that name no local file

    def __bool__(self) -> bool:
        return bool(self.paths) or self.image is not None


def image_patterns() -> str:
    """``*.bmp *.gif *.jpeg …``: the files ``core.images`` reads, for a file dialog's filter
    (the main window's Open Images and a teaching card's Add Images offer the same)."""
    from core.images import IMAGE_EXTENSIONS

    return " ".join(f"*{ext}" for ext in sorted(IMAGE_EXTENSIONS))


def read_mime(mime: QMimeData) -> MimeInputs:
    """Local paths from file URLs (or from text, one per line); else the image, if any."""
    found = MimeInputs()
    if mime.hasUrls():
        for url in mime.urls():
            _add(found, url)
    elif mime.hasText():
        for line in mime.text().splitlines():
            line = line.strip()
            if line:
                _add(found, QUrl(line) if "://" in line else QUrl.fromLocalFile(line))
    if not found.paths and mime.hasImage():
        image = QImage(mime.imageData())
        found.image = image if not image.isNull() else None
    return found


def can_accept(mime: QMimeData) -> bool:
    """Whether a drag is worth highlighting: files, file URLs or an image."""
    if mime.hasUrls():
        return any(url.isLocalFile() for url in mime.urls())
    return mime.hasImage()


def _add(found: MimeInputs, url: QUrl) -> None:
    if url.isLocalFile() and Path(url.toLocalFile()).exists():
        found.paths.append(Path(url.toLocalFile()))
    else:
        found.skipped.append(url.toString())
