"""Teach, check, correct, teach again (issue 26): the quick model, fine-tuning, and corrections.

For each task (glyph tasks rendered with ``bench/teach.py``'s renderer, split by font family so
the test fonts are never seen in training; the quick head's settings were tuned on ``letters``,
so the defaults here are two other tasks), the loop a person follows in the training window:

1. a teaching project (:mod:`core.projects`) with one class per training sub-folder;
2. the quick model, as the window makes it (:func:`gui.teach.quick_process.link_classes` over the
   project's training set, then :func:`core.lite.quick_train.quick_train`): accuracy on the test
   folder and seconds;
3. fine-tuning (``core.train``, the plan's defaults; ``--epochs`` shortens it on a loaded
   machine): accuracy and seconds;
4. the second folder (``pool``, other pictures of the held-out fonts) classified with the
   fine-tuned model (the quick one with ``--no-fine-tune``); its 20 worst errors (wrong with the
   highest confidence) are added to their true classes through
   :meth:`core.projects.Project.add_images`, the project is saved and opened again, and both
   models are trained again on it: accuracy on the test folder once more.

Prints one JSON object (``--out`` also writes it), with the load average before and after::

    python bench/teach_loop.py                       # tasks lower and letters2
    python bench/teach_loop.py --task digits --epochs 3
    python bench/teach_loop.py --data DIR             # DIR/train, DIR/test, DIR/pool: your own

Rendering needs the full edition (``bench/teach.py``'s imports); so does fine-tuning.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from core.dataset import from_class_files  # noqa: E402
from core.lite.cli import bundled_lite_path  # noqa: E402
from core.lite.quick_train import quick_train  # noqa: E402
from core.lite.runtime import LiteModel  # noqa: E402
from core.projects import Project, ProjectClass, open_project, save_project  # noqa: E402
from gui.teach.quick_process import link_classes  # noqa: E402 - Qt-free

TASKS = {"lower": "abdefghkmr", "letters2": "LMNPQRSTUV", "digits": "0123456789"}
WORST = 20


def render_task(task: str, work: Path, per_class: int, test_per_class: int, pool_per_class: int) -> Path:
    from teach import font_families, split_families, write_split

    families = font_families()
    train_families, held = split_families(families)
    fonts = [p for f in train_families for p in families[f]]
    held_fonts = [p for f in held for p in families[f]]
    write_split(work / "train", TASKS[task], fonts, per_class, 0)
    write_split(work / "test", TASKS[task], held_fonts, test_per_class, 10_000)
    write_split(work / "pool", TASKS[task], held_fonts, pool_per_class, 20_000)
    return work


def project_for(train: Path) -> Project:
    folders = sorted(p for p in train.iterdir() if p.is_dir() and not p.name.startswith("."))
    return Project([ProjectClass(p.name, [p]) for p in folders], start="default", name=train.parent.name)


def training_set(project: Project) -> Any:
    return from_class_files({c.name: c.items for c in project.classes})


def quick(project: Project, out: Path) -> tuple[Path, float]:
    """The window's quick model: the project's pictures laid out as class folders of links."""
    ts = training_set(project)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reslens-quick-") as tmp:
        quick_train(link_classes(Path(tmp), ts.classes, ts.samples), bundled_lite_path(), out)
    return out, time.perf_counter() - start


def fine_tune(project: Project, out: Path, epochs: int | None) -> tuple[Path, float, dict[str, Any]]:
    from core.train import plan_training, train_model

    ts = training_set(project)
    overrides = {"epochs": epochs} if epochs else {}
    start = time.perf_counter()
    outcome = train_model(ts, plan_training(ts, project.start, **overrides), out)
    seconds = time.perf_counter() - start
    card = outcome.card
    return out, seconds, {"epochs_run": card["epochs_run"], "input_size": card["input_size"]}


def predictions(model: Path, folder: Path) -> list[tuple[Path, str, str, float]]:
    """(file, true class, top-1, its probability) for every picture of ``folder``."""
    if model.suffix == ".onnx":
        results = LiteModel(model).classify(folder, top_k=1, threshold=0)
    else:
        from core.inference import Classifier
        from core.opener import open_weights
        from core.sources import ModelChoice

        loaded = open_weights(ModelChoice(None, str(model), "", "cpu"))
        results = Classifier(loaded.model, loaded.meta).classify(folder, top_k=1)
    rows = []
    for r in results:
        top = r.top
        rows.append(
            (
                Path(r.source),
                Path(r.source).parent.name,
                top.label if top else "",
                top.probability if top else 0.0,
            )
        )
    return rows


def accuracy(model: Path, folder: Path) -> float:
    rows = predictions(model, folder)
    return round(sum(t == p for _, t, p, _ in rows) / max(len(rows), 1), 4)


def worst_errors(model: Path, pool: Path, count: int) -> list[tuple[Path, str]]:
    """The ``count`` pictures the model got wrong with the highest confidence, and their truth."""
    wrong = [(prob, path, truth) for path, truth, label, prob in predictions(model, pool) if label != truth]
    return [(path, truth) for _prob, path, truth in sorted(wrong, key=lambda w: (-w[0], str(w[1])))[:count]]


def run_task(name: str, data: Path, work: Path, epochs: int | None, fine: bool) -> dict[str, Any]:
    project = project_for(data / "train")
    report: dict[str, Any] = {"task": name, "classes": len(project.classes), "load_before": os.getloadavg()}
    q, q_s = quick(project, work / "quick.onnx")
    report["quick"] = {"accuracy": accuracy(q, data / "test"), "seconds": round(q_s, 1)}
    current = q
    if fine:
        f, f_s, info = fine_tune(project, work / "fine.safetensors", epochs)
        report["fine_tuned"] = {"accuracy": accuracy(f, data / "test"), "seconds": round(f_s, 1), **info}
        current = f
    errors = worst_errors(current, data / "pool", WORST)
    for path, truth in errors:
        project.add_images(truth, [path])  # "Add to class ▸" with the true class
    path = work / "project.reslens-project"
    save_project(project, path)
    again = open_project(path)
    assert not again.missing and sum(map(len, again.project.added_since_training().values())) == len(errors)
    project = again.project
    q2, q2_s = quick(project, work / "quick-2.onnx")
    after: dict[str, Any] = {
        "added": len(errors),
        "corrected_from": "fine-tuned" if fine else "quick",
        "pool_images": sum(1 for _ in (data / "pool").rglob("*.png")),
        "quick_accuracy": accuracy(q2, data / "test"),
        "quick_seconds": round(q2_s, 1),
    }
    if fine:
        f2, f2_s, _ = fine_tune(project, work / "fine-2.safetensors", epochs)
        after["fine_tuned_accuracy"] = accuracy(f2, data / "test")
        after["fine_tuned_seconds"] = round(f2_s, 1)
    report["after_corrections"] = after
    report["test_images"] = sum(1 for _ in (data / "test").rglob("*.png"))
    report["load_after"] = os.getloadavg()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", action="append", choices=list(TASKS), help="repeatable (lower, letters2)")
    parser.add_argument("--data", type=Path, action="append", help="DIR with train/, test/ and pool/")
    parser.add_argument("--per-class", type=int, default=40, help="training pictures per class (40)")
    parser.add_argument("--test-per-class", type=int, default=20, help="test pictures per class (20)")
    parser.add_argument(
        "--pool-per-class", type=int, default=10, help="second-folder pictures per class (10)"
    )
    parser.add_argument("--epochs", type=int, help="fine-tuning epochs at most (default: the plan's)")
    parser.add_argument("--no-fine-tune", action="store_true", help="the quick model only (ResLens Lite)")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    tasks = args.task or ([] if args.data else ["lower", "letters2"])
    reports = []
    with tempfile.TemporaryDirectory(prefix="reslens-teach-loop-") as tmp:
        for task in tasks:
            work = Path(tmp) / task
            work.mkdir()
            data = render_task(task, work, args.per_class, args.test_per_class, args.pool_per_class)
            reports.append(run_task(task, data, work, args.epochs, not args.no_fine_tune))
        for number, data in enumerate(args.data or []):
            work = Path(tmp) / f"data-{number}"
            work.mkdir()
            reports.append(run_task(str(data), data, work, args.epochs, not args.no_fine_tune))
    text = json.dumps({"cpus": os.cpu_count(), "tasks": reports}, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
