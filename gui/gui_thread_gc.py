"""Python's cyclic garbage collection in the GUI thread only, on a timer.

The collector runs in whichever thread allocates when a generation's threshold is crossed: the
inference worker, a thumbnail pool thread, Auto's measuring thread, a pipe reader. A cycle it
frees there may hold the last reference to a Qt object that lives in the GUI thread, and that
object's C++ destructor then runs in the wrong thread: it takes Qt's locks while holding the GIL,
and the GUI thread, holding those locks on its way into a Python slot, waits for the GIL. The
process hangs, or crashes. The known remedy is pyqtgraph's ``GarbageCollector`` (after Erik
Janssens): automatic collection off, and the GUI thread collects on a timer, the generations whose
counts have passed Python's own thresholds. It is written again here, in a few lines, because
importing pyqtgraph costs 0.7 s (measured: ``python -X importtime``) and the window opens in 0.5 s;
pyqtgraph loads later, with the teaching window.

Once a model is ready, :func:`settle` (GUI thread) collects everything and freezes what lives:
torch's modules and a model are a million long-lived objects that each full collection would walk
again, 50-200 ms with the GIL held, so a run's frames stalled. Freezing there, rather than in the
worker, also frees the model that was replaced: a frozen cycle is never collected, and freezing
in the worker kept every replaced model (measured: 270 MB more per switch between two models).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000
"""How often the GUI thread looks at the counts; each look collects one generation at most, so
young cycles live up to a second longer than they would, and the oldest generation (11 middle
collections, each after 11 young ones) waits about two minutes of looks. That is why a replaced
model is not left to it: :func:`settle` frees it at once. Nothing is collected outside this
thread."""


class GuiThreadCollector(QObject):
    """Turns automatic collection off while it lives; collects in its own (the GUI) thread.

    Create it in the GUI thread (with the application as parent); :meth:`stop` gives automatic
    collection back.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    def collect(self) -> int:
        """Collect the oldest generation whose count has passed its threshold (and the younger
        ones with it), as Python would have; returns how many objects were unreachable."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if all(counts[g] > self.thresholds[g] for g in range(generation + 1)):
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


def settle() -> int:
    """Collect everything and freeze what is left; the GUI thread calls it once a model is ready.

    What an earlier call froze comes back first, so the model just replaced (its cycles: hooks,
    closures, a classifier and its backend) is freed now. Costs one full collection, about the
    time a model switch's last step takes anyway. Returns how many objects were unreachable."""
    gc.unfreeze()
    unreachable = gc.collect()
    gc.freeze()
    return unreachable
