"""Core's messages rendered in the window's language.

Core hands the window a :class:`core.messages.Message` (a code and parameters); this is the one
place that turns it into text: Qt's translation of the kind's template (with the plural form for
the count), then the arguments, nested messages first. The window never parses what it renders.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from core.errors import describe_message
from core.messages import CONTEXT, Message, as_message, render


def _translated_template(message: Message) -> str:
    n = -1 if message.n is None else message.n
    # Qt fills %n itself when n >= 0; render() fills it again harmlessly (no %n is left).
    return QCoreApplication.translate(CONTEXT, message.template, None, n)


def text(message: Message | str) -> str:
    """``message`` in the window's language (a plain string passes through unchanged)."""
    return render(as_message(message), _translated_template)


def error_text(exc: BaseException) -> str:
    """What the window says about ``exc``: ours in the window's language, anything else as is."""
    return text(describe_message(exc))


def backend_text(name: str) -> str:
    """A backend as the window names it: product names as they are ("ONNX Runtime int8"),
    "Auto" in the window's language."""
    from core.backends import AUTO_BACKEND, backend_label

    if name == AUTO_BACKEND:
        return QCoreApplication.translate("Backends", "Auto")
    return backend_label(name)
