"""The degradation experiment's process: no Qt here, only ``core.degradation``.

Started by the Why Residual? window through :func:`gui.teach.train_process.start_process`, the
same spawned, lowered process training uses, for the same reason: training nets runs Python
between torch calls and would hold the GIL the window's repaints need. Messages go to the window
over the pipe as ``(kind, value)`` pairs: ``("progress", StepReport)`` (each training step, every
few images while they are drawn), then exactly one of ``("done", ExperimentResult)`` or
``("failed", message)`` (a :class:`core.messages.Message`), as training's process sends them.
The ``stop`` event ends the run before the next net's step.
"""

from __future__ import annotations

import os
from typing import Any

from gui.teach.train_process import report_outcome


def run_degradation(conn: Any, config: Any, stop: Any) -> None:
    """The process's entry point: run ``config`` (a ``core.degradation.ExperimentConfig``)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads: see core.cli_train

    def run() -> Any:
        from core.degradation.runner import run_experiment

        return run_experiment(config, lambda report: conn.send(("progress", report)), stop.is_set)

    report_outcome(conn, run)
