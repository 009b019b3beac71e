"""Export for deployment (issue 26, item 5): a trained model as ONNX, fp32 and int8, that runs
with ONNX Runtime, numpy and Pillow alone.

Both files are Lite model files (:mod:`core.lite.model_file`): the graph, plus one JSON record in
its metadata (``reslens``) with the labels (``categories``), the preprocessing (``resize_size``,
``crop_size``, ``interpolation``, ``mean``, ``std``) and the head. So a deployed model needs no
side file, ResLens Lite opens both, and :data:`EXAMPLE` (written into every model card at save
time, :func:`card_section`) runs them without ResLens. The fp32 file is
:func:`core.lite.export.export_lite`'s; the int8 one is :func:`core.backends.quantize_int8`'s
static QDQ quantization of it (per-channel int8 weights), calibrated on pictures of the model's
own task, with the same record put back.

A quick model (already a Lite file, its head in the record) exports the same way; the example
then applies the quick head from the record (a few lines more, in :data:`EXAMPLE`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FP32_SUFFIX = ".fp32.onnx"
INT8_SUFFIX = ".int8.onnx"
CALIBRATION_IMAGES = 64  # pictures of the task that calibrate int8's activation ranges

EXAMPLE = '''\
# python run_model.py MODEL.onnx PICTURE...  (onnxruntime, numpy and Pillow only)
import base64, json, sys
import numpy as np
import onnxruntime as ort
from PIL import Image, ImageOps

session = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
meta = json.loads(session.get_modelmeta().custom_metadata_map["reslens"])
head = meta["head"]


def array(a):
    return np.frombuffer(base64.b64decode(a["data"]), a["dtype"]).reshape(a["shape"])


def preprocess(path):
    """Shorter side to resize_size, the centre crop_size square, 0..1, normalised."""
    image = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    w, h = image.size
    r, c = meta["resize_size"], meta["crop_size"]
    size = (r, int(r * h / w)) if w <= h else (int(r * w / h), r)
    image = image.resize(size, getattr(Image.Resampling, meta["interpolation"].upper().split("-")[0]))
    left, top = round((size[0] - c) / 2), round((size[1] - c) / 2)
    x = np.asarray(image.crop((left, top, left + c, top + c)), np.float32).transpose(2, 0, 1) / 255
    return (x - np.float32(meta["mean"])[:, None, None]) / np.float32(meta["std"])[:, None, None]


for path in sys.argv[2:]:
    logits, *maps = session.run(None, {"input": preprocess(path)[None]})
    if head["kind"] == "quick":  # a quick model: pooled features through the head in the metadata
        maps = dict(zip(("layer2", "layer3", "layer4"), maps))
        pool = {"max": lambda m: m.max(axis=(2, 3)), "gap": lambda m: m.mean(axis=(2, 3))}
        f = np.concatenate([pool[p](maps[n]) for p, n in (s.split(":") for s in head["features"])], 1)
        z = (f - array(head["mean"])) / array(head["std"])
        logits = z @ array(head["weight"]).T + array(head["bias"])
    p = np.exp(logits[0] - logits[0].max())
    best = int(p.argmax())
    print(path, meta["categories"][best], f"{p[best] / p.sum():.3f}")
'''


@dataclass(frozen=True)
class Deployed:
    """The two files written."""

    fp32: Path
    int8: Path


def card_section() -> dict[str, Any]:
    """What the model card says about deployment: how to export, and :data:`EXAMPLE`."""
    return {
        "export": (
            "Model > My Models > (this model) > Export for Deployment... writes NAME.fp32.onnx and "
            "NAME.int8.onnx (labels and preprocessing in their metadata, key 'reslens'); from the "
            "command line: reslens-cli export --weights MODEL --out NAME.fp32.onnx, and with "
            "--precision int8 --out NAME.int8.onnx (int8 checked against fp32); in Python: "
            "core.deploy.export_for_deployment(MODEL, OUT_STEM, calibration_pictures)."
        ),
        "example": EXAMPLE,
    }


def calibration_from_card(card: dict[str, Any], count: int = CALIBRATION_IMAGES) -> list[Any]:
    """Up to ``count`` pictures of the folder the model was trained on (its card says which),
    spread over it; none when that folder is gone (then rendered shapes calibrate)."""
    from core.errors import ImageDecodeError
    from core.images import iter_image_files, load_rgb

    folder = (card.get("data") or {}).get("folder") or ""
    if not folder or not Path(folder).is_dir():
        return []
    files = list(iter_image_files([Path(folder)]))
    pictures = []
    for path in files[:: max(1, len(files) // count)][:count]:
        try:
            pictures.append(load_rgb(path))
        except ImageDecodeError:
            continue
    return pictures


def paths_for(stem: Path) -> Deployed:
    """``stem.fp32.onnx`` and ``stem.int8.onnx``."""
    return Deployed(stem.with_name(stem.name + FP32_SUFFIX), stem.with_name(stem.name + INT8_SUFFIX))


def export_for_deployment(model: str | Path, stem: str | Path, calibration: Sequence[Any] = ()) -> Deployed:
    """Write ``model`` (trained weights, or a Lite model file) as ``stem.fp32.onnx`` and
    ``stem.int8.onnx``. ``calibration``: PIL pictures of the task (a few dozen; rendered shapes
    are used when none are given, which suits only the bundled model's own task).

    Both outputs are claimed before any work (an existing file is replaced only when ResLens
    wrote it); both are written atomically. Needs the full edition (torch, onnx).
    """
    from core.lite import model_file
    from core.lite.model_file import METADATA_KEY

    files = paths_for(Path(stem))
    for out in (files.fp32, files.int8):
        model_file.check_target(out, force=False)
    source = Path(model)
    if source.suffix.lower() == model_file.SUFFIX:  # a Lite model file (a quick model): as it is
        model_file.write_model(files.fp32, source.read_bytes())
    else:
        from core.lite.export import export_lite
        from core.opener import open_weights
        from core.sources import ModelChoice

        export_lite(open_weights(ModelChoice(None, str(source), "", "cpu")), files.fp32)
    fp32_bytes = files.fp32.read_bytes()
    record = model_file.read_metadata(fp32_bytes)[METADATA_KEY]
    _quantize(files.fp32, files.int8, record, calibration)
    data = model_file.with_metadata(files.int8.read_bytes(), {METADATA_KEY: record})
    model_file.write_model(files.int8, data)
    return files


def _quantize(fp32: Path, int8: Path, record: str, calibration: Sequence[Any]) -> None:
    from core.backends import quantize_int8, rendered_images, transformed_batches
    from core.lite.model_file import parse_record
    from core.preprocess import EvalTransform

    meta = parse_record(record, fp32.name).meta
    pictures = list(calibration)[:CALIBRATION_IMAGES] or rendered_images(
        0, CALIBRATION_IMAGES, meta.crop_size
    )
    quantize_int8(fp32, int8, list(transformed_batches(pictures, EvalTransform(meta))))
