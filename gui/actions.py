"""Every action of the window, made by one keyword-only helper and kept in typed groups.

Groups let the window enable related actions together (e.g. the model choices while a run is
in progress) and let the menus and the toolbar be laid out in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu, QMenuBar, QStyle, QToolBar, QWidget

from core.architectures import ARCH_NAMES, pretty_arch
from core.backends import BACKEND_LABELS
from core.paths import asset
from core.sources import AUTO_DEVICE, weight_sources
from gui.edition_ui import export_lite_tip, load_weights_tip
from gui.i18n import arg
from gui.language import CHOICES, language_name
from gui.messages import backend_text, text

SP = QStyle.StandardPixmap
translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls
Shortcut = str | QKeySequence | QKeySequence.StandardKey


class Handler(Protocol):
    """What the window's own actions call: the main window."""

    def export_results(self) -> None: ...
    def clear_results(self) -> None: ...
    def close(self) -> bool: ...
    def cancel_run(self) -> None: ...
    def show_model_card(self) -> None: ...
    def toggle_model_column(self, show: bool) -> None: ...
    def toggle_thumbnail_cams(self, show: bool) -> None: ...
    def show_sketch(self) -> None: ...
    def show_teach(self) -> None: ...
    def show_evaluate(self) -> None: ...
    def export_lite(self) -> None: ...
    def show_about(self) -> None: ...
    def show_why_residual(self) -> None: ...
    def choose_language(self, choice: str) -> None: ...


class InputHandler(Protocol):
    """What the inputs call (``gui.intake.Intake``)."""

    def open_images(self) -> None: ...
    def open_folder(self) -> None: ...
    def open_samples(self) -> None: ...
    def paste(self) -> None: ...


class ModelHandler(Protocol):
    """What the Model and Device menus call (``gui.model_controller.ModelController``)."""

    def choose_arch(self, arch: str) -> None: ...
    def choose_weights(self, source: str) -> None: ...
    def load_weights_file(self) -> None: ...
    def load_labels_file(self) -> None: ...
    def download(self) -> None: ...
    def choose_device(self, device: str) -> None: ...
    def choose_backend(self, backend: str) -> None: ...


def new_action(
    parent: QWidget,
    text: str,
    *,
    slot: Callable[[], Any] | None = None,
    shortcut: Shortcut | Sequence[Shortcut] | None = None,
    icon: QIcon | None = None,
    short: str = "",
    tip: str = "",
    checkable: bool = False,
    data: Any = None,
    group: QActionGroup | None = None,
    enabled: bool = True,
) -> QAction:
    action = QAction(text, parent)
    if slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    action.setStatusTip(tip)
    if shortcut is not None:
        keys = shortcut if isinstance(shortcut, list | tuple) else [shortcut]
        action.setShortcuts([QKeySequence(k) for k in keys])
        native = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        tip = f"{tip or text.replace('&', '').rstrip('…')} ({native})"
    if tip:
        action.setToolTip(tip)
    if icon is not None:
        action.setIcon(icon)
    if short:
        action.setIconText(short)  # the toolbar's label
    action.setCheckable(checkable)
    action.setData(data)
    action.setEnabled(enabled)
    if group is not None:
        group.addAction(action)
    return action


def action_icon(name: str, fallback: SP) -> QIcon:
    """ResLens' own icon (``assets/icons/actions/<name>.svg``), else Qt's built-in one."""
    path = asset("icons", "actions", f"{name}.svg")
    return QIcon(str(path)) if path.is_file() else QApplication.style().standardIcon(fallback)


@dataclass
class FileActions:
    open_images: QAction
    open_folder: QAction
    open_samples: QAction
    paste: QAction
    export: QAction
    clear: QAction
    cancel: QAction
    quit: QAction


