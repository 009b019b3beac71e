"""Conversions between Pillow images and QImage (safe in any thread; QPixmap is not)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QImage

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image


def pil_to_qimage(image: Image.Image) -> QImage:
    """A deep copy of ``image`` as an RGB QImage."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    data = rgb.tobytes("raw", "RGB")
    view = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
    return view.copy()  # ``view`` borrows ``data``; the copy owns its pixels


def qimage_to_pil(image: QImage) -> Image.Image:
    """A deep copy of ``image`` as an RGB Pillow image (clipboard images)."""
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits())
    size = (rgb.width(), rgb.height())
    return Image.frombuffer("RGB", size, data, "raw", "RGB", rgb.bytesPerLine(), 1).copy()


def rgba_to_qimage(pixels: np.ndarray) -> QImage:
    """A deep copy of a ``(height, width, 4)`` uint8 RGBA array as a QImage."""
    height, width = pixels.shape[:2]
    data = pixels.tobytes()
    view = QImage(data, width, height, width * 4, QImage.Format.Format_RGBA8888)
    return view.copy()
