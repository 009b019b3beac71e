"""The main window: lays out the parts and connects them; the work happens elsewhere.

Inputs (dialogs, drops, paste, command line) become requests to the inference engine; its
signals fill the results model; the model's choices live in the settings and the Model and
Device menus; the architecture panel follows the chosen network.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QSpinBox,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.paths import samples_dir
from core.results import ClassificationResult
from gui import actions as act
from gui.arch_panel import ArchitecturePanel
from gui.choices import (
    AUTO_DEVICE,
    DEFAULT_SOURCE,
    IMAGENET_CLASSES,
    IMAGENET_SOURCES,
    MAX_TOP_K,
    arch_label,
    weights_label,
)
from gui.dialogs import about_html, model_card_html, show_text_dialog
from gui.drop_zone import DropArea, EmptyState
from gui.engine import InferenceEngine
from gui.imaging import qimage_to_pil
from gui.inputs import MimeInputs, read_mime
from gui.message_bar import MessageBar
from gui.preview import PreviewDialog
from gui.results_model import ResultsModel
from gui.results_view import THUMBNAIL_SIZE, ResultsView, placeholder_pixmap
from gui.settings import Settings
from gui.status import StatusPanel
from gui.thumbnails import ThumbnailLoader
from gui.worker import CLASSIFY, LOAD, PREPARE, JobDone, ModelInfo, Problem, WorkerInfo

WEIGHT_FILES = "Weights (*.safetensors *.pth *.pt);;All files (*)"
LABEL_FILES = "Label files (*.txt *.json);;All files (*)"
EXPORT_FILES = "CSV (*.csv);;JSON (*.json)"
ENGINE_START_FALLBACK_MS = 500


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self.setWindowTitle("ResLens")
        self.model_info: ModelInfo | None = None
        self.worker_info: WorkerInfo | None = None
        self._pasted: dict[str, Any] = {}  # clipboard images by name, for thumbnails and preview
        self._closed = False

        self.actions = act.create_actions(self)
        self.results = ResultsModel(self)
        self.results.set_icons(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
            placeholder_pixmap(THUMBNAIL_SIZE),
        )
        self.results_view = ResultsView(self.results)
        f = self.actions.file
        self.empty = EmptyState([f.open_images, f.open_folder, f.open_samples])
        self.drop_area = DropArea(self.empty, self.results_view)
        self.message = MessageBar()
        self.arch_panel = ArchitecturePanel()
        self.arch_dock = QDockWidget("Architecture", objectName="architecture-dock")
        self.top_k = QSpinBox(minimum=1, maximum=MAX_TOP_K, value=self.settings.top_k)
        self.status = StatusPanel(self.statusBar())
        self._thumb_ratio = self.devicePixelRatioF()
        self.thumbnails = ThumbnailLoader(round(THUMBNAIL_SIZE * self._thumb_ratio), self)
        self.engine = InferenceEngine(self)
        self._lay_out()
        self._connect()
        self._restore_window()
        self._sync_choices()
        self._update_counts()
        self._reload()

    def _lay_out(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.drop_area, 1)
        self.setCentralWidget(central)
        self.arch_dock.setWidget(self.arch_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.arch_dock)
        panel_toggle = act.dock_toggle(
            self.arch_dock,
            text="&Architecture Panel",
            short="Architecture",
            shortcut="Ctrl+Shift+A",
            tip="Show the layers of the network",
            icon=act.action_icon("architecture", QStyle.StandardPixmap.SP_FileDialogListView),
        )
        self.device_menu = act.build_menus(self.menuBar(), self.actions, panel_toggle)
        toolbar = QToolBar("Main", objectName="main-toolbar", movable=False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        act.build_toolbar(toolbar, self.actions, panel_toggle)
        self.top_k.setToolTip("How many of the most likely classes to show for the images classified next")
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(" Top-k: "))
        toolbar.addWidget(self.top_k)
        self.addToolBar(toolbar)

    def _connect(self) -> None:
        self.top_k.valueChanged.connect(self._top_k_changed)
        self.status.cancel.clicked.connect(self.cancel_run)
        self.results.thumbnailWanted.connect(self._make_thumbnail)
        self.thumbnails.ready.connect(self._on_thumbnail)
        self.thumbnails.failed.connect(self._on_thumbnail_failed)
        self.results.countsChanged.connect(self._update_counts)
        proxy = self.results_view.proxy
        for signal in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset, proxy.layoutChanged):
            signal.connect(self._update_counts)
        self.results_view.opened.connect(self.open_preview)
        self.drop_area.dropped.connect(self._queue_mime)
        w = self.engine.worker  # its signals arrive queued, in this thread
        w.started.connect(self._on_started)
        w.progress.connect(self._on_progress)
        w.result.connect(self._on_result)
        w.error.connect(self._on_error)
        w.ready.connect(self._on_ready)
        w.modelLoaded.connect(self._on_model_loaded)
        w.downloadProgress.connect(self._on_download_progress)
        w.needsDownload.connect(self._on_needs_download)
        self.engine.finished.connect(self._on_finished)

    # -- inputs -----------------------------------------------------------------------------

    def queue_paths(self, paths: Iterable[str | Path]) -> None:
        """Classify files and folders (folders recursively); the command line comes here."""
        self._queue([Path(p) for p in paths])

    def open_images(self) -> None:
        from core.images import IMAGE_EXTENSIONS

        patterns = " ".join(f"*{ext}" for ext in sorted(IMAGE_EXTENSIONS))
        files, _ = QFileDialog.getOpenFileNames(
            self, "Open Images", self.settings.image_dir, f"Images ({patterns});;All files (*)"
        )
        if files:
            self.settings.image_dir = str(Path(files[0]).parent)
            self.queue_paths(files)

    def open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open Folder", self.settings.folder_dir)
        if folder:
            self.settings.folder_dir = folder
            self.queue_paths([folder])

    def open_samples(self) -> None:
        self.queue_paths([samples_dir()])

    def paste(self) -> None:
        inputs = read_mime(QApplication.clipboard().mimeData())
        if inputs or inputs.skipped:
            self._queue_mime(inputs)
        else:
            self.message.show_message("The clipboard holds no image, file or file path.")

    def _queue_mime(self, inputs: MimeInputs) -> None:
        items: list[Any] = list(inputs.paths)
        if inputs.image is not None:
            name = f"clipboard-{len(self._pasted) + 1}"
            self._pasted[name] = qimage_to_pil(inputs.image)
            items.append((name, self._pasted[name]))
        if inputs.skipped:
            shown = ", ".join(inputs.skipped[:3]) + (" …" if len(inputs.skipped) > 3 else "")
            self.message.show_message(
                f"Only files on this computer can be classified; skipped: {shown}", "warning"
            )
        self._queue(items)

    def _queue(self, items: list[Any]) -> None:
        if not items:
            return
        self.engine.classify(items, self.settings.top_k)
        self._set_running(True)
        if self.model_info is None:
            self.status.show_progress(0, 0, "Waiting for the model…")

    def cancel_run(self) -> None:
        if self.engine.busy:
            self.engine.cancel(CLASSIFY)
            self.statusBar().showMessage("Cancelling after the current batch…", 3000)
        else:
            self.engine.cancel(LOAD)

    # -- results ----------------------------------------------------------------------------

    def _on_result(self, result: ClassificationResult) -> None:
        self.results.add(result)
        self.drop_area.show_results(True)

    def _make_thumbnail(self, key: str) -> None:
        self.thumbnails.request(key, self._pasted.get(key, key))

    def _on_thumbnail(self, key: str, image: Any) -> None:
        self.results.set_thumbnail(key, image, self._thumb_ratio)

    def _on_thumbnail_failed(self, key: str, _message: str) -> None:
        self.results.set_thumbnail_failed(key)

    def _update_counts(self, *_args: Any) -> None:
        rows, errors = self.results.counts()
        self.status.set_counts(rows, errors, self.results_view.proxy.rowCount())
        self.actions.file.export.setEnabled(self.results_view.proxy.rowCount() > 0)
        self.actions.file.clear.setEnabled(rows > 0)

    def clear_results(self) -> None:
        self.results.clear()
        self.thumbnails.forget()
        self._pasted.clear()
        self.drop_area.show_results(False)

    def open_preview(self, result: ClassificationResult) -> PreviewDialog:
        dialog = PreviewDialog(result, self._pasted.get(result.source, result.source), self)
        dialog.resize(900, 560)
        dialog.show()
        return dialog

    def export_results(self) -> None:
        start = str(Path(self.settings.export_dir or Path.home()) / "reslens-results.csv")
        path, chosen = QFileDialog.getSaveFileName(self, "Export Results", start, EXPORT_FILES)
        if path:
            if not Path(path).suffix:
                path += ".json" if "json" in chosen.lower() else ".csv"
            self.settings.export_dir = str(Path(path).parent)
            self.export_to(Path(path))

    def export_to(self, path: Path) -> int:
        """Write the results as shown (filtered, in order): JSON for ``.json``, else CSV."""
        from core.export import write_csv, write_json

        shown = self.results_view.shown_results()
        try:
            (write_json if path.suffix.lower() == ".json" else write_csv)(shown, path)
        except OSError as exc:
            self.message.show_message(f"Could not export to {path}: {exc}", "error")
            return 0
        self.statusBar().showMessage(f"Exported {len(shown)} results to {path}", 5000)
        return len(shown)

    # -- the model's choices ------------------------------------------------------------------

    def choose_arch(self, arch: str) -> None:
        own = self._weights_arch()
        self.settings.arch = arch
        if self.settings.weights not in IMAGENET_SOURCES and own and arch != own:
            # The bundled model and a file each hold one architecture; another one means
            # torchvision's ImageNet weights (offered for download if they are not here).
            self.settings.weights = IMAGENET_SOURCES[0]
            self.settings.labels = ""
        self._choice_changed()

    def _weights_arch(self) -> str | None:
        """The architecture the chosen bundled or file weights hold, when known."""
        info = self.model_info
        if info is not None and info.source == self.settings.weights:
            return info.arch
        if self.settings.weights == DEFAULT_SOURCE and self.worker_info:
            return self.worker_info.bundled_arch
        return None

    def choose_weights(self, source: str) -> None:
        self.settings.weights = source
        self.settings.labels = ""
        if source == DEFAULT_SOURCE and self.worker_info and self.worker_info.bundled_arch:
            self.settings.arch = self.worker_info.bundled_arch
        self._choice_changed()

    def choose_device(self, device: str) -> None:
        self.settings.device = device
        self._choice_changed()

    def load_weights_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load Weights", self.settings.weights_dir, WEIGHT_FILES)
        if path:
            self.settings.weights_dir = str(Path(path).parent)
            self.choose_weights(path)

    def load_labels_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load Labels", self.settings.weights_dir, LABEL_FILES)
        if path:
            self.settings.labels = path
            self._choice_changed()

    def download_weights(self) -> None:
        if self.settings.weights not in IMAGENET_SOURCES:
            self.settings.weights = IMAGENET_SOURCES[0]
        self._choice_changed(download=True)

    def _choice_changed(self, download: bool = False) -> None:
        self._sync_choices()
        self._reload(download)

    def _reload(self, download: bool = False) -> None:
        s = self.settings
        self.engine.load(s.arch, s.weights, s.labels, s.device, download)
        self._follow_architecture()

    def _sync_choices(self) -> None:
        """Check the menu entries that match the settings."""
        act.check(self.actions.model.archs, self.settings.arch)
        act.check(self.actions.model.weights, self.settings.weights)
        act.check(self.actions.model.devices, self.settings.device)

    def _follow_architecture(self) -> None:
        """Show the chosen network in the panel once its number of classes is known."""
        meta = self.model_info.meta if self.model_info else None
        if self.settings.weights in IMAGENET_SOURCES:
            self.arch_panel.show_architecture(self.settings.arch, IMAGENET_CLASSES, 224)
        elif meta is not None:
            self.arch_panel.show_architecture(self.settings.arch, meta.num_classes, meta.crop_size)

    # -- the worker's answers -----------------------------------------------------------------

    def _on_ready(self, info: WorkerInfo) -> None:
        self.worker_info = info
        keys = {device.key for device in info.devices}
        if self.settings.device not in keys | {AUTO_DEVICE}:
            missing = self.settings.device
            self.settings.device = AUTO_DEVICE
            self.message.show_message(f"The device {missing} is not available; using Auto.")
        act.set_devices(self.device_menu, self.actions.model.devices, info.devices, self.settings.device)
        self._enable_model_choices(not self.engine.busy)

    def _on_started(self, job: str) -> None:
        if job in (PREPARE, LOAD):
            self.status.show_loading()
        elif job == CLASSIFY:
            self.status.show_progress(0, 0, "Starting…")

    def _on_model_loaded(self, info: ModelInfo) -> None:
        self.model_info = info
        self.settings.arch = info.arch  # the bundled model and files bring their own
        self._sync_choices()
        self.message.dismiss(LOAD)
        self._show_model_status()
        meta = info.meta
        names = ", ".join(meta.categories[:24]) + (" …" if meta.num_classes > 24 else "")
        self.empty.set_model_text(
            f"Model: {arch_label(info.arch)} ({weights_label(info.source)}), "
            f"{meta.num_classes} classes: {names}"
        )
        self.actions.model.model_card.setEnabled(True)
        self.arch_panel.show_architecture(info.arch, meta.num_classes, meta.crop_size)

    def _show_model_status(self) -> None:
        info = self.model_info
        if info is None:
            self.status.set_model("none loaded")
            return
        labels = f" · labels {Path(info.labels).name}" if info.labels else ""
        self.status.set_model(
            f"{arch_label(info.arch)} · {weights_label(info.source)}{labels}", info.description
        )
        self.status.set_device(info.device_name)

    def _on_needs_download(self, arch: str, source: str) -> None:
        self._show_model_status()
        self.message.show_message(
            f"The {weights_label(source)} weights for {arch_label(arch)} are not on this computer "
            "yet. Download them (an Internet connection is needed once), or load a weights file.",
            "warning",
            [("Download", self.download_weights), ("Load Weights File…", self.load_weights_file)],
            topic=LOAD,
        )

    def _on_error(self, problem: Problem) -> None:
        if problem.job == CLASSIFY:
            self.message.show_message(problem.message, problem.level)
            return
        self._show_model_status()
        buttons: list[tuple[str, Any]] = []
        if problem.suggested_arch:
            arch = problem.suggested_arch
            buttons = [(f"Use {arch_label(arch)}", lambda: self.choose_arch(arch))]
        elif not problem.cancelled:
            buttons = [("Load Weights File…", self.load_weights_file)]
        level = "info" if problem.cancelled else "error"
        self.message.show_message(problem.message, level, buttons, topic=LOAD)

    def _on_progress(self, done: int, total: int) -> None:
        self.status.show_progress(done, total)

    def _on_download_progress(self, done: int, total: int) -> None:
        mb = 1024 * 1024
        text = f"Downloading… {done / mb:.1f} / {total / mb:.1f} MB" if total else "Downloading…"
        self.status.show_progress(done // 1024, total // 1024, text)

    def _on_finished(self, done: JobDone) -> None:
        if done.job == LOAD and not self.engine.busy:
            self.status.hide_progress()
        if done.job == CLASSIFY:
            self.results.flush()
            if done.cancelled:
                self.statusBar().showMessage(f"Cancelled; {done.count} images classified", 5000)
            if not self.engine.busy:
                self._set_running(False)

    def _set_running(self, running: bool) -> None:
        """While classifying, the model cannot change and Cancel is available."""
        self._enable_model_choices(not running)
        self.actions.file.cancel.setEnabled(running)
        if not running:
            self.status.hide_progress()

    def _enable_model_choices(self, enabled: bool) -> None:
        for action in self.actions.model_choices():
            action.setEnabled(enabled)

    def _top_k_changed(self, value: int) -> None:
        self.settings.top_k = value

    # -- dialogs ------------------------------------------------------------------------------

    def show_about(self) -> Any:
        device = self.model_info.device_name if self.model_info else ""
        return show_text_dialog(self, "About ResLens", about_html(device))

    def show_model_card(self) -> Any:
        info = self.model_info
        if info is None:
            return None
        body = model_card_html(info.meta, info.source, info.description)
        return show_text_dialog(self, "Model Card", body)

    # -- window state ---------------------------------------------------------------------------

    def _restore_window(self) -> None:
        geometry, state = self.settings.geometry, self.settings.window_state
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        else:
            self.resizeDocks([self.arch_dock], [560], Qt.Orientation.Horizontal)

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
            self.settings.geometry = self.saveGeometry()
            self.settings.window_state = self.saveState()
            self.settings.sync()
            self.engine.shutdown()
            # The worker has stopped; answers it queued before that must not reach a closed
            # window (a late modelLoaded would start the summary thread again).
            QCoreApplication.removePostedEvents(self, QEvent.Type.MetaCall)
            self.arch_panel.shutdown()
            self.thumbnails.close()
        super().closeEvent(event)
