"""Help ▸ Why Residual?: the ResNet paper's degradation experiment, live.

Four nets (plain and residual, at two depths) train side by side in a process of their own
(:mod:`gui.residual_process`, started as training's is: spawned, lowered, a pipe and a stop
event); their training-error curves grow here as the steps come in. Two sentences say what to
look for, and the block diagram shows the one difference between the nets: the shortcut.

Nothing here imports torch: the window opens at once, the process loads it.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.degradation import ExperimentConfig, ExperimentResult, StepReport, smoothed
from gui.block_diagram import BlockDiagram
from gui.i18n import arg
from gui.messages import text
from gui.teach.process_link import ProcessLink

SMOOTHING = 10  # steps averaged in a drawn point: one batch's error is noisy
# plain: reds, residual: blues; the deeper net of each the darker and solid.
PENS = {
    (False, 0): pg.mkPen("#ef9a9a", width=2, style=Qt.PenStyle.DashLine),
    (False, 1): pg.mkPen("#c62828", width=2.5),
    (True, 0): pg.mkPen("#90caf9", width=2, style=Qt.PenStyle.DashLine),
    (True, 1): pg.mkPen("#1565c0", width=2.5),
}


class ExperimentProcess(ProcessLink):
    """One run of the experiment in a spawned process; its signals arrive in the GUI thread."""

    progress = Signal(object)  # core.degradation.StepReport
    finished = Signal(object)  # core.degradation.ExperimentResult
    failed = Signal(object)  # a core Message from the process, or the window's own words

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop: Any = None

    def start(self, config: ExperimentConfig) -> None:
        from gui.residual_process import run_degradation
        from gui.teach.train_process import spawn_context, start_process

        self._finish()
        self._stop = spawn_context().Event()
        process, receive = start_process(run_degradation, (config, self._stop), "reslens-degradation")
        self._listen(process, receive, "degradation-pipe")

    def stop(self) -> None:
        """End before the next net's step; the curves so far are kept."""
        if self._stop is not None:
            self._stop.set()

    def abandon(self) -> None:
        """End now (the window is closing): stop, wait a moment, then end the process."""
        self.stop()
        self._end_now()

    def _on_message(self, kind: str, value: Any) -> None:
        if kind == "progress":
            self.progress.emit(value)
        elif kind in ("done", "failed"):
            self._answer(self.finished if kind == "done" else self.failed, value)

    def _died(self, exit_code: int | None) -> None:
        self.failed.emit(
            arg(self.tr("the experiment's process ended unexpectedly (exit code %1)"), exit_code)
        )


