"""The ResLens Lite model file: an ONNX graph plus one JSON record in its ``metadata_props``.

One file that both editions open, written by the full edition (``reslens-cli export``, see
:mod:`core.lite.export`) and by the quick head (:mod:`core.lite.quick_train`, in either edition):

- the graph takes ``input`` (``N x 3 x H x W`` float32, normalised; batch and sides dynamic) and
  gives ``logits`` and the feature maps ``layer2``, ``layer3`` and ``layer4``: the CAM and the
  quick head read those, so nothing but ONNX Runtime is needed to explain or to teach;
- the record (key :data:`METADATA_KEY`) holds what the full edition's :class:`ModelMeta` holds
  (architecture, categories and their translations, mean/std/resize/crop/interpolation), the
  unknown threshold, the weights hash and the model's tag, the architecture tree with output
  shape, parameters and MACs per node, the head (the fc weights, or a quick head that replaces
  the graph's logits), and :data:`FORMAT_VERSION`.

Arrays inside the record are little-endian bytes in base64 (``{"dtype", "shape", "data"}``): a
ResNet-18 head is 24 kB of text, an ImageNet ResNet-50's fc 11 MB. The ``onnx`` package is not
needed to read or to rewrite the record: ONNX Runtime reads it (``custom_metadata_map``) and
:func:`with_metadata` rewrites the one top-level protobuf field that holds it.

Imports neither torch nor onnx.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import OutputError, WeightsError
from core.export import replace_atomically
from core.messages import QT_TRANSLATE_NOOP, kind
from core.metadata import ModelMeta

FORMAT = "reslens-lite"
FORMAT_VERSION = 1
METADATA_KEY = "reslens"
INPUT = "input"
OUTPUTS: tuple[str, ...] = ("logits", "layer2", "layer3", "layer4")
SUFFIX = ".onnx"
PRECISIONS = ("fp32", "int8")
MAX_SIDE = 2048  # the largest resize or crop a record may ask for (as core.validate's limit)

NOT_ONNX = kind("lite.not-onnx", QT_TRANSLATE_NOOP("Messages", "%1 cannot be opened as an ONNX model: %2"))
NOT_RESLENS = kind(
    "lite.not-reslens",
    QT_TRANSLATE_NOOP(
        "Messages", "%1 is an ONNX model without ResLens metadata; export it with reslens-cli export"
    ),
)
WRONG_VERSION = kind(
    "lite.version",
    QT_TRANSLATE_NOOP("Messages", "%1 is a ResLens model of format %2; this ResLens reads format %3"),
)
BAD_RECORD = kind(
    "lite.bad-record", QT_TRANSLATE_NOOP("Messages", "%1: its ResLens metadata is not valid (%2)")
)
WRONG_OUTPUTS = kind(
    "lite.outputs", QT_TRANSLATE_NOOP("Messages", "%1: the graph's outputs are %2; a ResLens model has %3")
)
CANNOT_WRITE = kind("lite.cannot-write", QT_TRANSLATE_NOOP("Messages", "cannot write %1: %2"))
WRONG_CLASSES = kind(
    "lite.classes",
    QT_TRANSLATE_NOOP("Messages", "%1: the metadata names %2 classes but the model gives %3 scores"),
)


# --------------------------------------------------------------------------- arrays as text


def encode_array(array: np.ndarray) -> dict[str, Any]:
    """``array`` as JSON-ready data: exact (float32 stays float32), little-endian, base64."""
    array = np.ascontiguousarray(array)
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    return {
        "dtype": array.dtype.name,
        "shape": list(array.shape),
        "data": base64.b64encode(little.tobytes()).decode("ascii"),
    }


def decode_array(data: Any, what: str) -> np.ndarray:
    """The array :func:`encode_array` wrote; ``ValueError`` naming ``what`` for anything else."""
    try:
        dtype = np.dtype(data["dtype"]).newbyteorder("<")
        shape = tuple(int(s) for s in data["shape"])
        raw = base64.b64decode(data["data"], validate=True)
        if dtype.kind not in "fiu" or len(raw) != dtype.itemsize * math.prod(shape):
            raise ValueError
        return np.frombuffer(raw, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"{what} is not an array") from None


# --------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class Head:
    """What turns the graph's outputs into class scores, and the CAM's weights.

    ``kind`` ``"linear"``: the graph's own ``logits`` (GAP of layer4, then fc); ``weight`` is fc's
    (``classes x channels``), kept for the CAM. ``kind`` ``"quick"``: a quick head
    (:class:`core.lite.quick_head.QuickHead`) over pooled layer2-4 features replaces them; its
    arrays live in ``arrays`` (mean, std, weight, bias) and ``features`` names the pooling.
    """

    kind: str
    arrays: Mapping[str, np.ndarray]
    features: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, **{k: encode_array(v) for k, v in self.arrays.items()}}
        if self.features:
            data["features"] = list(self.features)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Head:
        if not isinstance(data, dict) or data.get("kind") not in ("linear", "quick"):
            raise ValueError("head: kind must be 'linear' or 'quick'")
        names = ("weight", "bias") if data["kind"] == "linear" else ("mean", "std", "weight", "bias")
        arrays = {name: decode_array(data.get(name), f"head.{name}") for name in names}
        if data["kind"] == "quick" and "widths" in data:
            arrays["widths"] = decode_array(data["widths"], "head.widths")
        features = tuple(str(f) for f in data.get("features", ()))
        if data["kind"] == "quick" and not features:
            raise ValueError("head: a quick head names its features")
        return cls(data["kind"], arrays, features)


@dataclass(frozen=True)
class LiteRecord:
    """The record of one Lite model file, checked (see :func:`parse_record`)."""

    meta: ModelMeta
    head: Head
    unknown_threshold: float | None = None
    weights_hash: str = ""
    model_tag: str = ""
    tree: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    precision: str = "fp32"
    """``"fp32"``, or ``"int8"`` for a graph quantised by :mod:`core.lite.quantize`; ``extra``
    then holds ``"int8"``, the calibration and the agreement with fp32 it was checked at."""

    @property
    def num_classes(self) -> int:
        return self.meta.num_classes

    def to_json(self) -> str:
        meta = json.loads(self.meta.to_json())
        data = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            **meta,
            "unknown_threshold": self.unknown_threshold,
            "weights_hash": self.weights_hash,
            "model_tag": self.model_tag,
            "outputs": list(OUTPUTS),
            "tree": self.tree,
            "head": self.head.to_dict(),
            **self.extra,
        }
        if self.precision != "fp32":  # fp32 files stay byte for byte what format 1 always wrote
            data["precision"] = self.precision
        return json.dumps(data, ensure_ascii=False)


def parse_record(text: str | None, origin: str) -> LiteRecord:
    """The record in ``text`` (the metadata value), checked; :class:`WeightsError` otherwise.

    Refused: no record (an ONNX file that is not ours), another format or version, a record that
    is not JSON, categories that are not a list of names, a translation set of another length,
    sizes outside 1..:data:`MAX_SIDE`, a non-positive std, an unknown interpolation, a head whose
    arrays do not fit the classes.
    """
    if not text:
        raise WeightsError(NOT_RESLENS(origin))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise WeightsError(BAD_RECORD(origin, "not JSON")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise WeightsError(NOT_RESLENS(origin))
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise WeightsError(WRONG_VERSION(origin, str(version), str(FORMAT_VERSION)))
    try:
        meta = _meta(data)
        head = Head.from_dict(data.get("head"))
        _check_head(head, meta.num_classes)
        threshold = data.get("unknown_threshold")
        if threshold is not None and not (isinstance(threshold, int | float) and 0 <= threshold <= 1):
            raise ValueError("unknown_threshold must be between 0 and 1")
        tree = data.get("tree")
        if tree is not None and not isinstance(tree, dict):
            raise ValueError("tree must be an object")
        precision = data.get("precision", "fp32")
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}")
        int8 = data.get("int8")
        if int8 is not None and not isinstance(int8, dict):
            raise ValueError("int8 must be an object")
    except ValueError as exc:
        raise WeightsError(BAD_RECORD(origin, str(exc))) from None
    return LiteRecord(
        meta=meta,
        head=head,
        unknown_threshold=None if threshold is None else float(threshold),
        weights_hash=str(data.get("weights_hash", "")),
        model_tag=str(data.get("model_tag", "")),
        tree=tree,
        extra={} if int8 is None else {"int8": int8},
        precision=precision,
    )


def _meta(data: dict[str, Any]) -> ModelMeta:
    from core.preprocess import check_interpolation

    categories = data.get("categories")
    if not isinstance(categories, list) or not categories or not all(isinstance(c, str) for c in categories):
        raise ValueError("categories must be a non-empty list of names")
    for key in ("crop_size", "resize_size"):
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_SIDE:
            raise ValueError(f"{key} must be a whole number of pixels from 1 to {MAX_SIDE}")
    for key in ("mean", "std"):
        value = data.get(key)
        if not isinstance(value, list) or len(value) != 3 or not all(_finite(v) for v in value):
            raise ValueError(f"{key} must be three numbers")
    if min(data["std"]) <= 0:
        raise ValueError("std must be positive")
    check_interpolation(str(data.get("interpolation", "")))
    local = data.get("localized_categories") or {}
    if not isinstance(local, dict) or any(
        not isinstance(names, list) or len(names) != len(categories) for names in local.values()
    ):
        raise ValueError("every localized category set must name each class once")
    if not isinstance(data.get("arch"), str):
        raise ValueError("arch must be a name")
    return ModelMeta.from_dict(data)


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_head(head: Head, classes: int) -> None:
    weight, bias = head.arrays["weight"], head.arrays["bias"]
    if weight.ndim != 2 or weight.shape[0] != classes or bias.shape != (classes,):
        raise ValueError(f"the head's weights do not fit {classes} classes")
    if head.kind == "quick":
        for name in ("mean", "std"):
            if head.arrays[name].shape != (weight.shape[1],):
                raise ValueError(f"head.{name} does not fit the head's {weight.shape[1]} features")
        widths = head.arrays.get("widths")
        if widths is not None and (len(widths) != len(head.features) or int(widths.sum()) != weight.shape[1]):
            raise ValueError("head.widths does not fit the head's features")
    if not all(np.isfinite(a).all() for a in head.arrays.values()):
        raise ValueError("the head holds a value that is not a number")


def check_outputs(names: list[str], origin: str) -> None:
    """The graph's output names must be :data:`OUTPUTS`, in that order."""
    if list(names) != list(OUTPUTS):
        raise WeightsError(WRONG_OUTPUTS(origin, ", ".join(names), ", ".join(OUTPUTS)))


