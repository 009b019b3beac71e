"""Model ▸ Train New Model…: classes on the left; the plan, the run and its results on the right.

A non-modal window of its own (a child of the main window, so it closes with it). It holds no
training logic: the classes panel says what the data is, the plan panel what the run will do
(``core.train.plan_training``), the trainer runs ``core.train.train_model`` in a process of its own,
and the model lands in the store (``core.model_store``). "Use This Model" hands the file to the
main window, whose model controller makes it the model in use.

Train makes the quick model first (:mod:`gui.teach.quick_trainer`: a quick head, seconds), shown
and usable at once, then fine-tunes (full edition, when "Then fine-tune" is on); the results say
which of the two they show. In ResLens Lite the window teaches the quick model only: fine-tuning
is greyed with the edition's "needs the full edition" message, and nothing here imports torch.
The Project menu (:mod:`gui.teach.project_menu`) saves and opens what the window shows; the main
window's results add pictures to its classes ("Add to class ▸", :mod:`gui.teach.corrections`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
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

from core.edition import NEEDS_FULL, has_torch
from core.projects import FINE_TUNED, QUICK, Project, new_model
from gui.i18n import arg
from gui.messages import text
from gui.teach.classes_panel import ClassesPanel
from gui.teach.corrections import Corrections
from gui.teach.jobs import JobRunner
from gui.teach.plan_panel import PlanPanel
from gui.teach.progress_panel import ProgressPanel
from gui.teach.project_menu import ProjectMenu
from gui.teach.quick_trainer import QuickTrainer
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
        self.quick = QuickTrainer(self)
        self.full = has_torch()  # False in ResLens Lite: the quick model only
        self.models: list[Any] = []  # core.projects.TrainedModel, of this project
        self._out: Path | None = None
        self._fine_tune_next = False
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
        self.fine_tune = QCheckBox(self.tr("Then fine-tune"), checked=self.full, enabled=self.full)
        self.fine_tune.setToolTip(
            self.tr("After the quick model, fine-tune the network on these classes (slower, usually better)")
            if self.full
            else text(NEEDS_FULL(self.tr("Fine-tuning")))
        )
        self.tabs = QTabWidget()
        self.plan: Any = None
        self._plan_number = 0
        self.outcome: Any = None
        self._closing = False
        self._lay_out()
        self._connect(use_model)
        self.project_menu = ProjectMenu(self)
        self.corrections = Corrections(self, parent)
        if not self.full:
            self.plan_panel.setEnabled(False)
            self.plan_panel.setToolTip(text(NEEDS_FULL(self.tr("Fine-tuning"))))
        if parent is not None:
            parent.installEventFilter(self)  # the main window closing closes this one first
        fit_to_screen(self, FIRST_SIZE)

    def _lay_out(self) -> None:
        left = QGroupBox(self.tr("1 · Classes"))
        QVBoxLayout(left).addWidget(self.classes)
        run_row = QHBoxLayout()
        run_row.addWidget(QLabel(self.tr("Name")))
        run_row.addWidget(self.name_edit, 1)
        run_row.addWidget(self.fine_tune)
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
        self.quick.status.connect(self.progress.show_status)
        self.quick.finished.connect(self._on_quick_finished)
        self.quick.failed.connect(self._on_quick_failed)
        self.fine_tune.toggled.connect(self._update_buttons)
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
        if not self.full:  # planning is fine-tuning's (core.train, torch)
            self.plan_panel.show_problem(text(NEEDS_FULL(self.tr("Fine-tuning"))))
            self._update_buttons()
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

    @property
    def running(self) -> bool:
        return self.trainer.running or self.quick.running

    def _update_buttons(self, *_args: Any) -> None:
        running = self.running
        ready = self.plan is not None if self.wants_fine_tuning() else self.classes.training_set is not None
        self.train_button.setEnabled(not running and ready)
        self.stop_button.setEnabled(self.trainer.running)
        self.classes.set_locked(running)
        self.plan_panel.setEnabled(not running and self.full)
        self.fine_tune.setEnabled(not running and self.full)
        self.name_edit.setEnabled(not running)

    def wants_fine_tuning(self) -> bool:
        return self.full and self.fine_tune.isChecked()

    # -- the run -----------------------------------------------------------------------------

    def start_training(self) -> None:
        """The quick model first; fine-tuning (when wanted) starts when it is there."""
        ts = self.classes.training_set
        fine_tune = self.wants_fine_tuning()
        if self.running or ts is None or (fine_tune and self.plan is None):
            return
        from core.lite.cli import bundled_lite_path

        self._out = self._new_paths(self.name_edit.text())
        self._fine_tune_next = fine_tune
        self.outcome = None
        self.progress.reset(self.plan.config.epochs if fine_tune else 0)
        self.results.clear()
        self.progress.show_status(self.tr("Fitting the quick model…"))
        self.quick.start(ts, bundled_lite_path(), quick_path(self._out))
        self._update_buttons()
        QTimer.singleShot(0, self, lambda: self.tabs.setCurrentWidget(self.progress))

    def _new_paths(self, name: str) -> Path:
        """The fine-tuned model's path, chosen so that its quick model's is free too: a quick
        model of an earlier run (one without fine-tuning) is never replaced."""
        out, number = self.store.new_path(name), 1
        while quick_path(out).exists():
            number += 1
            out = self.store.new_path(f"{name} {number}")
        return out

    def _on_quick_finished(self, outcome: Any) -> None:
        """Shown and usable at once; then fine-tuning, when asked for."""
        self.classes.training_done()
        self.models.append(new_model(outcome.path, QUICK, quick_card(outcome), outcome.cv_accuracy))
        self.results.show_quick(outcome, self._fine_tune_next)
        self.modelSaved.emit(outcome.path)
        self.tabs.setCurrentWidget(self.results)
        if self._fine_tune_next and self.plan is not None and self._out is not None:
            self._fine_tune(self._out)
        else:
            self.progress.finish(arg(self.tr("Quick model ready · saved as %1"), outcome.path.stem))
            self._update_buttons()

    def _on_quick_failed(self, message: str) -> None:
        """Said, and fine-tuning (when wanted) still runs: it does not need the quick model."""
        failed = arg(self.tr("The quick model failed: %1"), message)
        if self._fine_tune_next and self.plan is not None and self._out is not None:
            self.results.summary.setText(failed)
            self._fine_tune(self._out)
        else:
            self._update_buttons()
            self.progress.finish(failed)

    def _fine_tune(self, out: Path) -> None:
        """The Results tab stays on the quick model; Progress follows fine-tuning."""
        self.progress.show_status(self.tr("Starting…"))
        self.trainer.start(self.classes.training_set, self.plan, out)
        self._update_buttons()

    def stop_training(self) -> None:
        if self.trainer.running:
            self.trainer.stop()
            self.stop_button.setEnabled(False)
            self.progress.show_status(self.tr("Stopping after this batch…"))

    def _on_finished(self, outcome: Any) -> None:
        self.outcome = outcome
        self._update_buttons()
        if outcome.weights is None and self.results.shows == QUICK:
            self.progress.finish(self.tr("Stopped before fine-tuning kept a model: the quick model stays."))
        elif outcome.weights is None:
            self.progress.finish(self.tr("Stopped before any model was trained: nothing was saved."))
        else:
            if not outcome.stopped:
                done = self.tr("Done · saved as %1")
            elif outcome.card.get("head_only"):
                done = self.tr("Stopped: kept the head-only model (not fine-tuned) · saved as %1")
            else:
                done = self.tr("Stopped: kept the best model so far · saved as %1")
            self.progress.finish(arg(done, outcome.weights.stem))
            accuracy = outcome.evaluation.accuracy if outcome.evaluation is not None else None
            self.models.append(new_model(outcome.weights, FINE_TUNED, dict(outcome.card), accuracy))
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
        if self.running and not self.confirm_discard():
            event.ignore()
            return
        self.quick.abandon()
        self.trainer.abandon()
        self.corrections.detach()
        self._update_buttons()
        self.classes.shutdown()
        self.jobs.shutdown()
        self._closing = True
        super().closeEvent(event)
        self.deleteLater()

    # -- the project ----------------------------------------------------------------------------

    def current_project(self) -> Project:
        """What the window shows, as a ``core.projects.Project`` (Project ▸ Save)."""
        return Project(
            self.classes.project_classes(),
            self.plan_panel.start,
            self.plan_panel.overrides(),
            list(self.models),
            self.name_edit.text().strip(),
        )

    def apply_project(self, project: Project) -> None:
        """Show an opened project: its classes, start, overrides, name and models."""
        self.classes.sync_classes(project.classes)
        if project.start and self.full:
            self.plan_panel.set_start(project.start)
        self.plan_panel.set_overrides(project.overrides)
        if project.name:
            self.name_edit.setText(project.name)
        self.models = list(project.models)

    def add_to_class(self, name: str, paths: list[Path]) -> int:
        """Pictures from the main window's results become training pictures of ``name`` (a new
        class when there is none), marked as added since the last training (core.projects' rule)."""
        project = Project(self.classes.project_classes())
        added = project.add_images(name, [Path(p) for p in paths])
        self.classes.sync_classes(project.classes)
        self.show()
        self.raise_()
        message = self.tr("%n picture(s) added to %1", "", added)
        self.statusBar().showMessage(arg(message, name))
        return added


def quick_path(out: Path) -> Path:
    """The quick model's file beside the fine-tuned one's: ``<name> (quick).onnx``."""
    return out.with_name(f"{out.stem} (quick).onnx")


def quick_card(outcome: Any) -> dict[str, Any]:
    """What a project remembers of a quick model (its file carries the full record)."""
    return {
        "classes": list(outcome.classes),
        "images": outcome.images,
        "input_size": outcome.input_size,
        "l2": outcome.l2,
        "cv_accuracy": outcome.cv_accuracy,
        "seconds": round(outcome.seconds, 2),
    }


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
