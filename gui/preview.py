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
from gui.cam_view import CamControls, compose
from gui.i18n import arg
from gui.messages import text
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
        paint_predictions(
            painter, self.rect(), self.result.predictions, self.palette(), model=self.result.model
        )


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
        self.image = image
        self._base: QPixmap | None = None
        self.cam = CamControls(result) if result.ok and result.predictions else None
        self.setWindowTitle(f"{display_name(result.source)} — ResLens")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.image_label = QLabel(self.tr("Loading…"), alignment=Qt.AlignmentFlag.AlignCenter)
        self.image_label.setMinimumSize(PREVIEW_SIZE // 2, PREVIEW_SIZE // 2)
        self._ratio = self.devicePixelRatioF()
        self._loader = ThumbnailLoader(round(PREVIEW_SIZE * self._ratio), self)
        self._loader.ready.connect(self._show_image)
        self._loader.failed.connect(lambda _key, message: self.image_label.setText(message))
        self._loader.request(result.source, image)

        name = QLabel(f"<b>{html.escape(display_name(result.source))}</b>")
        facts = [result.source]
        if result.width and result.height:
            facts.append(arg(self.tr("%1 × %2 px"), result.width, result.height))
        if result.ok:
            facts.append(arg(self.tr("classified in %1 ms"), f"{result.elapsed_ms:.0f}"))
        if result.model:
            facts.append(arg(self.tr("by %1"), result.model))
        details = QLabel("\n".join(facts), wordWrap=True)
        details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if result.ok:
            outcome: QWidget = PredictionBars(result)
        else:
            outcome = QLabel(
                arg(self.tr("Could not classify this file:\n%1"), text(result.why or result.error or "")),
                wordWrap=True,
            )
            outcome.setStyleSheet(f"color: {error_color(self.palette()).name()}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QGridLayout(self)
        layout.addWidget(self.image_label, 0, 0, 5, 1)
        layout.addWidget(name, 0, 1)
        layout.addWidget(details, 1, 1)
        layout.addWidget(outcome, 2, 1)
        if self.cam is not None:
            layout.addWidget(self.cam, 3, 1)
            self.cam.changed.connect(self._redraw)
        layout.setRowStretch(4, 1)
        layout.addWidget(buttons, 5, 0, 1, 2)
        layout.setColumnStretch(0, 3)
        layout.setColumnStretch(1, 2)

    def _show_image(self, _key: str, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self._ratio)
        self._base = pixmap
        self._redraw()

    def _redraw(self) -> None:
        """The picture, with the heat-map over it once one has come."""
        if self._base is None:
            return
        answer = self.cam.answer if self.cam is not None else None
        if answer is None or answer.colours is None:
            self.image_label.setPixmap(self._base)
        else:
            self.image_label.setPixmap(compose(self._base, answer.colours, self.cam.opacity_value))

    def done(self, code: int) -> None:
        self._loader.close()
        super().done(code)
