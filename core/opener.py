"""Opening a model from a :class:`~core.sources.ModelChoice`: device, then weights, then a classifier.

Every face of ResLens loads a model the same way: ``classify``, ``explain`` and ``batch`` (each
of its Ray actors too) from their command-line flags, the window from its model session
(:func:`core.session.execute`). When each wrote the sequence itself, they differed in small ways
(which device a choice means, whether a label file is passed on, which backend is asked for);
now they all call :func:`open_weights` and, to classify, :func:`open_classifier`.

Imports nothing heavy itself: torch comes with :mod:`core.weights` and :mod:`core.inference`,
inside the functions, so a command's ``--help`` stays fast.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.inference import Classifier
    from core.sources import ModelChoice
    from core.weights import LoadedWeights


def open_weights(
    choice: ModelChoice,
    on_progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> LoadedWeights:
    """The weights ``choice`` names, loaded onto the device it names (``auto``: the best one).

    ``choice.arch`` is a requirement when set (weights of another architecture are refused with
    a :class:`~core.errors.WeightsError` naming the right one); ``None`` takes the weights' own.
    ImageNet weights download when not cached (``on_progress(done, total)`` bytes, ``cancel``).
    """
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


def open_classifier(choice: ModelChoice, loaded: LoadedWeights | None = None, **options: Any) -> Classifier:
    """A :class:`~core.inference.Classifier` for ``choice``, on the backend the choice names.

    ``loaded`` reuses weights already opened for ``choice`` (by :func:`open_weights`); ``options``
    are the classifier's own (``decode_workers``, ``precision``, ``exact_decode``, ``calibrate``,
    ``on_status``). Building an ONNX backend exports and caches its model on first use. int8 is
    calibrated and checked on the model's own training pictures when its card names a folder
    that is still there (a model a person trained), else on rendered shapes.
    """
    from core.inference import Classifier

    loaded = loaded if loaded is not None else open_weights(choice)
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
