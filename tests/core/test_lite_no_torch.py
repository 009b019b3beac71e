"""ResLens Lite's core works with torch, torchvision and onnx blocked (the import rule).

A fresh interpreter installs a meta-path finder that raises ``ImportError`` for ``torch``,
``torchvision`` and ``onnx`` (none of them ships in Lite), then opens the bundled Lite model,
classifies the samples, explains one with the CAM, teaches a quick head from a folder and runs
``reslens-cli quick-train``, and checks that none of the three was imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import importlib.abc, json, sys
    from pathlib import Path

    BLOCKED = ("torch", "torchvision", "onnx")

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is blocked: ResLens Lite has no torch")
            return None

    sys.meta_path.insert(0, Block())
    sys.path.insert(0, sys.argv[1])
    work = Path(sys.argv[2])

    from core.lite.cam import LiteCam
    from core.lite.cli import bundled_lite_path
    from core.lite.quick_train import quick_train
    from core.lite.runtime import LiteModel
    from core.paths import samples_dir
    from tests.core.test_quick_head import draw_classes

    model = LiteModel(bundled_lite_path())
    samples = sorted(samples_dir().glob("*.jpg"))
    results = model.classify([str(p) for p in samples])
    right = sum(Path(r.source).stem.split("-")[0] == r.top.label for r in results)
    cam = LiteCam(model).explain(samples[0])
    draw_classes(work / "data", per_class=6)
    outcome = quick_train(work / "data", model, work / "quick.onnx", input_size=64)
    taught = LiteModel(outcome.path).classify(work / "data", top_k=1)

    from core.cli import main
    code = main(["quick-train", str(work / "data"), "--out", str(work / "cli.onnx")])
    print(json.dumps({
        "classified": len(results),
        "right": right,
        "cam_label": cam.label,
        "cam_peak_cell": cam.peak_cell,
        "taught": len(taught),
        "taught_classes": list(outcome.classes),
        "cli_exit": code,
        "imported": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED),
    }))
    """
)


def test_classify_explain_and_teach_without_torch(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["classified"] == 24 and report["right"] == 24
    assert report["cam_label"] == "arrow" and report["cam_peak_cell"] is not None
    assert report["taught"] == 18 and report["taught_classes"] == ["bar", "cross", "disc"]
    assert report["cli_exit"] == 0
    assert report["imported"] == []
