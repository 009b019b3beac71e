"""The status bar's permanent parts: model, device, counts, and a progress bar with Cancel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

MODEL_LABEL_MAX = 360  # px: a long file name is elided, its full name is in the tooltip


class StatusPanel:
    """Owns the widgets it adds to ``bar``; the window tells it what to show."""

    def __init__(self, bar: QStatusBar) -> None:
        self.progress = QProgressBar(maximumWidth=220, textVisible=True)
        self.progress.hide()
        self.cancel = QPushButton("Cancel", toolTip="Stop after the current batch (Esc)")
        self.cancel.hide()
        self.counts = QLabel()
        self.model = QLabel("Loading model…", maximumWidth=MODEL_LABEL_MAX)
        self.model.setTextFormat(Qt.TextFormat.PlainText)
        self.device = QLabel()
        for widget in (self.progress, self.cancel):
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

    def set_counts(self, rows: int, errors: int, shown: int) -> None:
        if not rows:
            self.counts.setText("No images")
            return
        text = f"{rows} image{'s' if rows != 1 else ''}"
        if errors:
            text += f" · {errors} failed"
        if shown != rows:
            text += f" · {shown} shown"
        self.counts.setText(text)

    def set_model(self, text: str, tooltip: str = "") -> None:
        full = f"Model: {text}"
        metrics = self.model.fontMetrics()
        self.model.setText(metrics.elidedText(full, Qt.TextElideMode.ElideMiddle, MODEL_LABEL_MAX))
        self.model.setToolTip(tooltip or full)

    def show_loading(self) -> None:
        self.model.setText("Loading model…")

    def set_device(self, text: str, backend: str = "", note: str = "") -> None:
        """"Device: CPU · ONNX Runtime int8"; the tooltip adds the backend's note (int8's
        agreement with fp32) and that Grad-CAM uses the PyTorch model."""
        self.device.setText(f"Device: {text}" + (f" · {backend}" if backend else ""))
        tip = self.device.tr("Backend: {0}").format(backend) if backend else ""
        if note:
            tip += f"\n{note}"
        if backend and not backend.startswith("PyTorch"):
            tip += "\n" + self.device.tr("Grad-CAM heat maps use the PyTorch model.")
        self.device.setToolTip(tip)


def run_summary(done: Any) -> str:
    """One line at the end of a run: "Classified 24 images in 3.1 s, 7.7/s; 2 failed"
    (the model that made them is beside it, in the status bar, and on every row)."""
    verb = "Cancelled after" if done.cancelled else "Classified"
    count = f"{done.count} image{'s' if done.count != 1 else ''}"
    failed = f"; {done.failed} failed" if done.failed else ""
    rate = f", {done.count / done.seconds:.1f}/s" if done.seconds > 0 and done.count > 1 else ""
    return f"{verb} {count} in {done.seconds:.1f} s{rate}{failed}"
