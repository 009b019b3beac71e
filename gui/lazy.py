"""The first import of torch and the core modules built on it, in worker threads.

Two workers (inference and architecture summary) may reach for torch at the same moment; the
imports themselves are plain, function-local ``import`` statements (so PyInstaller sees them),
made under ``HEAVY_IMPORTS`` so that one thread does the first import of torch and the other waits.

Triton is kept out of the process. torch imports it on the way (``torch._dynamo`` asks whether it
is installed), and ``triton/_C/libtriton.so`` carries its own copy of LLVM whose static
initialisers, when Mesa's ``libLLVM-15.so`` is already loaded (Qt's GLX integration or the GTK
theme load the software GL driver, ``swrast_dri.so``), bind to that other LLVM's objects and free
memory it owns: a segfault in ``free()`` in the inference thread, seconds after start (issue 11,
item 10; gdb: ``llvm::DebugCounter`` in ``_GLOBAL__sub_I_PassBuilder.cpp`` of libtriton.so).
The app runs eager inference only and never compiles kernels, so it does not need Triton.
"""

from __future__ import annotations

import sys
import threading

HEAVY_IMPORTS = threading.Lock()


def keep_triton_out() -> None:
    """Make ``import triton`` fail (ImportError) in this process, unless it is already loaded."""
    sys.modules.setdefault("triton", None)  # type: ignore[arg-type]
