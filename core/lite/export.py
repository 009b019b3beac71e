"""The full edition writes a ResLens Lite model file: ``reslens-cli export MODEL --out FILE``.

The graph is our ResNet with four outputs, ``logits``, ``layer2``, ``layer3`` and ``layer4``
(see :mod:`core.lite.model_file`), exported by the TorchScript exporter (``dynamo=False``, opset
17, as :mod:`core.backends` does: it needs only the ``onnx`` package and works offline) with the
batch and both sides dynamic, so the quick head may choose its own input size.

Batch norm is *not* folded into the convolutions here (ONNX Runtime folds it when it opens the
file): unfolded, every weight of a model saved in fp16 (the bundled one) is exactly an fp16
number, and :func:`store_exact_fp16` keeps such tensors as fp16 with a ``Cast`` to float32 in
front, which halves the file (bundled model: 44.7 MB -> about 22.4 MB) without changing one bit of
what runs. Weights that are not exact fp16 numbers (ImageNet's) stay float32.

Imports torch and onnx inside the functions: this module is the full edition's side.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from core.lite import model_file
from core.lite.model_file import INPUT, METADATA_KEY, OUTPUTS, Head, LiteRecord

if TYPE_CHECKING:
    from core.weights import LoadedWeights

OPSET = 17


def tree_dict(node: Any) -> dict[str, Any]:
    """A :class:`core.summary.LayerNode` as plain data with the same field names, nested."""
    return {
        "name": node.name,
        "type_name": node.type_name,
        "output_shape": list(node.output_shape) if node.output_shape is not None else None,
        "calls": node.calls,
        "own_params": node.own_params,
        "own_macs": node.own_macs,
        "trainable_params": node.trainable_params,
        "params": node.params,
        "macs": node.macs,
        "children": [tree_dict(child) for child in node.children],
    }


def lite_record(loaded: LoadedWeights) -> LiteRecord:
    """The record of ``loaded``: its metadata, threshold, hash, tag, tree and fc head."""
    import torch

    from core.summary import summarize
    from core.unknown import default_threshold

    model = loaded.model
    summary = summarize(model, loaded.meta.crop_size)
    fc = model.fc
    with torch.no_grad():
        weight = fc.weight.detach().float().cpu().numpy()
        bias = (
            fc.bias.detach().float().cpu().numpy()
            if fc.bias is not None
            else np.zeros(len(weight), np.float32)
        )
    return LiteRecord(
        meta=loaded.meta,
        head=Head("linear", {"weight": weight, "bias": bias}),
        unknown_threshold=default_threshold(loaded.meta, loaded.path),
        weights_hash=loaded.weights_hash,
        model_tag=loaded.identity.tag,
        tree=tree_dict(summary.root),
    )


def graph_bytes(model: Any, input_size: int, exact_fp16: bool = True) -> bytes:
    """The four-output graph of ``model`` (float32, CPU, BN kept) as ONNX bytes, fp16-compressed
    (:func:`store_exact_fp16`) unless ``exact_fp16`` is off (the int8 quantiser's input)."""
    import torch

    net = _four_outputs(model).to("cpu", torch.float32).eval()
    example = torch.zeros(2, 3, input_size, input_size)
    axes = {INPUT: {0: "batch", 2: "height", 3: "width"}, "logits": {0: "batch"}}
    for name in OUTPUTS[1:]:
        axes[name] = {0: "batch", 2: f"{name}_height", 3: f"{name}_width"}
    buffer = io.BytesIO()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            net,
            (example,),
            buffer,
            input_names=[INPUT],
            output_names=list(OUTPUTS),
            dynamic_axes=axes,
            opset_version=OPSET,
            do_constant_folding=False,  # keep BN apart: exact fp16 weights stay exact (docstring)
            dynamo=False,
        )
    return store_exact_fp16(buffer.getvalue()) if exact_fp16 else buffer.getvalue()


def store_exact_fp16(data: bytes) -> bytes:
    """``data`` with each float32 initializer that fp16 holds exactly stored as fp16 + ``Cast``.

    Lossless: a tensor is converted only when every value survives the round trip.
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load_from_string(data)
    graph = model.graph
    casts, kept = [], []
    for init in graph.initializer:
        array = numpy_helper.to_array(init)
        if array.dtype == np.float32 and array.size > 16 and np.array_equal(array.astype(np.float16), array):
            half = numpy_helper.from_array(array.astype(np.float16), f"{init.name}__fp16")
            kept.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=onnx.TensorProto.FLOAT))
        else:
            kept.append(init)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    return model.SerializeToString()


def export_lite(loaded: LoadedWeights, out: str | Path, force: bool = False) -> Path:
    """Write ``loaded`` as a Lite model file at ``out``, atomically (temp file + rename).

    Raises :class:`~core.errors.OutputError` for a folder, a missing folder, or an existing
    file that is not a ResLens model unless ``force`` (:func:`core.lite.model_file.check_target`).
    """
    out = Path(out)
    model_file.check_target(out, force)
    record = lite_record(loaded)
    data = model_file.with_metadata(
        graph_bytes(loaded.model, loaded.meta.crop_size), {METADATA_KEY: record.to_json()}
    )
    model_file.write_model(out, data)
    return out


def _four_outputs(model: Any) -> Any:
    """``model`` wrapped so its forward also returns what layer2, layer3 and layer4 gave."""
    import torch
    from torch import nn

    class FourOutputs(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
            m = self.model
            x = m.maxpool(m.relu(m.bn1(m.conv1(x))))
            layer2 = m.layer2(m.layer1(x))
            layer3 = m.layer3(layer2)
            layer4 = m.layer4(layer3)
            return m.fc(torch.flatten(m.avgpool(layer4), 1)), layer2, layer3, layer4

    return FourOutputs()