@dataclass
class ModelActions:
    archs: QActionGroup
    weights: QActionGroup
    load_weights: QAction
    load_labels: QAction
    download: QAction
    devices: QActionGroup  # filled when the worker has found the devices
    model_card: QAction
    backends: QActionGroup  # torch, ONNX Runtime fp32, ONNX Runtime int8 (core.backends)
    train: QAction
    evaluate: QAction
    export_lite: QAction  # Model ▸ Export for ResLens Lite / ONNX… (full edition; gui.lite_export)


@dataclass
class ViewActions:
    model_column: QAction
    sketch: QAction
    thumbnail_cams: QAction
    languages: QActionGroup  # View ▸ Language: System, English, 简体中文 (gui.language.CHOICES)


@dataclass
class HelpActions:
    about: QAction
    why_residual: QAction  # Help ▸ Why Residual? (gui.residual)


@dataclass
class Actions:
    file: FileActions
    model: ModelActions
    view: ViewActions
    help: HelpActions

    def model_choices(self) -> Iterable[QAction]:
        """What changes the model: disabled while images are being classified."""
        m = self.model
        yield from m.archs.actions()
        yield from m.weights.actions()
        yield from m.devices.actions()
        yield from m.backends.actions()
        yield from (m.load_weights, m.load_labels, m.download)


