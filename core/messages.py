"""Messages as data: what core says to a person is a code with parameters, never a sentence.

Core builds a :class:`Message` (a kind's code, its arguments, and a count for plurals); the edges
render it: the CLI in English with :func:`english`, the window through Qt's translation
(``gui.messages.text``) so that a Chinese window reads Chinese. No caller parses rendered text.

Each kind is defined once, next to the code that says it::

    NOT_DOWNLOADED = kind("session.not-downloaded", QT_TRANSLATE_NOOP("Messages", "%1 is not downloaded"))
    IMAGES = kind("count.images", translate("Messages", "%n image(s)", None, 0))

    raise WeightsError(NOT_DOWNLOADED(source_label))

The English template is the one fact: it is the CLI's text, the key of Qt's translation, and what
Qt Linguist shows a translator. ``pyside6-lupdate`` reads the two marker functions below from the
source text (``tools/update_translations.py`` scans core/ as well as gui/): the three-argument
``QT_TRANSLATE_NOOP`` for plain texts, and the four-argument ``translate`` for plural texts
(lupdate marks those "numerus"). Placeholders are Qt's: ``%1``..``%9`` for arguments and ``%n``
for the count. An argument may itself be a :class:`Message` (a localised word inside a sentence);
it is rendered first, in the same language.

This module imports neither Qt nor torch: the torch-free edition and the CLI use it as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

CONTEXT = "Messages"  # the one Qt translation context of core's messages
_PLACEHOLDER = re.compile(r"%([1-9n])")
OPTIONAL_PLURAL = re.compile(r"(\w)\((e?s)\)")  # image(s), class(es): the English plural spelling


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Mark ``text`` for Qt Linguist; returns it unchanged (nothing Qt is imported)."""
    return text


def translate(context: str, text: str, disambiguation: str | None = None, n: int = 0) -> str:
    """Mark a plural ``text`` (with ``%n``) for Qt Linguist; returns it unchanged.

    lupdate takes a four-argument ``translate(context, text, comment, n)`` as a numerus message,
    which gives English its singular and plural and Chinese its one form.
    """
    return text


@dataclass(frozen=True)
class Message:
    """One thing to tell a person: a kind's code, its arguments (str, numbers or nested messages)
    and, for a plural kind, the count."""

    code: str
    args: tuple[Any, ...] = ()
    n: int | None = None

    @property
    def template(self) -> str:
        return KINDS[self.code].template

    def __str__(self) -> str:
        return english(self)


@dataclass(frozen=True)
class Kind:
    """A message kind: calling it with the arguments (and ``n=`` for a plural) makes a message."""

    code: str
    template: str
    plural: bool

    def __call__(self, *args: Any, n: int | None = None) -> Message:
        if self.plural != (n is not None):
            raise TypeError(f"{self.code}: {'a count (n=) is required' if self.plural else 'no count'}")
        return Message(self.code, tuple(args), n)


KINDS: dict[str, Kind] = {}


def kind(code: str, template: str) -> Kind:
    """Define a message kind once; a template with ``%n`` is plural. Defining a code again with
    another template is a bug (two owners of one message)."""
    new = Kind(code, template, "%n" in template)
    old = KINDS.setdefault(code, new)
    if old != new:
        raise ValueError(f"message {code!r} is defined twice with different texts")
    return old


# A sentence core could not say as data (an exception from a library): shown as it is.
TEXT = kind("text", QT_TRANSLATE_NOOP("Messages", "%1"))
# Two messages in a row (a notice and a reason): each rendered in the reader's language.
JOINED = kind("joined", QT_TRANSLATE_NOOP("Messages", "%1 %2"))
# "what: why", where both halves are messages or names.
BECAUSE = kind("because", QT_TRANSLATE_NOOP("Messages", "%1: %2"))


def plain(text: str) -> Message:
    """Text that has no translation (a library's own error): carried as it is."""
    return TEXT(text)


def as_message(value: Message | str) -> Message:
    return value if isinstance(value, Message) else plain(value)


def english_plural(template: str, n: int) -> str:
    """``%n image(s)`` read in English for ``n``: ``1 image``, ``2 images`` (also ``class(es)``)."""
    return OPTIONAL_PLURAL.sub(lambda m: m.group(1) + ("" if n == 1 else m.group(2)), template)


def fill(template: str, args: Sequence[str], n: int | None) -> str:
    """Replace ``%1``..``%9`` with ``args`` and ``%n`` with ``n`` in one pass (a value that holds
    ``%2`` is never substituted again); a placeholder without a value stays, as in Qt."""

    def one(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "n":
            return str(n) if n is not None else match.group(0)
        index = int(key) - 1
        return args[index] if index < len(args) else match.group(0)

    return _PLACEHOLDER.sub(one, template)


def render(message: Message, template_for: Callable[[Message], str]) -> str:
    """``message`` as text, its template chosen by ``template_for`` (English, or Qt's translation
    with the plural form for ``message.n``); nested messages are rendered the same way."""
    args = [render(a, template_for) if isinstance(a, Message) else _text(a) for a in message.args]
    return fill(template_for(message), args, message.n)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _english_template(message: Message) -> str:
    template = message.template
    return english_plural(template, message.n) if message.n is not None else template


def english(message: Message | str) -> str:
    """The CLI's (and the logs') one English rendering of a message."""
    return render(as_message(message), _english_template)
