"""Probability bars: one line per prediction (label, bar, percentage), drawn with the palette.

Shared by the results delegate and the preview dialog, so both read the same way in light and
dark palettes and when the row is selected.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette

from core.results import Prediction
from gui.labels import shown_label

LINE_PADDING = 6
LABEL_SHARE = 0.38  # of the width, for the label column


def line_height(metrics: QFontMetrics) -> int:
    return metrics.height() + LINE_PADDING


def bars_height(metrics: QFontMetrics, lines: int) -> int:
    return line_height(metrics) * max(lines, 1)


def error_color(palette: QPalette) -> QColor:
    """A red that reads on the palette's base colour, light or dark."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    return QColor("#ff8a80") if dark else QColor("#b71c1c")


def paint_predictions(
    painter: QPainter,
    rect: QRect,
    predictions: Sequence[Prediction],
    palette: QPalette,
    *,
    selected: bool = False,
    greyed: bool = False,
    model: str = "",
) -> None:
    """Draw ``predictions`` top to bottom in ``rect``, vertically centred; ``greyed`` draws them
    in the palette's disabled colours (the top-k of an unknown result). ``model`` (the tag of the
    model that made them) names the classes in the interface language (``gui.labels``)."""
    metrics = painter.fontMetrics()
    step = line_height(metrics)
    pct_width = metrics.horizontalAdvance("100.0 %") + 8
    label_width = int(min(max(rect.width() * LABEL_SHARE, 70), 220))
    bar_left = rect.left() + label_width
    bar_width = max(rect.width() - label_width - pct_width, 12)
    bar_height = max(metrics.height() - 4, 6)
    top = rect.top() + max(0, (rect.height() - step * len(predictions)) // 2)

    group = QPalette.ColorGroup.Disabled if greyed else QPalette.ColorGroup.Active
    text = palette.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
    fill = QColor(text if selected else palette.color(group, QPalette.ColorRole.Highlight))
    track = QColor(text)
    track.setAlpha(40)

    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for rank, prediction in enumerate(predictions):
        line = QRect(rect.left(), top + rank * step, rect.width(), step)
        if line.top() >= rect.bottom():
            break
        painter.setPen(text)
        name = shown_label(prediction.label, model)
        label = metrics.elidedText(name, Qt.TextElideMode.ElideRight, label_width - 8)
        painter.drawText(
            QRect(line.left(), line.top(), label_width - 8, step),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            label,
        )
        bar = QRectF(bar_left, line.top() + (step - bar_height) / 2, bar_width, bar_height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 3, 3)
        shade = QColor(fill)
        shade.setAlpha(255 if rank == 0 else 150)
        painter.setBrush(shade)
        filled = QRectF(bar)
        filled.setWidth(max(bar.width() * min(max(prediction.probability, 0.0), 1.0), 2.0))
        painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(text)
        painter.drawText(
            QRect(line.right() - pct_width + 1, line.top(), pct_width, step),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            f"{prediction.probability * 100:.1f} %",
        )
    painter.restore()


def paint_unknown(painter: QPainter, rect: QRect, text: str, palette: QPalette) -> QRect:
    """Draw the "unknown (none of the N classes)" line at the top of ``rect``; the rest of it is
    returned for the greyed top-k."""
    step = line_height(painter.fontMetrics())
    painter.save()
    font = painter.font()
    font.setItalic(True)
    painter.setFont(font)
    painter.setPen(palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text))
    painter.drawText(
        QRect(rect.left(), rect.top(), rect.width(), step), int(Qt.AlignmentFlag.AlignVCenter), text
    )
    painter.restore()
    return rect.adjusted(0, step, 0, 0)
