"""An int8 ResLens Lite model file, written by the full edition: ``export --precision int8``.

The Lite edition has no ``onnx`` package, and ONNX Runtime's quantiser needs it, so Lite cannot
quantise; it opens and runs an int8 file the full edition wrote (:class:`~core.lite.runtime.LiteModel`
reads ``"precision": "int8"`` from the record and names its results ``onnx-int8``).

The quantisation is the full edition's ``--backend onnx-int8``, not a second recipe
(:mod:`core.backends`): the same static QDQ quantisation (:func:`core.backends.quantize_int8`:
per-channel int8 weights, uint8 activations, the first convolution and the classifier float32,
min-max calibration after ONNX Runtime's pre-processing), the same calibration set (the model's
training folder when its card names one that still exists, :func:`core.opener.training_folder`,
or ``--calibrate DIR``, else :data:`~core.backends.CALIBRATION_IMAGES` rendered shapes), and the
same agreement check against fp32 on held-out pictures, refused below
:data:`~core.backends.MIN_INT8_AGREEMENT`. The check's figures go into the record (``"int8"``), so
Lite can say what it runs.

The graph keeps its four outputs (``logits``, ``layer2``, ``layer3``, ``layer4``): QDQ leaves the
graph's outputs float32 (each is dequantised), so the quick head and the CAM read int8 feature
maps as they read fp32 ones. The graph is quantised from float32 weights (the fp16 storage of
:func:`core.lite.export.store_exact_fp16` is for fp32 files: its ``Cast`` nodes would hide the
weights from the quantiser).

Imports torch, onnx and onnxruntime.quantization inside its functions: the full edition's side.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import UsageError
from core.lite import model_file
from core.lite.model_file import METADATA_KEY
from core.messages import QT_TRANSLATE_NOOP, Message, kind

if TYPE_CHECKING:
    from core.weights import LoadedWeights

PRECISION = "int8"
QUANTISING = kind("lite.quantising", QT_TRANSLATE_NOOP("Messages", "Quantising to int8, calibrated on %1…"))


def calibration_sets(loaded: LoadedWeights, calibrate: Path | None) -> tuple[list[Any], list[Any], str, str]:
    """Calibration pictures, held-out pictures (empty: rendered shapes check), the calibration's
    id and the folder it came from (``""``: rendered shapes), as ``--backend onnx-int8`` picks them."""
    from core.backends import (
        CALIBRATION_IMAGES,
        CALIBRATION_SEED,
        HOLDOUT_IMAGES,
        folder_images,
        rendered_images,
    )
    from core.opener import training_folder
    from core.preprocess import decode_side

    meta = loaded.meta
    folder = calibrate if calibrate is not None else training_folder(meta)
    if folder is not None:
        images, held, calibration_id = folder_images(
            folder, CALIBRATION_IMAGES, HOLDOUT_IMAGES, decode_side(meta)
        )
        return images, held, calibration_id, str(folder)
    render = max(meta.resize_size, meta.crop_size)
    return rendered_images(CALIBRATION_SEED, CALIBRATION_IMAGES, render), [], "shapes", ""


def export_int8(
    loaded: LoadedWeights,
    out: str | Path,
    force: bool = False,
    calibrate: Path | None = None,
    on_status: Any = None,
) -> tuple[Path, Message]:
    """Write ``loaded`` as an int8 Lite model file at ``out``; the agreement check's message.

    Raises :class:`UsageError` when int8 agrees with fp32 on fewer than
    :data:`~core.backends.MIN_INT8_AGREEMENT` of the held-out pictures (nothing is written).
    """
    from core.backends import (
        HOLDOUT_IMAGES,
        HOLDOUT_SEED,
        INT8_UNTRUSTED,
        MIN_INT8_AGREEMENT,
        Int8Check,
        OnnxRunner,
        measure_agreement,
        quantize_int8,
        rendered_images,
        transformed_batches,
    )
    from core.lite.export import graph_bytes, lite_record
    from core.preprocess import EvalTransform

    out = Path(out)
    model_file.check_target(out, force)
    meta = loaded.meta
    transform = EvalTransform(meta)
    images, held, calibration_id, where = calibration_sets(loaded, calibrate)
    if on_status is not None:
        on_status(QUANTISING(calibration_id))
    with tempfile.TemporaryDirectory(prefix="reslens-int8-") as tmp:
        fp32_path, int8_path = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        fp32_path.write_bytes(graph_bytes(loaded.model, meta.crop_size, exact_fp16=False))
        quantize_int8(fp32_path, int8_path, list(transformed_batches(images, transform)))
        fp32, int8 = OnnxRunner(fp32_path), OnnxRunner(int8_path, name="onnx-int8")
        holdout = held or rendered_images(HOLDOUT_SEED, HOLDOUT_IMAGES, max(meta.resize_size, meta.crop_size))
        same, total = measure_agreement(fp32, int8, transformed_batches(holdout, transform, 32))
        check = Int8Check(same / total, total, calibration_id, where, bool(held))
        if check.agreement < MIN_INT8_AGREEMENT:
            raise UsageError(INT8_UNTRUSTED(check.describe(), f"{MIN_INT8_AGREEMENT * 100:.0f}"))
        data = int8_path.read_bytes()
    record = replace(lite_record(loaded), precision=PRECISION, extra={"int8": asdict(check)})
    model_file.write_model(out, model_file.with_metadata(data, {METADATA_KEY: record.to_json()}))
    return out, check.describe()
