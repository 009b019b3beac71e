"""The Grad-CAM part of a preview: which class to explain, the overlay's opacity, export.

A widget only: it asks for a map (``requested``) and draws the answer it is given; the map is
computed by the worker (``gui.explain`` routes requests and answers) and exported by
``gui.explain.export_cam``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from core.edition import has_torch
from core.results import ClassificationResult
from gui.explain import per_layer_maps
from gui.i18n import arg
from gui.labels import shown_label

DEFAULT_OPACITY = 50  # percent


def compose(base: QPixmap, colours: Any, opacity: float) -> QPixmap:
    """``base`` with the colour map (a QImage, scaled to fit) drawn over it at ``opacity``."""
    out = QPixmap(base)
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.setOpacity(opacity)
    ratio = base.devicePixelRatio()
    painter.drawImage(QRectF(0, 0, base.width() / ratio, base.height() / ratio), colours)
    painter.end()
    return out


class CamControls(QWidget):
    """Class, layer, opacity and export for one preview; ``requested(label or None)``."""

    requested = Signal(object)  # the class to explain: a label, or None for the top-1
    exportRequested = Signal()
    changed = Signal()  # redraw: the answer, the opacity or the toggle changed

    def __init__(self, result: ClassificationResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer: Any = None
        self.classes = QComboBox()
        self.model = result.model  # whose class names to show
        # The probabilities the bars beside show: the heat-map's text quotes these, not the
        # Grad-CAM pass's own (the unfused torch model on a fresh decode differs in the decimals).
        self.shown = {p.label: p.probability for p in result.predictions}
        top = shown_label(result.predictions[0].label, self.model) if result.predictions else ""
        self.classes.addItem(arg(self.tr("Top-1 (%1)"), top), None)
        for prediction in result.predictions[1:]:
            self.classes.addItem(shown_label(prediction.label, self.model), prediction.label)
        self.classes.setToolTip(self.tr("The class whose evidence the heat-map shows."))
        self.visible = QCheckBox(self.tr("Show the heat-map"), checked=True)
        self.opacity = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=100, value=DEFAULT_OPACITY)
        self.opacity.setToolTip(self.tr("How strongly the heat-map covers the picture."))
        self.layer = QLabel()
        if not has_torch():  # Lite: the CAM is layer4's; the label says where the others are
            self.layer.setToolTip(per_layer_maps())
        self.status = QLabel(self.tr("Computing the heat-map…"), wordWrap=True)
        self.export = QPushButton(self.tr("Export PNG…"), enabled=False)
        self.export.setToolTip(
            self.tr("Save the overlay as a PNG, and the raw map beside it as a 16-bit grey PNG.")
        )
        row = QHBoxLayout()
        row.addWidget(self.visible)
        row.addWidget(self.opacity, 1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Explain:"), self.classes)
        form.addRow(self.tr("Layer:"), self.layer)
        form.addRow(self.tr("Heat-map:"), row)
        form.addRow(self.status)
        form.addRow(self.export)
        self.classes.currentIndexChanged.connect(lambda _i: self.requested.emit(self.target))
        self.opacity.valueChanged.connect(lambda _v: self.changed.emit())
        self.visible.toggled.connect(lambda _on: self.changed.emit())
        self.export.clicked.connect(self.exportRequested)

    @property
    def target(self) -> str | None:
        return self.classes.currentData()

    @property
    def opacity_value(self) -> float:
        return self.opacity.value() / 100.0 if self.visible.isChecked() else 0.0

    def waiting(self, layer: str) -> None:
        self.layer.setText(layer)
        self.status.setText(self.tr("Computing the heat-map…"))

    def show_answer(self, answer: Any) -> None:
        self.layer.setText(answer.layer)
        if answer.error:
            self.status.setText(arg(self.tr("No heat-map: %1"), answer.error))
        else:
            self.answer = answer
            cam = answer.result
            label = shown_label(cam.label, self.model)
            probability = self.shown.get(cam.label, cam.probability)
            self.status.setText(
                arg(self.tr("Where the network found evidence for %1 (%2)."), label, f"{probability:.1%}")
                if cam.has_evidence
                else arg(self.tr("This layer holds no positive evidence for %1."), label)
            )
            self.export.setEnabled(True)
        self.changed.emit()
