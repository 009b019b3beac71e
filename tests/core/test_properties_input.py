"""Property-based tests (Hypothesis) for what arrives with weights: label files, safetensors
metadata and state dicts. Any input gives a result or a ``ResLensError``, never another exception.

Example counts are kept small so the whole hostile suite stays well under a minute.
"""

from __future__ import annotations

import contextlib
import json
import math
import tempfile
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.torch import save_file

from core.architectures import ARCH_NAMES
from core.errors import ResLensError
from core.metadata import METADATA_KEY, ModelMeta, read_safetensors_meta
from core.resnet import resnet18
from core.validate import INTERPOLATIONS, SIZE_RANGE, check_fits, check_meta, check_state_dict, head_classes
from core.weights import _strip_prefixes, detect_arch, read_labels

FAST = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
WORK = Path(tempfile.mkdtemp(prefix="reslens-properties-"))

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner, max_size=5),
    max_leaves=20,
)
index_keys = st.integers(-3, 8).map(str) | st.text(max_size=4)


# --------------------------------------------------------------------------- label files


def _read_or_refuse(path: Path) -> tuple[str, ...] | None:
    try:
        labels = read_labels(path)
    except ResLensError:
        return None
    assert isinstance(labels, tuple) and all(isinstance(label, str) for label in labels)
    return labels


@FAST
@given(
    data=json_values
    | st.lists(json_scalars, max_size=6)
    | st.dictionaries(index_keys, st.text(max_size=5) | json_scalars, max_size=6)
    | st.fixed_dictionaries({"categories": json_values})
)
def test_json_label_files_give_names_or_a_reslens_error(data) -> None:
    path = WORK / "labels.json"
    path.write_text(json.dumps(data))
    labels = _read_or_refuse(path)
    if labels is not None and isinstance(data, dict) and data and all(k.isdigit() for k in data):
        assert [int(k) for k in sorted(data, key=int)] == list(range(len(labels)))  # never renumbered


@FAST
@given(raw=st.binary(max_size=200), suffix=st.sampled_from([".txt", ".json", ".labels"]))
def test_any_bytes_as_a_label_file_give_names_or_a_reslens_error(raw, suffix) -> None:
    path = WORK / f"labels{suffix}"
    path.write_bytes(raw)
    _read_or_refuse(path)


# --------------------------------------------------------------------------- safetensors metadata

near_valid_meta = st.fixed_dictionaries(
    {},
    optional={
        "arch": st.sampled_from([*ARCH_NAMES, "vgg16", ""]) | json_scalars,
        "categories": st.lists(st.text(max_size=5), max_size=4) | json_values,
        "crop_size": st.integers(-10, 5000) | json_scalars,
        "resize_size": st.integers(-10, 5000) | json_scalars,
        "mean": st.lists(st.floats() | st.integers() | st.just(10**400), max_size=4) | json_scalars,
        "std": st.lists(st.floats() | st.integers(), max_size=4) | json_scalars,
        "interpolation": st.sampled_from([*INTERPOLATIONS, "BICUBIC", "sideways"]) | json_scalars,
        "name": json_scalars,
        "card": json_values,
    },
)


@FAST
@given(data=near_valid_meta | json_values)
def test_metadata_gives_a_usable_meta_or_a_reslens_error(data) -> None:
    try:
        meta = check_meta(data, "m.safetensors")
    except ResLensError:
        return
    low, high = SIZE_RANGE
    assert isinstance(meta, ModelMeta) and meta.arch in ARCH_NAMES and meta.num_classes >= 1
    assert low <= meta.crop_size <= high and low <= meta.resize_size <= high
    assert len(meta.mean) == len(meta.std) == 3 and all(s > 0 and math.isfinite(s) for s in meta.std)
    assert meta.interpolation in INTERPOLATIONS
    json.loads(meta.to_json())


TINY = {"w": torch.zeros(2)}


@settings(max_examples=25, deadline=None, database=None)
@given(raw=st.text(max_size=80) | near_valid_meta.map(json.dumps))
def test_safetensors_header_metadata_gives_a_meta_or_a_reslens_error(raw) -> None:
    path = WORK / "m.safetensors"
    save_file(TINY, str(path), metadata={METADATA_KEY: raw})
    try:
        meta = read_safetensors_meta(path)
    except ResLensError:
        return
    assert meta is None or isinstance(meta, ModelMeta)


# --------------------------------------------------------------------------- state dicts

REFERENCE = resnet18(num_classes=3).state_dict()
REFERENCE_KEYS = sorted(REFERENCE)

tensors = st.builds(
    lambda shape, dtype, fill: torch.full(shape, fill).to(dtype),
    st.lists(st.integers(0, 3), max_size=3).map(tuple),
    st.sampled_from([torch.float32, torch.float16, torch.int64, torch.bool, torch.complex64, torch.uint8]),
    st.floats(allow_nan=True, allow_infinity=True, width=16),
)
values = tensors | json_scalars
keys = st.sampled_from(REFERENCE_KEYS) | st.text(max_size=10) | st.integers() | st.none()


def _pipeline(state) -> None:
    """What ``load_weights_file`` does between reading a file and building a model."""
    checked = check_state_dict(state, "x.pth")
    stripped = _strip_prefixes(checked)
    arch = detect_arch(stripped) or "resnet18"
    classes = head_classes(stripped, "x.pth")
    check_fits(stripped, arch, classes, "x.pth")
    if arch == "resnet18" and classes == 3:  # passed every check: it must load as it is
        resnet18(num_classes=3).load_state_dict(stripped, strict=True)


def _run(state) -> None:
    with contextlib.suppress(ResLensError):
        _pipeline(state)


@FAST
@given(state=st.dictionaries(keys, values, max_size=6) | json_values)
def test_arbitrary_state_dicts_give_a_reslens_error(state) -> None:
    _run(state)


@settings(FAST, max_examples=20)
@given(
    replaced=st.dictionaries(st.sampled_from(REFERENCE_KEYS), values, max_size=2),
    removed=st.sets(st.sampled_from(REFERENCE_KEYS), max_size=2),
    added=st.dictionaries(keys, values, max_size=2),
    prefix=st.sampled_from(["", "module.", "_orig_mod.module.", "model."]),
)
def test_a_resnet_state_dict_with_hostile_edits_loads_or_is_refused(replaced, removed, added, prefix) -> None:
    state = {**REFERENCE, **replaced}
    for key in removed:
        state.pop(key, None)
    state = {prefix + k: v for k, v in state.items()}
    state.update(added)
    _run(state)


def test_the_unedited_reference_passes() -> None:
    _pipeline({"_orig_mod.module." + k: v for k, v in REFERENCE.items()})
    with pytest.raises(ResLensError, match="NaN"):
        _pipeline({**REFERENCE, "fc.bias": torch.tensor([0.0, math.nan, 0.0])})