def check_classes(logits: int | None, record: LiteRecord, origin: str) -> None:
    """A linear head's record must name as many classes as the graph gives scores."""
    if record.head.kind == "linear" and isinstance(logits, int) and logits != record.num_classes:
        raise WeightsError(WRONG_CLASSES(origin, str(record.num_classes), str(logits)))


def not_onnx(origin: str, reason: str) -> WeightsError:
    return WeightsError(NOT_ONNX(origin, reason))


# --------------------------------------------------------------------------- protobuf, by hand

_METADATA_FIELD = 14  # ModelProto.metadata_props: repeated StringStringEntryProto {key=1, value=2}
_LENGTH_DELIMITED = 2


def with_metadata(model: bytes, props: Mapping[str, str]) -> bytes:
    """``model`` (a serialized ONNX ``ModelProto``) with its ``metadata_props`` replaced by ``props``.

    Walks the top-level fields only (varint tags, four wire types) and re-emits every field but
    the metadata ones unchanged, so the graph's bytes are copied, not parsed: Lite can write a
    model with a new head without the ``onnx`` package. ``ValueError`` for bytes that are not a
    protobuf message.
    """
    kept = bytearray()
    for number, start, end in _top_level_fields(model):
        if number != _METADATA_FIELD:
            kept += model[start:end]
    for key, value in props.items():
        entry = _field(1, key.encode()) + _field(2, value.encode())
        kept += _field(_METADATA_FIELD, entry)
    return bytes(kept)


