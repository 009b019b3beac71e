"""Backend Auto in ResLens Lite: ONNX Runtime fp32 or the bundled int8 file, whichever is faster here.

Issue 27: in Lite the candidates are the two ONNX ones. The bundled model ships as an fp32 file
and, when it was built, an int8 one (:func:`core.lite.paths.bundled_int8_path`). Which is faster
depends on the CPU (with AVX-512 VNNI int8 was 5.2x fp32 on one machine, without it 2.5x on
another), so Lite measures once, as the full edition does: :func:`core.auto_backend.measure`
over the same rendered shapes (:mod:`core.shapes` is torch-free), ONNX Runtime fp32 the
reference, :func:`core.auto_backend.choose` for the fastest that agrees on at least 99 %, and the
decision cached under :func:`core.auto_backend.decision_key`, so a cached choice looks the same in
both editions. The int8 file's record carries the agreement its writer checked; a file that
records less than :data:`core.auto_backend.MIN_AGREEMENT` loses without being measured.

No torch: the CPU's capabilities (part of the key) come from ``/proc/cpuinfo``'s flags, where
the full edition asks torch; ``RESLENS_HIDE_CPU_CAPS`` hides them here too.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core import auto_backend as auto
from core.lite.paths import bundled_int8_path
from core.messages import QT_TRANSLATE_NOOP, kind

if TYPE_CHECKING:
    from core.lite.runtime import LiteModel

FP32, INT8 = "onnx", "onnx-int8"  # the trials' names: the results' backends
FP32_LABEL = "ONNX Runtime fp32"  # core.backends.BACKEND_LABELS["onnx"]: what runs until a choice
AUTO_ONNX_UNTIL_MEASURED = kind(
    "backend.auto-onnx-until-measured",
    QT_TRANSLATE_NOOP("Messages", "Auto: ONNX Runtime fp32 until the fastest backend here is measured"),
)
CPUINFO = Path("/proc/cpuinfo")
CPU_FLAGS = {
    "avx2": "avx2",
    "avx512f": "avx512",
    "avx512_vnni": "vnni",
    "avx_vnni": "vnni",
    "avx512_bf16": "bf16",
    "amx_tile": "amx",
}
"""``/proc/cpuinfo`` flags, named as :func:`core.auto_backend.cpu_capabilities` names torch's probes."""


def cpu_capabilities(cpuinfo: Path = CPUINFO, hidden: str | None = None) -> frozenset[str]:
    """The CPU's vector capabilities from ``cpuinfo``'s flags (none where it cannot be read), less
    those named in ``hidden`` or ``$RESLENS_HIDE_CPU_CAPS``."""
    try:
        lines = cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    flags = next((line.partition(":")[2].split() for line in lines if line.startswith("flags")), [])
    caps = {CPU_FLAGS[flag] for flag in flags if flag in CPU_FLAGS}
    names = os.environ.get(auto.HIDE_ENV, "") if hidden is None else hidden
    return frozenset(caps - {name.strip().lower() for name in names.split(",") if name.strip()})


def int8_sibling(backend: str) -> Path | None:
    """The bundled int8 file Auto measures against the bundled fp32 one on ``auto``, when shipped.
    Only for the bundled model (callers check): beside a file a person opened Lite could trust
    no int8 file (it cannot quantise)."""
    int8 = bundled_int8_path()
    return int8 if backend == auto.AUTO and int8.is_file() else None


class LiteAuto:
    """Auto for one Lite model: its fp32 file and its int8 sibling, the key and, once known, the
    decision (read from the cache at once). :meth:`model` is what runs: fp32 until int8 wins."""

    def __init__(self, fp32: LiteModel, int8_path: Path) -> None:
        self.fp32 = fp32
        self.int8_path = Path(int8_path)
        self._int8: LiteModel | None = None
        self.cancel = threading.Event()
        stat = self.int8_path.stat()
        weights = f"{fp32.record.weights_hash}+int8:{stat.st_size}:{stat.st_mtime_ns}"
        self.key = auto.decision_key(weights, fp32.meta, "cpu", cpu_capabilities())
        decision = auto.read_decision(self.key)
        self.decision = decision if decision is not None and decision.chosen in (FP32, INT8) else None

    def model(self) -> LiteModel:
        """The file the decision chose (the fp32 one until there is a decision)."""
        if self.decision is not None and self.decision.chosen == INT8:
            return self._open_int8()
        return self.fp32

    def _open_int8(self) -> LiteModel:
        """The int8 file, opened once, with the fp32 model's names (a label file renamed them)."""
        from core.lite.runtime import LiteModel

        if self._int8 is None:
            model = LiteModel(self.int8_path)
            recorded = float(model.record.extra.get("int8", {}).get("agreement", 0.0))
            if recorded < auto.MIN_AGREEMENT:
                raise ValueError(f"its record says it agrees with fp32 on {recorded:.1%} only")
            model.meta = self.fp32.meta
            self._int8 = model
        return self._int8

    def measure(
        self, cancel: threading.Event | None = None, on_step: Callable[[int, int], None] | None = None
    ) -> auto.Decision:
        """Measure both files on the rendered shapes, cache the decision and make it :meth:`model`'s.
        Raises :class:`~core.errors.Cancelled` (nothing cached) once ``cancel`` or :attr:`cancel` is set."""
        batches, calibration = auto.calibration_set(self.fp32.meta, None)
        makers = [(FP32, lambda: _forward(self.fp32)), (INT8, lambda: _forward(self._open_int8()))]
        trials = auto.measure(makers, batches, auto.AnyEvent([cancel, self.cancel]), on_step)
        images = sum(len(batch) for batch in batches)
        decision = auto.Decision(auto.choose(trials, FP32), images, trials, self.key, calibration, FP32)
        auto.write_decision(decision)
        self.decision = decision
        return decision


def _forward(model: LiteModel) -> auto.Forward:
    from core.lite.runtime import softmax

    return lambda batch: softmax(model.logits(batch))
