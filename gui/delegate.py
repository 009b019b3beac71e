"""Draws the "Top predictions" column: the base item (background, selection, focus) then bars."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from core.results import ClassificationResult
from gui.bars import bars_height, error_color, paint_predictions, paint_unknown
from gui.results_model import Role

Index = QModelIndex | QPersistentModelIndex
MARGIN = 6


class PredictionsDelegate(QStyledItemDelegate):
    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.text = ""  # the bars replace the text; the model's text stays for accessibility

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        result: ClassificationResult | None = index.data(Role.RESULT)
        if result is None:
            return
        rect = option.rect.adjusted(MARGIN, MARGIN // 2, -MARGIN, -MARGIN // 2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        unknown = index.data(Role.UNKNOWN)
        if result.ok and unknown:
            rest = paint_unknown(painter, rect, unknown, option.palette)
            paint_predictions(painter, rest, result.predictions, option.palette, greyed=True)
            return
        if result.ok:
            paint_predictions(painter, rect, result.predictions, option.palette, selected=selected)
            return
        painter.save()
        painter.setPen(error_color(option.palette))
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(QRect(rect), int(flags), f"⚠ {result.error}")
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        result: ClassificationResult | None = index.data(Role.RESULT)
        lines = len(result.predictions) + result.unknown if result is not None and result.ok else 2
        return QSize(320, bars_height(option.fontMetrics, lines) + MARGIN)