def read_metadata(model: bytes) -> dict[str, str]:
    """The ``metadata_props`` of a serialized ``ModelProto`` (for tests and tools)."""
    props: dict[str, str] = {}
    for number, start, end in _top_level_fields(model):
        if number == _METADATA_FIELD:
            entry = model[start:end]
            _, _, body = _split_field(entry)
            values = {n: entry_bytes for n, entry_bytes in _fields_of(body)}
            props[values.get(1, b"").decode()] = values.get(2, b"").decode()
    return props


def _fields_of(body: bytes) -> list[tuple[int, bytes]]:
    found = []
    for number, start, end in _top_level_fields(body):
        _, _, payload = _split_field(body[start:end])
        found.append((number, payload))
    return found


def _split_field(raw: bytes) -> tuple[int, int, bytes]:
    tag, pos = _varint(raw, 0)
    if tag & 7 != _LENGTH_DELIMITED:
        return tag >> 3, tag & 7, b""
    length, pos = _varint(raw, pos)
    return tag >> 3, tag & 7, raw[pos : pos + length]


def _top_level_fields(data: bytes) -> list[tuple[int, int, int]]:
    """``(field number, start, end)`` of each top-level field of a serialized message."""
    fields, pos = [], 0
    while pos < len(data):
        start = pos
        tag, pos = _varint(data, pos)
        wire = tag & 7
        if wire == 0:
            _, pos = _varint(data, pos)
        elif wire == 1:
            pos += 8
        elif wire == _LENGTH_DELIMITED:
            length, pos = _varint(data, pos)
            pos += length
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"not a protobuf message (wire type {wire})")
        if pos > len(data) or tag >> 3 == 0:
            raise ValueError("not a protobuf message (truncated)")
        fields.append((tag >> 3, start, pos))
    return fields


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("not a protobuf message (bad varint)")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _encode_varint(number << 3 | _LENGTH_DELIMITED) + _encode_varint(len(payload)) + payload


def is_reslens_model(path: Path) -> bool:
    """Whether ``path`` is a file this format wrote (its record parses): only such a file may be
    replaced without ``--force``."""
    try:
        data = Path(path).read_bytes()
        return parse_record(read_metadata(data).get(METADATA_KEY), path.name) is not None
    except (OSError, ValueError, WeightsError):
        return False


# --------------------------------------------------------------------------- writing


def check_target(out: Path, force: bool) -> None:
    """Refuse a folder, a missing or read-only folder, or an existing file that is not a ResLens
    model (unless ``force``): a typo in ``--out`` must not destroy a user's other file. The rules
    are :func:`core.outputs.claim`'s, which recognises this format's files by their record."""
    from core.outputs import Output, OutputRules, claim

    claim(out, Output.OWNED, OutputRules(force=force), ours=is_reslens_model)


def write_model(out: Path, data: bytes) -> None:
    """``data`` into ``out`` through core's one atomic writer (temp file in the same folder,
    then a rename); an OS error becomes an :class:`OutputError`."""
    try:
        replace_atomically(out, lambda tmp: tmp.write_bytes(data))
    except OSError as exc:
        raise OutputError(CANNOT_WRITE(str(out), exc.strerror or str(exc))) from None
