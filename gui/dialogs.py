"""About and model-card dialogs: read-only text built from plain data."""

from __future__ import annotations

import html
import sys
from typing import Any

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from core import __version__
from gui.choices import arch_label, weights_label


def about_html(device: str) -> str:
    import platform

    rows = [
        ("ResLens", __version__),
        ("torch", _installed("torch")),
        ("torchvision", _installed("torchvision")),
        ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
        ("Python", platform.python_version()),
        ("Device in use", device or "not yet known"),
    ]
    return (
        "<h2>ResLens</h2><p>A desktop image classifier built on ResNet, with an architecture "
        "explorer.</p>" + _table(rows)
    )


def model_card_html(meta: Any, source: str, description: str) -> str:
    """The loaded weights' card: what the model knows (its classes) and how it was made."""
    rows = [
        ("Architecture", arch_label(meta.arch)),
        ("Weights", f"{weights_label(source)} — {description}" if description else weights_label(source)),
        ("Classes", str(meta.num_classes)),
        ("Input", f"resize to {meta.resize_size} px, centre crop {meta.crop_size} px ({meta.interpolation})"),
        ("Normalisation", f"mean {_floats(meta.mean)}, std {_floats(meta.std)}"),
    ]
    rows += [(str(k).replace("_", " ").capitalize(), _value(v)) for k, v in meta.card.items()]
    shown = meta.categories[:200]
    more = f" … and {meta.num_classes - len(shown)} more" if meta.num_classes > len(shown) else ""
    classes = html.escape(", ".join(shown)) + html.escape(more)
    title = html.escape(meta.name or f"{arch_label(meta.arch)} ({weights_label(source)})")
    return f"<h2>{title}</h2>{_table(rows)}<h3>Classes it knows</h3><p>{classes}</p>"


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
    dialog.show()
    return dialog


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>" for k, v in rows
    )
    return f"<table>{cells}</table>"


def _floats(values: Any) -> str:
    return "(" + ", ".join(f"{v:.3f}" for v in values) + ")"


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


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
