"""Qt-style placeholders for translated strings.

PySide6's ``tr()`` returns a Python ``str``, so ``QString.arg`` is not there. Translators see
``%1``, ``%2`` … in Qt Linguist and may reorder them; :func:`arg` fills them in one pass, so a
value that itself contains ``%2`` is never substituted twice. Plurals use Qt's own ``%n``:
``self.tr("%n image(s)", "", n)``.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"%([1-9])")


def arg(template: str, *values: object) -> str:
    """``template`` with ``%1``..``%9`` replaced by ``values`` (``str()`` of each), in one pass.

    A placeholder without a value is left as it is, as ``QString::arg`` does.
    """

    def fill(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return str(values[index]) if index < len(values) else match.group(0)

    return _PLACEHOLDER.sub(fill, template)
