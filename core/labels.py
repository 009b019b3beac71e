"""Class names from a label file, beside the weights or named by a person: read safely, checked.

A label file is input from the outside world like an image: it may be a FIFO, 2 GB, not UTF-8,
settings JSON that happens to sit beside the weights, or an index map that starts at 1 (which
would shift every name by one class). :func:`read_labels` reads ``.txt`` (one name a line) and
``.json`` (a list, an index→name map, or a card with ``categories``) and refuses the rest with a
:class:`~core.errors.WeightsError` that says why. Needs no torch: an edition without torch
renames classes the same way.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from core.class_names import numbered
from core.errors import ImageDecodeError, WeightsError
from core.export import printable
from core.images import open_regular_file
from core.messages import QT_TRANSLATE_NOOP, kind

log = logging.getLogger(__name__)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's text (at most 160 characters), for a one-line message."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]


MAX_LABELS_BYTES = 16 * 2**20

EMPTY_LABEL = kind(
    "labels.empty",
    QT_TRANSLATE_NOOP("Messages", "%1: class %2 has an empty name; every class needs a name"),
)


class NotALabelFile(WeightsError):
    """The file cannot be read as labels at all (unreadable, not JSON, settings rather than names),
    as opposed to a label file with a mistake in it. Beside the weights, such a file is skipped."""


def read_labels(path: str | Path) -> tuple[str, ...]:
    """Class names from a ``.txt`` (one a line) or ``.json`` (list, index→name map, or card).

    Only a regular file is read (a FIFO or a device is refused at once, never waited on), up to
    :data:`MAX_LABELS_BYTES`. Every name must be text, and an index→name map must number the
    classes 0, 1, 2… without gaps: a map from 1, with a gap or a negative index is refused rather
    than silently renumbered, since that would shift every label by one class.
    """
    path = Path(path)
    text = _read_label_text(path)
    if path.suffix.lower() != ".json":
        return tuple(line.strip() for line in text.splitlines() if line.strip())
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise NotALabelFile(f"{path.name} is not valid JSON: {first_line(exc)}") from None
    return _named(_labels_from_json(data, path.name), path.name)


def _named(labels: tuple[str, ...], name: str) -> tuple[str, ...]:
    """``labels`` when every class has a name: an empty one (``""``, blanks) would show as nothing
    in every result, table and card, so it is refused with the class's index."""
    for index, label in enumerate(labels):
        if not label.strip():
            raise WeightsError(EMPTY_LABEL(name, index))
    return labels


def _read_label_text(path: Path) -> str:
    try:
        with open_regular_file(path) as stream:
            raw = stream.read(MAX_LABELS_BYTES + 1)
    except ImageDecodeError as exc:
        raise NotALabelFile(f"cannot read labels from {printable(path.name)}: {exc}") from None
    except OSError as exc:
        raise NotALabelFile(
            f"cannot read labels from {printable(path.name)}: {exc.strerror or exc}"
        ) from None
    if len(raw) > MAX_LABELS_BYTES:
        raise NotALabelFile(
            f"{printable(path.name)} is over {MAX_LABELS_BYTES // 2**20} MiB: not a label file"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotALabelFile(f"cannot read labels from {printable(path.name)}: it is not UTF-8 text") from None


def _labels_from_json(data: Any, name: str) -> tuple[str, ...]:
    if isinstance(data, dict):
        key = next((k for k in ("categories", "classes", "labels") if k in data), None)
        if key is not None:
            data = data[key]
        elif not all(_INDEX.fullmatch(k) for k in data):
            raise NotALabelFile(
                f"{name} is not a label file: it has no 'categories', 'classes' or 'labels' "
                "and its keys are not class indices"
            )
    elif not isinstance(data, list):
        kind = {str: "string", bool: "boolean", type(None): "null"}.get(type(data), "number")
        raise NotALabelFile(f"{name} is not a label file: it holds a JSON {kind}")
    if isinstance(data, list):
        for index, label in enumerate(data):
            if not isinstance(label, str):
                raise WeightsError(
                    f"{name}: class {index} is {_short_repr(label)}, not a name; labels must be text"
                )
        return tuple(data)
    if isinstance(data, dict):
        return _labels_from_index_map(data, name)
    raise WeightsError(f"{name}: expected a list of class names or an index→name map")


_INDEX = re.compile(r"-?[0-9]+")


def _labels_from_index_map(data: dict[str, Any], name: str) -> tuple[str, ...]:
    """``{"0": "cat", "1": "dog"}`` → ``("cat", "dog")``; anything but 0..N-1 is refused."""
    by_index: dict[int, str] = {}
    for key, label in data.items():
        if not _INDEX.fullmatch(key):
            raise WeightsError(
                f"{name}: {_short_repr(key)} is not a class index; expected a list of names "
                "or a map from 0, 1, 2… to names"
            )
        if not isinstance(label, str):
            raise WeightsError(
                f"{name}: class {key} is {_short_repr(label)}, not a name; labels must be text"
            )
        index = int(key)
        if index in by_index:
            raise WeightsError(f"{name}: class {index} is named twice")
        by_index[index] = label
    indices = sorted(by_index)
    expected = list(range(len(indices)))
    if indices != expected:
        if indices[0] < 0:
            problem = f"has a negative index ({indices[0]})"
        elif indices[0] != 0:
            problem = f"starts at {indices[0]}"
        else:
            problem = f"has no class {next(i for i in expected if i not in by_index)}"
        raise WeightsError(
            f"{name}: the index→name map {problem}; it must number the classes 0 to N-1 "
            "without gaps (ResLens does not renumber them, which would shift every label)"
        )
    return tuple(by_index[i] for i in expected)


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _sidecar_labels(path: Path) -> Path | None:
    for candidate in (
        path.with_suffix(".labels.txt"),
        path.with_name(path.stem + "_labels.txt"),
        path.with_suffix(".json"),
        path.with_name("labels.txt"),
        path.with_name("labels.json"),
    ):
        if candidate.is_file():
            return candidate
    return None


def categories_for(
    num_classes: int, labels: Path | None, path: Path, extra: dict[str, Any]
) -> tuple[str, ...]:
    """Class names: explicit labels file, else a sidecar, else the checkpoint's own, else numbers.

    A file beside the weights that is not a label file (``model.json`` holding training
    settings, say) was not asked for: it is skipped with a warning instead of blocking the load.
    """
    source = labels
    names: tuple[str, ...] | None = None
    if source is not None:
        names = read_labels(source)
    elif (sidecar := _sidecar_labels(path)) is not None:
        try:
            names, source = read_labels(sidecar), sidecar
        except NotALabelFile as exc:
            log.warning(
                "ignoring %s beside the weights, it is not a label file (%s)", printable(sidecar.name), exc
            )
    if names is None:
        for key in ("categories", "classes", "labels", "class_names"):
            value = extra.get(key)
            if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
                names = tuple(value)
                break
    if names is None:
        return numbered(num_classes)
    if len(names) != num_classes:
        origin = source.name if source else "the checkpoint"
        raise WeightsError(f"{origin} names {len(names)} classes but the weights have {num_classes} outputs")
    return names