def create_actions(w: Handler, inputs: InputHandler, models: ModelHandler) -> Actions:
    parent: QWidget = w  # type: ignore[assignment]
    file = FileActions(
        open_images=new_action(
            parent,
            translate("Actions", "&Open Images…"),
            slot=inputs.open_images,
            shortcut=QKeySequence.StandardKey.Open,
            icon=action_icon("open-images", SP.SP_DialogOpenButton),
            short=translate("Actions", "Open"),
            tip=translate("Actions", "Classify image files"),
        ),
        open_folder=new_action(
            parent,
            translate("Actions", "Open &Folder…"),
            slot=inputs.open_folder,
            shortcut="Ctrl+Shift+O",
            icon=action_icon("open-folder", SP.SP_DirOpenIcon),
            short=translate("Actions", "Folder"),
            tip=translate("Actions", "Classify every image in a folder and its sub-folders"),
        ),
        open_samples=new_action(
            parent,
            translate("Actions", "Try the &Sample Images"),
            slot=inputs.open_samples,
            icon=action_icon("samples", SP.SP_FileDialogContentsView),
            short=translate("Actions", "Samples"),
            tip=translate("Actions", "Classify the sample images that come with ResLens"),
        ),
        paste=new_action(
            parent,
            translate("Actions", "&Paste"),
            slot=inputs.paste,
            shortcut=QKeySequence.StandardKey.Paste,
            icon=action_icon("paste", SP.SP_FileLinkIcon),
            short=translate("Actions", "Paste"),
            tip=translate("Actions", "Classify the image, files or file paths on the clipboard"),
        ),
        export=new_action(
            parent,
            translate("Actions", "&Export Results…"),
            slot=w.export_results,
            shortcut="Ctrl+E",
            icon=action_icon("export", SP.SP_DialogSaveButton),
            short=translate("Actions", "Export"),
            tip=translate("Actions", "Save the results shown as CSV or JSON"),
            enabled=False,
        ),
        clear=new_action(
            parent,
            translate("Actions", "&Clear Results"),
            slot=w.clear_results,
            shortcut="Ctrl+Shift+Backspace",
            icon=action_icon("clear", SP.SP_DialogResetButton),
            short=translate("Actions", "Clear"),
            tip=translate("Actions", "Remove all results"),
            enabled=False,
        ),
        cancel=new_action(
            parent,
            translate("Actions", "C&ancel"),
            slot=w.cancel_run,
            shortcut="Esc",
            icon=action_icon("cancel", SP.SP_BrowserStop),
            short=translate("Actions", "Cancel"),
            tip=translate("Actions", "Stop classifying after the current batch"),
            enabled=False,
        ),
        quit=new_action(
            parent, translate("Actions", "&Quit"), slot=w.close, shortcut=QKeySequence.StandardKey.Quit
        ),
    )
    archs = QActionGroup(parent, exclusive=True)
    archs.triggered.connect(lambda a: models.choose_arch(a.data()))
    for number, arch in enumerate(ARCH_NAMES, start=1):
        label = pretty_arch(arch)
        new_action(
            parent,
            label,
            checkable=True,
            data=arch,
            group=archs,
            shortcut=f"Ctrl+{number}",
            tip=arg(translate("Actions", "Use a %1"), label),
        )
    weights = QActionGroup(parent, exclusive=True)
    weights.triggered.connect(lambda a: models.choose_weights(a.data()))
    for entry in weight_sources():
        tip = weights_tip(entry)
        new_action(parent, text(entry.label), checkable=True, data=entry.key, group=weights, tip=tip)
    devices = QActionGroup(parent, exclusive=True)
    devices.triggered.connect(lambda a: models.choose_device(a.data()))
    new_action(
        parent,
        translate("Actions", "&Auto"),
        checkable=True,
        data=AUTO_DEVICE,
        group=devices,
        tip=translate("Actions", "The fastest device found (CUDA, then MPS, then the CPU)"),
    )
    model = ModelActions(
        backends=backend_actions(parent, models),
        archs=archs,
        weights=weights,
        load_weights=new_action(
            parent,
            translate("Actions", "Load &Weights…"),
            slot=models.load_weights_file,
            shortcut="Ctrl+Shift+W",
            tip=load_weights_tip(),
        ),
        load_labels=new_action(
            parent,
            translate("Actions", "Load &Labels…"),
            slot=models.load_labels_file,
            tip=translate("Actions", "Name the classes from a text file (one label per line)"),
        ),
        download=new_action(
            parent,
            translate("Actions", "&Download ImageNet Weights"),
            slot=models.download,
            icon=action_icon("download", SP.SP_ArrowDown),
            short=translate("Actions", "Download"),
            tip=translate("Actions", "Download torchvision's ImageNet weights for the chosen architecture"),
        ),
        devices=devices,
        model_card=new_action(
            parent,
            translate("Actions", "&Model Card"),
            slot=w.show_model_card,
            shortcut="Ctrl+I",
            enabled=False,
            tip=translate("Actions", "What the loaded model knows and how it was made"),
        ),
        train=new_action(
            parent,
            translate("Actions", "&Train New Model…"),
            slot=w.show_teach,
            shortcut="Ctrl+T",
            tip=translate("Actions", "Teach ResLens your own classes from a few images each"),
        ),
        evaluate=new_action(
            parent,
            translate("Actions", "&Evaluate on a Folder…"),
            slot=w.show_evaluate,
            tip=translate("Actions", "Measure the model on a folder with one sub-folder per class"),
        ),
        export_lite=new_action(
            parent,
            translate("Actions", "Export for ResLens &Lite / ONNX…"),
            slot=w.export_lite,
            enabled=False,
            tip=export_lite_tip(),
        ),
    )
    model_column = new_action(
        parent,
        translate("Actions", "&Model Column"),
        checkable=True,
        tip=translate("Actions", "Show which model classified each image (name and weights hash)"),
    )
    model_column.toggled.connect(w.toggle_model_column)
    help_ = HelpActions(
        about=new_action(
            parent,
            translate("Actions", "&About ResLens"),
            slot=w.show_about,
            tip=translate("Actions", "Versions and licence"),
        ),
        why_residual=new_action(
            parent,
            translate("Actions", "&Why Residual?"),
            slot=w.show_why_residual,
            tip=translate(
                "Actions", "Train plain and residual networks side by side and see why the shortcut matters"
            ),
        ),
    )
    sketch = new_action(
        parent,
        translate("Actions", "&Sketch…"),
        slot=w.show_sketch,
        shortcut="Ctrl+K",
        tip=translate("Actions", "Draw a shape and watch the model classify it as you draw"),
    )
    thumbnail_cams = new_action(
        parent,
        translate("Actions", "Show &Heat-maps on Thumbnails"),
        checkable=True,
        tip=translate(
            "Actions", "Lay each result's top-1 Grad-CAM over its thumbnail (computed for the rows in view)"
        ),
    )
    thumbnail_cams.toggled.connect(w.toggle_thumbnail_cams)
    view = ViewActions(model_column, sketch, thumbnail_cams, language_actions(parent, w))
    return Actions(file=file, model=model, view=view, help=help_)


