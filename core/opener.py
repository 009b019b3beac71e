"""Opening a model from a :class:`~core.sources.ModelChoice`: device, then weights, then a classifier.

Every face of ResLens loads a model the same way: ``classify``, ``explain`` and ``batch`` (each
of its Ray actors too) from their command-line flags, the window from its model session
(:func:`core.session.execute`). When each wrote the sequence itself, they differed in small ways
(which device a choice means, whether a label file is passed on, which backend is asked for);
now they all call :func:`open_weights` and, to classify, :func:`open_classifier`.

A ResLens Lite model file (``.onnx`` with our record) opens here too, in both editions, as a
:class:`~core.lite.classifier.LiteLoaded` run by ONNX Runtime; without torch (ResLens Lite) the
bundled model is its Lite file, and what needs torch (``.pth``/``.safetensors`` files, ImageNet's
published weights) is refused with :data:`core.edition.NEEDS_FULL`, never a failed import.

Imports nothing heavy itself: torch comes with :mod:`core.weights` and :mod:`core.inference`,
inside the functions, so a command's ``--help`` stays fast.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.edition import NEEDS_FULL, has_torch
from core.errors import WeightsError

if TYPE_CHECKING:
    from core.inference import Classifier
    from core.lite.classifier import LiteClassifier, LiteLoaded
    from core.sources import ModelChoice
    from core.weights import LoadedWeights


def needs_torch(choice: ModelChoice) -> bool:
    """Whether ``choice`` can only be opened by the full edition (torch's weights or downloads)."""
    from core.lite.classifier import opens_as_lite

    return not opens_as_lite(choice, torch_here=False)


def open_weights(
    choice: ModelChoice,
    on_progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> LoadedWeights | LiteLoaded:
    """The weights ``choice`` names, loaded onto the device it names (``auto``: the best one).

    ``choice.arch`` is a requirement when set (weights of another architecture are refused with
    a :class:`~core.errors.WeightsError` naming the right one); ``None`` takes the weights' own.
    ImageNet weights download when not cached (``on_progress(done, total)`` bytes, ``cancel``).
    A Lite model file gives a :class:`~core.lite.classifier.LiteLoaded` on the CPU; without
    torch, a choice that needs it is a :class:`WeightsError` saying :data:`NEEDS_FULL`.
    """
    from core.lite.classifier import opens_as_lite

    if opens_as_lite(choice, has_torch()):
        return _open_lite(choice)
    if not has_torch():
        raise WeightsError(NEEDS_FULL(choice.title))
    from core.devices import resolve_device
    from core.weights import load_weights

    device = resolve_device(choice.device)
    return load_weights(
        choice.arch,
        choice.weights,
        labels=choice.labels or None,
        device=device,
        on_progress=on_progress,
        cancel=cancel,
    )


def _open_lite(choice: ModelChoice) -> LiteLoaded:
    """The Lite file ``choice`` names (the bundled one's for ``"default"``); its architecture is
    the file's own (the session follows it, as it follows a ``.pth`` file's). The bundled model
    on ``onnx-int8`` is the bundled int8 file, when it ships: Lite cannot quantise (no ``onnx``).
    On ``auto`` it is the fp32 file, with the int8 one as Auto's other candidate (core.lite.auto)."""
    from core.lite.classifier import is_lite_file, open_lite
    from core.lite.paths import bundled_int8_path
    from core.sources import bundled_lite_path

    if is_lite_file(choice.weights):
        return open_lite(choice, Path(choice.weights))
    from core.lite.auto import int8_sibling

    int8 = bundled_int8_path()
    wants_int8 = choice.backend == "onnx-int8" and int8.is_file()
    if wants_int8:
        return open_lite(choice, int8)
    return open_lite(choice, bundled_lite_path(), auto_int8=int8_sibling(choice.backend))


def open_classifier(
    choice: ModelChoice, loaded: LoadedWeights | LiteLoaded | None = None, **options: Any
) -> Classifier | LiteClassifier:
    """A :class:`~core.inference.Classifier` for ``choice``, on the backend the choice names.

    ``loaded`` reuses weights already opened for ``choice`` (by :func:`open_weights`); ``options``
    are the classifier's own (``decode_workers``, ``precision``, ``exact_decode``, ``calibrate``,
    ``on_status``). Building an ONNX backend exports and caches its model on first use. int8 is
    calibrated and checked on the model's own training pictures when its card names a folder
    that is still there (a model a person trained), else on rendered shapes. A Lite model file
    gives a :class:`~core.lite.classifier.LiteClassifier` whatever backend was asked for.
    """
    from core.lite.classifier import LiteClassifier, LiteLoaded

    loaded = loaded if loaded is not None else open_weights(choice)
    if isinstance(loaded, LiteLoaded):  # the file is the model: ONNX Runtime runs it
        return LiteClassifier(loaded, **options)
    from core.inference import Classifier

    if choice.backend in ("onnx-int8", "auto") and options.get("calibrate") is None:
        options["calibrate"] = training_folder(loaded.meta)
    return Classifier.from_loaded(loaded, backend=choice.backend, **options)


def training_folder(meta: Any) -> Path | None:
    """The folder a user-trained model's card says it learned from, if it still exists."""
    data = (meta.card or {}).get("data")
    folder = data.get("folder") if isinstance(data, dict) else None
    if not isinstance(folder, str) or not folder:
        return None
    path = Path(folder)
    return path if path.is_dir() else None
