"""About and model-card dialogs: read-only text built from plain data.

Headings, field names and the sentences made here are translated (context ``Dialogs``); the
card's free-form values (commands, hashes, platform strings) are shown as they are written.
"""

from __future__ import annotations

import html
import sys
from typing import Any

import PySide6
from PySide6.QtCore import QCoreApplication, QObject, Qt, qVersion
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from core import __version__
from core.architectures import pretty_arch
from core.sources import weights_label
from gui.i18n import arg
from gui.labels import display_categories
from gui.messages import text

LICENCE = "MIT"
translate = QCoreApplication.translate


class Dialogs(QObject):
    """The translation context of this module, for its plurals: lupdate reads a plural only from
    a ``tr()`` call (``Dialogs.tr``); the other strings use ``translate("Dialogs", …)``."""


def licence_note() -> str:
    return translate(
        "Dialogs",
        "ResLens is free software under the MIT licence. ImageNet weights are torchvision's "
        "(BSD-3-Clause code; the weights were trained on ImageNet, whose terms restrict them to "
        "non-commercial research and education).",
    )


def about_rows(device: str) -> list[tuple[str, str]]:
    import platform

    from core.edition import has_torch

    lite = not has_torch()  # ResLens Lite: torch may be installed but is not used
    engines = [("onnxruntime", _installed("onnxruntime"))]
    if not lite:
        engines = [("torch", _installed("torch")), ("torchvision", _installed("torchvision")), *engines]
    edition = (
        translate("Dialogs", "Lite (ONNX Runtime, without PyTorch)")
        if lite
        else translate("Dialogs", "full (with PyTorch)")
    )
    return [
        ("ResLens", __version__),
        (translate("Dialogs", "Edition"), edition),
        (translate("Dialogs", "Licence"), LICENCE),
        *engines,
        ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
        ("Python", platform.python_version()),
        (translate("Dialogs", "Platform"), platform.platform()),
        (translate("Dialogs", "Device in use"), device or translate("Dialogs", "not yet known")),
    ]


def about_html(device: str) -> str:
    about = translate("Dialogs", "A desktop image classifier built on ResNet, with an architecture explorer.")
    return (
        f"<h2>ResLens</h2><p>{html.escape(about)}</p>{_table(about_rows(device))}"
        f"<p>{html.escape(licence_note())}</p>"
    )


def about_dialog(parent: QWidget, device: str) -> QDialog:
    """About: versions and licence, with a button that copies the versions (for a bug report)."""
    dialog = show_text_dialog(parent, translate("Dialogs", "About ResLens"), about_html(device))
    copy = dialog.buttons.addButton(
        translate("Dialogs", "Copy Versions"), QDialogButtonBox.ButtonRole.ActionRole
    )
    versions = "\n".join(f"{k}: {v}" for k, v in about_rows(device))
    copy.clicked.connect(lambda: QApplication.clipboard().setText(versions))
    dialog.copy_text = versions  # type: ignore[attr-defined]
    return dialog


def model_card_html(model: Any, threshold: float | None = None) -> str:
    """The model card of the model in use (``core.session.ModelInUse``), for a person to read:
    what it recognises, its input, its accuracy and how that was measured, intended use and
    limits (with ``threshold``, the unknown threshold in use, ``None`` when off), and how to
    reproduce it."""
    meta, identity = model.meta, model.identity
    card = meta.card or {}
    names = display_categories(model)
    shown = names[:200]
    listed = translate("Dialogs", ", ").join(shown)
    if meta.num_classes > len(shown):
        listed = arg(translate("Dialogs", "%1 … and %2 more"), listed, meta.num_classes - len(shown))
    sections = [
        (
            translate("Dialogs", "What it recognises"),
            arg(Dialogs.tr("%n class(es): %1", "", meta.num_classes), listed),
        ),
        (
            translate("Dialogs", "Input"),
            arg(
                translate(
                    "Dialogs",
                    "RGB images, resized so the shorter side is %1 px (%2), centre-cropped to %3×%3, "
                    "normalised with the ImageNet mean and standard deviation.",
                ),
                meta.resize_size,
                meta.interpolation,
                meta.crop_size,
            ),
        ),
        (translate("Dialogs", "Accuracy"), _accuracy(card)),
        (translate("Dialogs", "Intended use and limits"), _limits(model, threshold)),
        (translate("Dialogs", "How to reproduce it"), _reproduce(card, identity)),
    ]
    facts = [
        (translate("Dialogs", "Architecture"), pretty_arch(meta.arch)),
        (translate("Dialogs", "Weights"), f"{text(weights_label(identity.weights))} ({model.description})"),
        (translate("Dialogs", "Weights hash"), identity.weights_hash or translate("Dialogs", "unknown")),
        (translate("Dialogs", "Device"), text(model.device_name or model.device)),
        (
            translate("Dialogs", "Unknown threshold"),
            f"{threshold:.2f}" if threshold is not None else translate("Dialogs", "Off"),
        ),
    ]
    body = "".join(f"<h3>{html.escape(title)}</h3><p>{html.escape(para)}</p>" for title, para in sections)
    return f"<h2>{html.escape(text(model.identity.title))}</h2>{_table(facts)}{body}"


