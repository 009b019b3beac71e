"""The training process's side of a run started by the window: no Qt here, only ``core.train``.

Why a process and not a thread: training runs Python between its batched torch calls (importing
torchvision and the modules torch loads lazily, decoding and augmenting pictures, the new head's
many small steps, copying state dicts), and a thread doing that holds the GIL that every repaint
of the window needs too. Measured in one process (``bench/teach_stall.py``): gaps of 100 to
220 ms in the window's event loop, while torchvision was imported, while the head was fitted and
while a batch was augmented, whenever the live plot repainted at the same time. A process of its
own shares no GIL with the window; it runs at a lower priority (:func:`lower_priority`), so on
a two-core machine the window's thread still gets a core when it needs one.

Messages go to the window over a one-way pipe as ``(kind, value)`` pairs: ``("status", Message)``,
``("progress", TrainProgress)`` (at most one per ``THROTTLE_S``, plus every change of stage, every
stage's end and every fine-tuning epoch's validation figures), then exactly one of
``("done", TrainOutcome)`` or ``("failed", Message)`` (core's messages pickle as data; the window
renders them in its language). Two events come the other way: ``stop``
(end after this batch, keep the best model so far) and ``discard`` (keep nothing: the window is
closing).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THROTTLE_S = 0.1
BACKGROUND_NICE = 10  # a background job: the window's thread gets ~90 % of a core it shares with it


class ReportThrottle:
    """Which progress reports the window should see; the rest (dozens a second in the new head's
    full-batch steps, one per batch while fine-tuning) would only queue up plot updates."""

    def __init__(self, interval_s: float = THROTTLE_S) -> None:
        self.interval_s = interval_s
        self._last_sent = 0.0
        self._last_stage = ""

    def __call__(self, p: Any) -> bool:
        """True when ``p`` (a ``core.train.TrainProgress``) should be sent: a new stage, the end
        of a stage, an epoch's validation figures (except the head's), or ``interval_s`` after
        the last one sent."""
        now = time.monotonic()
        epoch_end = p.val_loss is not None or p.val_acc is not None
        stage_end = p.epoch == p.epochs and p.step == p.steps
        if (
            p.stage != self._last_stage
            or stage_end
            or (epoch_end and p.stage != "head")
            or now - self._last_sent >= self.interval_s
        ):
            self._last_sent, self._last_stage = now, p.stage
            return True
        return False


class _Flag:
    """An event read as a bool when ``train_model`` decides whether to keep the model, so that
    closing the window after the run started still discards it."""

    def __init__(self, event: Any) -> None:
        self._event = event

    def __bool__(self) -> bool:
        return self._event.is_set()


def lower_priority(pid: int) -> None:
    """Put process ``pid`` below the caller's priority, called by the window right after it
    started the process: before the process imports anything (its start imports the app's main
    module), and inherited by every thread it starts (torch's too). Windows has no nice values."""
    with contextlib.suppress(AttributeError, OSError):  # no setpriority(), or not permitted
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + BACKGROUND_NICE)


def run_training(
    conn: Any,
    training_set: Any,
    plan: Any,
    out: Path,
    stop: Any,
    discard: Any,
    setup: Callable[[], Any] | None = None,
) -> None:
    """The training process's entry point: train, and tell the window everything over ``conn``.

    ``setup`` runs first, in this process (a test points ImageNet downloads at a local server).
    """
    throttle = ReportThrottle()

    def progress(p: Any) -> None:
        if throttle(p):
            conn.send(("progress", p))

    def train() -> Any:
        if setup is not None:
            setup()
        from core.train import train_model

        return train_model(
            training_set,
            plan,
            out,
            on_progress=progress,
            should_stop=stop.is_set,
            on_status=lambda message: conn.send(("status", message)),  # a Message: data, pickled
            discard_on_stop=_Flag(discard),  # type: ignore[arg-type]
        )

    report_outcome(conn, train)


def report_outcome(conn: Any, work: Callable[[], Any]) -> None:
    """Run ``work`` in the child and end its pipe with exactly one ``("done", result)`` or
    ``("failed", message)``; shared by training and the degradation experiment."""
    try:
        result = work()
    except Exception as exc:  # reported in the window, which then ends this process
        try:
            from core.errors import describe_message

            message: Any = describe_message(exc)  # a Message: the window renders it in its language
        except Exception:  # noqa: BLE001 - even a broken import must reach the window as words
            message = f"{type(exc).__name__}: {exc}"
        conn.send(("failed", message))
    else:
        conn.send(("done", result))
    finally:
        conn.close()
        sys.stdout.flush()


@dataclass
class TrainingRun:
    """A started training process and the window's ends of it: the pipe its messages come over
    (see the module's docstring) and the two events it obeys."""

    process: Any  # multiprocessing.Process
    receive: Any  # multiprocessing.connection.Connection, read-only
    stop: Any  # multiprocessing.Event: end after this batch, keep the best model so far
    discard: Any  # multiprocessing.Event: keep nothing


def start_process(target: Callable[..., Any], args: tuple[Any, ...], name: str) -> tuple[Any, Any]:
    """Start ``target(send, *args)`` in a spawned, lowered, daemon process; returns the process and
    the reading end of its one-way pipe (``send`` is its writing end). Shared by training and the
    degradation experiment (``gui.residual``); events for ``args`` come from :func:`spawn_context`."""
    context = spawn_context()
    receive, send = context.Pipe(duplex=False)
    # A daemon: it never outlives the app.
    process = context.Process(target=target, args=(send, *args), name=name, daemon=True)
    process.start()
    lower_priority(process.pid)
    send.close()  # the process holds the only writing end: its exit ends the reader
    return process, receive


def spawn_context() -> Any:
    """multiprocessing's spawn context: never fork a process that runs Qt."""
    import multiprocessing

    return multiprocessing.get_context("spawn")


def start_training(
    training_set: Any, plan: Any, out: Path, setup: Callable[[], Any] | None = None
) -> TrainingRun:
    """Start :func:`run_training` in a spawned, lowered process (the training window, and the
    self-test that proves a frozen bundle can do it). The caller keeps the returned events alive
    and reads ``receive`` until it closes."""
    context = spawn_context()
    stop, discard = context.Event(), context.Event()
    process, receive = start_process(
        run_training, (training_set, plan, out, stop, discard, setup), "reslens-train"
    )
    return TrainingRun(process, receive, stop, discard)
