"""A status-bar message that gives way: elided to the room the permanent parts leave it.

``QStatusBar.showMessage`` paints its text across the whole bar, under the model, device and
count labels, so on a narrow or HiDPI window "Classified 24 images in 0.6 s" ran into
"24 images". This label sits among the bar's normal widgets instead, shrinks first, and
shows its whole text in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class SummaryLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.clear_message)

    @property
    def full_text(self) -> str:
        return self._full

    def show_message(self, text: str, msecs: int = 0) -> None:
        """Show ``text`` (for ``msecs``, or until replaced when 0)."""
        self._full = text
        self.setToolTip(text)
        self._elide()
        if msecs:
            self._timer.start(msecs)
        else:
            self._timer.stop()

    def clear_message(self) -> None:
        self._timer.stop()
        self._full = ""
        self.setToolTip("")
        self.setText("")

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width()))
