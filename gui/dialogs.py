"""About and model-card dialogs: read-only text built from plain data."""

from __future__ import annotations

import html
import sys
from typing import Any

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from core import __version__
from core.architectures import pretty_arch
from core.sources import weights_label

LICENCE = "MIT"
LICENCE_NOTE = (
    "ResLens is free software under the MIT licence. ImageNet weights are torchvision's "
    "(BSD-3-Clause code; the weights were trained on ImageNet, whose terms restrict them to "
    "non-commercial research and education)."
)


def about_rows(device: str) -> list[tuple[str, str]]:
    import platform

    return [
        ("ResLens", __version__),
        ("Licence", LICENCE),
        ("torch", _installed("torch")),
        ("torchvision", _installed("torchvision")),
        ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
        ("Python", platform.python_version()),
        ("Platform", platform.platform()),
        ("Device in use", device or "not yet known"),
    ]


def about_html(device: str) -> str:
    return (
        "<h2>ResLens</h2><p>A desktop image classifier built on ResNet, with an architecture "
        f"explorer.</p>{_table(about_rows(device))}<p>{html.escape(LICENCE_NOTE)}</p>"
    )


def about_dialog(parent: QWidget, device: str) -> QDialog:
    """About: versions and licence, with a button that copies the versions (for a bug report)."""
    dialog = show_text_dialog(parent, "About ResLens", about_html(device))
    copy = dialog.buttons.addButton("Copy Versions", QDialogButtonBox.ButtonRole.ActionRole)
    text = "\n".join(f"{k}: {v}" for k, v in about_rows(device))
    copy.clicked.connect(lambda: QApplication.clipboard().setText(text))
    dialog.copy_text = text  # type: ignore[attr-defined]
    return dialog


def model_card_html(model: Any) -> str:
    """The model card of the model in use (``core.session.ModelInUse``), for a person to read:
    what it recognises, its input, its accuracy and how that was measured, intended use and
    limits, and how to reproduce it."""
    meta, identity = model.meta, model.identity
    card = meta.card or {}
    shown = meta.categories[:200]
    more = f" … and {meta.num_classes - len(shown)} more" if meta.num_classes > len(shown) else ""
    sections = [
        ("What it recognises", f"{meta.num_classes} classes: " + ", ".join(shown) + more),
        (
            "Input",
            f"RGB images, resized so the shorter side is {meta.resize_size} px ({meta.interpolation}), "
            f"centre-cropped to {meta.crop_size}×{meta.crop_size}, normalised with the ImageNet mean and "
            "standard deviation.",
        ),
        ("Accuracy", _accuracy(card)),
        ("Intended use and limits", _limits(model)),
        ("How to reproduce it", _reproduce(card, identity)),
    ]
    facts = [
        ("Architecture", pretty_arch(meta.arch)),
        ("Weights", f"{weights_label(identity.weights)} ({model.description})"),
        ("Weights hash", identity.weights_hash or "unknown"),
        ("Device", model.device_name or model.device),
    ]
    body = "".join(f"<h3>{html.escape(title)}</h3><p>{html.escape(text)}</p>" for title, text in sections)
    return f"<h2>{html.escape(model.name)}</h2>{_table(facts)}{body}"


def _accuracy(card: dict[str, Any]) -> str:
    heldout = card.get("heldout") or {}
    metrics = card.get("metrics")
    metrics = metrics.get("ImageNet-1K") if isinstance(metrics, dict) else None
    if heldout.get("top1") is not None:
        text = (
            f"{heldout['top1']:.2%} top-1 on {heldout.get('images', '?')} freshly generated images "
            f"(seed {heldout.get('seed', '?')}) never used in training"
        )
        if card.get("val_accuracy") is not None:
            text += f"; {card['val_accuracy']:.2%} on the validation set"
        samples = card.get("samples") or {}
        if samples.get("total"):
            text += f"; {samples['correct']} of {samples['total']} sample photos right"
        return text + "."
    if metrics:
        return (
            f"{metrics.get('acc@1', '?')} % top-1, {metrics.get('acc@5', '?')} % top-5 on the ImageNet-1K "
            "validation set (50,000 images), as torchvision reports it."
        )
    return "Not measured: ResLens knows nothing about how well these weights do."


def _limits(model: Any) -> str:
    weights = model.identity.weights
    if weights == "default":
        return (
            "Made to show how a ResNet classifies: it knows 12 simple symbols (drawn, printed or "
            "photographed) and nothing else. Any other picture still gets one of the 12 names, "
            "often with high confidence. Not for decisions about people or safety."
        )
    if weights.startswith("imagenet"):
        return (
            "General photos of everyday objects and animals (ImageNet's 1,000 classes). It has no "
            "'none of these' answer, reflects the biases of ImageNet's photos and labels, and is "
            "for research and education, not for decisions about people."
        )
    return "Your own weights: their limits are what their training data made them."


def _reproduce(card: dict[str, Any], identity: Any) -> str:
    if card.get("command"):
        steps = [*card.get("data_commands", []), card["command"]]
        fine_tune = card.get("outlier_exposure") or {}
        if fine_tune.get("command"):  # the bundled model's second step ("unknown" training)
            steps.append(fine_tune["command"])
        if card.get("evaluation_command"):
            steps.append(card["evaluation_command"])
        seed = f" (seed {card['seed']})" if "seed" in card else ""
        return f"Run, from the source folder{seed}: " + " ; ".join(steps)
    if card.get("recipe"):
        return f"torchvision's training recipe: {card['recipe']}"
    return f"Keep the weights file; its SHA-256 starts with {identity.weights_hash or '?'}."


def show_text_dialog(parent: QWidget, title: str, body: str) -> QDialog:
    """A non-modal, read-only dialog with ``body`` (HTML); returned so tests can read it."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    browser = QTextBrowser(openExternalLinks=False)
    browser.setHtml(body)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    layout.addWidget(buttons)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.resize(560, 480)
    dialog.browser = browser  # type: ignore[attr-defined]
    dialog.buttons = buttons  # type: ignore[attr-defined]
    dialog.show()
    return dialog


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>" for k, v in rows
    )
    return f"<table>{cells}</table>"


def _installed(distribution: str) -> str:
    """The version in use, or the installed one (importing torch here would take seconds)."""
    from importlib import metadata  # here: it costs start-up time

    module = sys.modules.get(distribution)
    if module is not None:
        return str(getattr(module, "__version__", "?"))
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"
