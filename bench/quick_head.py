"""The quick head on hidden 10-class glyph tasks: accuracy and seconds, torch-free path.

Renders characters in the system's fonts with ``bench/teach.py``'s renderer, split **by font
family** (test fonts never seen in training), 40 training and 20 test pictures a class by
default, then runs exactly what a person runs in Lite::

    quick_train(TRAIN, assets/models/reslens-shapes-r18.onnx, OUT)   # features + k-fold + fit
    LiteModel(OUT).classify(TEST)

and prints one JSON object per task: held-out accuracy, the chosen penalty and its k-fold score,
seconds (reading + features, fit), ``os.getloadavg`` and ``uptime`` before and after. The
settings (features, input size, penalty grid) were chosen on ``letters`` (``--explore``) and are
reported on the other tasks, which they were not tuned on::

    python bench/quick_head.py --task digits --task letters2 --task lower
    python bench/quick_head.py --task lower --cli full --cli lite   # + train --quick, timed whole
    python bench/quick_head.py --task letters --explore        # the tuning run

Rendering needs ``bench/teach.py``'s imports (the full edition); the measured path does not.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from teach import TASKS, font_families, split_families, write_split  # noqa: E402

from core.lite.quick_head import DEFAULT_FEATURES  # noqa: E402
from core.lite.quick_train import quick_train  # noqa: E402
from core.lite.runtime import LiteModel  # noqa: E402

TASKS = {**TASKS, "letters2": "LMNPQRSTUV"}  # no O (a ring)
MODEL = ROOT / "assets" / "models" / "reslens-shapes-r18.onnx"
VARIANTS = {
    "max234+gap4": DEFAULT_FEATURES,
    "gap234+max3": ("gap:layer2", "gap:layer3", "gap:layer4", "max:layer3"),
    "gap234": ("gap:layer2", "gap:layer3", "gap:layer4"),
    "gap234+max234": ("gap:layer2", "gap:layer3", "gap:layer4", "max:layer2", "max:layer3", "max:layer4"),
    "max234": ("max:layer2", "max:layer3", "max:layer4"),
    "gap4": ("gap:layer4",),
}


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def accuracy(model_path: Path, test: Path) -> tuple[float, dict[str, float]]:
    results = LiteModel(model_path).classify(test, top_k=1, threshold=0)
    per_class: dict[str, list[int]] = {}
    for r in results:
        truth = Path(r.source).parent.name
        hits = per_class.setdefault(truth, [0, 0])
        hits[0] += bool(r.top and r.top.label == truth)
        hits[1] += 1
    correct = sum(h for h, _ in per_class.values())
    total = sum(n for _, n in per_class.values())
    return correct / max(total, 1), {k: round(h / n, 3) for k, (h, n) in sorted(per_class.items())}


def run_one(task: str, work: Path, model: Path, size: int | None, features: tuple[str, ...]) -> dict:
    out = work / f"quick-{size or 'auto'}-{len(features)}.onnx"
    load_before, up_before = os.getloadavg(), uptime()
    start, cpu = time.perf_counter(), time.process_time()
    outcome = quick_train(work / "train", model, out, input_size=size, features=features, force=True)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    load_after, up_after = os.getloadavg(), uptime()
    acc, per_class = accuracy(out, work / "test")
    return {
        "task": task,
        "input_size": outcome.input_size,
        "input_size_chosen": size is None,
        "features": list(features),
        "heldout_accuracy": round(acc, 4),
        "l2": outcome.l2,
        "cv_accuracy": outcome.cv_accuracy,
        "cv_scores": {f"{k:g}": round(v, 4) for k, v in outcome.scores.items()},
        "train_images": outcome.images,
        "features_s": round(outcome.features_s, 2),
        "fit_s": round(outcome.fit_s, 2),
        "quick_train_wall_s": round(wall, 2),
        "quick_train_cpu_s": round(cpu, 2),  # all threads: a quiet 2-core machine takes cpu/2..cpu s
        "per_class_accuracy": per_class,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
        "uptime_before": up_before,
        "uptime_after": up_after,
    }


def run_cli(task: str, work: Path, edition: str) -> dict:
    """``reslens-cli train TRAIN --quick --out OUT`` in a fresh process (``edition`` ``lite``:
    ``RESLENS_EDITION=lite``, where ``train`` is the quick head): wall time of the whole command,
    start-up included, and the held-out accuracy of the file it wrote."""
    out = work / f"cli-{edition}.onnx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if edition == "lite":
        env["RESLENS_EDITION"] = "lite"
    command = [sys.executable, "-m", "core", "train", str(work / "train"), "--out", str(out), "--quick"]
    load_before, up_before = os.getloadavg(), uptime()
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    load_after = os.getloadavg()
    if done.returncode != 0:
        raise SystemExit(f"train --quick failed ({done.returncode}): {done.stderr}")
    acc, per_class = accuracy(out, work / "test")
    return {
        "task": task,
        "command": f"reslens-cli train TRAIN --quick --out OUT ({edition} edition)",
        "input_size": LiteModel(out).meta.crop_size,
        "heldout_accuracy": round(acc, 4),
        "cli_wall_s": round(wall, 2),
        "stderr": done.stderr.strip().splitlines(),
        "per_class_accuracy": per_class,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
        "uptime_before": up_before,
    }


def explore(task: str, work: Path, model_path: Path, sizes: list[int]) -> None:
    """Every feature variant at every size, from one pass of the backbone per size: held-out
    accuracy with the penalty chosen by k-fold on the training pictures (the tuning run)."""
    import numpy as np

    from core.lite.quick_head import choose_l2, fit, pool_features
    from core.lite.quick_train import read_folder

    model = LiteModel(model_path)
    train_images, train_y, classes, _ = read_folder(work / "train")
    test_images, test_y, test_classes, _ = read_folder(work / "test")
    assert classes == test_classes
    layers = ("layer2", "layer3", "layer4")
    for size in sizes:
        maps = {}
        for split, images in (("train", train_images), ("test", test_images)):
            from dataclasses import replace

            from core.preprocess import EvalTransform

            transform = EvalTransform(replace(model.meta, resize_size=size, crop_size=size))
            parts = [
                model.run(np.stack([transform(i) for i in images[s : s + 32]]), layers)
                for s in range(0, len(images), 32)
            ]
            maps[split] = {name: np.concatenate([p[name] for p in parts]) for name in layers}
        for name, features in VARIANTS.items():
            start = time.perf_counter()
            train_x, test_x = (pool_features(maps[split], features) for split in ("train", "test"))
            l2, scores = choose_l2(train_x, train_y)
            head = fit(train_x, train_y, l2, len(classes))
            accuracy = float((head.predict(test_x) == test_y).mean())
            fit_s = time.perf_counter() - start
            print(
                json.dumps(
                    {
                        "task": task,
                        "input_size": size,
                        "variant": name,
                        "dims": train_x.shape[1],
                        "heldout_accuracy": round(accuracy, 4),
                        "l2": l2,
                        "cv_scores": {f"{k:g}": round(v, 4) for k, v in scores.items()},
                        "cv_and_fit_s": round(fit_s, 2),
                        "loadavg": os.getloadavg()[0],
                    }
                ),
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", action="append", choices=list(TASKS), help="repeatable (default: digits)")
    parser.add_argument("--per-class", type=int, default=40)
    parser.add_argument("--test-per-class", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", type=Path, default=MODEL, help="the Lite model whose backbone is used")
    parser.add_argument(
        "--size",
        type=int,
        action="append",
        help="input size (default: chosen from the data, as train --quick)",
    )
    parser.add_argument("--explore", action="store_true", help="every feature variant and 64/96/128 px")
    parser.add_argument(
        "--cli",
        choices=["full", "lite"],
        action="append",
        help="also time reslens-cli train --quick in a fresh process, in that edition (repeatable)",
    )
    args = parser.parse_args(argv)

    families = font_families()
    train_families, held_families = split_families(families)
    sizes = args.size or ([64, 96, 128] if args.explore else [None])
    variants = {"default": DEFAULT_FEATURES}
    for task in args.task or ["digits"]:
        chars = TASKS[task]
        with tempfile.TemporaryDirectory(prefix="reslens-quick-") as tmp:
            work = Path(tmp)
            start = time.perf_counter()
            train_fonts = [p for f in train_families for p in families[f]]
            write_split(work / "train", chars, train_fonts, args.per_class, args.seed)
            held_fonts = [p for f in held_families for p in families[f]]
            write_split(work / "test", chars, held_fonts, args.test_per_class, args.seed + 10_000)
            render_s = time.perf_counter() - start
            if args.explore:
                explore(task, work, args.model, sizes)
                continue
            for edition in args.cli or []:
                report = run_cli(task, work, edition)
                report.update(render_s=round(render_s, 1), cpu_count=os.cpu_count())
                print(json.dumps(report), flush=True)
            for size in sizes:
                for name, features in variants.items():
                    report = run_one(task, work, args.model, size, tuple(features))
                    report.update(variant=name, render_s=round(render_s, 1), cpu_count=os.cpu_count())
                    report["heldout_font_families"] = len(held_families)
                    report["train_font_families"] = len(train_families)
                    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
