"""The ONNX cache (issue 24, item 14): what it reads is checked, a broken entry is rebuilt once and
said so, and a cache folder that cannot be written gives way to a temporary folder."""

from __future__ import annotations

import pytest
import torch

from core import backends
from core.backends import BackendRequest, build_runner, model_folder
from core.errors import UsageError
from core.int8_recipe import INT8_RECIPE
from core.messages import english
from core.metadata import ModelMeta
from core.resnet import resnet18

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("RESLENS_CACHE", str(folder))
    monkeypatch.setattr(backends, "_fallbacks", {})
    return folder


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(5)
    return resnet18(num_classes=3).eval()


META = ModelMeta("resnet18", ("a", "b", "c"), crop_size=32, resize_size=32)


def _request(model, backend="onnx", messages=None, classes=None):
    meta = META if classes is None else ModelMeta("resnet18", classes, 32, 32)
    on_status = messages.append if messages is not None else None
    return BackendRequest(backend, model, meta, "cafe1234", on_status=on_status)


def _folder(root):
    import onnxruntime

    return model_folder("resnet18", "cafe1234", 32, onnxruntime.__version__, root)


def _texts(messages):
    return [english(m) for m in messages]


@pytest.mark.parametrize("content", [b"", b"garbage, not a protobuf", "truncate"])
def test_a_broken_cached_model_is_rebuilt_once_and_said(cache, model, content) -> None:
    build_runner(_request(model))
    path = _folder(cache) / "model.onnx"
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 3] if content == "truncate" else content)
    messages: list = []
    runner = build_runner(_request(model, messages=messages))
    assert runner.run(torch.zeros(2, 3, 32, 32).numpy()).shape == (2, 3)
    texts = _texts(messages)
    assert texts[0].startswith(f"The cached model {path} could not be used (")
    assert texts[0].endswith("): building it again…")
    assert texts[1].startswith("Building the ONNX model once")
    assert len(path.read_bytes()) == len(good)
    messages.clear()
    build_runner(_request(model, messages=messages))  # now it is sound: nothing to say
    assert messages == []


def test_a_cached_model_of_another_shape_is_rebuilt(cache, model) -> None:
    """A file that opens but answers with 4 classes for a 3-class model (a person copied one in)."""
    torch.manual_seed(6)
    other = resnet18(num_classes=4).eval()
    backends.export_onnx(other, 32, _folder(cache) / "model.onnx")
    messages: list = []
    runner = build_runner(_request(model, messages=messages))
    assert runner.run(torch.zeros(1, 3, 32, 32).numpy()).shape == (1, 3)
    assert "expected (1, 3)" in _texts(messages)[0]


def test_a_model_that_is_broken_again_after_the_rebuild_is_refused_with_a_hint(
    cache, model, monkeypatch
) -> None:
    def bad_export(model, size, path):
        backends.write_cache_file(path, lambda tmp: tmp.write_bytes(b"still garbage"))

    monkeypatch.setattr(backends, "export_onnx", bad_export)
    calls = []
    monkeypatch.setattr(backends, "OnnxRunner", _counting(backends.OnnxRunner, calls))
    with pytest.raises(UsageError) as caught:
        build_runner(_request(model))
    assert str(caught.value).startswith(f"The ONNX model built in {_folder(cache)} cannot be used either (")
    assert str(caught.value).endswith("use the torch backend")
    assert len(calls) == 1  # built once, tried once: no loop of rebuilds


def _counting(cls, calls):
    def make(*args, **kwargs):
        calls.append(args)
        return cls(*args, **kwargs)

    return make


def test_a_broken_int8_model_or_its_lost_check_is_rebuilt(cache, model, monkeypatch) -> None:
    monkeypatch.setattr(backends, "CALIBRATION_IMAGES", 12)  # small sets: the rules, not the quality
    monkeypatch.setattr(backends, "HOLDOUT_IMAGES", 24)
    first = build_runner(_request(model, "onnx-int8"))
    path = backends.int8_model_path(_folder(cache), "shapes")
    path.write_bytes(b"")
    messages: list = []
    again = build_runner(_request(model, "onnx-int8", messages=messages))
    texts = _texts(messages)
    assert texts[0].startswith(f"The cached model {path} could not be used")
    assert texts[1].startswith("Building the int8 model once")
    assert english(again.note) == english(first.note)  # measured again on the same images
    path.with_suffix(".json").write_text("{broken")  # a model without its check is not trusted
    messages.clear()
    build_runner(_request(model, "onnx-int8", messages=messages))
    assert [t.split(",")[0] for t in _texts(messages)] == ["Building the int8 model once"]
    assert '"agreement"' in path.with_suffix(".json").read_text()


