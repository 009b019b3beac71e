"""A plain block and a residual block side by side, the shortcut highlighted (custom-painted).

The two blocks have the same layers; the only difference is the shortcut that adds the block's
input x to F(x) before the last ReLU. Drawing them next to each other, with the shortcut in an
accent colour, is the picture the Why Residual? window and the architecture panel's details show.
Colours come from the palette, so the diagram follows a light or a dark theme.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

SHORTCUT = QColor("#f57c00")  # orange: readable on light and dark grounds
LAYERS = ("3×3 conv", "BN", "ReLU", "3×3 conv", "BN")  # the same in every language (names of layers)


class BlockDiagram(QWidget):
    """Two columns: "Plain block" (relu(F(x))) and "Residual block" (relu(F(x) + x))."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(300, 260)
        self.setToolTip(
            self.tr(
                "The same layers with and without the shortcut: the residual block adds its input x "
                "to F(x) before the last ReLU."
            )
        )

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(440, 330)

    def titles(self) -> tuple[str, str]:
        return self.tr("Plain block"), self.tr("Residual block")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        half = self.width() / 2
        for column, (title, formula) in enumerate(
            zip(self.titles(), ("relu(F(x))", "relu(F(x) + x)"), strict=True)
        ):
            self._draw_block(
                painter, QRectF(column * half, 0, half, self.height()), title, formula, column == 1
            )
        painter.end()

    def _draw_block(self, p: QPainter, area: QRectF, title: str, formula: str, residual: bool) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        box_fill = palette.color(QPalette.ColorRole.Base)
        bold = QFont(self.font())
        bold.setBold(True)
        line_h = self.fontMetrics().height()
        p.setFont(bold)
        p.setPen(text)
        p.drawText(QRectF(area.left(), 2, area.width(), line_h), Qt.AlignmentFlag.AlignHCenter, title)
        p.setFont(self.font())
        p.drawText(
            QRectF(area.left(), 2 + line_h, area.width(), line_h), Qt.AlignmentFlag.AlignHCenter, formula
        )
        # Rows: x, five layers, (+), ReLU, out.
        top, bottom = 2 + 2.4 * line_h, area.bottom() - 4
        rows = 9
        step = (bottom - top) / rows
        box_w = min(area.width() * 0.5, 9 * line_h)
        cx = area.center().x() - (area.width() * 0.06 if residual else 0)
        box_h = min(step * 0.72, line_h * 1.5)
        centres = [top + step * (i + 0.5) for i in range(rows)]
        labels = ["x", *LAYERS, "+" if residual else "", "ReLU", self.tr("out")]
        pen = QPen(text, 1.2)
        present = [i for i, label in enumerate(labels) if label]  # a plain block has no (+) row

        def reach(i: int) -> float:  # half the height of what sits in row i
            return line_h / 2 if i in (0, rows - 1) else (box_h * 0.45 if labels[i] == "+" else box_h / 2)

        for i, j in zip(present, present[1:], strict=False):  # the main path's arrows
            _arrow(p, QPointF(cx, centres[i] + reach(i)), QPointF(cx, centres[j] - reach(j)), pen)
        for i, label in enumerate(labels):
            c = QPointF(cx, centres[i])
            if i in (0, rows - 1):
                p.setPen(text)
                p.drawText(
                    QRectF(c.x() - box_w / 2, c.y() - line_h / 2, box_w, line_h),
                    Qt.AlignmentFlag.AlignCenter,
                    label,
                )
            elif label == "+":
                r = box_h * 0.45
                p.setPen(QPen(SHORTCUT, 2.2))
                p.setBrush(box_fill)
                p.drawEllipse(c, r, r)
                p.drawLine(QPointF(c.x() - r * 0.6, c.y()), QPointF(c.x() + r * 0.6, c.y()))
                p.drawLine(QPointF(c.x(), c.y() - r * 0.6), QPointF(c.x(), c.y() + r * 0.6))
            elif label:
                p.setPen(pen)
                p.setBrush(box_fill)
                rect = QRectF(c.x() - box_w / 2, c.y() - box_h / 2, box_w, box_h)
                p.drawRoundedRect(rect, 4, 4)
                p.setPen(text)
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        if residual:  # the shortcut: from x, around the layers, into (+)
            side = cx + box_w / 2 + min(area.width() * 0.12, 2.5 * line_h)
            y0, y1 = centres[0], centres[6]
            shortcut = QPen(SHORTCUT, 3)
            p.setPen(shortcut)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawLine(QPointF(cx + line_h * 0.6, y0), QPointF(side, y0))
            p.drawLine(QPointF(side, y0), QPointF(side, y1))
            _arrow(p, QPointF(side, y1), QPointF(cx + box_h * 0.45, y1), shortcut)
            p.setPen(SHORTCUT)
            label = self.tr("shortcut: x")
            width = self.fontMetrics().horizontalAdvance(label) + 4
            mid = (y0 + y1) / 2
            p.save()
            p.translate(side + line_h * 0.3, mid + width / 2)
            p.rotate(-90)
            p.drawText(QRectF(0, 0, width, line_h), Qt.AlignmentFlag.AlignCenter, label)
            p.restore()


def _arrow(p: QPainter, start: QPointF, end: QPointF, pen: QPen) -> None:
    p.setPen(pen)
    p.drawLine(start, end)
    direction = end - start
    length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
    ux, uy = direction.x() / length, direction.y() / length
    size = 3 + pen.widthF() * 1.5
    left = QPointF(end.x() - ux * size - uy * size * 0.6, end.y() - uy * size + ux * size * 0.6)
    right = QPointF(end.x() - ux * size + uy * size * 0.6, end.y() - uy * size - ux * size * 0.6)
    p.setBrush(pen.color())
    p.drawPolygon(QPolygonF([end, left, right]))


def show_block_diagram(parent: QWidget) -> QDialog:
    """A small non-modal window with the diagram (from the architecture panel's block details)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(QCoreApplication.translate("BlockDiagram", "Plain and Residual Blocks"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    layout = QVBoxLayout(dialog)
    layout.addWidget(BlockDiagram(dialog))
    dialog.resize(460, 360)
    dialog.show()
    return dialog
