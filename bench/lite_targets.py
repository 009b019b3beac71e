"""ResLens Lite against the targets of issue 23 (item 7), one JSON object on stdout.

    python bench/lite_targets.py                       # every target; needs the Lite bundle built
    python bench/lite_targets.py --skip window --skip teach --out lite-targets.json

Targets, each reported as ``{"value", "limit", "unit", "met"}`` (``met`` is null, with an
``error``, when it could not be measured):

- ``bundle_installed_mb`` ≤ 250: the bytes of ``dist/reslens-lite/`` (apparent size, MB = 10^6;
  the ``.deb``'s Installed-Size, in KiB of disk blocks, is reported beside it);
- ``deb_mb`` ≤ 100: ``dist/reslens-lite_<version>_<arch>.deb``;
- ``window_s`` ≤ 0.5: launch to the Lite window on screen, median of ``--runs``, measured by
  ``packaging/measure-startup.sh`` itself (Xvfb, a bare environment, polling every 20 ms);
- ``classify_ratio`` ≤ 0.4: wall time of ``reslens-lite-cli classify`` on the 24 samples over the
  full CLI's (``python -m core classify`` from this interpreter, which has torch), rounds
  interleaved in one run, medians compared;
- ``teach_accuracy`` ≥ 0.85 and ``teach_s`` ≤ 90: a quick head on a 10-class glyph task
  (``bench/teach.py``'s renderer; 40 training and 20 test pictures a class, test fonts unseen),
  taught and tested in a child process with ``RESLENS_EDITION=lite`` (torch blocked, as in the
  bundle) by ``core.lite.quick_train`` and ``LiteModel`` (what the bundle runs).

Also recorded: ``os.getloadavg()`` and ``uptime`` before and after, and the CPU count: the
project's machine is shared, and figures taken under load must say so.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "reslens-lite"
SAMPLES = ROOT / "assets" / "samples"
LIMITS = {  # issue 23, item 7
    "bundle_installed_mb": (250.0, "MB", "max"),
    "deb_mb": (100.0, "MB", "max"),
    "window_s": (0.5, "s", "max"),
    "classify_ratio": (0.4, "x", "max"),
    "teach_accuracy": (0.85, "", "min"),
    "teach_s": (90.0, "s", "max"),
}
PARTS = ("sizes", "window", "classify", "teach")


def target(name: str, value: float | None, error: str | None = None, **extra: Any) -> dict[str, Any]:
    """One target's entry: its value against its limit."""
    limit, unit, kind = LIMITS[name]
    met = None if value is None else (value <= limit if kind == "max" else value >= limit)
    entry: dict[str, Any] = {"value": value, "limit": limit, "unit": unit, "met": met, **extra}
    if error:
        entry["error"] = error
    return entry


def folder_bytes(folder: Path) -> int:
    """Apparent size: every regular file once (links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def sizes(bundle: Path, deb: Path | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if bundle.is_dir():
        total = folder_bytes(bundle)
        out["bundle_installed_mb"] = target(
            "bundle_installed_mb", round(total / 1e6, 1), mib=round(total / 2**20, 1), path=str(bundle)
        )
    else:
        out["bundle_installed_mb"] = target("bundle_installed_mb", None, f"{bundle} not built")
    if deb is not None and deb.is_file():
        installed = subprocess.run(
            ["dpkg-deb", "-f", str(deb), "Installed-Size"], capture_output=True, text=True
        )
        out["deb_mb"] = target(
            "deb_mb",
            round(deb.stat().st_size / 1e6, 1),
            mib=round(deb.stat().st_size / 2**20, 1),
            path=str(deb),
            installed_size_kib=int(installed.stdout.strip() or 0),
        )
    else:
        out["deb_mb"] = target("deb_mb", None, "no dist/reslens-lite_*.deb")
    return out


def window(app: Path, runs: int) -> dict[str, Any]:
    """``packaging/measure-startup.sh APP RUNS``: its median, and each run."""
    done = subprocess.run(
        [str(ROOT / "packaging" / "measure-startup.sh"), str(app), str(runs)],
        capture_output=True,
        text=True,
        timeout=120 + 60 * runs,
    )
    each = [float(x) for x in re.findall(r"launch to window: ([0-9.]+) s", done.stdout)]
    median = re.search(r"median of \d+: ([0-9.]+) s", done.stdout)
    if done.returncode != 0 or median is None:
        return {"window_s": target("window_s", None, (done.stderr or done.stdout).strip()[-500:])}
    return {"window_s": target("window_s", float(median.group(1)), runs=each)}


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=600)
    return time.perf_counter() - start, done


def classify(lite_cli: list[str], full_cli: list[str], rounds: int) -> dict[str, Any]:
    """Both CLIs on the 24 samples, alternately, ``rounds`` times each; JSON output both."""
    work = Path(tempfile.mkdtemp(prefix="reslens-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "RESLENS_EDITION"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
    args = ["classify", str(SAMPLES), "--json"]
    times: dict[str, list[float]] = {"lite": [], "full": []}
    for _ in range(rounds):
        for name, command in (("lite", lite_cli), ("full", full_cli)):
            seconds, done = _timed([*command, *args], env, work)
            if done.returncode != 0:
                error = f"{name} CLI exit {done.returncode}: {done.stderr.strip()[-400:]}"
                return {"classify_ratio": target("classify_ratio", None, error, seconds=times)}
            times[name].append(round(seconds, 3))
    lite, full = statistics.median(times["lite"]), statistics.median(times["full"])
    return {
        "classify_ratio": target(
            "classify_ratio",
            round(lite / full, 3),
            lite_median_s=lite,
            full_median_s=full,
            seconds=times,
            lite_cli=lite_cli,
            full_cli=full_cli,
        )
    }


TEACH_CHILD = """
import json, sys, time
from pathlib import Path
from core import edition
edition.enforce()
from core.lite.quick_train import quick_train
from core.lite.runtime import LiteModel
work = Path(sys.argv[1])
start = time.perf_counter()
outcome = quick_train(work / "train", sys.argv[2], work / "quick.onnx")
seconds = time.perf_counter() - start
results = LiteModel(outcome.path).classify(work / "test", top_k=1, threshold=0)
right = sum(r.top is not None and r.top.label == Path(r.source).parent.name for r in results)
print(json.dumps({"seconds": seconds, "right": right, "total": len(results), "l2": outcome.l2,
                  "images": outcome.images, "torch_imported": edition.torch_imported()}))
