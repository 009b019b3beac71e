"""The batched inference pipeline: decode in a thread pool, run the model batch by batch, top-k.

Decoding and preprocessing of the next images run in worker threads while the model works on the
current batch (Pillow, numpy and torch all release the GIL), so the device does not sit idle waiting on
JPEG decoding. At most a few batches are decoded ahead (a bounded queue of futures), so memory
stays flat however many files there are.

Every input yields one :class:`~core.results.ClassificationResult`, in input order: a bad file
becomes a result with ``error`` set, never an exception. ``cancel`` is checked between
batches; what is finished by then is returned.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import Tensor, nn

from core import auto_backend as auto
from core.backends import (
    AUTO_BACKEND,
    DEFAULT_BACKEND,
    BackendRequest,
    StatusCallback,
    build_runner,
    check_backend,
    state_hash,
    writable_cache,
)
from core.devices import is_device_failure
from core.errors import Cancelled, UsageError
from core.images import ImageDecodeError, decode_for_model, iter_image_files
from core.messages import QT_TRANSLATE_NOOP, Message, kind
from core.metadata import ModelMeta
from core.optimize import prepare_for_inference
from core.preprocess import EvalTransform, decode_side
from core.results import ClassificationResult, Prediction

log = logging.getLogger(__name__)

NOT_AN_INPUT = kind("input.not-an-input", QT_TRANSLATE_NOOP("Messages", "not a file path or an image"))
UNREADABLE = kind("input.unreadable", QT_TRANSLATE_NOOP("Messages", "could not read image: %1"))
NOT_A_NUMBER = kind(
    "input.not-a-number",
    QT_TRANSLATE_NOOP("Messages", "the model's output for this image is not a number (NaN or infinity)"),
)

InputItem = str | bytes | os.PathLike | Image.Image | tuple[str, Image.Image]
BATCH_PIXELS = 64 * 224 * 224
"""At most this many input pixels per batch: a model whose metadata asks for 2048 x 2048 inputs
runs one image at a time rather than 16, so memory stays bounded whatever ``batch_size`` says."""
ProgressCallback = Callable[[int, int], None]
PRECISIONS = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
"""``precision``: autocast dtypes on CUDA (the CPU and the ONNX backends always run fp32; Auto
may choose CPU bf16 autocast where the CPU supports it, see :mod:`core.auto_backend`)."""
AUTO_MEASURE = ("inline", "background", "never")
ResultCallback = Callable[[ClassificationResult], None]


@dataclass
class _Decoded:
    """One input after the pool has worked on it: a float32 CHW array, or the reason there is none."""

    source: str
    array: np.ndarray | None = None
    error: Message | None = None
    size: tuple[int, int] | None = None
    decode_ms: float = 0.0


def expand_inputs(inputs: InputItem | Iterable[InputItem]) -> list[tuple[str, Path | Image.Image | None]]:
    """Paths, folders (recursive, stable order) and in-memory images as ``(name, source)`` pairs.

    A single ``str``, ``bytes`` or path-like object is one path, never a sequence of characters;
    ``bytes`` are decoded the way the OS does (``os.fsdecode``). A file reached twice (a folder
    named twice, a folder and a sub-folder, a file and its folder) is listed once. Something that
    is neither a path nor an image becomes an entry whose source is ``None``, which the pipeline
    reports as an error result.
    """
    if isinstance(inputs, str | bytes | os.PathLike | Image.Image) or not isinstance(inputs, Iterable):
        inputs = [inputs]
    items: list[tuple[str, Path | Image.Image | None]] = []
    seen: set[str] = set()
    memory_count = 0
    for item in inputs:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Image.Image):
            name, image = item
            items.append((str(name), image))
        elif isinstance(item, Image.Image):
            memory_count += 1
            items.append((f"image-{memory_count}", item))
        elif isinstance(item, str | bytes | os.PathLike) and not os.fspath(item):
            items.append(("", None))  # an empty name is no file, not the current folder
        elif isinstance(item, str | bytes | os.PathLike):
            for path in iter_image_files([_as_path(item)]):
                key = _file_key(path)
                if key not in seen:
                    seen.add(key)
                    items.append((str(path), path))
        else:
            items.append((repr(item)[:80], None))
    return items


def _as_path(item: str | bytes | os.PathLike) -> Path:
    return Path(os.fsdecode(os.fspath(item)))


def _file_key(path: Path) -> str:
    """The same file reached by two routes gets the same key (symlinks and ``..`` resolved)."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return str(path)