@pytest.mark.parametrize("where", ["file", "under-a-file"])
def test_a_cache_that_cannot_be_written_falls_back_to_a_temporary_folder(
    tmp_path, model, monkeypatch, where
) -> None:
    monkeypatch.setattr(backends, "_fallbacks", {})
    blocker = tmp_path / "cache-file"
    blocker.write_text("a file, not a folder")
    wanted = blocker if where == "file" else blocker / "reslens"
    monkeypatch.setenv("RESLENS_CACHE", str(wanted))
    fallback = tmp_path / "tmp"
    monkeypatch.setattr("tempfile.tempdir", str(fallback))
    messages: list = []
    runner = build_runner(_request(model, messages=messages))
    assert runner.path.is_relative_to(fallback)
    texts = _texts(messages)
    assert texts[0].startswith(f"The cache folder {wanted} cannot be written (")
    assert texts[0].endswith(f"): using {fallback / runner.path.relative_to(fallback).parts[0]} for this run")
    assert blocker.read_text() == "a file, not a folder"
    messages.clear()
    build_runner(_request(model, messages=messages))  # said once per process, then reused
    assert messages == []


def test_int8_keeps_the_first_convolution_and_the_classifier_float(cache, model, monkeypatch) -> None:
    """Recipe 2 (``core.int8_recipe.INT8_RECIPE``): every convolution but the first reads int8 weights
    (through a DequantizeLinear); the first and the classifier read their float32 weights."""
    import onnx

    monkeypatch.setattr(backends, "CALIBRATION_IMAGES", 12)  # small sets: the graph, not the quality
    monkeypatch.setattr(backends, "HOLDOUT_IMAGES", 24)
    runner = build_runner(_request(model, "onnx-int8"))
    assert runner.path == backends.int8_model_path(_folder(cache), "shapes")
    assert INT8_RECIPE == 2 and runner.path.name == "model-int8-r2-shapes.onnx"
    graph = onnx.load(str(runner.path)).graph
    made_by = {out: node.op_type for node in graph.node for out in node.output}
    floats = {init.name for init in graph.initializer if init.data_type == onnx.TensorProto.FLOAT}

    def weight_from(node) -> str:
        weight = node.input[1]
        return "float" if weight in floats else made_by.get(weight, "?")

    convs = [node for node in graph.node if node.op_type == "Conv"]
    heads = [node for node in graph.node if node.op_type in ("Gemm", "MatMul")]
    assert len(convs) == 20 and len(heads) == 1  # ResNet-18: stem, 16 in blocks, 3 downsamples
    assert weight_from(convs[0]) == "float" and graph.input[0].name in convs[0].input
    assert weight_from(heads[0]) == "float"
    assert {weight_from(node) for node in convs[1:]} == {"DequantizeLinear"}


def test_an_int8_model_of_an_older_recipe_is_not_used(cache, model, monkeypatch) -> None:
    """A model the earlier recipe cached (``model-int8-shapes.onnx``, every layer int8) is left
    alone and a recipe-2 model is built beside it."""
    monkeypatch.setattr(backends, "CALIBRATION_IMAGES", 12)
    monkeypatch.setattr(backends, "HOLDOUT_IMAGES", 24)
    fp32 = build_runner(_request(model, "onnx"))
    old = _folder(cache) / "model-int8-shapes.onnx"
    old.write_bytes(fp32.path.read_bytes())
    old.with_suffix(".json").write_text('{"agreement": 1.0, "images": 500, "calibration": "shapes"}')
    messages: list = []
    runner = build_runner(_request(model, "onnx-int8", messages=messages))
    assert runner.path != old and _texts(messages)[0].startswith("Building the int8 model once")
