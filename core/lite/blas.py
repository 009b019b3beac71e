"""Run numpy's small matrix products on one thread while the quick head is fitted.

The quick head's products are small (hundreds of rows by about a thousand features by ten
classes). OpenBLAS, which numpy's wheels bundle, splits even those across threads that spin while
they wait; on a laptop where other programs hold the cores (measured here: 2 cores, load 17) one
fit took 52-160 s instead of 1.7-2.3 s on one thread. ``threadpoolctl`` does this switch, but it is
one more package for ~30 lines: this module finds the OpenBLAS that numpy loaded (``numpy.libs``
on Linux and Windows, ``numpy/.dylibs`` on macOS) and calls its own ``set_num_threads``. Where
there is none (another BLAS), it does nothing.
"""

from __future__ import annotations

import ctypes
import glob
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import numpy as np

PREFIXES = ("scipy_openblas64_", "scipy_openblas_", "openblas64_", "openblas_", "")


@cache
def _openblas() -> tuple[Any, Any] | None:
    """``(get_num_threads, set_num_threads)`` of numpy's bundled OpenBLAS, or ``None``."""
    root = os.path.dirname(np.__file__)
    patterns = (
        os.path.join(root, "..", "numpy.libs", "*openblas*"),
        os.path.join(root, ".dylibs", "*openblas*"),
    )
    for path in sorted(p for pattern in patterns for p in glob.glob(pattern)):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in PREFIXES:
            for suffix in ("", "64_"):
                get = getattr(library, f"{prefix}get_num_threads{suffix}", None)
                put = getattr(library, f"{prefix}set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    get.restype = ctypes.c_int
                    put.argtypes = [ctypes.c_int]
                    return get, put
    return None


@contextmanager
def one_thread() -> Iterator[None]:
    """numpy's BLAS on one thread inside the block, as it was afterwards (a no-op without
    a known OpenBLAS)."""
    found = _openblas()
    if found is None:
        yield
        return
    get, put = found
    before = int(get())
    put(1)
    try:
        yield
    finally:
        put(before)
