"""View ▸ Sketch: draw with the mouse or a pen and watch the model classify the drawing live.

Widgets only. The canvas keeps its strokes (undo drops the last one) and emits ``changed``; the
pad waits for a pause (``DEBOUNCE_MS``) before it asks for the drawing to be classified
(``drawn``, a PIL image). ``gui.explain.CamController`` sends that to the worker as a Grad-CAM
request, whose forward pass gives the top-k as well, and hands the answer back to
:meth:`SketchPad.show_answer`. "Add to results" (``addRequested``) classifies the drawing as a
result row, like a pasted image.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.results import Prediction
from core.unknown import is_unknown
from gui.bars import bars_height, paint_predictions
from gui.cam_view import compose
from gui.i18n import arg
from gui.imaging import qimage_to_pil
from gui.labels import unknown_label

CANVAS_SIDE = 320
DEBOUNCE_MS = 250
DEFAULT_PEN = 14
TOP_K = 5


class SketchCanvas(QWidget):
    """Black strokes on white; ``changed`` after each stroke segment, undo and clear."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(CANVAS_SIDE, CANVAS_SIDE)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.pen_width = DEFAULT_PEN
        self.strokes: list[tuple[int, list[QPointF]]] = []
        self._drawing = False

    def image(self) -> QImage:
        """The drawing as an RGB image of the canvas's size."""
        image = QImage(self.size(), QImage.Format.Format_RGB32)
        painter = QPainter(image)
        self._paint(painter)
        painter.end()
        return image

    def clear(self) -> None:
        self.strokes.clear()
        self.update()
        self.changed.emit()

    def undo(self) -> None:
        if self.strokes:
            self.strokes.pop()
            self.update()
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drawing = True
            self.strokes.append((self.pen_width, [event.position()]))
            self.update()
            self.changed.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drawing:
            self.strokes[-1][1].append(event.position())
            self.update()
            self.changed.emit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drawing and event.button() == Qt.MouseButton.LeftButton:
            self._drawing = False
            self.changed.emit()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        self._paint(painter)

    def _paint(self, painter: QPainter) -> None:
        painter.fillRect(self.rect(), QColor("white"))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for width, points in self.strokes:
            pen = QPen(QColor("black"), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            if len(points) == 1:
                painter.drawPoint(points[0])
                continue
            path = QPainterPath(points[0])
            for point in points[1:]:
                path.lineTo(point)
            painter.drawPath(path)


class TopBars(QWidget):
    """The top-k of the drawing, as bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.predictions: tuple[Prediction, ...] = ()
        self.setMinimumWidth(260)

    def sizeHint(self) -> QSize:
        return QSize(300, bars_height(self.fontMetrics(), TOP_K))

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_predictions(painter, self.rect(), self.predictions, self.palette())


class SketchPad(QDialog):
    drawn = Signal(object)  # the drawing (PIL image), after a pause in drawing
    addRequested = Signal(object)  # the drawing (PIL image), to become a result row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sketch — ResLens"))
        self.canvas = SketchCanvas()
        self.bars = TopBars()
        self.cam = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.cam.setFixedSize(CANVAS_SIDE // 2, CANVAS_SIDE // 2)
        self.cam.setToolTip(self.tr("Where the network found evidence for its top class (Grad-CAM)."))
        self.verdict = QLabel(self.tr("Draw one of the model's classes."), wordWrap=True)
        self.answer: Any = None
        self.predictions: tuple[Prediction, ...] = ()
        self.pen = QSpinBox(minimum=2, maximum=40, value=DEFAULT_PEN, suffix=" px")
        self.pen.setToolTip(self.tr("The width of the pen for the next strokes."))
        self.pen.valueChanged.connect(lambda width: setattr(self.canvas, "pen_width", width))
        undo = QPushButton(self.tr("Undo"), shortcut="Ctrl+Z")
        clear = QPushButton(self.tr("Clear"))
        self.add = QPushButton(self.tr("Add to Results"))
        self.add.setToolTip(self.tr("Classify the drawing as a row of the results table."))
        undo.clicked.connect(self.canvas.undo)
        clear.clicked.connect(self.canvas.clear)
        self.add.clicked.connect(lambda: self.addRequested.emit(self.drawing()))
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._classify)
        self.canvas.changed.connect(self._timer.start)

        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("Pen:")))
        tools.addWidget(self.pen)
        for button in (undo, clear):
            tools.addWidget(button)
        tools.addStretch(1)
        tools.addWidget(self.add)
        side = QVBoxLayout()
        side.addWidget(self.verdict)
        side.addWidget(self.bars)
        side.addWidget(self.cam)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.canvas)
        body.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addLayout(tools)

    def drawing(self) -> Any:
        return qimage_to_pil(self.canvas.image())

    def _classify(self) -> None:
        if self.canvas.strokes:
            self.drawn.emit(self.drawing())
        else:
            self.show_answer(None, ())

    def show_answer(self, answer: Any, categories: tuple[str, ...], threshold: float | None = None) -> None:
        """The worker's CAM answer for the drawing: its top-k as bars and its heat-map; below
        ``threshold`` the verdict is "unknown (none of the N classes)"."""
        self.answer = answer
        if answer is None or answer.error:
            self.predictions = ()
            self.verdict.setText(answer.error if answer else self.tr("Draw one of the model's classes."))
            self.cam.clear()
        else:
            probabilities = answer.result.probabilities
            ranked = sorted(range(len(probabilities)), key=lambda i: -probabilities[i])[:TOP_K]
            self.predictions = tuple(Prediction(i, categories[i], probabilities[i]) for i in ranked)
            top = self.predictions[0]
            if is_unknown(top.probability, threshold):
                unknown = unknown_label(len(categories))
                self.verdict.setText(arg(self.tr("It looks like none of them: %1."), unknown))
            else:
                probability = f"{top.probability:.1%}"
                self.verdict.setText(arg(self.tr("It looks like %1 (%2)."), top.label, probability))
            base = QPixmap.fromImage(self.canvas.image()).scaled(
                self.cam.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            self.cam.setPixmap(compose(base, answer.colours, 0.5))
        self.bars.predictions = self.predictions
        self.bars.update()
