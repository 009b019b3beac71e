"""The Qt-sanctioned worker pattern: a QObject moved to a QThread, stopped with quit() + wait()."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread


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
