"""Forward-pass throughput of each backend, in one run with interleaved rounds, as one JSON object.

    PYTHONPATH=. .venv/bin/python bench/backends.py --arch resnet50 --batch-size 8 --json

Backends: ``torch`` (ResLens' path: BN folded, channels-last, ``inference_mode``), ``torch-bf16``
(the same under CPU bf16 autocast, where torch reports AVX-512 BF16; "unsupported" otherwise, or
when ``RESLENS_HIDE_CPU_CAPS`` hides it), ``onnx`` (ONNX Runtime fp32) and ``onnx-int8`` (static
QDQ, per-channel weights, calibrated on rendered shapes). Each round times every backend on the
same batch in turn, so a noisy neighbour on a shared machine hits them alike; the median over
rounds is reported. Random weights are used for the speed figures (speed does not depend on
them), so the int8 model is built here directly, without the agreement check that
:func:`core.backends.build_runner` applies to real weights.

``--agreement N`` also classifies N rendered shapes (a seed no calibration set uses) with the
bundled model on torch and on onnx-int8 and reports how often the top-1 agrees.
Targets (issue 15): onnx >= 1.15 x torch, onnx-int8 >= 2.0 x torch, agreement >= 99 %.

``auto`` (issue 27) reports what backend Auto picks for the same model on this machine (its own
measurement, :mod:`core.auto_backend`, in a temporary cache: speed and agreement with fp32 on
``--auto-images`` rendered shapes), with the ratio of the pick to torch fp32 in the rounds above.
``--arch bundled`` benchmarks the bundled ResNet-18 (its real weights) instead of random ones.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import torch

from core import backends
from core.images import build_transform
from core.metadata import ModelMeta
from core.optimize import prepare_for_inference
from core.resnet import build_resnet


def _rate(run, batch: torch.Tensor, repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        run(batch)
    return repeats * len(batch) / (time.perf_counter() - start)


def model_and_meta(arch: str) -> tuple[torch.nn.Module, ModelMeta]:
    """Random weights for ``arch`` (speed does not depend on them), or the bundled model."""
    if arch == "bundled":
        from core.weights import load_weights

        loaded = load_weights(None)
        return loaded.model.eval(), loaded.meta
    torch.manual_seed(0)
    meta = ModelMeta(arch=arch, categories=tuple(f"class {i}" for i in range(1000)))
    return build_resnet(arch, num_classes=1000).eval(), meta


def speed(
    model: torch.nn.Module, meta: ModelMeta, batch_size: int, rounds: int, repeats: int, folder: Path
) -> dict[str, list[float]]:
    from core.auto_backend import cpu_capabilities

    fused = prepare_for_inference(model, torch.device("cpu"))

    def torch_run(x: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            return fused(x.contiguous(memory_format=torch.channels_last))

    def torch_bf16_run(x: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
            return fused(x.contiguous(memory_format=torch.channels_last))

    fp32_path, int8_path = folder / "model.onnx", folder / "model-int8.onnx"
    backends.export_onnx(model, meta.crop_size, fp32_path)
    size = max(meta.resize_size, meta.crop_size)
    calibration = backends.rendered_images(backends.CALIBRATION_SEED, 100, size)
    batches = list(backends.transformed_batches(calibration, build_transform(meta)))
    backends.quantize_int8(fp32_path, int8_path, batches)
    runs = {
        "torch": torch_run,
        **({"torch-bf16": torch_bf16_run} if "bf16" in cpu_capabilities() else {}),
        "onnx": backends.OnnxRunner(fp32_path),
        "onnx-int8": backends.OnnxRunner(int8_path, name="onnx-int8"),
    }
    batch = torch.randn(batch_size, 3, meta.crop_size, meta.crop_size)
    for run in runs.values():
        run(batch)  # warm-up
    rates: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            rates[name].append(_rate(run, batch, repeats))
    return rates


def auto_pick(model: torch.nn.Module, meta: ModelMeta, images: int) -> dict:
    """What Auto chooses for ``model`` here, measured as the app measures (in the current cache)."""
    from core import auto_backend
    from core.inference import Classifier
    from core.messages import english

    original = auto_backend.calibration_set
    auto_backend.calibration_set = lambda meta, folder: original(meta, folder, images)
    try:
        classifier = Classifier(model, meta, backend="auto")
        start = time.perf_counter()
        decision = classifier.measure_auto()
    finally:
        auto_backend.calibration_set = original
    report = decision.to_json()
    report["text"] = english(decision.describe())
    report["measure_seconds"] = round(time.perf_counter() - start, 1)
    report["cpu_capabilities"] = sorted(auto_backend.cpu_capabilities())
    return report


def agreement(count: int) -> dict[str, float | int]:
    from core.inference import Classifier
    from core.weights import load_weights

    loaded = load_weights(None)
    images = backends.rendered_images(424_242, count, max(loaded.meta.resize_size, 96))
    named = [(f"shape-{i}", image) for i, image in enumerate(images)]
    torch_top = [r.top.index for r in Classifier.from_loaded(loaded).classify(named, top_k=1)]
    int8 = Classifier.from_loaded(loaded, backend="onnx-int8")
    int8_top = [r.top.index for r in int8.classify(named, top_k=1)]
    same = sum(a == b for a, b in zip(torch_top, int8_top, strict=True))
    from core.messages import english

    check = english(int8.backend_note)  # a Message (rendered at the edge, here in English)
    return {"images": count, "agree": same, "fraction": same / count, "build_check": check}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--arch", default="resnet50", help="resnet18..resnet152, or bundled")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3, help="batches per backend per round")
    parser.add_argument("--agreement", type=int, default=0, metavar="N", help="also check int8 on N shapes")
    parser.add_argument(
        "--auto-images", type=int, default=200, metavar="N", help="Auto's calibration set (0: skip auto)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    import os

    from core.auto_backend import cpu_capabilities

    model, meta = model_and_meta(args.arch)
    with tempfile.TemporaryDirectory() as tmp:
        rates = speed(model, meta, args.batch_size, args.rounds, args.repeats, Path(tmp))
        os.environ["RESLENS_CACHE"] = str(Path(tmp) / "cache")  # Auto measures afresh, as on a new machine
        picked = auto_pick(model, meta, args.auto_images) if args.auto_images else None
    median = {name: statistics.median(values) for name, values in rates.items()}
    report = {
        "arch": args.arch,
        "batch_size": args.batch_size,
        "rounds": args.rounds,
        "torch_threads": torch.get_num_threads(),
        "onnxruntime": backends.import_onnxruntime().__version__,
        "cpu_capabilities": sorted(cpu_capabilities()),
        "img_per_s": {name: round(value, 2) for name, value in median.items()},
        "vs_torch": {name: round(value / median["torch"], 3) for name, value in median.items()},
        "rounds_img_per_s": {name: [round(v, 2) for v in values] for name, values in rates.items()},
    }
    if "torch-bf16" not in median:
        report["img_per_s"]["torch-bf16"] = report["vs_torch"]["torch-bf16"] = "unsupported"
    if picked is not None:
        chosen = picked["chosen"]
        picked["vs_torch_in_rounds"] = report["vs_torch"].get(chosen)
        report["auto"] = picked
    if args.agreement:
        report["int8_agreement_bundled"] = agreement(args.agreement)
    if args.json:
        print(json.dumps(report))
        return
    for name, value in median.items():
        print(f"{name:<10} {value:7.2f} img/s  ({report['vs_torch'][name]:.2f} x torch)")
    if "torch-bf16" not in median:
        print("torch-bf16 unsupported (the CPU reports no AVX-512 BF16)")
    if picked is not None:
        print(f"{picked['text']}  (in the rounds above: {picked['vs_torch_in_rounds']} x torch)")
    if args.agreement:
        print(f"int8 top-1 agreement with torch: {report['int8_agreement_bundled']}")


if __name__ == "__main__":
    main()
