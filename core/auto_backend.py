"""Backend "Auto": the fastest forward pass this machine has that agrees with fp32, found by measuring.

Nobody can know whether torch bf16 autocast, ONNX Runtime fp32 or ONNX Runtime int8 is fastest on
their computer: it depends on the CPU (AVX-512 VNNI made int8 5.2x fp32 on one machine and 2.5x
on another), on the GPU and on the library versions. So Auto measures once per model and machine:

- :func:`candidates` lists what the device can run: torch fp32 (the reference, always first),
  torch bf16 autocast on a CPU that reports AVX-512 BF16, fp16/bf16 autocast on CUDA (bf16 where
  the GPU supports it) and fp16 on MPS, ONNX Runtime fp32 and int8 on the CPU.
- :func:`measure` runs every candidate over one calibration set (rendered shapes, or a
  user-trained model's own training folder): the same pass gives its throughput (the median
  per-batch rate after a warm-up batch) and its top-1 agreement with torch fp32, with the largest
  probability difference. A candidate below :data:`MIN_AGREEMENT` is never chosen; the fastest of
  the others wins (torch fp32 always qualifies, so there is always a choice).
- The :class:`Decision` is cached in ``cache_dir()/auto`` under a key made of everything that
  can change the answer (:func:`decision_key`: the weights' hash, the class names, the input
  size, the device, the CPU's capability flags and the torch and onnxruntime versions), so other
  weights, other labels, another machine or an upgrade are measured again. A corrupt or foreign
  cache file is ignored (measured again), and a cache that cannot be written only costs a
  re-measurement next time.

The window measures in the background (:func:`measure_in_background`): each step, then the choice
(or a cancellation, or a failure: fp32 stays, nothing is cached) reaches it as an
:class:`AutoUpdate`, data with the step numbers beside the message. ResLens Lite measures its fp32
and int8 files with the same :func:`measure`, :func:`choose` and cache (:mod:`core.lite.auto`).

``RESLENS_HIDE_CPU_CAPS=bf16,vnni`` hides capabilities from :func:`cpu_capabilities`, so a test
(or a person comparing) sees what a machine without them would choose.

This module decides; :class:`core.inference.Classifier` runs the candidates and switches to the
choice between batches. Nothing here imports torch at import time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.backends import backend_label, writable_cache, write_cache_file
from core.errors import Cancelled
from core.messages import QT_TRANSLATE_NOOP, Message, kind, translate
from core.paths import cache_dir

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

AUTO = "auto"
MIN_AGREEMENT = 0.99
"""A candidate whose top-1 differs from torch fp32 on more than 1 % of the calibration set is refused."""
AUTO_IMAGES = 200
"""Images in the calibration set Auto measures on (speed and agreement in one pass)."""
AUTO_BATCH = 8
AUTO_SEED = 15_003  # rendered calibration images no int8 calibration or hold-out set uses
MEASURE_MIN_IMAGES = 64
"""The CLI measures before a run of at least this many images (a few images run on torch fp32
at once: measuring costs more than it saves); the window measures in the background instead."""
HIDE_ENV = "RESLENS_HIDE_CPU_CAPS"
CACHE_VERSION = 2  # part of the key: a new measurement method (2: int8 recipe 2) measures again

AUTO_CHOSE = kind(
    "backend.auto-chose",
    translate("Messages", "Auto: %1 — %2x fp32 here, agrees on %3 % of %n image(s)", None, 0),
)
AUTO_MEASURING = kind(
    "backend.auto-measuring",
    QT_TRANSLATE_NOOP("Messages", "Auto: measuring which backend is fastest here (%1 of %2)…"),
)
AUTO_UNTIL_MEASURED = kind(
    "backend.auto-until-measured",
    QT_TRANSLATE_NOOP("Messages", "Auto: PyTorch fp32 until the fastest backend here is measured"),
)
AUTO_CANCELLED = kind(
    "backend.auto-cancelled",
    QT_TRANSLATE_NOOP("Messages", "Auto: measuring cancelled — %1 runs; Auto measures again next time"),
)
AUTO_FAILED = kind(
    "backend.auto-failed", QT_TRANSLATE_NOOP("Messages", "Auto: measuring failed (%1) — %2 runs")
)

MEASURING, CHOSEN, CANCELLED, FAILED = "measuring", "chosen", "cancelled", "failed"


@dataclass(frozen=True)
class AutoUpdate:
    """Where a background measurement stands, for a window: ``state`` is :data:`MEASURING`
    (``step`` of ``steps`` done), :data:`CHOSEN`, :data:`CANCELLED` or :data:`FAILED`, and
    ``message`` says it. The numbers travel beside the message so a progress bar never parses it."""

    state: str
    message: Message
    step: int = 0
    steps: int = 0

    @property
    def done(self) -> bool:
        """Whether the measurement is over (chosen, cancelled or failed)."""
        return self.state != MEASURING


@dataclass(frozen=True)
class Candidate:
    """One way to run the forward pass: a backend (``torch``, ``onnx``, ``onnx-int8``) and, for
    torch, an autocast precision. ``name`` is what results record (``torch-bf16``...)."""

    backend: str
    precision: str = "fp32"

    @property
    def name(self) -> str:
        return self.backend if self.precision == "fp32" else f"{self.backend}-{self.precision}"

    @property
    def label(self) -> str:
        base = backend_label(self.backend)
        return f"{base} {self.precision}" if self.backend == "torch" else base


REFERENCE = Candidate("torch")
BY_NAME = {c.name: c for c in (REFERENCE, Candidate("torch", "bf16"), Candidate("torch", "fp16"))}
BY_NAME |= {name: Candidate(name) for name in ("onnx", "onnx-int8")}


def cpu_capabilities(hidden: str | None = None) -> frozenset[str]:
    """The CPU's vector capabilities torch reports (``avx2``, ``avx512``, ``bf16``, ``vnni``,
    ``amx``), less those named in ``hidden`` or ``$RESLENS_HIDE_CPU_CAPS`` (comma-separated)."""
    import torch

    caps = {torch.backends.cpu.get_cpu_capability().lower()}
    probes = {
        "avx512": "_is_avx512_supported",
        "bf16": "_is_avx512_bf16_supported",
        "vnni": "_is_vnni_supported",
        "amx": "_is_amx_tile_supported",
    }
    for cap, probe in probes.items():
        if getattr(torch.cpu, probe, lambda: False)():
            caps.add(cap)
    names = os.environ.get(HIDE_ENV, "") if hidden is None else hidden
    return frozenset(caps - {name.strip().lower() for name in names.split(",") if name.strip()})


def _torch_version() -> str:
    """torch's version, or "" where there is none (ResLens Lite): never imported for Lite."""
    from core.edition import has_torch

    if not has_torch():
        return ""
    import torch

    return torch.__version__


