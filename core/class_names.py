"""The names a model's classes get when nothing names them: "class 0", "class 1", …

One owner for that spelling: the weights reader makes such names, and the window asks whether a
model's classes are only numbered (to offer Load Labels) without matching text itself.
"""

from __future__ import annotations

from collections.abc import Sequence

PREFIX = "class "


def numbered(count: int) -> tuple[str, ...]:
    """Placeholder names for ``count`` unnamed classes, in output order."""
    return tuple(f"{PREFIX}{index}" for index in range(count))


def are_numbered(categories: Sequence[str]) -> bool:
    """True when every name is the placeholder of its own index (the weights carried no names)."""
    return bool(categories) and tuple(categories) == numbered(len(categories))
