"""What the window greys in ResLens Lite (no torch), each with the reason as its tooltip.

DESIGN.md, "Two editions": a feature that needs torch is greyed with a reason, never a
traceback. The reason is :data:`core.edition.NEEDS_FULL` with the feature's name ("ImageNet V2
needs ResLens, full edition (with PyTorch)"). The window calls :func:`grey_torch_features`
whenever it re-enables its menus (after a run, after a load), so nothing greyed here comes back.
The full edition greys only what a Lite model file cannot do (export it again as Lite).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction

from core.architectures import pretty_arch
from core.edition import NEEDS_FULL, has_torch
from core.lite.classifier import LITE_BACKENDS
from core.opener import needs_torch
from core.sources import ModelChoice, bundled_arch
from gui.i18n import arg
from gui.messages import backend_text, text

translate = QCoreApplication.translate


def needs_full(feature: Any) -> str:
    """ "%1 needs ResLens, full edition (with PyTorch)" in the window's language."""
    return text(NEEDS_FULL(feature))


def _grey(action: QAction, tip: str) -> None:
    """Disabled, with the reason as its tooltip (menus show them) and status-bar tip."""
    action.setEnabled(False)
    action.setToolTip(tip)
    action.setStatusTip(tip)


def grey_torch_features(actions: Any, model: Any = None) -> None:
    """Grey what needs torch (Lite) or what the model in use cannot do; ``model`` is the
    session's ``ModelInUse`` (None while none is loaded)."""
    m = actions.model
    lite_file = model is not None and model.tree is not None
    if has_torch():
        m.export_lite.setEnabled(model is not None and not lite_file)
        tip = (
            translate("EditionUi", "This model is a ResLens Lite model file already")
            if lite_file
            else export_lite_tip()
        )
        m.export_lite.setToolTip(tip)
        m.export_lite.setStatusTip(tip)
        return
    _grey(m.export_lite, needs_full(translate("EditionUi", "Exporting for ResLens Lite")))
    _grey(m.download, needs_full(translate("EditionUi", "Downloading ImageNet weights")))
    _grey(actions.help.why_residual, needs_full(translate("EditionUi", "Why Residual? (training networks)")))
    for action in m.backends.actions():
        if action.data() not in LITE_BACKENDS:
            _grey(action, needs_full(backend_text(action.data())))
        elif action.data() == "onnx-int8" and not _int8_at_hand(model):
            _grey(action, no_int8_tip())
    usable = {bundled_arch(), model.arch if model is not None else bundled_arch()}
    for action in m.archs.actions():
        if action.data() not in usable:  # another network means ImageNet's weights
            _grey(action, needs_full(arg_arch(action.data())))
    for action in m.weights.actions():
        choice = ModelChoice(bundled_arch(), action.data())
        if needs_torch(choice):  # ImageNet's entries, and recent .pth/.safetensors files
            _grey(action, needs_full(choice.source.label if choice.source else choice.title))


def _int8_at_hand(model: Any) -> bool:
    """Lite cannot quantise (no onnx package): int8 is an int8 file, the model in use or the
    bundled model's int8 file when it ships (the Lite bundle leaves it out for size)."""
    from core.lite.paths import bundled_int8_path

    return (model is not None and model.backend == "onnx-int8") or bundled_int8_path().is_file()


def no_int8_tip() -> str:
    return translate(
        "EditionUi",
        "ONNX Runtime int8 needs an int8 model file: ResLens (full edition) writes one with "
        "reslens-cli export MODEL --out FILE --precision int8; open it with Load Weights",
    )


def arg_arch(arch: str) -> str:
    """ "ResNet-50 with ImageNet weights": what another architecture would load in Lite."""
    return arg(translate("EditionUi", "%1 with ImageNet weights"), pretty_arch(arch))


def export_lite_tip() -> str:
    return translate(
        "EditionUi",
        "Write the model in use as a ResLens Lite model file (ONNX with ResLens metadata), "
        "which both editions open",
    )


def weights_filter() -> str:
    """The Load Weights dialog's file types: Lite model files everywhere, torch's with torch."""
    if has_torch():
        return translate("EditionUi", "Models (*.safetensors *.pth *.pt *.onnx);;All files (*)")
    return translate("EditionUi", "ResLens Lite models (*.onnx);;All files (*)")


def load_weights_tip() -> str:
    if has_torch():
        return translate(
            "EditionUi", "Use weights from a .pth, .pt or .safetensors file, or a ResLens Lite model (.onnx)"
        )
    return translate("EditionUi", "Use a ResLens Lite model file (.onnx)")