class WhyResidualWindow(QWidget):
    """The experiment's window: explanation, block diagram, live curves, Start and Stop."""

    def __init__(self, parent: QWidget | None = None, config: ExperimentConfig | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.config = config or ExperimentConfig()
        self.setWindowTitle(self.tr("Why Residual?"))
        self.runner = ExperimentProcess(self)
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.errors: list[list[float]] = []
        self.result: ExperimentResult | None = None

        shallow, deep = min(self.config.depths), max(self.config.depths)
        self.explanation = QLabel(
            arg(
                self.tr(
                    "Each curve is one network's error on the images it trains on; the plain and the "
                    "residual networks have the same layers, and the residual ones add each block's "
                    "input to its output (the shortcut). The deeper plain network (%1 layers) trains "
                    "worse than the shallower one (%2 layers), even on its own training images, while "
                    "the residual network of %1 layers trains better than the plain one: its blocks can "
                    "pass on what came before and only need to learn a change."
                ),
                deep,
                shallow,
            ),
            wordWrap=True,
        )
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.diagram = BlockDiagram(self)
        self.diagram.setFixedWidth(330)
        pg.setConfigOptions(antialias=True)
        self.plot = pg.PlotWidget(background=self.palette().base().color())
        self.plot.setTitle(arg(self.tr("Training error (mean of the last %1 batches)"), SMOOTHING))
        self.plot.setLabel("bottom", self.tr("step"))
        self.plot.setLabel("left", self.tr("training error"))
        self.plot.setXRange(0, self.config.steps, padding=0.02)
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.addLegend(offset=(10, -10))  # bottom left: every curve starts high
        self.curves = [
            self.plot.plot(
                [], [], pen=PENS[(residual, int(depth == deep))], name=self.net_label(depth, residual)
            )
            for depth, residual in self.config.nets()
        ]
        self.status = QLabel(
            self.tr("Press Start to train the networks side by side (a few minutes)."), wordWrap=True
        )
        self.bar = QProgressBar(textVisible=False, maximumHeight=8)
        self.start_button = QPushButton(self.tr("&Start"))
        self.start_button.setToolTip(self.tr("Train the networks side by side on the same batches"))
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("S&top"), enabled=False)
        self.stop_button.setToolTip(self.tr("End the run after the current step; the curves stay"))
        self.stop_button.clicked.connect(self.stop)
        close = QPushButton(self.tr("&Close"))
        close.clicked.connect(self.close)

        middle = QHBoxLayout()  # the plot beside the diagram: both keep their height in a short window
        middle.addWidget(self.plot, 1)
        middle.addWidget(self.diagram)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(middle, 1)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        self.resize(900, 640)

    def net_label(self, depth: int, residual: bool) -> str:
        return arg(self.tr("residual-%1") if residual else self.tr("plain-%1"), depth)

    # -- run ---------------------------------------------------------------------------------

    def start(self) -> None:
        if self.runner.running:
            return
        self.errors = [[] for _ in self.curves]
        self.result = None
        for curve in self.curves:
            curve.setData([], [])
        self.bar.setRange(0, 0)  # busy until the first report: the process is loading torch
        self.status.setText(self.tr("Starting…"))
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.runner.start(self.config)

    def stop(self) -> None:
        self.runner.stop()
        self.stop_button.setEnabled(False)
        self.status.setText(self.tr("Stopping…"))

    def _on_progress(self, report: StepReport) -> None:
        self.bar.setRange(0, report.total)
        self.bar.setValue(report.step)
        if report.stage == "data":
            self.status.setText(arg(self.tr("Drawing the images: %1 of %2"), report.step, report.total))
        elif report.stage == "evaluate":
            self.status.setText(self.tr("Measuring the training error on all the training images…"))
        else:
            self.status.setText(arg(self.tr("Step %1 of %2"), report.step, report.total))
            for errors, curve, error in zip(self.errors, self.curves, report.error, strict=True):
                errors.append(error)
                line = smoothed(errors[-SMOOTHING:], SMOOTHING)[-1]
                x, y = curve.getData()
                xs = [] if x is None else list(x)
                ys = [] if y is None else list(y)
                if math.isfinite(line):
                    curve.setData([*xs, report.step], [*ys, line])

    def _on_finished(self, result: ExperimentResult) -> None:
        self.result = result
        self._idle()
        if result.stopped:
            self.status.setText(self.tr("Stopped. Press Start to run again."))
            return
        parts = [
            arg(self.tr("%1: %2"), self.net_label(n.depth, n.residual), f"{n.train_error:.2f}")
            for n in result.nets
            if n.train_error is not None
        ]
        self.status.setText(arg(self.tr("Training error after the last step: %1"), ", ".join(parts)))

    def _on_failed(self, message: Any) -> None:
        self._idle()
        self.status.setText(arg(self.tr("The experiment failed: %1"), text(message)))

    def _idle(self) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.runner.abandon()
        super().closeEvent(event)


def show_why_residual(main: QWidget, config: ExperimentConfig | None = None) -> WhyResidualWindow:
    """The main window's one Why Residual? window, made on first use and raised after."""
    for window in main.findChildren(WhyResidualWindow):
        window.show()
        window.raise_()
        return window
    window = WhyResidualWindow(main, config)
    window.show()
    return window
