"""One lock for the first import of torch and the core modules built on it, in worker threads.

Two workers (inference and architecture summary) may reach for torch at the same moment; the
imports themselves are plain, function-local ``import`` statements (so PyInstaller sees them),
made under this lock so that one thread does the first import of torch and the other waits.
"""

from __future__ import annotations

import threading

HEAVY_IMPORTS = threading.Lock()
