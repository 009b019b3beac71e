"""The degradation experiment's process: no Qt here, only ``core.degradation``.

Started by the Why Residual? window through :func:`gui.teach.train_process.start_process`, the
same spawned, lowered process training uses, for the same reason: training nets runs Python
between torch calls and would hold the GIL the window's repaints need. Messages go to the window
over the pipe as ``(kind, value)`` pairs: ``("progress", StepReport)`` (each training step, every
few images while they are drawn), then exactly one of ``("done", ExperimentResult)`` or
``("failed", message)``. The ``stop`` event ends the run before the next net's step.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def run_degradation(conn: Any, config: Any, stop: Any) -> None:
    """The process's entry point: run ``config`` (a ``core.degradation.ExperimentConfig``)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads: see core.cli_train
    try:
        from core.degradation.runner import run_experiment

        result = run_experiment(config, lambda report: conn.send(("progress", report)), stop.is_set)
    except Exception as exc:  # reported in the window
        try:
            from core.errors import describe

            message = describe(exc)
        except Exception:  # noqa: BLE001 - even a broken import must reach the window as words
            message = f"{type(exc).__name__}: {exc}"
        conn.send(("failed", message))
    else:
        conn.send(("done", result))
    finally:
        conn.close()
        sys.stdout.flush()
