"""One model session: the model asked for, the model in use, and the state a window renders.

Qt-free and torch-free at import. :class:`ModelSession` decides; a host runs the loads it asks for
(the GUI in its inference thread, a test at once) with :func:`execute` and reports back. The rules:

- The model in use is whatever loaded last; nothing replaces it but another successful load, so
  what the session names is what classifies.
- A request that cannot be had (not downloaded, a broken file, a cancelled download) leaves the
  model in use in place and says so, with the actions that fix it.
- With no model in use (at start) a load tries the request, then the last model that loaded, then
  the bundled one: the app always ends with a usable model when one exists.
- The backend (torch, ONNX Runtime fp32 or int8) is part of the choice. One that cannot be had
  (no onnxruntime, an int8 model refused) gives way to torch with a notice, and the model in use
  names the backend that really runs (:func:`run_on_backend`).
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from core.backends import AUTO_BACKEND, DEFAULT_BACKEND, backend_label
from core.edition import NEEDS_FULL
from core.errors import Cancelled, describe_message
from core.messages import JOINED, QT_TRANSLATE_NOOP, Message, kind
from core.sources import AUTO_DEVICE, ModelChoice, ModelIdentity


class State(Enum):
    LOADING = "loading"
    DOWNLOADING = "downloading"
    READY = "ready"
    UNAVAILABLE = "unavailable"  # the request needs something first (a download)
    FAILED = "failed"  # the request cannot load as it is


class Fix(Enum):
    """What a person can do about an unavailable or failed request."""

    DOWNLOAD = "download"
    KEEP = "keep"  # make the model in use the request
    RETRY = "retry"
    USE_BUNDLED = "use-bundled"
    LOAD_FILE = "load-file"
    LOAD_LABELS = "load-labels"  # the classes are numbers: name them from a label file
    SWITCH_ARCH = "switch-arch"  # the file holds another architecture
    CANCEL = "cancel"


NOT_DOWNLOADED, CANCELLED, BROKEN = "not-downloaded", "cancelled", "failed"

# What the session says; the window renders these in its language, the CLI in English.
IS_NOT_DOWNLOADED = kind("session.not-downloaded", QT_TRANSLATE_NOOP("Messages", "%1 is not downloaded"))
DOWNLOAD_CANCELLED = kind(
    "session.download-cancelled", QT_TRANSLATE_NOOP("Messages", "the download of %1 was cancelled")
)
LOAD_CANCELLED = kind("session.cancelled", QT_TRANSLATE_NOOP("Messages", "cancelled"))
COULD_NOT_LOAD = kind("session.could-not-load", QT_TRANSLATE_NOOP("Messages", "%1 could not be loaded: %2"))
SWITCHED_ARCH = kind(
    "session.switched-arch", QT_TRANSLATE_NOOP("Messages", "This file holds a %1: switched to %1.")
)
# "… runs on ONNX Runtime int8 (int8: agrees with fp32 …)": the agreement said once (issue 25).
RUNS_ON = kind("session.runs-on", QT_TRANSLATE_NOOP("Messages", "%1 runs on %2 (%3)."))
BACKEND_GAVE_WAY = kind(
    "session.backend-gave-way",
    QT_TRANSLATE_NOOP("Messages", "%1 could not be used, so %2 classifies: %3"),
)

StatusCallback = Callable[[Message], None]


@dataclass(frozen=True)
class LoadJob:
    """Try ``attempts`` in order until one loads; only the first may download.

    ``on_status`` hears one-off messages while the backend is built ("building the ONNX model
    once…", as a :class:`Message`); it is called in the host's worker thread, so a host hands it
    on to its own thread.
    """

    job_id: int
    attempts: tuple[ModelChoice, ...]
    allow_download: bool = False
    cancel: threading.Event = field(default_factory=threading.Event, compare=False, repr=False)
    on_status: StatusCallback | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Problem:
    choice: ModelChoice
    kind: str  # NOT_DOWNLOADED, CANCELLED or BROKEN
    message: Message
    suggested_arch: str | None = None


@dataclass(frozen=True)
class ModelInUse:
    """The model the worker classifies with, as the window names it."""

    identity: ModelIdentity
    choice: ModelChoice  # the choice that loads exactly this model again
    meta: Any  # core.metadata.ModelMeta: classes and input size
    description: str
    device: str = "cpu"
    device_name: Message | str = ""  # "CPU (2 threads)" is a message; a GPU's name is a name
    backend_note: Message | str = ""  # int8: its agreement with fp32
    # A Lite model file's architecture tree (core.lite.model_file's plain data), shown instead of
    # measuring the network with torch; None for the full edition's weights.
    tree: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.identity.name

    @property
    def arch(self) -> str:
        return self.choice.arch

    @property
    def backend(self) -> str:
        """The backend that runs the forward pass (``choice.backend``: the one that was had)."""
        return self.choice.backend


@dataclass(frozen=True)
class Outcome:
    job_id: int
    loaded: ModelInUse | None
    problems: tuple[Problem, ...] = ()
    backend_problem: Message | None = None  # why the backend asked for gave way to torch


@dataclass(frozen=True)
class View:
    """Everything a window shows about the model, in one immutable snapshot.

    ``message`` and ``notice`` are data (:class:`core.messages.Message`), rendered by the window
    in its language; None when there is nothing to say."""

    state: State
    requested: ModelChoice
    model: ModelInUse | None
    message: Message | None = None
    fixes: tuple[Fix, ...] = ()
    done: int = 0  # bytes downloaded
    total: int = 0
    notice: Message | None = None  # a one-off note about the last load (another architecture...)
    suggested_arch: str | None = None
    warning: bool = False  # the notice says something asked for was not had (a backend gave way)

    @property
    def busy(self) -> bool:
        return self.state in (State.LOADING, State.DOWNLOADING)


def _same_model(a: ModelChoice, b: ModelChoice) -> bool:
    return a.same_model(b)


class ModelSession:
    """The one owner of "which model": see the module docstring.

    ``run(job)`` must start the job and later call :meth:`finished` with its :class:`Outcome`
    (and :meth:`progress` while downloading); ``listener(view)`` hears of every change.
    """

    def __init__(
        self,
        run: Callable[[LoadJob], None],
        listener: Callable[[View], None] | None = None,
        bundled: ModelChoice | None = None,
        on_status: Callable[[int, str], None] | None = None,
    ) -> None:
        """``on_status(job_id, message)`` hears what a job says while its backend is built, in the
        host's worker thread (see :attr:`LoadJob.on_status`); the host passes it to :meth:`building`
        in its own thread."""
        self._run = run
        self._on_status = on_status
        self._listeners = [listener] if listener else []
        self._ids = itertools.count(1)
        self._bundled = bundled
        self.requested = ModelChoice.bundled()
        self.model: ModelInUse | None = None
        self.job: LoadJob | None = None
        self._view = View(State.LOADING, self.requested, None)

    # -- asking ---------------------------------------------------------------------------

    @property
    def view(self) -> View:
        return self._view

    @property
    def bundled(self) -> ModelChoice:
        return self._bundled or ModelChoice.bundled(self.requested.device, self.requested.backend)

    def listen(self, listener: Callable[[View], None]) -> None:
        self._listeners.append(listener)

    def start(self, requested: ModelChoice, last_good: ModelChoice | None = None) -> None:
        """Load ``requested``; if it cannot be had, the last model that loaded, else the bundled
        one, so the session ends with a usable model whenever one exists."""
        requested = requested.normalised()
        fallbacks = [c.normalised() for c in (last_good, self.bundled) if c is not None]
        attempts = [requested]
        for choice in fallbacks:
            choice = choice.with_device(requested.device).with_backend(requested.backend)
            if not any(_same_model(choice, seen) for seen in attempts):
                attempts.append(choice)
        self.requested = requested
        self._launch(tuple(attempts), allow_download=False)

    def request(self, choice: ModelChoice, allow_download: bool = False) -> None:
        """Ask for another model; the one in use stays until it has loaded."""
        self.requested = choice.normalised()
        if self.model is None:
            self.start(self.requested)
            return
        if not allow_download and self._in_use(self.requested):
            self._cancel_job()
            self._set(State.READY)
            return
        self._launch((self.requested,), allow_download)

    def download(self) -> None:
        """Fetch the request's weights (ImageNet's, for the chosen architecture)."""
        choice = self.requested
        if not choice.needs_download:
            from core.sources import imagenet_for

            choice = ModelChoice(
                choice.arch, imagenet_for(choice.arch).key, "", choice.device, choice.backend
            )
        self.request(choice, allow_download=True)

    def retry(self) -> None:
        self.request(self.requested, allow_download=self.requested.needs_download)

    def keep(self) -> None:
        """Make the model in use the request (the banner's "Keep ResNet-18")."""
        if self.model is not None:
            self._cancel_job()
            self.requested = self.model.choice.with_device(self.requested.device)
            self._set(State.READY)

    def use_bundled(self) -> None:
        self.request(self.bundled.with_device(self.requested.device).with_backend(self.requested.backend))

    def drop_missing_device(self, available: Collection[str]) -> str | None:
        """A requested device this machine lacks becomes Auto (``execute`` already loads on Auto
        for it); returns the device dropped, to tell the user, else None."""
        device = self.requested.device
        if device == AUTO_DEVICE or device in available:
            return None
        self.requested = self.requested.with_device(AUTO_DEVICE)
        return device

    def cancel(self) -> None:
        """Stop the load in flight (a download stops within a tenth of a second)."""
        if self.job is not None:
            self.job.cancel.set()

    # -- the host's reports ---------------------------------------------------------------

    def progress(self, job_id: int, done: int, total: int) -> None:
        if self.job is not None and job_id == self.job.job_id:
            self._set(State.DOWNLOADING, done=done, total=total, fixes=(Fix.CANCEL,))

    def building(self, job_id: int, message: Message) -> None:
        """The job's backend is being built (minutes for int8 on a slow machine): say so."""
        if self.job is not None and job_id == self.job.job_id:
            self._set(State.LOADING, message=message)

    def finished(self, outcome: Outcome) -> None:
        """A job ended. Whatever it loaded is in use now, even if it was superseded: the worker
        swapped its model, and the session names the model that classifies."""
        if outcome.loaded is not None:
            self.model = outcome.loaded
        if self.job is None or outcome.job_id != self.job.job_id:
            if outcome.loaded is not None:
                self._set(self._view.state, keep_text=True)
            return
        self.job = None
        first = outcome.problems[0] if outcome.problems else None
        # The request's own attempt failed even if its device has since become Auto (a saved
        # device this machine lacks): compare the models, not the devices.
        if first is None or not _same_model(first.choice, self.requested):
            self._loaded_as_asked(outcome.loaded, outcome.backend_problem)
        else:
            self._not_had(first)

    def note_backend(self, note: Message) -> ModelInUse | None:
        """The model in use, same as before, with a new backend note (Auto's choice, measured
        while it ran): no job, no reload. Returns the model now in use (None: none loaded)."""
        if self.model is not None:
            self.model = replace(self.model, backend_note=note)
            self._set(self._view.state, keep_text=True)
        return self.model

    # -- rules ----------------------------------------------------------------------------

    def _launch(self, attempts: tuple[ModelChoice, ...], allow_download: bool) -> None:
        self._cancel_job()
        job_id = next(self._ids)
        on_status = functools.partial(self._on_status, job_id) if self._on_status else None
        self.job = LoadJob(job_id, attempts, allow_download, on_status=on_status)
        self._set(State.LOADING, fixes=(Fix.CANCEL,) if allow_download else ())
        self._run(self.job)

    def _cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel.set()
            self.job = None

    def _in_use(self, choice: ModelChoice) -> bool:
        return (
            self.model is not None
            and _same_model(self.model.choice, choice)
            and (self.model.choice.device, self.model.choice.backend) == (choice.device, choice.backend)
        )

    def _loaded_as_asked(self, loaded: ModelInUse | None, backend_problem: Message | None = None) -> None:
        notice: Message | None = None
        if loaded is not None and self.requested.is_file and loaded.choice.arch != self.requested.arch:
            from core.architectures import pretty_arch

            notice = SWITCHED_ARCH(pretty_arch(loaded.choice.arch))
        # Auto's note (measuring, then its choice) lives in the status bar: a banner at every load
        # would hide what a person must read there (unnamed classes, another architecture).
        said = loaded is not None and loaded.backend_note and loaded.backend != AUTO_BACKEND
        if loaded is not None and (backend_problem or said):
            backend_notice = backend_problem or RUNS_ON(
                loaded.identity.title, backend_label(loaded.backend), loaded.backend_note
            )
            notice = JOINED(notice, backend_notice) if notice else backend_notice
        if loaded is not None:
            self.requested = loaded.choice.with_device(self.requested.device)
        self._set(State.READY, notice=notice, warning=bool(backend_problem))

    def _not_had(self, problem: Problem) -> None:
        """The request did not load: say why, with the fixes, and keep (or fall back to) a model."""
        what = self.requested.title
        message: Message
        if problem.message.code == NEEDS_FULL.code:  # Lite: said as it is; no retry, no download
            state, message, fixes = State.FAILED, problem.message, (Fix.LOAD_FILE, Fix.KEEP)
            if not any(_same_model(self.bundled, c.choice) for c in (self.model,) if c is not None):
                fixes += (Fix.USE_BUNDLED,)
        elif problem.kind == NOT_DOWNLOADED:
            state, message, fixes = State.UNAVAILABLE, IS_NOT_DOWNLOADED(what), (Fix.DOWNLOAD, Fix.KEEP)
        elif problem.kind == CANCELLED:
            state, message = State.UNAVAILABLE, DOWNLOAD_CANCELLED(what)
            fixes = (Fix.DOWNLOAD, Fix.KEEP)
        else:
            state, message = State.FAILED, COULD_NOT_LOAD(what, problem.message)
            fixes = (Fix.SWITCH_ARCH,) if problem.suggested_arch else ()
            fixes += (Fix.RETRY, Fix.KEEP) if self.requested.needs_download else (Fix.LOAD_FILE, Fix.KEEP)
            if not any(_same_model(self.bundled, c.choice) for c in (self.model,) if c is not None):
                fixes += (Fix.USE_BUNDLED,)
        if self.model is None:
            fixes = tuple(f for f in fixes if f is not Fix.KEEP)
        self._set(state, message=message, fixes=fixes, suggested_arch=problem.suggested_arch)

    def _set(
        self,
        state: State,
        message: Message | None = None,
        fixes: tuple[Fix, ...] = (),
        done: int = 0,
        total: int = 0,
        notice: Message | None = None,
        suggested_arch: str | None = None,
        keep_text: bool = False,
        warning: bool = False,
    ) -> None:
        if keep_text:
            old = self._view
            message, fixes, done, total, notice = old.message, old.fixes, old.done, old.total, old.notice
            suggested_arch, warning = old.suggested_arch, old.warning
        self._view = View(
            state, self.requested, self.model, message, fixes, done, total, notice, suggested_arch, warning
        )
        for listener in self._listeners:
            listener(self._view)


# --- running a job (in the host's worker thread) ---


def execute(
    job: LoadJob,
    on_progress: Callable[[int, int], None] | None = None,
    device_names: dict[str, Message | str] | None = None,
) -> tuple[Outcome, Any]:
    """Run ``job``: the :class:`Outcome` and the loaded ``core.weights.LoadedWeights``, or a
    ``core.lite.classifier.LiteLoaded`` for a Lite model file (or None).

    A Lite file runs on ONNX Runtime fp32 whatever backend was asked for, and the model in use
    says so (the bundled one on Auto with its int8 file beside it: Auto, see core.lite.auto);
    without torch (ResLens Lite) only Lite files and the bundled model open, and other choices fail
    with :data:`core.edition.NEEDS_FULL` (see :func:`core.opener.open_weights`).
    Imports torch (through ``core.weights``) for the full edition's choices only; call it off the
    GUI thread.
    """
    from core.edition import has_torch
    from core.lite.classifier import LiteLoaded
    from core.opener import open_weights

    names = device_names or {}
    problems: list[Problem] = []
    for index, choice in enumerate(job.attempts):
        if job.cancel.is_set():
            problems.append(Problem(choice, CANCELLED, LOAD_CANCELLED()))
            break
        download = job.allow_download and index == 0
        if choice.needs_download and not download and has_torch() and not _is_cached(choice):
            problems.append(Problem(choice, NOT_DOWNLOADED, IS_NOT_DOWNLOADED(choice.title)))
            continue
        # A file's architecture is its own (the window follows it); a device this machine lacks
        # (a saved setting) is Auto.
        spec = replace(choice, arch=None) if choice.is_file else choice
        if names and choice.device not in names:
            spec = spec.with_device(AUTO_DEVICE)
        try:
            loaded = open_weights(spec, on_progress if download else None, job.cancel)
        except Cancelled:
            problems.append(Problem(choice, CANCELLED, LOAD_CANCELLED()))
            break
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message and a fallback
            if job.cancel.is_set():
                problems.append(Problem(choice, CANCELLED, LOAD_CANCELLED()))
                break
            suggested = getattr(exc, "suggested_arch", None)
            problems.append(Problem(choice, BROKEN, describe_message(exc), suggested))
            continue
        if job.cancel.is_set():  # superseded while loading: keep the model in use
            problems.append(Problem(choice, CANCELLED, LOAD_CANCELLED()))
            break
        key = str(loaded.device)
        backend = choice.backend
        if isinstance(loaded, LiteLoaded):  # what the file runs on, or Auto's measure of two files
            backend = AUTO_BACKEND if loaded.auto_int8 is not None else loaded.model.backend
        in_use = ModelInUse(
            identity=loaded.identity,
            choice=ModelChoice(loaded.meta.arch, choice.weights, choice.labels, choice.device, backend),
            meta=loaded.meta,
            description=loaded.description,
            device=key,
            device_name=names.get(key, key),
            tree=loaded.tree if isinstance(loaded, LiteLoaded) else None,
        )
        return Outcome(job.job_id, in_use, tuple(problems)), loaded
    return Outcome(job.job_id, None, tuple(problems)), None


def _is_cached(choice: ModelChoice) -> bool:
    from core import weights

    return weights.is_cached(choice.arch, choice.weights)


def run_on_backend(outcome: Outcome, build: Callable[[str], Any]) -> tuple[Outcome, Any]:
    """What classifies with the model ``outcome`` loaded, on the backend its choice names.

    ``build(backend)`` makes it (the GUI: ``Classifier.from_loaded(loaded, backend=...)``, which
    exports and caches the ONNX model on first use). A backend that cannot be had (onnxruntime
    missing, an int8 model refused for its agreement with fp32, a failed export) gives way to
    torch: the returned outcome's model names the backend that really runs, with the reason in
    ``backend_problem``. Call it in the host's worker thread, after :func:`execute`.
    """
    model = outcome.loaded
    if model is None:
        return outcome, None
    asked, problem = model.backend, None
    try:
        runner = build(asked)
    except Exception as exc:  # noqa: BLE001 - any backend failure falls back to torch, said once
        if asked == DEFAULT_BACKEND:
            raise
        runner = build(DEFAULT_BACKEND)
        fallback = backend_label(DEFAULT_BACKEND)
        problem = BACKEND_GAVE_WAY(backend_label(asked), fallback, describe_message(exc))
    backend = asked if problem is None else DEFAULT_BACKEND
    note = getattr(runner, "backend_note", "") or ""
    in_use = replace(model, choice=model.choice.with_backend(backend), backend_note=note)
    return replace(outcome, loaded=in_use, backend_problem=problem), runner
