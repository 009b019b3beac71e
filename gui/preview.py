"""A larger look at one result: the image (loaded off the GUI thread) and its full top-k."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QWidget,
)

from core.results import ClassificationResult
from gui.bars import bars_height, error_color, paint_predictions
from gui.results_model import display_name
from gui.thumbnails import ThumbnailLoader

PREVIEW_SIZE = 512


class PredictionBars(QWidget):
    """The bars of one result, as in the results table, at a comfortable width."""

    def __init__(self, result: ClassificationResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(360, bars_height(self.fontMetrics(), len(self.result.predictions)))

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_predictions(painter, self.rect(), self.result.predictions, self.palette())


class PreviewDialog(QDialog):
    @classmethod
    def open(cls, result: ClassificationResult, image: Any, parent: QWidget | None = None) -> PreviewDialog:
        """Show a preview, sized for a comfortable look (it is not modal)."""
        dialog = cls(result, image, parent)
        dialog.resize(900, 560)
        dialog.show()
        return dialog

    def __init__(self, result: ClassificationResult, image: Any, parent: QWidget | None = None):
        """``image`` is what to show: the file path, or the in-memory image that was pasted."""
        super().__init__(parent)
        self.result = result
        self.setWindowTitle(f"{display_name(result.source)} — ResLens")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.image_label = QLabel("Loading…", alignment=Qt.AlignmentFlag.AlignCenter)
        self.image_label.setMinimumSize(PREVIEW_SIZE // 2, PREVIEW_SIZE // 2)
        self._ratio = self.devicePixelRatioF()
        self._loader = ThumbnailLoader(round(PREVIEW_SIZE * self._ratio), self)
        self._loader.ready.connect(self._show_image)
        self._loader.failed.connect(lambda _key, message: self.image_label.setText(message))
        self._loader.request(result.source, image)

        name = QLabel(f"<b>{html.escape(display_name(result.source))}</b>")
        facts = [result.source]
        if result.width and result.height:
            facts.append(f"{result.width} × {result.height} px")
        if result.ok:
            facts.append(f"classified in {result.elapsed_ms:.0f} ms")
        if result.model:
            facts.append(f"by {result.model}")
        details = QLabel("\n".join(facts), wordWrap=True)
        details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if result.ok:
            outcome: QWidget = PredictionBars(result)
        else:
            outcome = QLabel(f"Could not classify this file:\n{result.error}", wordWrap=True)
            outcome.setStyleSheet(f"color: {error_color(self.palette()).name()}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QGridLayout(self)
        layout.addWidget(self.image_label, 0, 0, 4, 1)
        layout.addWidget(name, 0, 1)
        layout.addWidget(details, 1, 1)
        layout.addWidget(outcome, 2, 1)
        layout.setRowStretch(3, 1)
        layout.addWidget(buttons, 4, 0, 1, 2)
        layout.setColumnStretch(0, 3)
        layout.setColumnStretch(1, 2)

    def _show_image(self, _key: str, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self._ratio)
        self.image_label.setPixmap(pixmap)

    def done(self, code: int) -> None:
        self._loader.close()
        super().done(code)
