"""The window's side of the model session: asks for models, saves the choice, renders the state.

``core.session.ModelSession`` decides which model is in use; this adapter runs its load jobs on
the inference engine, keeps the request and the last model that loaded in the settings, and
renders every change into the banner, the status bar, the menus, the empty state and the
architecture panel. None of those keeps a copy of its own: each shows the session's view.
The backend (Device ▸ Backend) is part of the choice: the worker builds its runner off the GUI
thread, and what it says while building ("building the ONNX model once…") reaches the session
through a queued signal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from core.architectures import pretty_arch
from core.class_names import are_numbered
from core.messages import Message
from core.session import Fix, ModelInUse, ModelSession, Outcome, State, View
from core.sources import AUTO_DEVICE, ModelChoice, bundled_arch
from gui import actions as act
from gui import gui_thread_gc
from gui.edition_ui import grey_torch_features, weights_filter
from gui.engine import InferenceEngine
from gui.i18n import arg
from gui.message_bar import MessageBar
from gui.messages import backend_text, text
from gui.settings import Settings
from gui.status import StatusPanel
from gui.worker import WorkerInfo

if TYPE_CHECKING:
    from core.auto_backend import AutoUpdate

MB = 1024 * 1024
translate = QCoreApplication.translate


def megabytes(done: int, total: int) -> str:
    if not total:
        return f"{done / MB:.1f} MB"
    return arg(translate("ModelController", "%1 of %2 MB"), f"{done / MB:.1f}", f"{total / MB:.1f}")


class ModelController(QObject):
    """Owns the session; ``changed`` carries each new :class:`core.session.View`."""

    changed = Signal(object)  # View
    modelChanged = Signal(object)  # ModelInUse: another model is in use
    _building = Signal(int, object)  # job id, Message: emitted in the worker's thread, queued here

    def __init__(
        self,
        engine: InferenceEngine,
        settings: Settings,
        banner: MessageBar,
        status: StatusPanel,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self.engine, self.settings, self.banner, self.status = engine, settings, banner, status
        self.window = window  # the parent of the file dialogs
        self.worker_info: WorkerInfo | None = None
        self._handlers: dict[Fix, Callable[[], None]] = {
            Fix.LOAD_FILE: self.load_weights_file,
            Fix.LOAD_LABELS: self.load_labels_file,
        }
        self._shown_model: ModelInUse | None = None
        self._menu: tuple[QMenu, act.ModelActions] | None = None
        # Emitted in the worker's thread while it builds a backend: the signal queues it here.
        self.session = ModelSession(engine.load, self._on_view, on_status=self._building.emit)
        self._building.connect(self._on_building)
        engine.loadFinished.connect(self._on_load_finished)
        engine.downloadProgress.connect(self.session.progress)
        engine.ready.connect(self._on_ready)
        engine.autoUpdate.connect(self._on_auto)
        status.auto_cancel.clicked.connect(engine.stop_auto)

    # -- asking ---------------------------------------------------------------------------

    @property
    def view(self) -> View:
        return self.session.view

    @property
    def model(self) -> ModelInUse | None:
        return self.session.model

    def start(self) -> None:
        self.session.start(self.settings.request, self.settings.last_good)

    def choose_arch(self, arch: str) -> None:
        base = self.session.requested
        in_use = self.model
        weights_arch = in_use.choice.arch if in_use and in_use.choice.weights == base.weights else None
        choice = base.with_arch(arch, weights_arch)
        if choice.needs_download and not base.needs_download and arch == bundled_arch():
            # Weights that hold one network (a file, the bundled model) gave way: the bundled
            # model of this architecture loads offline, ImageNet's would need a download first.
            choice = ModelChoice.bundled(choice.device, choice.backend)
        self.session.request(choice)

    def choose_weights(self, weights: str) -> None:
        base = self.model.choice if self.model else self.session.requested
        self.session.request(base.with_weights(weights).with_device(self.session.requested.device))
        if not ModelChoice(base.arch, weights).source:
            self.settings.add_recent_weights(weights)
            if self._menu is not None:
                act.set_recent_weights(*self._menu, self.settings.recent_weights)

    def download(self) -> None:
        self.fix(Fix.DOWNLOAD)

    def load_weights_file(self) -> None:
        files = weights_filter()  # Lite model files in both editions; torch's weights with torch
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Load Weights"), self.settings.weights_dir, files
        )
        if path:
            self.settings.weights_dir = str(Path(path).parent)
            self.choose_weights(path)

    def load_labels_file(self) -> None:
        folder = self.settings.weights_dir
        files = self.tr("Label files (*.txt *.json);;All files (*)")
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Load Labels"), folder, files)
        if path:
            self.choose_labels(path)

    def choose_labels(self, labels: str) -> None:
        base = self.model.choice if self.model else self.session.requested
        self.session.request(base.with_labels(labels).with_device(self.session.requested.device))

    def choose_device(self, device: str) -> None:
        self.session.request(self.session.requested.with_device(device))

    def choose_backend(self, backend: str) -> None:
        """Device ▸ Backend: the same model, its forward pass run by ``backend``."""
        self.session.request(self.session.requested.with_backend(backend))

    def fix(self, fix: Fix) -> None:
        session = self.session
        if fix is Fix.SWITCH_ARCH and self.view.suggested_arch:
            session.request(session.requested.with_arch(self.view.suggested_arch))
        elif fix in self._handlers:
            self._handlers[fix]()
        else:
            {
                Fix.DOWNLOAD: session.download,
                Fix.KEEP: session.keep,
                Fix.RETRY: session.retry,
                Fix.USE_BUNDLED: session.use_bundled,
                Fix.CANCEL: session.cancel,
            }[fix]()

    # -- the engine's answers -------------------------------------------------------------

    def _on_load_finished(self, outcome: Outcome) -> None:
        self.session.finished(outcome)
        if outcome.loaded is not None:  # the replaced model's memory back; the new one frozen
            gui_thread_gc.settle()

    def _on_ready(self, info: WorkerInfo) -> None:
        self.worker_info = info

    @Slot(int, object)
    def _on_building(self, job_id: int, message: Message) -> None:
        self.session.building(job_id, message)

    def _on_auto(self, update: AutoUpdate) -> None:
        """Backend Auto's measurement: its steps as a bar with a Cancel; its end (the choice, or
        a cancellation: fp32 stays) as the model's new backend note, which is no model change."""
        if not update.done:
            self.status.show_auto(update.step, update.steps, text(update.message))
            return
        self.status.hide_auto()
        self.session.note_backend(update.message)

    def drop_missing_device(self, devices: list[Any]) -> str | None:
        """A saved device this machine lacks becomes Auto; returns its name to tell the user."""
        dropped = self.session.drop_missing_device({d.key for d in devices})
        if dropped:
            self.settings.device = AUTO_DEVICE
        return dropped

    # -- rendering ------------------------------------------------------------------------

    def _on_view(self, view: View) -> None:
        requested = view.requested
        if view.model is not None and view.model.tree is not None:
            # A Lite model file runs on ONNX Runtime whatever was asked: the backend saved stays
            # the person's choice (the full edition's next start must not inherit Lite's).
            requested = requested.with_backend(self.settings.backend or requested.backend)
        self.settings.request = requested
        if view.model is not None:
            self.settings.last_good = view.model.choice
        self._render_status(view)
        self._render_banner(view)
        if view.model is not self._shown_model:
            renoted = _same_but_note(view.model, self._shown_model)
            self._shown_model = view.model
            if not renoted:
                self.status.hide_auto()  # the model measuring is gone
                self.modelChanged.emit(view.model)
        self.changed.emit(view)

    def _render_status(self, view: View) -> None:
        model, status = view.model, self.status
        if model is None:
            status.set_model(self.tr("loading…") if view.busy else self.tr("none loaded"))
        else:
            tip = f"{model.identity.tag}\n{model.description}"
            status.set_model(text(model.identity.title), tip)
            device = text(model.device_name or model.device)
            status.set_device(device, backend_text(model.backend), text(model.backend_note))
        if view.state is State.DOWNLOADING:
            status.show_progress(
                view.done // 1024,
                view.total // 1024,
                arg(self.tr("Downloading… %1"), megabytes(view.done, view.total)),
            )
        elif view.state is State.LOADING and view.message:
            status.show_progress(0, 0, text(view.message))
        elif view.state is State.LOADING and not self.engine.busy:
            status.show_progress(0, 0, arg(self.tr("Loading %1…"), text(view.requested.title)))
        elif not self.engine.busy:
            status.hide_progress()

    def _render_banner(self, view: View) -> None:
        model = view.model
        what = text(view.requested.title)
        name = text(model.identity.title) if model else ""
        if view.state is State.DOWNLOADING:
            size = megabytes(view.done, view.total)
            line = (
                arg(self.tr("Downloading %1: %2 · still using %3"), what, size, name)
                if model
                else arg(self.tr("Downloading %1: %2"), what, size)
            )
            self._banner(line, "info", view.fixes)
        elif view.state is State.LOADING and Fix.CANCEL in view.fixes:
            self._banner(arg(self.tr("Downloading %1: connecting…"), what), "info", view.fixes)
        elif view.state is State.LOADING and view.message:
            self._banner(text(view.message), "info", ())
        elif view.state in (State.UNAVAILABLE, State.FAILED):
            level = "warning" if view.state is State.UNAVAILABLE else "error"
            why = text(view.message or "")
            line = (
                arg(self.tr("Still using %1: %2"), name, why)
                if model
                else arg(self.tr("No model is loaded: %1"), why)
            )
            self._banner(line, level, view.fixes)
        elif view.state is State.READY and model is not None and view.notice:
            self._banner(text(view.notice), "warning" if view.warning else "info", self._labels_fix(model))
        elif view.state is State.READY and model is not None and self._labels_fix(model):
            names = model.meta.categories
            self._banner(
                arg(
                    self.tr("The classes of %1 have no names (%2 … %3): load a label file to name them."),
                    name,
                    names[0],
                    names[-1],
                ),
                "info",
                self._labels_fix(model),
            )
        elif view.state is not State.LOADING:
            self.banner.dismiss("model")

    def _labels_fix(self, model: ModelInUse) -> tuple[Fix, ...]:
        unnamed = are_numbered(model.meta.categories)
        return (Fix.LOAD_LABELS,) if unnamed and not model.choice.labels else ()

    def _banner(self, line: str, level: str, fixes: tuple[Fix, ...]) -> None:
        buttons = [(self.fix_label(fix), lambda _checked=False, f=fix: self.fix(f)) for fix in fixes]
        self.banner.show_message(line, level, buttons, topic="model")

    def fix_label(self, fix: Fix) -> str:
        return {
            Fix.DOWNLOAD: self.tr("Download"),
            Fix.KEEP: self._keep_label(),
            Fix.RETRY: self.tr("Retry"),
            Fix.USE_BUNDLED: self.tr("Use the bundled model"),
            Fix.LOAD_FILE: self.tr("Load Weights File…"),
            Fix.LOAD_LABELS: self.tr("Load Labels…"),
            Fix.SWITCH_ARCH: arg(self.tr("Use %1"), pretty_arch(self.view.suggested_arch or "")),
            Fix.CANCEL: self.tr("Cancel"),
        }[fix]

    def _keep_label(self) -> str:
        """ "Keep ResNet-18"; the full name when the request is the same architecture."""
        model = self.model
        if model is None:
            return self.tr("Keep")
        if model.choice.is_file or model.arch == self.session.requested.arch:
            return arg(self.tr("Keep %1"), text(model.identity.title))
        return arg(self.tr("Keep %1"), pretty_arch(model.arch))

    # -- menus ----------------------------------------------------------------------------

    def attach_menu(self, menu: QMenu, actions: act.ModelActions) -> None:
        """The Model menu, where recent weights files are listed under Weights."""
        self._menu = (menu, actions)
        act.set_recent_weights(menu, actions, self.settings.recent_weights)

    def sync_menus(self, actions: act.Actions) -> None:
        """Check what is in use: the architecture and weights of the model that classifies."""
        model, m = self.model, actions.model
        act.check(m.archs, model.choice.arch if model else None)
        act.check(m.weights, model.choice.weights if model else None)
        act.check(m.devices, self.session.requested.device)
        act.check(m.backends, model.backend if model else self.session.requested.backend)
        arch = model.choice.arch if model else None
        for action in m.weights.actions():
            key = action.data()
            entry = ModelChoice(arch or "", key).source
            # The bundled model brings its own architecture, so it is there whatever is in use.
            published = entry is None or arch is None or not entry.downloads or arch in entry.archs
            action.setEnabled(published and not self.engine.busy)
            if entry is not None and not published:
                action.setToolTip(
                    arg(
                        self.tr("torchvision publishes no %1 weights for %2"),
                        text(entry.label),
                        pretty_arch(arch),
                    )
                )
            elif entry is not None:
                action.setToolTip(act.weights_tip(entry))
        m.model_card.setEnabled(model is not None)
        grey_torch_features(actions, model)  # ResLens Lite: what needs torch, with the reason


def _same_but_note(model: ModelInUse | None, shown: ModelInUse | None) -> bool:
    """Whether ``model`` is ``shown`` with only its backend note changed (Auto's choice)."""
    if model is None or shown is None:
        return False
    return replace(model, backend_note=shown.backend_note) == shown
