"""The live view of a training run: loss and accuracy curves (pyqtgraph), stage, epoch and ETA.

pyqtgraph draws on Qt's graphics view and takes new points with ``setData`` in microseconds,
so a point per report costs the GUI thread nothing noticeable. The x axis counts epochs across
the run's stages (the head's epochs, then fine-tuning's), so the curves go on from one stage to
the next; a dashed line marks where fine-tuning began.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from core.messages import Message
from gui.i18n import arg
from gui.messages import text

TRAIN_PEN = pg.mkPen("#1e88e5", width=2)
VAL_PEN = pg.mkPen("#e53935", width=2)
STAGE_PEN = pg.mkPen("#9e9e9e", style=Qt.PenStyle.DashLine)


CONTEXT = "ProgressPanel"


def translate(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "…"
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    if minutes:
        return arg(translate(QT_TRANSLATE_NOOP("ProgressPanel", "%1 min %2 s")), minutes, f"{secs:02d}")
    return arg(translate(QT_TRANSLATE_NOOP("ProgressPanel", "%1 s")), secs)


class Curves:
    """A train and a validation curve on one plot."""

    def __init__(self, plot: pg.PlotWidget, legend_at_bottom: bool = False) -> None:
        plot.addLegend(offset=(-10, -10 if legend_at_bottom else 10))
        self.train = plot.plot(
            [], [], pen=TRAIN_PEN, name=translate(QT_TRANSLATE_NOOP("ProgressPanel", "train"))
        )
        self.val = plot.plot(
            [], [], pen=VAL_PEN,  # no point markers: a scatter item doubles the cost of a repaint
            name=translate(QT_TRANSLATE_NOOP("ProgressPanel", "validation")),
        )  # fmt: skip
        self.train_points: tuple[list[float], list[float]] = ([], [])
        self.val_points: tuple[list[float], list[float]] = ([], [])

    def add(self, x: float, train: float | None, val: float | None) -> None:
        """Add the values given (a run without validation images reports NaN: not drawn)."""
        train, val = _finite(train), _finite(val)
        if train is not None:
            self.train_points[0].append(x)
            self.train_points[1].append(train)
            self.train.setData(*self.train_points)
        if val is not None:
            self.val_points[0].append(x)
            self.val_points[1].append(val)
            self.val.setData(*self.val_points)

    def clear(self) -> None:
        self.train_points, self.val_points = ([], []), ([], [])
        self.train.setData([], [])
        self.val.setData([], [])


class ProgressPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=True)
        self.loss_plot = self._plot(self.tr("Loss"), "")
        self.acc_plot = self._plot(self.tr("Accuracy"), "%")
        self.acc_plot.setYRange(0, 100, padding=0.02)
        self.loss = Curves(self.loss_plot)
        self.accuracy = Curves(self.acc_plot, legend_at_bottom=True)  # accuracy rises to the top
        self.stage_label = QLabel(self.tr("Not started"))
        self.eta_label = QLabel()
        self.eta_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.bar = QProgressBar(textVisible=False, maximumHeight=8)
        self.bar.setRange(0, 1000)
        row = QHBoxLayout()
        row.addWidget(self.stage_label, 1)
        row.addWidget(self.eta_label)
        plots = QHBoxLayout()
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.acc_plot)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addLayout(plots, 1)
        self._markers: list[Any] = []
        self.reset()

    def _plot(self, title: str, unit: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(background=self.palette().base().color())
        plot.setTitle(title)
        plot.setLabel("bottom", self.tr("epoch"))  # short: the plots share a narrow window
        plot.setToolTip(
            self.tr("Epochs of the run: the new head's fit is the first; fine-tuning follows the dashed line")
        )
        if unit:
            plot.setLabel("left", unit)
        # No grid: pyqtgraph draws it with its axes, translucent across the whole plot, and every
        # new point repaints it: 25-40 ms a repaint with it, 12-13 ms without (offscreen, 720x560).
        plot.setMouseEnabled(x=False, y=False)
        plot.setMinimumSize(220, 160)
        return plot

    def reset(self, epochs: int = 0) -> None:
        """Empty curves for a new run of up to ``epochs`` fine-tuning epochs (the x axis is laid
        out for them, after the new head's one, from the start)."""
        self.loss.clear()
        self.accuracy.clear()
        for plot, marker in self._markers:
            plot.removeItem(marker)
        self._markers = []
        self._stage = ""
        self._offset = 0.0  # where this stage starts on the x axis
        self._stage_width = 0.0  # how much of the axis the stage takes
        self._x_end = 0.0  # where the x axis ends
        for plot in (self.loss_plot, self.acc_plot):
            plot.enableAutoRange(x=True)
        self._show_x_up_to(1 + epochs if epochs else 0)
        self.bar.setValue(0)
        self.stage_label.setText(self.tr("Not started"))
        self.eta_label.clear()

    def point_count(self) -> int:
        """How many points the curves hold (train and validation, loss and accuracy)."""
        return sum(len(c.train_points[0]) + len(c.val_points[0]) for c in (self.loss, self.accuracy))

    def show_status(self, status: Message | str) -> None:
        """A line from the window (its words), or what ``core.train`` says it is doing (a message,
        rendered in the window's language)."""
        self.stage_label.setText(text(status))

    def show_progress(self, p: Any) -> None:
        """One report of the run (``core.train.TrainProgress``)."""
        if p.stage != self._stage:
            self._offset += self._stage_width
            if p.stage == "fine-tune" and self._offset:
                self._mark_stage(self._offset)
            self._stage = p.stage
        # The head's many quick full-batch steps fill one epoch's width of the axis; the
        # feature pass has no curve.
        self._stage_width = {"features": 0, "head": 1}.get(p.stage, p.epochs)
        self._show_x_up_to(self._offset + self._stage_width)
        self.stage_label.setText(self._describe(p))
        self.eta_label.setText(
            arg(self.tr("%1 elapsed · about %2 left"), format_duration(p.elapsed_s), format_duration(p.eta_s))
        )
        if p.eta_s is not None and p.elapsed_s + p.eta_s > 0:
            self.bar.setValue(round(1000 * p.elapsed_s / (p.elapsed_s + p.eta_s)))
        if p.stage == "features":
            return
        if p.stage == "head":
            x_now = x_end = self._offset + p.epoch / max(1, p.epochs)
        else:
            x_now = self._offset + (p.epoch - 1) + (p.step / p.steps if p.steps else 1.0)
            x_end = self._offset + p.epoch
        self.loss.add(x_now, p.train_loss, None)
        self.accuracy.add(x_now, _percent(p.train_acc), None)
        self.loss.add(x_end, None, p.val_loss)
        self.accuracy.add(x_end, None, _percent(p.val_acc))

    def _describe(self, p: Any) -> str:
        stage = {
            "features": self.tr("Computing features"),
            "head": self.tr("Training the new head"),
            "fine-tune": self.tr("Fine-tuning"),
        }.get(p.stage, p.stage)
        if p.stage == "features":
            return arg(self.tr("%1: batch %2 of %3"), stage, p.step, p.steps)
        return arg(self.tr("%1: epoch %2 of %3, batch %4 of %5"), stage, p.epoch, p.epochs, p.step, p.steps)

    def _show_x_up_to(self, end: float) -> None:
        """The x axis spans the planned run (or, unplanned, the stages seen so far) from the start,
        not stretched point by point, so the axes are not laid out and drawn anew with every point
        (pyqtgraph does that in Python, on the GUI thread, each time a range changes)."""
        if end > self._x_end:
            self._x_end = end
            for plot in (self.loss_plot, self.acc_plot):
                plot.setXRange(0, end, padding=0.02)

    def _mark_stage(self, x: float) -> None:
        for plot in (self.loss_plot, self.acc_plot):
            line = pg.InfiniteLine(pos=x, angle=90, pen=STAGE_PEN)
            plot.addItem(line)
            self._markers.append((plot, line))

    def finish(self, text: str) -> None:
        self.bar.setValue(1000)
        self.stage_label.setText(text)
        self.eta_label.clear()


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _percent(value: float | None) -> float | None:
    return None if value is None else 100.0 * value
