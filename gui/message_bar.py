"""An inline message above the results (instead of modal boxes): text, buttons, a close button."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QWidget,
)

TEXT_MIN_WIDTH = 320  # below this the buttons move under the text
TINTS = {"info": "#2196f3", "warning": "#ffa000", "error": "#e53935"}


class MessageBar(QFrame):
    """Shows one message at a time; a new one replaces the old."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.label = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        # Text and close button on top; the buttons beside the text when the bar is wide enough
        # for both, else on a row of their own (a narrow window must not squeeze the text into
        # a column of single words).
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(10, 6, 6, 6)
        self._grid.addWidget(self.label, 0, 0)
        self._grid.setColumnStretch(0, 1)
        self._button_row = QWidget()
        self._layout = QHBoxLayout(self._button_row)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addStretch(1)
        self._buttons: list[QPushButton] = []
        close = QToolButton(text="✕", autoRaise=True, toolTip=self.tr("Dismiss"))
        close.clicked.connect(self.hide)
        self._grid.addWidget(close, 0, 2, Qt.AlignmentFlag.AlignTop)
        self._place_buttons()
        self.level, self.topic = "info", ""
        self.hide()

    def dismiss(self, topic: str) -> None:
        """Hide the message if it is about ``topic`` (e.g. a load error once a model loads)."""
        if self.topic == topic:
            self.hide()

    def show_message(
        self,
        text: str,
        level: str = "info",
        buttons: Sequence[tuple[str, Callable[[], None]]] = (),
        topic: str = "",
    ) -> None:
        """``topic`` lets the caller take back its own message (see ``dismiss``). The same
        buttons as shown are kept (a download's progress must not rebuild its Cancel button)."""
        labels = [label for label, _ in buttons]
        if labels != self.button_labels() or topic != self.topic:
            for button in self._buttons:
                button.deleteLater()
            self._buttons = []
            for label, callback in buttons:
                button = QPushButton(label)
                button.clicked.connect(callback)
                button.clicked.connect(self.hide)
                self._layout.addWidget(button)
                self._buttons.append(button)
        self.level, self.topic = level, topic
        self.label.setText(text)
        self._tint(level)
        self._place_buttons()
        self.show()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_buttons()

    def _place_buttons(self) -> None:
        """Beside the text while the text keeps at least TEXT_MIN_WIDTH, else below it."""
        room = self.width() - self._button_row.sizeHint().width() - 60
        beside = not self._buttons or room >= TEXT_MIN_WIDTH
        where = (0, 1) if beside else (1, 0)
        index = self._grid.indexOf(self._button_row)
        if index < 0 or tuple(self._grid.getItemPosition(index)[:2]) != where:
            self._grid.removeWidget(self._button_row)
            self._grid.addWidget(self._button_row, *where, 1, 1 if beside else 2)

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    def button_labels(self) -> list[str]:
        return [button.text() for button in self._buttons]

    def click(self, label: str) -> None:
        """Press the button named ``label`` (tests, and keyboard users through its shortcut)."""
        next(b for b in self._buttons if b.text() == label).click()

    def _tint(self, level: str) -> None:
        palette = QPalette(self.parentWidget().palette() if self.parentWidget() else self.palette())
        base = palette.color(QPalette.ColorRole.Window)
        tint = QColor(TINTS.get(level, TINTS["info"]))
        mixed = QColor(
            (base.red() * 4 + tint.red()) // 5,
            (base.green() * 4 + tint.green()) // 5,
            (base.blue() * 4 + tint.blue()) // 5,
        )
        palette.setColor(QPalette.ColorRole.Window, mixed)
        self.setPalette(palette)