def _decode(
    source: str,
    data: Path | Image.Image | None,
    transform: Callable[[Image.Image], np.ndarray],
    min_side: int | None = None,
) -> _Decoded:
    """Decode and preprocess one input with ``transform`` (in a pool thread); never raises."""
    start = time.perf_counter()
    if data is None:
        return _Decoded(source, error=NOT_AN_INPUT())
    try:
        image, size = decode_for_model(data, min_side)
        array = transform(image)
    except ImageDecodeError as exc:
        return _Decoded(source, error=exc.message, decode_ms=_ms_since(start))
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the batch
        log.exception("unexpected failure decoding %s", source)
        return _Decoded(source, error=UNREADABLE(str(exc)), decode_ms=_ms_since(start))
    return _Decoded(source, array=array, size=size, decode_ms=_ms_since(start))


def _usable_cpus() -> int:
    """The CPUs this process may run on (a container's or ``taskset``'s limit, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 2


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


class Classifier:
    """A model bound to its metadata and device, ready to classify images.

    With ``optimize`` the classifier runs a BN-folded, channels-last copy of ``model`` (same
    outputs to float tolerance, faster; see :mod:`core.optimize`). ``warnings`` collects what a
    user should hear about but that is not a per-file error, such as a fallback to the CPU.

    ``backend`` picks what runs the forward pass (:mod:`core.backends`: ``torch``, ``onnx``,
    ``onnx-int8``, or ``auto``); everything else is the same pipeline. With ``auto`` the classifier
    starts on torch fp32 and switches, between batches, to what :mod:`core.auto_backend` chose:
    at once when the choice is cached; else ``auto_measure="inline"`` measures before a run of at
    least :data:`~core.auto_backend.MEASURE_MIN_IMAGES` images (the CLI), ``"background"`` measures
    in another thread while such a run goes on (the window), ``"never"`` keeps torch fp32.
    Results record the candidate that made them (``onnx-int8``, ``torch-bf16``...).
    ``precision`` (``fp16``/``bf16``) runs torch under autocast on CUDA. Large photos are decoded
    at reduced scale, still at least twice the resize size, unless ``exact_decode`` (see
    :func:`core.images.decode_for_model`).
    ``on_status`` hears one-off messages such as "building the ONNX model once".

    Preprocessing is :class:`core.preprocess.EvalTransform` (Pillow + numpy, equal to torchvision's
    transform), so decoding never waits for torchvision to import. With an ONNX backend the
    runner is all that runs: no fused torch copy of ``model`` is made, and ``self.model`` is None.
    """

    def __init__(
        self,
        model: nn.Module,
        meta: ModelMeta,
        device: torch.device | str = "cpu",
        decode_workers: int | None = None,
        optimize: bool = True,
        model_tag: str = "",
        backend: str = DEFAULT_BACKEND,
        precision: str = "fp32",
        exact_decode: bool = False,
        weights_hash: str = "",
        calibrate: Path | None = None,
        on_status: StatusCallback | None = None,
        auto_measure: str = "never",
    ) -> None:
        self.meta = meta
        self.model_tag = model_tag  # stamped on every result: "ResNet-18 · bundled · 3f2a9c1b"
        self.device = torch.device(device)
        self.backend = check_backend(backend)
        if precision not in PRECISIONS:
            raise UsageError(f"unknown precision {precision!r}; choose one of: {', '.join(PRECISIONS)}")
        self.precision = precision
        self.warnings: list[str] = []
        if precision != "fp32" and (self.device.type != "cuda" or backend != "torch"):
            self.warnings.append(f"--precision {precision} applies to the torch backend on CUDA; ran fp32")
        model = model.eval()
        self.runner = None
        self.model: nn.Module | None = None
        # Autocast for the torch pass: --precision on CUDA, or the precision Auto chose.
        self._autocast = PRECISIONS[precision] if self.device.type == "cuda" and precision != "fp32" else None
        self._request = BackendRequest(
            backend, model, meta, weights_hash, self.device.type, calibrate, on_status
        )
        self.on_status = on_status
        self.auto: auto.AutoPlan | None = None
        self.auto_measure = auto_measure
        self._next: tuple | None = None  # Auto's choice, ready, until the next batch takes it
        self._owner = threading.current_thread()
        self._auto_update: Callable[[auto.AutoUpdate], None] | None = None
        self.auto_thread: threading.Thread | None = None  # a background measurement, once started
        if backend not in ("torch", AUTO_BACKEND):
            self.runner = build_runner(self._request)
        else:
            self.model = prepare_for_inference(model, self.device) if optimize else model.to(self.device)
        if backend == AUTO_BACKEND:
            self.backend = "torch"  # until a choice is made: results say what made them
            self._plan_auto(calibrate)
        self.transform = EvalTransform(meta)
        self.min_side = None if exact_decode else decode_side(meta)
        self.decode_workers = decode_workers or max(2, min(8, _usable_cpus()))

    @property
    def backend_note(self) -> Message | str:
        """What a user should know about the backend (int8: its agreement with fp32; Auto: its
        choice, or that it runs torch fp32 until it has measured), or ""."""
        if self.auto is not None:
            if self.auto.decision is not None:
                return self.auto.decision.describe()
            if self.auto.cancel.is_set():
                return auto.AUTO_CANCELLED(auto.REFERENCE.label)
            return auto.AUTO_UNTIL_MEASURED() if self.auto_measure != "never" else ""
        return self.runner.note if self.runner is not None else ""

    # -- Auto ---------------------------------------------------------------------------------

    def _plan_auto(self, calibrate: Path | None) -> None:
        """The key and candidates of this model here; a cached decision is used at once."""
        folder = calibrate  # core.opener passes a user-trained model's own folder
        caps = auto.cpu_capabilities() if self.device.type == "cpu" else frozenset()
        cuda_bf16 = self.device.type == "cuda" and torch.cuda.is_bf16_supported()
        where = str(self.device)
        if self.device.type == "cuda":
            where += " " + torch.cuda.get_device_name(self.device)
        weights = self._request.weights_hash or state_hash(self._request.model)
        key = auto.decision_key(weights, self.meta, where, caps, str(folder or "shapes"))
        self.auto = auto.AutoPlan(key, auto.candidates(self.device.type, caps, cuda_bf16), folder)
        writable_cache(self.on_status)  # an unwritable cache is said here, once, not in a log
        decision = auto.read_decision(key)
        if decision is not None:
            self._adopt(decision)
            self._switch()

    def _adopt(self, decision: auto.Decision) -> None:
        """Get what ``decision`` chose ready (torch fp32 if it cannot be had); :meth:`_switch`
        makes it the path from the next batch on. May run in a measuring thread."""
        assert self.auto is not None
        candidate = auto.BY_NAME[decision.chosen]
        runner = None
        try:
            if candidate.backend != "torch":
                runner = build_runner(replace(self._request, backend=candidate.backend))
        except Exception as exc:  # noqa: BLE001 - the choice was measured; a cache gone bad is not fatal
            log.warning("auto: %s could not be had (%s); torch fp32 runs", candidate.name, exc)
            candidate, runner = auto.REFERENCE, None
            decision = replace(decision, chosen=auto.REFERENCE.name)
        autocast = PRECISIONS[candidate.precision] if candidate.precision != "fp32" else None
        self._next = (decision, candidate.name, runner, autocast)  # one assignment: atomic

    def _switch(self) -> None:
        """Between batches: take the path Auto chose, if one is waiting."""
        waiting, self._next = self._next, None
        if waiting is not None and self.auto is not None:
            decision, self.backend, self.runner, self._autocast = waiting
            self.auto.decision = decision

    def measure_auto(
        self,
        cancel: threading.Event | None = None,
        on_note: StatusCallback | None = None,
        on_step: Callable[[int, int], None] | None = None,
    ) -> auto.Decision:
        """Measure every candidate, cache the decision and switch to it (see :mod:`core.auto_backend`).

        Safe to call from another thread while :meth:`classify` runs: the classifier takes the
        choice between two batches. ``on_note`` (default ``on_status``) hears the progress and
        the decision; ``on_step(step, steps)``, when given, hears the progress instead (a window
        draws a bar from the numbers). Raises :class:`~core.errors.Cancelled` when ``cancel`` (or
        :meth:`stop_auto`) stops it; the classifier then stays on torch fp32 and caches nothing."""
        say = on_note or self._status
        plan = self.auto
        if plan is None:
            raise ValueError("measure_auto is for the auto backend")
        if plan.decision is not None:
            return plan.decision
        guard = auto.AnyEvent([e for e in (cancel, plan.cancel) if e is not None])

        def progress(count: int, total: int) -> None:
            if on_step is not None:
                on_step(count, total)
            else:
                say(auto.AUTO_MEASURING(str(count), str(total)))

        batches, plan.calibration = auto.calibration_set(self.meta, plan.folder)
        makers = [(c.name, self._maker(c)) for c in plan.candidates]
        trials = auto.measure(makers, batches, guard, progress)
        chosen = auto.choose(trials)
        decision = auto.Decision(chosen, sum(len(b) for b in batches), trials, plan.key, plan.calibration)
        auto.write_decision(decision)
        self._adopt(decision)
        if threading.current_thread() is self._owner:
            self._switch()  # measured inline: no batch is running
        say(decision.describe())
        return decision

    def start_auto(self, on_update: Callable[[auto.AutoUpdate], None]) -> None:
        """The window's way (``auto_measure="background"``): ``on_update`` hears each step, then
        the choice, a cancellation or a failure (in the measuring thread). The measurement starts
        with the first run long enough to repay it, in a thread of its own, while that run goes
        on with torch fp32, so no result waits."""
        self._auto_update = on_update

    def _launch_auto(self) -> threading.Thread:
        return auto.measure_in_background(
            lambda on_step: self.measure_auto(on_note=lambda _note: None, on_step=on_step),
            self._auto_update or (lambda _update: None),
            auto.REFERENCE.label,
        )

    def _should_measure(self, total: int, cancel: threading.Event | None) -> bool:
        """Auto measures (inline or in the background) once, before or during a run long enough
        to repay it, unless the run is already cancelled."""
        plan = self.auto
        return (
            plan is not None
            and plan.decision is None
            and self.auto_measure != "never"
            and self.auto_thread is None
            and total >= auto.MEASURE_MIN_IMAGES
            and not (cancel is not None and cancel.is_set())
        )

    def stop_auto(self, wait_s: float = 0.0) -> None:
        """Stop a measurement in flight (another model is being loaded, the window closes), and
        wait up to ``wait_s`` for its thread to end (it stops between batches)."""
        if self.auto is not None:
            self.auto.cancel.set()
        thread = self.auto_thread
        if wait_s > 0 and thread is not None and thread is not threading.current_thread():
            thread.join(wait_s)

    def _maker(self, candidate: auto.Candidate) -> Callable[[], auto.Forward]:
        def make() -> auto.Forward:
            if candidate.backend != "torch":
                runner = build_runner(replace(self._request, backend=candidate.backend))
                return lambda array: torch.softmax(torch.from_numpy(runner.run(array)).float(), 1).numpy()
            dtype = PRECISIONS[candidate.precision] if candidate.precision != "fp32" else None
            return lambda array: self._torch_forward(array, dtype).numpy()

        return make

    def _status(self, message: Message) -> None:
        if self.on_status is not None:
            self.on_status(message)

    @classmethod
    def from_loaded(cls, loaded, **kwargs) -> Classifier:
        """From :func:`core.weights.load_weights`' result."""
        return cls(
            loaded.model,
            loaded.meta,
            loaded.device,
            model_tag=loaded.identity.tag,
            weights_hash=loaded.weights_hash,
            **kwargs,
        )

    def classify(
        self,
        inputs: InputItem | Iterable[InputItem],
        top_k: int = 5,
        batch_size: int = 16,
        on_progress: ProgressCallback | None = None,
        on_result: ResultCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> list[ClassificationResult]:
        """Classify files, folders and in-memory images; see the module docstring for guarantees.

        ``inputs`` is one path (``str``, ``bytes``, path-like), one image, or an iterable of them.
        """
        items = expand_inputs(inputs)
        total = len(items)
        if self._should_measure(total, cancel) and self.auto_measure == "background":
            self.auto_thread = self._launch_auto()
        elif self._should_measure(total, cancel):
            try:
                self.measure_auto(cancel)
            except Cancelled:
                return []
        top_k = max(1, min(top_k, self.meta.num_classes))
        batch_size = max(1, min(batch_size, BATCH_PIXELS // self.meta.crop_size**2))
        results: list[ClassificationResult] = []

        def emit(result: ClassificationResult, backend: str) -> None:
            result = replace(result, model=self.model_tag, backend=backend)
            results.append(result)
            if on_result:
                on_result(result)

        if on_progress:
            on_progress(0, total)
        with ThreadPoolExecutor(self.decode_workers, thread_name_prefix="reslens-decode") as pool:
            for batch in self._decoded_batches(pool, items, batch_size, cancel):
                self._switch()
                backend = self.backend  # what runs this batch, whatever Auto decides meanwhile
                for result in self._run_batch(batch, top_k):
                    emit(result, backend)
                if on_progress:
                    on_progress(len(results), total)
                if cancel is not None and cancel.is_set():
                    break
        return results

    def _decoded_batches(
        self,
        pool: ThreadPoolExecutor,
        items: list[tuple[str, Path | Image.Image | None]],
        batch_size: int,
        cancel: threading.Event | None,
    ) -> Iterator[list[_Decoded]]:
        """Batches in input order, keeping about two batches of decoding ahead of the model."""
        pending: deque[Future[_Decoded]] = deque()
        queue = iter(items)
        ahead = 2 * batch_size
        try:
            while True:
                while len(pending) < ahead + batch_size:
                    nxt = next(queue, None)
                    if nxt is None:
                        break
                    pending.append(pool.submit(_decode, nxt[0], nxt[1], self.transform, self.min_side))
                if not pending or (cancel is not None and cancel.is_set()):
                    return
                count = min(batch_size, len(pending))
                yield [pending.popleft().result() for _ in range(count)]
        finally:
            for future in pending:
                future.cancel()

    def _run_batch(self, batch: list[_Decoded], top_k: int) -> list[ClassificationResult]:
        good = [d for d in batch if d.array is not None]
        probabilities: Tensor | None = None
        forward_ms = 0.0
        if good:
            start = time.perf_counter()
            try:
                probabilities = self._probabilities(np.stack([d.array for d in good]))
            except Exception as exc:  # noqa: BLE001 - report it on each file, keep the run going
                log.exception("the model failed on a batch")
                for d in good:
                    d.array, d.error = None, f"the model failed on this batch: {exc}"
            forward_ms = _ms_since(start) / len(good)
        top_p, top_i = probabilities.topk(top_k, dim=1) if probabilities is not None else (None, None)
        results, row = [], 0
        for decoded in batch:
            if decoded.array is None:
                results.append(
                    ClassificationResult.failed(decoded.source, decoded.error, elapsed_ms=decoded.decode_ms)
                )
                continue
            if not bool(torch.isfinite(probabilities[row]).all()):
                results.append(
                    ClassificationResult.failed(
                        decoded.source, NOT_A_NUMBER(), elapsed_ms=decoded.decode_ms + forward_ms
                    )
                )
                row += 1
                continue
            predictions = tuple(
                Prediction(int(i), self.meta.categories[int(i)], float(p))
                for p, i in zip(top_p[row], top_i[row], strict=True)
            )
            width, height = decoded.size
            results.append(
                ClassificationResult(
                    decoded.source,
                    predictions,
                    elapsed_ms=decoded.decode_ms + forward_ms,
                    width=width,
                    height=height,
                )
            )
            row += 1
        return results

    def _probabilities(self, batch: np.ndarray) -> Tensor:
        """Softmax over the logits, on the device; falls back to the CPU if the device fails."""
        try:
            return self._forward(batch)
        except RuntimeError as exc:
            if self.device.type == "cpu" or self.model is None or not is_device_failure(exc):
                raise
            message = f"{self.device} failed ({str(exc).splitlines()[0]}); continuing on the CPU"
            log.warning(message)
            self.warnings.append(message)
            self.device = torch.device("cpu")
            self.model.to(self.device)
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            return self._forward(batch)

    def _forward(self, array: np.ndarray) -> Tensor:
        runner = self.runner  # read once: Auto may switch it from another thread
        if runner is not None:
            with torch.inference_mode():
                return torch.softmax(torch.from_numpy(runner.run(array)).float(), dim=1)
        return self._torch_forward(array, self._autocast)

    def _torch_forward(self, array: np.ndarray, dtype: torch.dtype | None) -> Tensor:
        """Probabilities from the torch model, under autocast to ``dtype`` when given."""
        with torch.inference_mode():
            assert self.model is not None  # set whenever the torch path can run
            batch = torch.from_numpy(array)
            cuda = self.device.type == "cuda"
            if cuda:
                batch = batch.pin_memory()  # page-locked, so the copy below really is asynchronous
            batch = batch.to(self.device, non_blocking=True)
            if self.device.type in ("cpu", "cuda"):
                batch = batch.contiguous(memory_format=torch.channels_last)
            kind = self.device.type if self.device.type in ("cpu", "cuda", "mps") else "cpu"
            with torch.autocast(kind, dtype=dtype or torch.float32, enabled=dtype is not None):
                logits = self.model(batch)
            return torch.softmax(logits.float(), dim=1).cpu()
