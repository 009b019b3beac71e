"""Model ▸ Train New Model…: classes on the left; the plan, the run and its results on the right.

A non-modal window of its own (a child of the main window, so it closes with it). It holds no
training logic: the classes panel says what the data is, the plan panel what the run will do
(``core.train.plan_training``), the trainer runs ``core.train.train_model`` in a process of its own,
and the model lands in the store (``core.model_store``). "Use This Model" hands the file to the
main window, whose model controller makes it the model in use.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.i18n import arg
from gui.teach.classes_panel import ClassesPanel
from gui.teach.jobs import JobRunner
from gui.teach.plan_panel import PlanPanel
from gui.teach.progress_panel import ProgressPanel
from gui.teach.results_panel import ResultsPanel
from gui.teach.storage import model_store
from gui.teach.trainer import Trainer
from gui.window_state import fit_to_screen

PLAN_DELAY_MS = 200
FIRST_SIZE = (1100, 720)  # at most; a smaller screen gets a window that fits it


class TeachWindow(QMainWindow):
    """``modelSaved(path)`` after a run that kept a model; ``useModel(path)`` on "Use This Model"."""

    modelSaved = Signal(object)
    useModel = Signal(object)

    def __init__(self, parent: QWidget | None = None, use_model: Callable[[Path], Any] | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Train New Model"))
        self.setObjectName("teach-window")
        self.store = model_store()
        self.jobs = JobRunner(self)
        self.trainer = Trainer(self)
        self.classes = ClassesPanel(self.jobs)
        self.plan_panel = PlanPanel()
        self.progress = ProgressPanel()
        self.results = ResultsPanel()
        self.name_edit = QLineEdit(self.tr("My model"))
        self.name_edit.setToolTip(self.tr("The name under Model ▸ My Models"))
        self.train_button = QPushButton(self.tr("Train"), enabled=False)
        self.train_button.setDefault(True)
        self.stop_button = QPushButton(self.tr("Stop"), enabled=False)
        self.stop_button.setToolTip(self.tr("Stop after this batch and keep the best model so far"))
        self.tabs = QTabWidget()
        self.plan: Any = None
        self._plan_number = 0
        self.outcome: Any = None
        self._closing = False
        self._lay_out()
        self._connect(use_model)
        if parent is not None:
            parent.installEventFilter(self)  # the main window closing closes this one first
        fit_to_screen(self, FIRST_SIZE)

    def _lay_out(self) -> None:
        left = QGroupBox(self.tr("1 · Classes"))
        QVBoxLayout(left).addWidget(self.classes)
        run_row = QHBoxLayout()
        run_row.addWidget(QLabel(self.tr("Name")))
        run_row.addWidget(self.name_edit, 1)
        run_row.addWidget(self.train_button)
        run_row.addWidget(self.stop_button)
        self.tabs.addTab(self.plan_panel, self.tr("2 · Plan"))
        self.tabs.addTab(self.progress, self.tr("3 · Progress"))
        self.tabs.addTab(self.results, self.tr("4 · Results"))
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([380, 720])
        # On a screen smaller than the panels need (a laptop at 200 %), they scroll; Train and
        # Stop stay below them, always in view.
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setWidget(splitter)
        central = QWidget()
        column = QVBoxLayout(central)
        column.addWidget(scroll, 1)
        column.addLayout(run_row)
        self.setCentralWidget(central)

    def _connect(self, use_model: Callable[[Path], Any] | None) -> None:
        self.classes.datasetChanged.connect(self._replan)
        self.plan_panel.changed.connect(self._replan)
        self.jobs.jobs.planned.connect(self._on_planned)
        self.jobs.jobs.failed.connect(self._on_job_failed)
        self.train_button.clicked.connect(self.start_training)
        self.stop_button.clicked.connect(self.stop_training)
        self.trainer.progress.connect(self.progress.show_progress)
        self.trainer.status.connect(self.progress.show_status)
        self.trainer.finished.connect(self._on_finished)
        self.trainer.failed.connect(self._on_failed)
        self.results.useRequested.connect(self.useModel)
        if use_model is not None:
            self.useModel.connect(use_model)

    # -- the plan ----------------------------------------------------------------------------

    def _replan(self, *_args: Any) -> None:
        ts = self.classes.training_set
        self.plan = None
        self._update_buttons()
        if ts is None:
            self._plan_number = 0
            self.plan_panel.show_problem(self.tr("The plan appears once there are classes to train on."))
            return
        self.plan_panel.show_problem(self.tr("Planning…"))
        self._plan_number = self.jobs.plan(ts, self.plan_panel.start, self.plan_panel.overrides())

    def _on_planned(self, number: int, plan: Any) -> None:
        if number == self._plan_number:
            self.plan = plan
            self.plan_panel.show_plan(plan)
            self._update_buttons()

    def _on_job_failed(self, number: int, kind: str, message: str) -> None:
        if kind == "plan" and number == self._plan_number:
            self.plan_panel.show_problem(message)

    def _update_buttons(self) -> None:
        running = self.trainer.running
        self.train_button.setEnabled(not running and self.plan is not None)
        self.stop_button.setEnabled(running)
        self.classes.set_locked(running)
        self.plan_panel.setEnabled(not running)
        self.name_edit.setEnabled(not running)

    # -- the run -----------------------------------------------------------------------------

    def start_training(self) -> None:
        if self.plan is None or self.trainer.running:
            return
        out = self.store.new_path(self.name_edit.text())
        self.outcome = None
        self.progress.reset(self.plan.config.epochs)
        self.results.clear()
        self.progress.show_status(self.tr("Starting…"))
        self.trainer.start(self.classes.training_set, self.plan, out)
        self._update_buttons()
        # The progress tab's first paint (its plots' axes, 20-30 ms) in a turn of the event loop
        # of its own, not on top of this click's work: input is answered in between.
        QTimer.singleShot(0, self, lambda: self.tabs.setCurrentWidget(self.progress))

    def stop_training(self) -> None:
        if self.trainer.running:
            self.trainer.stop()
            self.stop_button.setEnabled(False)
            self.progress.show_status(self.tr("Stopping after this batch…"))

    def _on_finished(self, outcome: Any) -> None:
        self.outcome = outcome
        self._update_buttons()
        if outcome.weights is None:
            self.progress.finish(self.tr("Stopped before any model was trained: nothing was saved."))
        else:
            if not outcome.stopped:
                done = self.tr("Done · saved as %1")
            elif outcome.card.get("head_only"):
                done = self.tr("Stopped: kept the head-only model (not fine-tuned) · saved as %1")
            else:
                done = self.tr("Stopped: kept the best model so far · saved as %1")
            self.progress.finish(arg(done, outcome.weights.stem))
            self.modelSaved.emit(outcome.weights)
        self.results.show_outcome(outcome)
        if outcome.evaluation is not None:
            self.tabs.setCurrentWidget(self.results)

    def _on_failed(self, message: str) -> None:
        self._update_buttons()
        self.progress.finish(arg(self.tr("Training failed: %1"), message))

    # -- closing -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        closing = watched is self.parent() and event.type() == QEvent.Type.Close and not self._closing
        if closing and not self.close():  # a run the person chose to keep: the main window stays too
            event.ignore()
            return True
        return super().eventFilter(watched, event)

    def confirm_discard(self) -> bool:
        """Ask before a close throws a run away; "Keep Training" is the default (Esc, Enter)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Training Is Running"),
            self.tr("Closing stops the training and keeps nothing of this run."),
            parent=self,
        )
        box.setInformativeText(self.tr("Stop the run and close the window?"))
        discard = box.addButton(self.tr("Stop and Close"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("Keep Training"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is discard

    def closeEvent(self, event: QCloseEvent) -> None:
        """Mid-run: ask; then stop, wait for the thread, keep nothing. Then end the background jobs."""
        if self.trainer.running and not self.confirm_discard():
            event.ignore()
            return
        self.trainer.abandon()
        self._update_buttons()
        self.classes.shutdown()
        self.jobs.shutdown()
        self._closing = True
        super().closeEvent(event)
        self.deleteLater()


def show_teach_window(main: QWidget, use_model: Callable[[Path], Any]) -> TeachWindow:
    """The main window's one teaching window, made on first use and raised after."""
    for window in main.findChildren(TeachWindow):
        if not window._closing:
            window.show()
            window.raise_()
            return window
    window = TeachWindow(main, use_model)
    window.show()
    return window