def _accuracy(card: dict[str, Any]) -> str:
    heldout = card.get("heldout") or {}
    metrics = card.get("metrics")
    metrics = metrics.get("ImageNet-1K") if isinstance(metrics, dict) else None
    if heldout.get("top1") is not None:
        parts = [
            arg(
                translate(
                    "Dialogs", "%1 top-1 on %2 freshly generated images (seed %3) never used in training"
                ),
                f"{heldout['top1']:.2%}",
                heldout.get("images", "?"),
                heldout.get("seed", "?"),
            )
        ]
        if card.get("val_accuracy") is not None:
            parts.append(arg(translate("Dialogs", "%1 on the validation set"), f"{card['val_accuracy']:.2%}"))
        samples = card.get("samples") or {}
        drawn = card.get("samples_drawn") or {}
        if samples.get("total") and drawn.get("total"):  # both kinds ship: say both, and the sum
            parts.append(
                arg(
                    translate(
                        "Dialogs", "%1 of the %2 sample images right (%3 of %4 photos, %5 of %6 drawings)"
                    ),
                    samples["correct"] + drawn["correct"],
                    samples["total"] + drawn["total"],
                    samples["correct"],
                    samples["total"],
                    drawn["correct"],
                    drawn["total"],
                )
            )
        elif samples.get("total"):
            parts.append(
                arg(
                    translate("Dialogs", "%1 of %2 sample photos right"), samples["correct"], samples["total"]
                )
            )
        return arg(translate("Dialogs", "%1."), translate("Dialogs", "; ").join(parts))
    if metrics:
        return arg(
            translate(
                "Dialogs",
                "%1 % top-1, %2 % top-5 on the ImageNet-1K validation set (50,000 images), "
                "as torchvision reports it.",
            ),
            metrics.get("acc@1", "?"),
            metrics.get("acc@5", "?"),
        )
    return translate("Dialogs", "Not measured: ResLens knows nothing about how well these weights do.")


def _limits(model: Any, threshold: float | None) -> str:
    weights = model.identity.weights
    if weights == "default":
        if threshold is None:  # the user turned "unknown" off: every picture gets a name
            return translate(
                "Dialogs",
                "Made to show how a ResNet classifies: it knows 12 simple symbols (drawn, printed or "
                "photographed) and nothing else. With the unknown threshold off, any other picture "
                "still gets one of the 12 names, often with high confidence. Not for decisions about "
                "people or safety.",
            )
        return arg(
            translate(
                "Dialogs",
                "Made to show how a ResNet classifies: it knows 12 simple symbols (drawn, printed or "
                "photographed) and nothing else. A picture whose top probability is below %1 is shown "
                "as unknown (none of the 12 classes); most other pictures are, but some still get one "
                "of the 12 names, sometimes with high confidence. Not for decisions about people or "
                "safety.",
            ),
            f"{threshold:.2f}",
        )
    if weights.startswith("imagenet"):
        return translate(
            "Dialogs",
            "General photos of everyday objects and animals (ImageNet's 1,000 classes). It has no "
            "'none of these' answer, reflects the biases of ImageNet's photos and labels, and is "
            "for research and education, not for decisions about people.",
        )
    return translate("Dialogs", "Your own weights: their limits are what their training data made them.")


def _reproduce(card: dict[str, Any], identity: Any) -> str:
    if card.get("command"):
        steps = [*card.get("data_commands", []), card["command"]]
        fine_tune = card.get("outlier_exposure") or {}
        if fine_tune.get("command"):  # the bundled model's second step ("unknown" training)
            steps.append(fine_tune["command"])
        if card.get("evaluation_command"):
            steps.append(card["evaluation_command"])
        commands = " ; ".join(steps)
        if "seed" in card:
            return arg(
                translate("Dialogs", "Run, from the source folder (seed %1): %2"), card["seed"], commands
            )
        return arg(translate("Dialogs", "Run, from the source folder: %1"), commands)
    if card.get("recipe"):
        return arg(translate("Dialogs", "torchvision's training recipe: %1"), card["recipe"])
    return arg(
        translate("Dialogs", "Keep the weights file; its SHA-256 starts with %1."),
        identity.weights_hash or "?",
    )


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
        return translate("Dialogs", "not installed")
