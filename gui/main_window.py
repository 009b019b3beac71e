"""The main window: lays out the parts and connects them; the work happens elsewhere.

Inputs (dialogs, drops, paste, command line) become requests to the inference engine; its
signals fill the results model; which model classifies is the model session's to say
(``gui.model_controller``), and the menus, status bar, banner and architecture panel render it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from core.edition import has_torch
from core.session import ModelInUse
from gui import actions as act
from gui.arch_panel import ArchitecturePanel
from gui.dialogs import about_dialog, model_card_html, show_text_dialog
from gui.drop_zone import DropArea, EmptyState
from gui.edition_ui import grey_torch_features
from gui.engine import InferenceEngine
from gui.explain import CamController, ThumbnailCams
from gui.exporting import export_dialog, export_to
from gui.i18n import arg
from gui.intake import Intake
from gui.labels import display_categories, register
from gui.lite_export import LiteExport, ask_lite_path, exported_text
from gui.message_bar import MessageBar
from gui.messages import text
from gui.model_controller import ModelController
from gui.preview import PreviewDialog
from gui.results_model import ResultsModel
from gui.results_view import THUMBNAIL_SIZE, ResultsView, placeholder_pixmap
from gui.settings import MAX_TOP_K, Settings
from gui.sketch import SketchPad
from gui.status import StatusPanel, run_summary
from gui.summary_label import SummaryLabel
from gui.teach.my_models import MyModelsMenu
from gui.threshold import ThresholdControl
from gui.toolbar import build_toolbar
from gui.window_state import restore_window, save_window
from gui.worker import CLASSIFY, LOAD, PREPARE, JobDone, Problem

ENGINE_START_FALLBACK_MS = 500


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self.setWindowTitle("ResLens" if has_torch() else "ResLens Lite")
        self._closed = False
        self.results = ResultsModel(self, THUMBNAIL_SIZE, self.devicePixelRatioF())
        self.message = MessageBar()
        self.banner = MessageBar()  # the model's state: rendered by the controller
        self.status = StatusPanel(self.statusBar())
        self.summary = SummaryLabel()  # a run's summary: elided, never under the permanent parts
        self.statusBar().addWidget(self.summary, 1)
        self.engine = InferenceEngine(self)
        self.models = ModelController(self.engine, self.settings, self.banner, self.status, self)
        self.intake = Intake(self, self.engine, self.results, self.settings, self.message)
        self.actions = act.create_actions(self, self.intake, self.models)
        grey_torch_features(self.actions)  # ResLens Lite: greyed with the reason before any load
        self.lite_export: LiteExport | None = None  # Model ▸ Export for ResLens Lite (made on use)
        self.results.set_icons(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
            placeholder_pixmap(THUMBNAIL_SIZE),
        )
        self.results_view = ResultsView(self.results)
        f = self.actions.file
        self.empty = EmptyState([f.open_images, f.open_folder, f.open_samples])
        self.drop_area = DropArea(self.empty, self.results_view)
        self.arch_panel = ArchitecturePanel()
        self.arch_dock = QDockWidget(self.tr("Architecture"), objectName="architecture-dock")
        self.top_k = QSpinBox(minimum=1, maximum=MAX_TOP_K, value=self.settings.top_k)
        self.threshold = ThresholdControl(self.settings, self)
        self.cams = CamController(self.engine, self)
        side = round(THUMBNAIL_SIZE * self.devicePixelRatioF())
        self.thumbnail_cams = ThumbnailCams(self.engine, self.results_view, self.results, side, self)
        self.sketch: SketchPad | None = None
        self.evaluation: Any = None  # gui.evaluate_window.EvaluateWindow, made on first use
        self._lay_out()
        self._connect()
        restore_window(self, self.settings, self.arch_dock)
        self.models.start()

    @property
    def model_info(self) -> ModelInUse | None:
        """The model that classifies (the session's model in use)."""
        return self.models.model

    def _lay_out(self) -> None:
        # The toolbar first: Tab follows the order widgets join the window, and should go as
        # the eye reads, the toolbar, then the results, then the architecture dock.
        panel_toggle = act.architecture_toggle(self.arch_dock)
        self.addToolBar(build_toolbar(self.actions, panel_toggle, self.top_k, self.threshold.spin))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.message)
        layout.addWidget(self.drop_area, 1)
        self.setCentralWidget(central)
        self.arch_dock.setWidget(self.arch_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.arch_dock)
        self.model_menu, self.device_menu = act.build_menus(self.menuBar(), self.actions, panel_toggle)
        self.actions.view.model_column.setChecked(self.settings.show_model_column)
        self.actions.view.thumbnail_cams.setChecked(self.settings.thumbnail_cams)
        act.check(self.actions.view.languages, self.settings.language)
        self.results_view.restore(self.settings.show_model_column, self.settings.any_label)
        self.models.attach_menu(self.model_menu, self.actions.model)
        self.my_models = MyModelsMenu(
            self.model_menu,
            self,
            lambda path: self.models.choose_weights(str(path)),
            lambda: self.models.session.requested.weights,
        )

    def _connect(self) -> None:
        self.top_k.valueChanged.connect(lambda value: setattr(self.settings, "top_k", value))
        self.status.cancel.clicked.connect(self.cancel_run)
        self.results.countsChanged.connect(self._update_counts)
        proxy = self.results_view.proxy
        for signal in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset, proxy.layoutChanged):
            signal.connect(self._update_counts)
        self.results_view.opened.connect(self.open_preview)
        self.results_view.any_label.toggled.connect(lambda on: setattr(self.settings, "any_label", on))
        self.drop_area.dropped.connect(self.intake.queue_mime)
        self.intake.queued.connect(self._on_queued)
        e = self.engine
        e.started.connect(self._on_started)
        e.progress.connect(lambda done, total: self.status.show_progress(done, total))
        e.results.connect(self._on_results)
        e.error.connect(self._on_error)
        e.ready.connect(self._on_ready)
        e.finished.connect(self._on_finished)
        self.models.changed.connect(self._on_model_view)
        self.models.modelChanged.connect(self._on_model_changed)
        self.threshold.changed.connect(self._on_threshold)
        self.arch_panel.layerChosen.connect(self.cams.set_layer)

    # -- runs -------------------------------------------------------------------------------

    def queue_paths(self, paths: Iterable[str | Path]) -> None:
        """Classify files and folders (folders recursively); the command line comes here."""
        self.intake.queue_paths(paths)

    def _on_queued(self) -> None:
        self._set_running(True)
        if self.model_info is None:
            self.status.show_progress(0, 0, self.tr("Waiting for the model…"))

    def cancel_run(self) -> None:
        if self.engine.busy:
            self.engine.cancel()
            self.summary.show_message(self.tr("Cancelling after the current batch…"), 3000)
        else:
            self.models.session.cancel()

    # -- results ----------------------------------------------------------------------------

    def _on_results(self, batch: tuple[Any, ...]) -> None:
        if self.evaluation is not None and self.evaluation.run.takes(batch):
            return  # an evaluation's images: shown in its window, not in the results
        self.results.add_batch(batch)
        self.drop_area.show_results(True)

    def _update_counts(self, *_args: Any) -> None:
        rows, errors = self.results.counts()
        self.status.set_counts(rows, errors, self.results_view.proxy.rowCount())
        self.actions.file.export.setEnabled(self.results_view.proxy.rowCount() > 0)
        self.actions.file.clear.setEnabled(rows > 0)

    def clear_results(self) -> None:
        self.results.clear()
        self.drop_area.show_results(False)

    def open_preview(self, result: Any) -> PreviewDialog:
        dialog = PreviewDialog.open(result, self.results.source_of(result.source), self)
        self.cams.attach(dialog)  # the Grad-CAM, computed by the worker
        return dialog

    def export_results(self) -> None:
        export_dialog(self, self.settings, self.export_to)

    def export_to(self, path: Path) -> int:
        """Write the results as shown (filtered, in order): JSON for ``.json``, else CSV."""
        return export_to(path, self.results_view.shown_results(), self.message, self.statusBar())

    def toggle_thumbnail_cams(self, show: bool) -> None:
        self.settings.thumbnail_cams = show
        self.thumbnail_cams.set_enabled(show)

    def toggle_model_column(self, show: bool) -> None:
        self.settings.show_model_column = show
        self.results_view.show_model_column(show)

    # -- the model ----------------------------------------------------------------------------

    def _on_model_view(self, _view: Any) -> None:
        self._set_running(self.engine.busy)

    def _on_model_changed(self, model: ModelInUse | None) -> None:
        self.thumbnail_cams.clear()  # the overlays were the previous model's
        if model is not None:
            register(model)  # its results are shown with its names in the interface language
            self.empty.show_model(text(model.identity.title), display_categories(model))
            meta = model.meta
            self.arch_panel.show_architecture(model.arch, meta.num_classes, meta.crop_size, model.tree)
            self.threshold.show_model(model)

    def _on_threshold(self, threshold: float | None) -> None:
        model = self.model_info
        self.results.set_threshold(threshold, model.meta.num_classes if model else 0)

    # -- the worker's answers -----------------------------------------------------------------

    def _on_ready(self, info: Any) -> None:
        missing = self.models.drop_missing_device(list(info.devices))
        if missing:
            self.message.show_message(arg(self.tr("The device %1 is not available; using Auto."), missing))
        act.set_devices(self.device_menu, self.actions.model.devices, info.devices, self.settings.device)

    def _on_started(self, job: str) -> None:
        if job == PREPARE and self.model_info is None:
            self.status.show_loading()
        elif job == CLASSIFY:
            self.status.show_progress(0, 0, self.tr("Starting…"))

    def _on_error(self, problem: Problem) -> None:
        self.message.show_message(problem.message, problem.level)

    def _on_finished(self, done: JobDone) -> None:
        if done.job == CLASSIFY:
            self.results.flush()
            self.summary.show_message(run_summary(done), 10000)
            if not self.engine.busy:
                self._set_running(False)
        elif done.job == LOAD and not self.engine.busy and not self.models.view.busy:
            self.status.hide_progress()

    def _set_running(self, running: bool) -> None:
        """While classifying, the model cannot change; Cancel stops a run or a download."""
        for action in self.actions.model_choices():
            action.setEnabled(not running)
        self.models.sync_menus(self.actions)  # and what is not published for the architecture
        self.actions.file.cancel.setEnabled(running or self.models.view.busy)
        if not running and not self.models.view.busy:
            self.status.hide_progress()

    # -- dialogs ------------------------------------------------------------------------------

    def show_about(self) -> Any:
        return about_dialog(self, text(self.model_info.device_name) if self.model_info else "")

    def show_model_card(self) -> Any:
        info = self.model_info
        if info is not None:
            body = model_card_html(info, self.threshold.threshold)
            return show_text_dialog(self, self.tr("Model Card"), body)
        return None

    def choose_language(self, choice: str) -> None:
        """View ▸ Language: saved now, used from the next start (widgets translate as they are built)."""
        if choice == self.settings.language:
            return
        self.settings.language = choice
        self.settings.sync()
        self.message.show_message(
            self.tr("The language changes when ResLens is started again (it takes effect on restart).")
        )

    def show_sketch(self) -> SketchPad:
        """View ▸ Sketch: one pad, classified live through the worker."""
        if self.sketch is None:
            self.sketch = SketchPad(self)
            self.cams.attach_sketch(self.sketch, self._show_sketch_answer)
            self.sketch.addRequested.connect(lambda image: self.intake.queue_image("sketch", image))
        self.sketch.show()
        self.sketch.raise_()
        return self.sketch

    def show_teach(self) -> Any:
        """Model ▸ Train New Model…: one teaching window (pyqtgraph loads with it, not at start)."""
        from gui.teach.window import show_teach_window

        return show_teach_window(self, lambda path: self.models.choose_weights(str(path)))

    def show_why_residual(self) -> Any:
        """Help ▸ Why Residual?: the degradation experiment, live (pyqtgraph loads with it)."""
        from gui.residual import show_why_residual

        return show_why_residual(self)

    def show_evaluate(self) -> Any:
        """Model ▸ Evaluate on a Folder…: one window, run through this window's engine."""
        from gui.evaluate_window import show_evaluate_window

        self.evaluation = show_evaluate_window(self)
        return self.evaluation

    def export_lite(self) -> LiteExport | None:
        """Model ▸ Export for ResLens Lite / ONNX…: the model in use as a Lite model file, written
        off the GUI thread (full edition; greyed in Lite and for a Lite file)."""
        model = self.model_info
        if model is None:
            return None
        if self.lite_export is None:
            self.lite_export = LiteExport(self)
            self.lite_export.finished.connect(
                lambda path: self.message.show_message(text(exported_text(path)))
            )
            self.lite_export.failed.connect(
                lambda why: self.message.show_message(
                    arg(self.tr("Could not export for ResLens Lite: %1"), text(why)), "error"
                )
            )
        out = ask_lite_path(self, self.settings.weights_dir, model.meta.name or model.arch)
        if out is not None and self.lite_export.start(model.choice, out):
            what = text(model.identity.title)
            self.message.show_message(arg(self.tr("Exporting %1 for ResLens Lite…"), what))
        return self.lite_export

    def _show_sketch_answer(self, answer: Any) -> None:
        categories = display_categories(self.model_info) if self.model_info else ()
        if self.sketch is not None:
            self.sketch.show_answer(answer, categories, self.threshold.threshold)

    # -- window state ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(ENGINE_START_FALLBACK_MS, self, self._start_engine)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.engine.is_running():
            QTimer.singleShot(0, self, self._start_engine)  # the first frame is on screen

    def _start_engine(self) -> None:
        """Start the worker (it imports torch) once the window is painted, or soon after it
        is shown if it is not painted (minimised at start), never before."""
        if not self._closed:
            self.engine.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            save_window(self, self.settings)
            self.engine.shutdown()
            # The worker has stopped; answers it queued before that must not reach a closed
            # window (a late model would start the summary thread again).
            QCoreApplication.removePostedEvents(self.engine, QEvent.Type.MetaCall)
            QCoreApplication.removePostedEvents(self, QEvent.Type.MetaCall)
            self.arch_panel.shutdown()
            self.results.thumbnails.close()
        super().closeEvent(event)
