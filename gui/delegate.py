"""Delegates of the results table: the "Top predictions" column (the base item, then bars) and
the image column (the thumbnail, with its Grad-CAM over it when asked)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from core.results import ClassificationResult
from gui.bars import bars_height, error_color, paint_predictions, paint_unknown
from gui.messages import text
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
            paint_predictions(
                painter, rest, result.predictions, option.palette, greyed=True, model=result.model
            )
            return
        if result.ok:
            paint_predictions(
                painter, rect, result.predictions, option.palette, selected=selected, model=result.model
            )
            return
        painter.save()
        painter.setPen(error_color(option.palette))
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(QRect(rect), int(flags), f"⚠ {text(result.why or result.error or '')}")
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        result: ClassificationResult | None = index.data(Role.RESULT)
        lines = len(result.predictions) + result.unknown if result is not None and result.ok else 2
        return QSize(320, bars_height(option.fontMetrics, lines) + MARGIN)


class ThumbnailDelegate(QStyledItemDelegate):
    """The image column: the item as usual, then, when View ▸ Show heat-maps on thumbnails is
    on and the row's map is ready, its top-1 Grad-CAM laid over the thumbnail.

    ``overlay_for(result)`` (set by ``gui.explain.ThumbnailCams``) gives the map in colour, or
    ``None`` (off, not computed yet, no map): then nothing is drawn over the thumbnail.
    """

    OPACITY = 0.5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overlay_for: Callable[[ClassificationResult], QImage | None] = lambda _result: None
        # In a narrow table the name goes under the thumbnail, wrapped on two lines, instead of
        # beside it in what little room is left ("arr…jpg"): set by ``gui.results_view``.
        self.stacked = False

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if self.stacked:
            option.decorationPosition = QStyleOptionViewItem.Position.Top
            option.displayAlignment = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        result: ClassificationResult | None = index.data(Role.RESULT)
        heat = self.overlay_for(result) if result is not None else None
        if heat is None or heat.isNull():
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        icon = style.subElementRect(QStyle.SubElement.SE_ItemViewItemDecoration, opt, widget)
        target = QSize(heat.width(), heat.height()).scaled(icon.size(), Qt.AspectRatioMode.KeepAspectRatio)
        box = QRect(QPoint(0, 0), target)
        box.moveCenter(icon.center())
        painter.save()
        painter.setOpacity(self.OPACITY)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(box, heat)
        painter.restore()
