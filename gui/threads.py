"""The Qt-sanctioned worker pattern: a QObject moved to a QThread, stopped with quit() + wait()."""

from __future__ import annotations

import os
import sys
import threading

from PySide6.QtCore import QObject, QThread

BACKGROUND_NICE = 5


def move_to_thread(worker: QObject, name: str, parent: QObject | None = None) -> QThread:
    """Move ``worker`` to a new thread (not started); it is deleted when the thread's loop ends.

    Requests reach the worker as queued signals, so they run one after another in its thread;
    those sent before ``start()`` wait for it.
    """
    thread = QThread(parent)
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.finished.connect(worker.deleteLater)
    return thread


def start_in_thread(worker: QObject, name: str, parent: QObject | None = None) -> QThread:
    """``move_to_thread`` and start the thread's event loop."""
    thread = move_to_thread(worker, name, parent)
    thread.start()
    return thread


def stop_thread(thread: QThread) -> None:
    """End the thread's event loop after the request it is running, and wait for it."""
    if thread.isRunning():
        thread.quit()
        thread.wait()


def yield_to_gui() -> None:
    """Lower the calling (worker) thread's priority below the GUI thread's, once.

    For the inference thread, which spends its time in torch's C++ with the GIL released: on
    2 cores it and the threads it starts (torch's intra-op pool, core's decoding pool inherit
    the priority on Linux; elsewhere ``QThread.start``'s priority does the job) would otherwise
    delay the GUI thread's wake-ups by tens of milliseconds. Not for threads that mostly run
    Python (thumbnails, summary hooks): preempted while holding the GIL, they would make the
    GUI thread wait for it (measured: worse stalls).
    """
    if sys.platform.startswith("linux") and not getattr(_local, "lowered", False):
        _local.lowered = True
        try:
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + BACKGROUND_NICE)
        except OSError:  # not permitted: keep the default priority
            pass


_local = threading.local()
