"""How ResLens quantises a model to int8: one recipe, for every int8 file it makes.

``--backend onnx-int8`` and Auto (:mod:`core.backends`, which caches the result and checks its
agreement with fp32), the int8 ResLens Lite file (:mod:`core.lite.quantize`) and the deployment
export (:mod:`core.deploy`) all call :func:`core.backends.quantize_int8`, which writes this
module's :func:`quantize_to` atomically. Static QDQ quantisation with ONNX
Runtime's quantiser: per-channel int8 weights, uint8 activations, min-max calibration on pictures
of the task, after ONNX Runtime's pre-processing; the first convolution and the classifier stay
float32 (:func:`float_nodes`). :data:`INT8_RECIPE` names this recipe in cached files' names, so a
file made by an older one is made again rather than trusted.

Imports onnx and onnxruntime inside its functions: the full edition's side (Lite cannot quantise).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

INT8_RECIPE = 2
"""2: the first convolution and the classifier stay float32 (1 quantised every layer)."""


def quantize_to(fp32_path: Path, out_path: Path, calibration: list[Any]) -> None:
    """Write ``fp32_path`` quantised to ``out_path`` (a temporary name: the caller, which checked
    that onnxruntime is installed, renames it into place): static QDQ, per-channel int8 weights,
    uint8 activations, min-max calibrated on ``calibration`` (batches of preprocessed pictures),
    after ONNX Runtime's pre-processing (shape inference, fusion); the first convolution and the
    classifier stay float32 (:func:`float_nodes`)."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._batches = iter(calibration)

        def get_next(self) -> dict[str, Any] | None:
            batch = next(self._batches, None)
            return None if batch is None else {"input": batch}

    from onnxruntime.quantization.shape_inference import quant_pre_process

    # Shape inference and graph fusion first: without them the Q/DQ pairs land where ORT cannot
    # fuse them into QLinearConv, and int8 ran at half fp32's speed instead of 2.8x.
    prepared = out_path.with_name(out_path.name + ".pre.onnx")
    logging.disable(logging.WARNING)
    try:
        quant_pre_process(str(fp32_path), str(prepared))
        quantize_static(
            str(prepared),
            str(out_path),
            Reader(),
            nodes_to_exclude=float_nodes(prepared),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
        )
    finally:
        logging.disable(logging.NOTSET)
        prepared.unlink(missing_ok=True)


def float_nodes(model_path: Path) -> list[str]:
    """The nodes int8 leaves in float32: the first convolution, which reads the picture, and the
    classifier (Gemm/MatMul), which turns features into the logits whose order is the answer.

    Measured (``bench/backends.py``, 2 AVX2 cores, ORT 1.32): the bundled ResNet-18 disagreed with
    fp32 on 17 of 3,000 rendered shapes with every layer int8 and on 9 with these two float;
    ResNet-50's largest probability difference fell from 0.68 to 0.17. The price is int8's speed:
    12 % of it on ResNet-50, 26 % on ResNet-18 (still 1.8x and 2.1x torch fp32 here)."""
    import onnx

    graph = onnx.load(str(model_path)).graph
    inputs = {value.name for value in graph.input}
    stem = [n.name for n in graph.node if n.op_type == "Conv" and n.input[0] in inputs]
    head = [n.name for n in graph.node if n.op_type in ("Gemm", "MatMul")]
    return stem + head