def _onnxruntime_version() -> str:
    try:
        import onnxruntime
    except ImportError:
        return ""
    return onnxruntime.__version__


def candidates(device_type: str, caps: frozenset[str], cuda_bf16: bool = False) -> list[Candidate]:
    """What ``device_type`` can run, torch fp32 first. torch bf16 on a CPU only with ``bf16``
    in ``caps`` (without AVX-512 BF16 it is emulated, slower than fp32); ONNX Runtime on the CPU
    only, and only when it is installed."""
    found = [REFERENCE]
    if device_type == "cpu":
        if "bf16" in caps:
            found.append(Candidate("torch", "bf16"))
        if _onnxruntime_version():
            found += [Candidate("onnx"), Candidate("onnx-int8")]
    elif device_type == "cuda":
        found.append(Candidate("torch", "fp16"))
        if cuda_bf16:
            found.append(Candidate("torch", "bf16"))
    elif device_type == "mps":
        found.append(Candidate("torch", "fp16"))
    return found


# --------------------------------------------------------------------------- the decision


@dataclass(frozen=True)
class Trial:
    """One candidate's measurement: throughput, and agreement with torch fp32 (or why it failed)."""

    name: str
    images_per_s: float = 0.0
    agreement: float = 0.0
    max_difference: float = 0.0  # the largest |p - p_fp32| over every class of every image
    error: str = ""


@dataclass(frozen=True)
class Decision:
    """What Auto chose and why: every trial, the images they were measured on and the key."""

    chosen: str
    images: int
    trials: tuple[Trial, ...]
    key: str = ""
    calibration: str = "shapes"
    reference: str = "torch"  # what the speed-up is over: torch fp32, or ONNX Runtime fp32 in Lite

    def trial(self, name: str) -> Trial | None:
        return next((t for t in self.trials if t.name == name), None)

    @property
    def speedup(self) -> float:
        """The chosen candidate's throughput over the reference's (torch fp32; Lite's ONNX fp32)."""
        base, chosen = self.trial(self.reference), self.trial(self.chosen)
        if base is None or chosen is None or base.images_per_s <= 0:
            return 1.0
        return chosen.images_per_s / base.images_per_s

    def describe(self) -> Message:
        """ "Auto: ONNX Runtime int8 — 4.2x fp32 here, agrees on 100 % of 200 images"."""
        chosen = self.trial(self.chosen)
        agreement = chosen.agreement if chosen is not None else 1.0
        label = BY_NAME[self.chosen].label if self.chosen in BY_NAME else self.chosen
        return AUTO_CHOSE(label, f"{self.speedup:.1f}", _percent(agreement), n=self.images)

    def to_json(self) -> dict[str, Any]:
        """What ``classify --json`` shows beside each result (and the cache stores)."""
        data = asdict(self)
        data["trials"] = [asdict(t) for t in self.trials]
        data["speedup"] = round(self.speedup, 3)
        return data


