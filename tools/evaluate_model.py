"""Measure a symbol model where it was not trained: a fresh generated set and the sample photos.

Two numbers go into the bundled model's card: top-1 accuracy on a set rendered by
``core.shapes`` with a seed that training never used (the default 1000; training used 1 and
validation 2), and the score on ``assets/samples``, images made by other means (font glyphs,
hand drawing) and named by their true class (``star.jpg``, ``star-drawn.jpg``). Both use the
model's own evaluation preprocessing (``core.images.build_transform`` from its metadata), as the
app does.

    python tools/evaluate_model.py [MODEL] [--seed 1000] [--per-class 250] [--samples DIR]
                                   [--update-card]

``--update-card`` writes the results into the card (JSON beside the file and the safetensors
header), keeping the weights byte-for-byte in their stored precision.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import torch
from PIL import Image
from torch import Tensor, nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.images import build_transform  # noqa: E402
from core.metadata import ModelMeta, read_safetensors_meta, save_model  # noqa: E402
from core.selftest import sample_files, true_class  # noqa: E402
from core.shapes import DEFAULT_SIZE, iter_samples  # noqa: E402

DEFAULT_MODEL = ROOT / "assets" / "models" / "reslens-shapes-r18.safetensors"


def load(path: Path) -> tuple[nn.Module, ModelMeta]:
    """The model (eval mode, float32) and its metadata, through the weights registry."""
    from core.weights import load_weights_file

    loaded = load_weights_file(path)
    return loaded.model, loaded.meta


@torch.no_grad()
def _predict(model: nn.Module, batch: list[Tensor]) -> Tensor:
    return torch.softmax(model(torch.stack(batch)), dim=1)


def heldout_accuracy(
    model: nn.Module, meta: ModelMeta, seed: int, per_class: int, size: int = DEFAULT_SIZE, batch: int = 100
) -> dict[str, Any]:
    """Top-1 on ``per_class`` fresh images of every class; per-class accuracy and worst confusions."""
    transform = build_transform(meta)
    classes = tuple(meta.categories)
    tensors: list[Tensor] = []
    targets: list[int] = []
    hits: Counter[str] = Counter()
    confusions: Counter[str] = Counter()

    def flush() -> None:
        for target, pred in zip(targets, _predict(model, tensors).argmax(1).tolist(), strict=True):
            if pred == target:
                hits[classes[target]] += 1
            else:
                confusions[f"{classes[target]}->{classes[pred]}"] += 1
        tensors.clear()
        targets.clear()

    for image, target in iter_samples(seed, per_class, size, classes):
        tensors.append(transform(image))
        targets.append(target)
        if len(tensors) == batch:
            flush()
    if tensors:
        flush()
    total = per_class * len(classes)
    return {
        "seed": seed,
        "images": total,
        "image_size": size,
        "top1": round(sum(hits.values()) / total, 4),
        "per_class": {c: round(hits[c] / per_class, 4) for c in classes},
        "top_confusions": dict(confusions.most_common(8)),
    }


def folder_accuracy(model: nn.Module, meta: ModelMeta, files: Iterable[Path]) -> dict[str, Any]:
    """Top-1 on images named by their true class, with what the model said about each."""
    transform = build_transform(meta)
    results = {}
    for path in files:
        with Image.open(path) as img:
            probs = _predict(model, [transform(img.convert("RGB"))])[0]
        top = probs.topk(3)
        results[path.name] = {
            "true": true_class(path, meta.categories),
            "predicted": meta.categories[int(top.indices[0])],
            "top3": {
                meta.categories[int(i)]: round(float(p), 3)
                for p, i in zip(top.values, top.indices, strict=True)
            },
        }
    correct = sum(r["true"] == r["predicted"] for r in results.values())
    return {"correct": correct, "total": len(results), "results": results}


def update_card(path: Path, extra: dict[str, Any]) -> None:
    """Rewrite the card (header and JSON) with ``extra`` merged in; the tensors are unchanged."""
    from safetensors.torch import load_file

    meta = read_safetensors_meta(path)
    if meta is None:
        raise SystemExit(f"{path} has no ResLens metadata")
    tensors = load_file(str(path))
    fp16 = any(t.dtype == torch.float16 for t in tensors.values())
    new_meta = ModelMeta(**{**meta.__dict__, "card": {**meta.card, **extra}})
    save_model(tensors, new_meta, path, fp16=fp16)


def _print_samples(report: dict[str, Any]) -> None:
    for name, r in report["results"].items():
        mark = "ok " if r["true"] == r["predicted"] else "BAD"
        top3 = ", ".join(f"{k} {v:.2f}" for k, v in r["top3"].items())
        print(f"  {mark} {name:22} -> {r['predicted']:10} ({top3})")
    print(f"samples: {report['correct']}/{report['total']} top-1 correct")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", nargs="?", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--seed", type=int, default=1000, help="generator seed never used in training")
    parser.add_argument("--per-class", type=int, default=250)
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="rendered image side (as trained)")
    parser.add_argument("--samples", type=Path, default=ROOT / "assets" / "samples")
    parser.add_argument("--update-card", action="store_true", help="store the results in the model card")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    torch.manual_seed(0)
    model, meta = load(args.model)
    heldout = heldout_accuracy(model, meta, args.seed, args.per_class, args.size)
    print(f"held-out (seed {args.seed}, {heldout['images']} images): top-1 {heldout['top1']:.2%}")
    print("  per class: " + ", ".join(f"{c} {a:.0%}" for c, a in heldout["per_class"].items()))
    print(f"  most confused: {heldout['top_confusions']}")
    files = sample_files(args.samples)
    glyphs = folder_accuracy(model, meta, [f for f in files if "-" not in f.stem])
    drawn = folder_accuracy(model, meta, [f for f in files if "-" in f.stem])
    _print_samples(glyphs)
    if drawn["total"]:
        _print_samples(drawn)
    if args.update_card:
        command = shlex.join(["python", "tools/evaluate_model.py", *(sys.argv[1:] if argv is None else argv)])
        update_card(
            args.model,
            {
                "heldout": heldout,
                "samples": {"folder": "assets/samples", **glyphs},
                **({"samples_drawn": drawn} if drawn["total"] else {}),
                "evaluation_command": command,
            },
        )
        print(f"card updated: {args.model.with_suffix('.json')}")
    print(f"({time.perf_counter() - start:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
