"""The central area: an empty-state hint or the results, and a highlight while something is dragged
over it. A drop emits ``dropped(MimeInputs)``; the window decides what to do with it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.i18n import arg
from gui.inputs import MimeInputs, can_accept, read_mime

DROP_HINT = QT_TRANSLATE_NOOP("EmptyState", "Drop images or a folder here")  # shown translated


class EmptyState(QWidget):
    """What an empty window says: where to drop, which buttons to press, what the model knows."""

    def __init__(self, actions: Sequence[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(self.tr(DROP_HINT), alignment=Qt.AlignmentFlag.AlignCenter)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        self.title = title
        hint = QLabel(
            self.tr("…or open files, a folder (searched recursively) or paste an image (Ctrl+V)."),
            alignment=Qt.AlignmentFlag.AlignCenter,
            wordWrap=True,
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for action in actions:
            button = QToolButton(toolButtonStyle=Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setDefaultAction(action)
            button.setAutoRaise(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.hint = hint
        self.model_label = QLabel(
            self.tr("Loading the model…"), alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True
        )
        self.model_label.setTextFormat(Qt.TextFormat.PlainText)
        self.model_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addSpacing(24)
        layout.addWidget(self.model_label)
        layout.addStretch(3)

    def set_model_text(self, text: str) -> None:
        self.model_label.setText(text)

    def show_model(self, name: str, categories: Sequence[str]) -> None:
        """What the model in use knows: "Model: ResNet-18 · bundled, 12 classes: arrow, …"."""
        names = self.tr(", ").join(categories[:24]) + (" …" if len(categories) > 24 else "")
        self.set_model_text(arg(self.tr("Model: %1, %n class(es): %2", "", len(categories)), name, names))


class DropOverlay(QWidget):
    """A translucent highlight with a dashed frame, drawn over the area during a drag."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = self.palette().color(QPalette.ColorRole.Highlight)
        wash = QColor(accent)
        wash.setAlpha(45)
        frame = QRectF(self.rect()).adjusted(6, 6, -6, -6)
        painter.setBrush(wash)
        painter.setPen(QPen(accent, 3, Qt.PenStyle.DashLine))
        painter.drawRoundedRect(frame, 12, 12)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(accent)
        painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, self.tr("Drop to classify"))


class DropArea(QStackedWidget):
    """Pages: the empty state and the results; the highlight covers whichever is shown."""

    dropped = Signal(object)  # MimeInputs

    def __init__(self, empty: QWidget, results: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_page, self.results_page = empty, results
        self.addWidget(empty)
        self.addWidget(results)
        self.setAcceptDrops(True)
        self.overlay = DropOverlay(self)

    def show_results(self, has_results: bool) -> None:
        self.setCurrentWidget(self.results_page if has_results else self.empty_page)

    @property
    def highlighted(self) -> bool:
        return self.overlay.isVisible()

    def _highlight(self, on: bool) -> None:
        if on:
            self.overlay.setGeometry(self.rect())
            self.overlay.raise_()
        self.overlay.setVisible(on)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if can_accept(event.mimeData()):
            event.acceptProposedAction()
            self._highlight(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.acceptProposedAction()

    def dragLeaveEvent(self, _event: QDragLeaveEvent) -> None:
        self._highlight(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._highlight(False)
        inputs: MimeInputs = read_mime(event.mimeData())
        if not inputs and not inputs.skipped:
            event.ignore()
            return
        event.acceptProposedAction()
        self.dropped.emit(inputs)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())