def weights_tip(entry: Any) -> str:
    """A weight source's tooltip (``core.sources.WeightSource``); the Weights menu sets it back
    whenever a source becomes available again."""
    tip = (
        translate("Actions", "%1 classes, %2×%2 input; downloaded from torchvision once")
        if entry.downloads
        else translate("Actions", "%1 classes, %2×%2 input")
    )
    return arg(tip, entry.classes, entry.crop)


def backend_actions(parent: QWidget, models: ModelHandler) -> QActionGroup:
    """Device ▸ Backend: what runs the forward pass; Grad-CAM always uses the torch model."""
    tips = {
        "auto": translate(
            "Actions",
            "The fastest path this computer has that agrees with fp32 on 99 % of a calibration set: "
            "measured once per model (the first images run on PyTorch meanwhile), then cached (the default)",
        ),
        "torch": translate("Actions", "PyTorch runs the model: the exact path"),
        "onnx": translate("Actions", "ONNX Runtime runs the model in fp32: faster on most CPUs"),
        "onnx-int8": translate(
            "Actions",
            "ONNX Runtime runs an int8 model, about twice as fast on a CPU; it is checked against "
            "fp32 once and refused below 98 % agreement",
        ),
    }
    cam = translate("Actions", "Grad-CAM heat maps always use the PyTorch model.")
    group = QActionGroup(parent, exclusive=True)
    group.triggered.connect(lambda a: models.choose_backend(a.data()))
    for key in BACKEND_LABELS:
        tip = tips[key] if key in ("torch", "auto") else arg(translate("Actions", "%1. %2"), tips[key], cam)
        new_action(parent, backend_text(key), checkable=True, data=key, group=group, tip=tip)
    return group


def language_actions(parent: QWidget, w: Handler) -> QActionGroup:
    """View ▸ Language: each language named in itself; the choice is saved and used at the next start."""
    group = QActionGroup(parent, exclusive=True)
    group.triggered.connect(lambda a: w.choose_language(a.data()))
    tips = {
        CHOICES[0]: translate("Actions", "Follow the language of the system"),
        CHOICES[1]: translate("Actions", "Show ResLens in English"),
        CHOICES[2]: translate("Actions", "Show ResLens in Simplified Chinese"),
    }
    for choice in CHOICES:
        new_action(parent, language_name(choice), checkable=True, data=choice, group=group, tip=tips[choice])
    return group


def dock_toggle(dock: QDockWidget, *, text: str, short: str, shortcut: str, tip: str, icon: QIcon) -> QAction:
    """The dock's show/hide action, dressed like the others."""
    action = dock.toggleViewAction()
    action.setText(text)
    action.setIconText(short)
    action.setShortcut(shortcut)
    action.setToolTip(f"{tip} ({shortcut})")
    action.setStatusTip(tip)
    action.setIcon(icon)
    return action


