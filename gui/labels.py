"""Class names as a person reads them: the model's own second label set in the interface language.

A model's canonical names (``meta.categories``) are what results, exports, filters typed in
English and the CLI use; a model that ships a set for the interface language
(``meta.localized_categories``, the bundled model has ``zh_CN``) is shown with those names
instead. Results carry the tag of the model that made them, so each row is named by the set of
its own model, also after another model was chosen. A label file (Model ▸ Load Labels) renames
the classes: its names are shown as they are.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from gui.language import current_language
from gui.messages import text

_names: dict[str, dict[str, str]] = {}  # model tag -> canonical name -> shown name
_models: dict[str, str] = {}  # model tag -> the tag as the interface reads it ("ResNet-18 · 内置 · …")


def register(model: Any) -> None:
    """Remember how ``model`` (``core.session.ModelInUse``) names its classes in the interface
    language; its results are shown with those names."""
    identity = model.identity
    _names[identity.tag] = dict(zip(model.meta.categories, display_categories(model), strict=True))
    title = text(identity.title)
    _models[identity.tag] = f"{title} · {identity.weights_hash}" if identity.weights_hash else title


def display_categories(model: Any) -> tuple[str, ...]:
    """``model``'s class names in the interface language, in the model's order."""
    # A label file's names replace the second label sets too (core.weights drops them).
    return model.meta.categories_in(current_language())


def shown_label(label: str, model_tag: str) -> str:
    """How a prediction's ``label`` made by the model ``model_tag`` reads in the interface."""
    return _names.get(model_tag, {}).get(label, label)


def shown_model(model_tag: str) -> str:
    """How the model that made a result (its English tag, as results and exports carry it) reads
    in the interface: "ResNet-18 · 内置 · e12e3494" in Chinese."""
    return _models.get(model_tag, model_tag)


def unknown_label(num_classes: int) -> str:
    """The interface's "unknown (none of the N classes)" (the CLI and exports keep core's English)."""
    return Labels.tr("unknown (none of the %n classes)", "", num_classes)


class Labels(QObject):
    """The translation context of this module: lupdate reads a plural only from a ``tr()`` call."""
