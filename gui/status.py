"""The status bar's permanent parts: model, device, counts, and a progress bar with Cancel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from gui.i18n import arg

MODEL_LABEL_MAX = 360  # px: a long file name is elided, its full name is in the tooltip
translate = QCoreApplication.translate


class StatusPanel(QObject):
    """Owns the widgets it adds to ``bar``; the window tells it what to show.

    A QObject for its translations: plurals must be ``tr()`` calls for lupdate to see them as
    plurals (its ``translate(context, text, "", n)`` reading loses them), also in
    :func:`run_summary` (``StatusPanel.tr``)."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.progress = QProgressBar(maximumWidth=220, textVisible=True)
        self.progress.hide()
        self.cancel = QPushButton(
            translate("StatusPanel", "Cancel"),
            toolTip=translate("StatusPanel", "Stop after the current batch (Esc)"),
        )
        self.cancel.hide()
        self.counts = QLabel()
        self.model = QLabel(translate("StatusPanel", "Loading model…"), maximumWidth=MODEL_LABEL_MAX)
        self.model.setTextFormat(Qt.TextFormat.PlainText)
        self.device = QLabel()
        # Backend Auto's measurement runs beside a classification: a bar and a Cancel of its own.
        self.auto_progress = QProgressBar(maximumWidth=360, textVisible=True)
        self.auto_progress.hide()
        self.auto_cancel = QPushButton(
            translate("StatusPanel", "Stop Measuring"),
            toolTip=translate(
                "StatusPanel", "Stop measuring: fp32 keeps running; Auto measures again next time"
            ),
        )
        self.auto_cancel.hide()
        for widget in (self.progress, self.cancel, self.auto_progress, self.auto_cancel):
            bar.addWidget(widget)
        for widget in (self.counts, self.model, self.device):
            bar.addPermanentWidget(widget)

    def show_progress(self, done: int, total: int, text: str = "%v / %m") -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(min(done, total) if total else 0)
        self.progress.setFormat(text)
        self.progress.show()
        self.cancel.show()

    def hide_progress(self) -> None:
        self.progress.hide()
        self.cancel.hide()

    def show_auto(self, step: int, steps: int, text: str) -> None:
        """Auto's measurement: "Auto: measuring which backend is fastest here (3 of 5)…"."""
        self.auto_progress.setRange(0, max(steps, 0))
        self.auto_progress.setValue(min(step, steps))
        self.auto_progress.setFormat(text)
        self.auto_progress.show()
        self.auto_cancel.show()

    def hide_auto(self) -> None:
        self.auto_progress.hide()
        self.auto_cancel.hide()

    def set_counts(self, rows: int, errors: int, shown: int) -> None:
        if not rows:
            self.counts.setText(translate("StatusPanel", "No images"))
            return
        parts = [self.tr("%n image(s)", "", rows)]
        if errors:
            parts.append(self.tr("%n failed", "", errors))
        if shown != rows:
            parts.append(self.tr("%n shown", "", shown))
        self.counts.setText(" · ".join(parts))

    def set_model(self, text: str, tooltip: str = "") -> None:
        full = arg(translate("StatusPanel", "Model: %1"), text)
        metrics = self.model.fontMetrics()
        self.model.setText(metrics.elidedText(full, Qt.TextElideMode.ElideMiddle, MODEL_LABEL_MAX))
        self.model.setToolTip(tooltip or full)

    def show_loading(self) -> None:
        self.model.setText(translate("StatusPanel", "Loading model…"))

    def set_device(self, text: str, backend: str = "", note: str = "") -> None:
        """ "Device: CPU · ONNX Runtime int8"; the tooltip adds the backend's note (int8's
        agreement with fp32) and that Grad-CAM uses the PyTorch model."""
        device = arg(translate("StatusPanel", "Device: %1"), text)
        self.device.setText(f"{device} · {backend}" if backend else device)
        tip = arg(translate("StatusPanel", "Backend: %1"), backend) if backend else ""
        if note:
            tip += f"\n{note}"
        if backend and not backend.startswith("PyTorch"):
            tip += "\n" + translate("StatusPanel", "Grad-CAM heat maps use the PyTorch model.")
        self.device.setToolTip(tip)


def run_summary(done: Any) -> str:
    """One line at the end of a run: "Classified 24 images in 3.1 s, 7.7/s; 2 failed"
    (the model that made them is beside it, in the status bar, and on every row)."""
    seconds = f"{done.seconds:.1f}"
    if done.cancelled:
        text = arg(StatusPanel.tr("Cancelled after %n image(s) in %1 s", "", done.count), seconds)
    else:
        text = arg(StatusPanel.tr("Classified %n image(s) in %1 s", "", done.count), seconds)
    if done.seconds > 0 and done.count > 1:
        text += arg(translate("StatusPanel", ", %1/s"), f"{done.count / done.seconds:.1f}")
    if done.failed:
        text += StatusPanel.tr("; %n failed", "", done.failed)
    return text
