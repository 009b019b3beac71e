"""Heavy imports (torch and the core modules built on it), done in worker threads only.

Two workers (inference and architecture summary) may reach for torch at the same moment; one
lock makes the first import happen once, in one thread, so neither sees a half-initialised module.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

_IMPORT_LOCK = threading.Lock()


def import_heavy(name: str) -> ModuleType:
    """``importlib.import_module(name)``, serialised across threads."""
    with _IMPORT_LOCK:
        return importlib.import_module(name)