def build_menus(bar: QMenuBar, actions: Actions, panel_toggle: QAction) -> tuple[QMenu, QMenu]:
    """Lay out the menu bar; returns the Model menu (recent files join it) and the Device menu
    (its entries come once the devices are known)."""
    f, m = actions.file, actions.model
    file_menu = bar.addMenu(translate("Actions", "&File"))
    _add(
        file_menu,
        f.open_images,
        f.open_folder,
        f.open_samples,
        f.paste,
        None,
        f.export,
        f.clear,
        None,
        f.cancel,
        None,
        f.quit,
    )
    model_menu = bar.addMenu(translate("Actions", "&Model"))
    model_menu.addSection(translate("Actions", "Architecture"))
    _add(model_menu, *m.archs.actions())
    model_menu.addSection(translate("Actions", "Weights"))
    _add(model_menu, *m.weights.actions(), m.load_weights, m.load_labels, None, m.download)
    _add(model_menu, None, m.train, m.evaluate, m.export_lite)  # My Models follows (gui.teach.my_models)
    device_menu = bar.addMenu(translate("Actions", "&Device"))
    device_menu.addSection(translate("Actions", "Backend"))
    _add(device_menu, *m.backends.actions())
    device_menu.addSection(translate("Actions", "Device"))
    _add(device_menu, *m.devices.actions())
    view_menu = bar.addMenu(translate("Actions", "&View"))
    view = actions.view
    _add(view_menu, panel_toggle, view.model_column, view.thumbnail_cams, None, view.sketch, None)
    language_menu = view_menu.addMenu(translate("Actions", "&Language"))
    _add(language_menu, *view.languages.actions())
    help_menu = bar.addMenu(translate("Actions", "&Help"))
    _add(help_menu, m.model_card, actions.help.why_residual, actions.help.about)
    for menu in (model_menu, device_menu, help_menu):  # a greyed entry's tooltip says why (Lite)
        menu.setToolTipsVisible(True)
    return model_menu, device_menu


def set_recent_weights(menu: QMenu, actions: ModelActions, paths: Sequence[str]) -> None:
    """List the recent weights files under Weights, after the built-in sources."""
    builtin = {entry.key for entry in weight_sources()}
    for action in actions.weights.actions():
        if action.data() not in builtin:
            actions.weights.removeAction(action)
            menu.removeAction(action)
            action.deleteLater()
    parent = menu.parentWidget()
    for path in paths:
        action = new_action(
            parent, Path(path).name, checkable=True, data=path, group=actions.weights, tip=path
        )
        menu.insertAction(actions.load_weights, action)


def architecture_toggle(dock: QDockWidget) -> QAction:
    return dock_toggle(
        dock,
        text=translate("Actions", "&Architecture Panel"),
        short=translate("Actions", "Architecture"),
        shortcut="Ctrl+Shift+A",
        tip=translate("Actions", "Show the layers of the network"),
        icon=action_icon("architecture", SP.SP_FileDialogListView),
    )


def set_devices(menu: QMenu, group: QActionGroup, devices: Sequence[Any], chosen: str) -> None:
    """Rebuild the Device menu: Auto, then each device found (``core.devices.DeviceInfo``)."""
    for action in group.actions()[1:]:
        group.removeAction(action)
        menu.removeAction(action)
        action.deleteLater()
    parent = menu.parentWidget()
    for device in devices:
        action = new_action(
            parent,
            text(getattr(device, "description", device.name)),  # a GPU's shows its memory
            checkable=True,
            data=device.key,
            group=group,
            tip=arg(translate("Actions", "Run the model on %1"), device.key),
        )
        menu.addAction(action)
    check(group, chosen)


def check(group: QActionGroup, data: Any) -> None:
    """Check the action of ``group`` whose data is ``data`` (none when there is none)."""
    for action in group.actions():
        action.setChecked(action.data() == data)


def _add(target: QMenu | QToolBar, *items: QAction | None) -> None:
    for item in items:
        if item is None:
            target.addSeparator()
        else:
            target.addAction(item)


def all_actions(actions: Actions) -> list[QAction]:
    found: list[QAction] = []
    for group in (actions.file, actions.model, actions.view, actions.help):
        for f in fields(group):
            value = getattr(group, f.name)
            found += value.actions() if isinstance(value, QActionGroup) else [value]
    return found
