"""Classification results as plain data, shared by the pipeline, the CLI, the GUI and tests."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from core.messages import Message, english


@dataclass(frozen=True)
class Prediction:
    """One of the top-k classes for an image."""

    index: int
    label: str
    probability: float


@dataclass(frozen=True)
class ClassificationResult:
    """The outcome for one input: its top-k predictions, or the reason it could not be classified.

    ``source`` is the file path as given (or a name such as ``"clipboard-1"`` for an in-memory
    image); ``elapsed_ms`` is the time spent on this input (its share of decoding and of its batch);
    ``model`` names the model that produced it (name and a short weights hash), so runs made with
    different models stay distinguishable in the table and in exports. ``unknown`` is true when
    the top-1 probability fell below the confidence threshold in use (:mod:`core.unknown`): the
    result is then *none of the N classes*, and its predictions are still listed. ``backend``
    names what ran the forward pass (``torch``, ``onnx``, ``onnx-int8``; see :mod:`core.backends`).
    """

    source: str
    predictions: tuple[Prediction, ...] = ()
    elapsed_ms: float = 0.0
    error: str | None = None
    width: int | None = None
    height: int | None = None
    model: str = ""
    unknown: bool = False
    backend: str = ""
    why: Message | None = field(default=None, compare=False, repr=False)  # ``error`` as data

    @classmethod
    def failed(cls, source: str, why: Message, **fields: Any) -> ClassificationResult:
        """A result with no predictions: ``error`` is the English (exports, the CLI), ``why`` the
        message a window renders in its own language."""
        return cls(source, error=english(why), why=why, **fields)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def top(self) -> Prediction | None:
        return self.predictions[0] if self.predictions else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON schema used by ``reslens-cli classify --json`` and the GUI's export."""
        data = asdict(self)
        data.pop("why")  # the exported error is the English text
        data["predictions"] = [asdict(p) for p in self.predictions]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClassificationResult:
        return cls(
            source=data["source"],
            predictions=tuple(Prediction(**p) for p in data.get("predictions", ())),
            elapsed_ms=float(data.get("elapsed_ms", 0.0)),
            error=data.get("error"),
            width=data.get("width"),
            height=data.get("height"),
            model=data.get("model", ""),
            unknown=bool(data.get("unknown", False)),
            backend=data.get("backend", ""),
        )