def _percent(fraction: float) -> str:
    text = f"{fraction * 100:.1f}"
    return text[:-2] if text.endswith(".0") else text


def choose(trials: Sequence[Trial], reference: str = REFERENCE.name) -> str:
    """The fastest trial that ran and agrees with fp32 (the ``reference``) on at least
    :data:`MIN_AGREEMENT`; the reference itself always qualifies."""
    good = [t for t in trials if not t.error and (t.name == reference or t.agreement >= MIN_AGREEMENT)]
    return max(good, key=lambda t: t.images_per_s).name if good else reference


Forward = Callable[["np.ndarray"], "np.ndarray"]
"""A candidate's pass: a float32 N x 3 x H x W batch to an N x classes array of probabilities."""


def measure(
    trials_of: Sequence[tuple[str, Callable[[], Forward]]],
    batches: Sequence[np.ndarray],
    cancel: Any = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[Trial, ...]:
    """Build each named candidate (``make()`` gives its forward pass; the first is torch fp32, the
    reference), then run them over ``batches`` in turn, batch by batch, so that a busy neighbour
    slows them alike. ``on_progress(step, steps)`` after each build and each batch; raises
    :class:`Cancelled` when ``cancel.is_set()``."""
    import numpy as np

    steps, step = len(trials_of) + len(batches), 0
    forwards: dict[str, Forward] = {}
    errors: dict[str, str] = {}
    for name, make in trials_of:
        _check(cancel)
        try:
            forwards[name] = make()
        except Cancelled:
            raise
        except Exception as exc:  # noqa: BLE001 - a candidate that cannot be built is one that loses
            log.info("auto: %s could not be built: %s", name, exc)
            errors[name] = reason(exc)
        step += 1
        if on_progress is not None:
            on_progress(step, steps)
    outputs: dict[str, list[np.ndarray]] = {name: [] for name in forwards}
    rates: dict[str, list[float]] = {name: [] for name in forwards}
    for index, batch in enumerate(batches):
        for name, forward in list(forwards.items()):
            _check(cancel)
            start = time.perf_counter()
            try:
                outputs[name].append(np.asarray(forward(batch), dtype=np.float32))
            except Exception as exc:  # noqa: BLE001 - one that fails on a batch is out
                errors[name] = reason(exc)
                del forwards[name]
                continue
            if index > 0 or len(batches) == 1:  # the first batch warms every candidate up
                rates[name].append(len(batch) / max(time.perf_counter() - start, 1e-9))
        step += 1
        if on_progress is not None:
            on_progress(step, steps)
    reference = outputs.get(trials_of[0][0], [])
    trials = []
    for name, _ in trials_of:
        if name in errors or not reference:
            trials.append(Trial(name, error=errors.get(name, "the reference could not run")))
            continue
        trials.append(_compare(name, outputs[name], reference, statistics.median(rates[name])))
    return tuple(trials)


def _compare(name: str, outputs: list, reference: list, rate: float) -> Trial:
    """Top-1 agreement and the largest probability difference of ``outputs`` with ``reference``."""
    import numpy as np

    if not all(bool(np.isfinite(a).all()) for a in outputs):
        return Trial(name, round(rate, 3), 0.0, 1.0)
    same = sum(int((a.argmax(1) == b.argmax(1)).sum()) for a, b in zip(outputs, reference, strict=True))
    total = sum(len(a) for a in reference)
    worst = max(float(np.abs(a - b).max()) for a, b in zip(outputs, reference, strict=True))
    return Trial(name, round(rate, 3), same / total, round(worst, 6))


def measure_in_background(
    measure: Callable[[Callable[[int, int], None]], Decision],
    tell: Callable[[AutoUpdate], None],
    fallback: str,
) -> threading.Thread:
    """Run ``measure(on_step)`` in a thread of its own (the window's way: the run goes on meanwhile,
    on ``fallback``, the reference's label). ``tell`` hears each step, then the choice, or that it
    was cancelled or failed and ``fallback`` stays; the classifiers of both editions use this."""

    def step(count: int, total: int) -> None:
        tell(AutoUpdate(MEASURING, AUTO_MEASURING(str(count), str(total)), count, total))

    def run() -> None:
        try:
            decision = measure(step)
        except Cancelled:
            log.info("auto: measurement cancelled")
            tell(AutoUpdate(CANCELLED, AUTO_CANCELLED(fallback)))
        except Exception as exc:  # noqa: BLE001 - a failed measurement leaves the reference running
            log.exception("auto: the measurement failed")
            tell(AutoUpdate(FAILED, AUTO_FAILED(reason(exc), fallback)))
        else:
            tell(AutoUpdate(CHOSEN, decision.describe()))

    thread = threading.Thread(target=run, name="reslens-auto", daemon=True)
    thread.start()
    return thread


class AnyEvent:
    """Set when any of ``events`` is: the caller's cancel and the classifier's own stop."""

    def __init__(self, events: Sequence[threading.Event | None]) -> None:
        self.events = [event for event in events if event is not None]

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


def _check(cancel: Any) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


def reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


# --------------------------------------------------------------------------- the cache


def decision_key(
    weights_hash: str, meta: Any, device: str, caps: frozenset[str], calibration: str = "shapes"
) -> str:
    """A hash of everything that can change Auto's answer (see the module docstring). Torch-free:
    ResLens Lite keys its decisions the same way, with no torch version."""
    parts = {
        "version": CACHE_VERSION,
        "weights": weights_hash,
        "arch": meta.arch,
        "classes": list(meta.categories),
        "crop": meta.crop_size,
        "resize": meta.resize_size,
        "device": device,
        "caps": sorted(caps),
        "torch": _torch_version(),
        "onnxruntime": _onnxruntime_version(),
        "calibration": calibration,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def decision_path(key: str, root: Path | None = None) -> Path:
    """Where the decision for ``key`` is cached (under ``root``, default the cache folder)."""
    return (root or cache_dir()) / "auto" / f"decision-{key}.json"


def read_decision(key: str) -> Decision | None:
    """The cached decision for ``key``, or None: missing, unreadable, corrupt, or for another key.
    Looks where :func:`write_decision` writes (a temporary folder when the cache is read-only)."""
    try:
        data = json.loads(decision_path(key, writable_cache()).read_text(encoding="utf-8"))
        trials = tuple(
            Trial(
                str(t["name"]),
                float(t["images_per_s"]),
                float(t["agreement"]),
                float(t["max_difference"]),
                str(t.get("error", "")),
            )
            for t in data["trials"]
        )
        reference = str(data.get("reference", REFERENCE.name))
        decision = Decision(
            str(data["chosen"]),
            int(data["images"]),
            trials,
            str(data["key"]),
            str(data.get("calibration", "shapes")),
            reference,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if decision.key != key or decision.chosen not in BY_NAME or decision.trial(decision.chosen) is None:
        return None
    return decision


def write_decision(decision: Decision) -> None:
    """Cache ``decision``; a cache that cannot be written is logged, not fatal (Auto measures again)."""
    text = json.dumps(decision.to_json(), indent=1) + "\n"
    path = decision_path(decision.key, writable_cache())
    try:
        write_cache_file(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError as exc:
        log.warning("auto: could not cache the decision in %s: %s", path, exc)


# --------------------------------------------------------------------------- calibration set


def calibration_set(meta: Any, folder: Path | None, count: int = AUTO_IMAGES) -> tuple[list[np.ndarray], str]:
    """Batches of preprocessed images Auto measures on, and their id for the key: a user-trained
    model's own folder (its held-out part first), else shapes rendered at the model's size."""
    from core.backends import folder_images, rendered_images, transformed_batches
    from core.preprocess import EvalTransform, decode_side

    transform = EvalTransform(meta)
    if folder is not None:
        try:
            images, held, ident = folder_images(folder, count, count, decode_side(meta))
            chosen = (held + images)[:count]
            return list(transformed_batches(chosen, transform, AUTO_BATCH)), ident
        except Exception as exc:  # noqa: BLE001 - an unreadable folder: rendered shapes instead
            log.info("auto: %s unusable for calibration (%s); rendered shapes instead", folder, exc)
    images = rendered_images(AUTO_SEED, count, max(meta.resize_size, meta.crop_size))
    return list(transformed_batches(images, transform, AUTO_BATCH)), "shapes"


@dataclass
class AutoPlan:
    """Auto for one classifier: its key, its candidates and, once known, the decision."""

    key: str
    candidates: list[Candidate]
    folder: Path | None = None
    calibration: str = "shapes"
    decision: Decision | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