"""


def teach(task: str, per_class: int, test_per_class: int, seed: int) -> dict[str, Any]:
    """Render the task (with ``bench/teach.py``), then teach and test in a torch-free child."""
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT))
    from teach import TASKS, font_families, split_families, write_split

    families = font_families()
    train_families, held_families = split_families(families)
    with tempfile.TemporaryDirectory(prefix="reslens-bench-") as tmp:
        work = Path(tmp)
        chars = TASKS[task]
        write_split(work / "train", chars, [p for f in train_families for p in families[f]], per_class, seed)
        held = [p for f in held_families for p in families[f]]
        write_split(work / "test", chars, held, test_per_class, seed + 10_000)
        env = {**os.environ, "RESLENS_EDITION": "lite"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
        model = str(ROOT / "assets" / "models" / "reslens-shapes-r18.onnx")
        done = subprocess.run(
            [sys.executable, "-c", TEACH_CHILD, str(work), model],
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )
    if done.returncode != 0:
        error = done.stderr.strip()[-500:]
        return {
            "teach_accuracy": target("teach_accuracy", None, error),
            "teach_s": target("teach_s", None, error),
        }
    data = json.loads(done.stdout.strip().splitlines()[-1])
    facts = {
        "task": task,
        "classes": len(TASKS[task]),
        "train_images": data["images"],
        "test_images": data["total"],
        "heldout_font_families": len(held_families),
        "torch_imported": data["torch_imported"],
    }
    return {
        "teach_accuracy": target("teach_accuracy", round(data["right"] / max(data["total"], 1), 4), **facts),
        "teach_s": target("teach_s", round(data["seconds"], 2), l2=data["l2"]),
    }


def load() -> dict[str, Any]:
    up = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    return {"loadavg": [round(x, 2) for x in os.getloadavg()], "uptime": up}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=BUNDLE, help="the Lite bundle (dist/reslens-lite)")
    parser.add_argument("--deb", type=Path, help="the Lite .deb (default: dist/reslens-lite_*.deb)")
    parser.add_argument("--skip", action="append", default=[], choices=PARTS, help="repeatable")
    parser.add_argument("--runs", type=int, default=5, help="window launches (median)")
    parser.add_argument("--rounds", type=int, default=3, help="classify rounds per CLI (median)")
    parser.add_argument("--full-cli", default=f"{sys.executable} -m core", help="the full edition's CLI")
    parser.add_argument("--lite-cli", help="the Lite CLI (default: BUNDLE/reslens-lite-cli)")
    parser.add_argument("--task", default="digits", help="bench/teach.py's task for the teach target")
    parser.add_argument("--per-class", type=int, default=40)
    parser.add_argument("--test-per-class", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)

    deb = args.deb
    if deb is None:
        found = sorted(glob.glob(str(ROOT / "dist" / "reslens-lite_*.deb")))
        deb = Path(found[-1]) if found else None
    report: dict[str, Any] = {"cpu_count": os.cpu_count(), "before": load(), "targets": {}}
    targets = report["targets"]
    if "sizes" not in args.skip:
        targets.update(sizes(args.bundle, deb))
    if "window" not in args.skip:
        targets.update(window(args.bundle / "reslens-lite", args.runs))
    if "classify" not in args.skip:
        lite_cli = (args.lite_cli or str(args.bundle / "reslens-lite-cli")).split()
        targets.update(classify(lite_cli, args.full_cli.split(), args.rounds))
    if "teach" not in args.skip:
        targets.update(teach(args.task, args.per_class, args.test_per_class, args.seed))
    report["after"] = load()
    report["all_met"] = all(t["met"] for t in targets.values()) if targets else None
    text = json.dumps(report)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
