"""Emit many cross-thread signals of every signature ResLens uses; check nothing is over-released.

Why: PySide6 6.12.0 drops one reference too many on each queued cross-thread emission, so a
long run (a folder of a few thousand images) ends in ``Fatal Python error: none_dealloc`` and
SIGABRT (issue 10). This script is the regression check: it runs the app's pattern (a QObject
worker moved to a QThread, emitting to receivers in the GUI thread) ``--count`` times per
signature, then compares reference counts of ``None``/``True``/``False`` and of the objects it
sent with their counts before. Run it in a subprocess: on a broken PySide6 it aborts.

    python tools/qt_signal_probe.py --count 20000        # prints one JSON line; exit 0 when clean

On Python >= 3.12 ``None``, ``True`` and ``False`` are immortal, so their counts cannot drift (and
cannot reach zero); the payload objects' counts still can, and are checked on every version.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections import Counter

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import __version__ as pyside_version  # noqa: E402
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage  # noqa: E402

# Allowed drift of a reference count after all deliveries: the interpreter's own caches move by a
# handful; an over-release moves by one per emission (thousands).
TOLERANCE = 64


class Payload:
    """Stands for the app's dataclasses (ClassificationResult, JobDone, ModelInfo)."""

    def __init__(self) -> None:
        self.error = None
        self.ok = True
        self.cancelled = False


class Emitter(QObject):
    """The worker side: one signal per signature the app's workers use."""

    no_args = Signal()
    one_object = Signal(object)
    one_str = Signal(str)
    two_ints = Signal(int, int)
    two_strs = Signal(str, str)
    str_image = Signal(str, QImage)
    two_objects = Signal(object, object)
    object_str = Signal(object, str)

    def __init__(self, count: int, payload: Payload, image: QImage) -> None:
        super().__init__()
        self.count = count
        self.payload = payload
        self.image = image

    @Slot()
    def run(self) -> None:
        payload, image = self.payload, self.image
        for i in range(self.count):
            self.no_args.emit()
            self.one_object.emit(payload)
            self.one_str.emit("photo.jpg")
            self.two_ints.emit(i, self.count)
            self.two_strs.emit("photo.jpg", "not an image")
            self.str_image.emit("photo.jpg", image)
            self.two_objects.emit(payload, None)
            self.object_str.emit(payload, "failed")


class Receiver(QObject):
    """The GUI side: decorated slots on a QObject, as the window and engine connect them."""

    def __init__(self, tally: Counter) -> None:
        super().__init__()
        self.tally = tally

    @Slot(object)
    def on_object(self, _value: object) -> None:
        self.tally["object-slot"] += 1

    @Slot(str, QImage)
    def on_image(self, _name: str, _image: QImage) -> None:
        self.tally["str,QImage-slot"] += 1


def refcounts(payload: Payload) -> dict[str, int]:
    gc.collect()
    return {
        "None": sys.getrefcount(None),
        "True": sys.getrefcount(True),
        "False": sys.getrefcount(False),
        "payload": sys.getrefcount(payload),
    }


def probe(count: int) -> dict[str, object]:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    tally: Counter = Counter()
    payload = Payload()
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(0xFF336699)

    emitter = Emitter(count, payload, image)
    receiver = Receiver(tally)
    # Plain callables (lambdas and functions) as well as decorated slots: the app uses both.
    emitter.no_args.connect(lambda: tally.update(["()"]))
    emitter.one_object.connect(lambda _v: tally.update(["object"]))
    emitter.one_object.connect(receiver.on_object)
    emitter.one_str.connect(lambda _s: tally.update(["str"]))
    emitter.two_ints.connect(lambda _a, _b: tally.update(["int,int"]))
    emitter.two_strs.connect(lambda _a, _b: tally.update(["str,str"]))
    emitter.str_image.connect(lambda _s, _i: tally.update(["str,QImage"]))
    emitter.str_image.connect(receiver.on_image)
    emitter.two_objects.connect(lambda _a, _b: tally.update(["object,object"]))
    emitter.object_str.connect(lambda _a, _b: tally.update(["object,str"]))

    # The same emission within one thread (a direct call): 6.12.0 over-releases there too, so
    # the fault is in emit() itself, not in queued delivery.
    local = Emitter(count, payload, image)
    local.one_object.connect(lambda _v: tally.update(["object (same thread)"]))

    thread = QThread()
    emitter.moveToThread(thread)
    expected = 11 * count  # nine connections across threads and two receivers, one local

    def check_done() -> None:
        if sum(tally.values()) >= expected:
            app.quit()

    poll = QTimer(interval=20, timeout=check_done)
    QTimer.singleShot(120_000, app.quit)  # a stuck delivery ends the probe instead of hanging
    before = refcounts(payload)
    for _ in range(count):
        local.one_object.emit(payload)
    thread.started.connect(emitter.run)
    thread.start()
    poll.start()
    app.exec()
    poll.stop()
    thread.quit()
    thread.wait()
    after = refcounts(payload)
    drift = {name: after[name] - before[name] for name in before}
    delivered = dict(sorted(tally.items()))
    ok = all(n == count for n in delivered.values()) and len(delivered) == 11
    ok = ok and all(abs(d) <= TOLERANCE for d in drift.values())
    return {
        "pyside6": pyside_version,
        "python": sys.version.split()[0],
        "count": count,
        "delivered": delivered,
        "refcount_before": before,
        "refcount_drift": drift,
        "ok": ok,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="emissions per signature")
    report = probe(parser.parse_args().count)
    print(json.dumps(report), flush=True)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
