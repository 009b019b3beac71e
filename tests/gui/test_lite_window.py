"""The real window as ResLens Lite: no torch, the bundled Lite model, the samples, a CAM, the tree.

The window runs in a fresh interpreter with ``RESLENS_EDITION=lite`` (``core.edition.enforce``
makes ``import torch``, ``torchvision`` and ``onnx`` fail there, as in the Lite bundle) and
``QT_QPA_PLATFORM=offscreen``. It loads the bundled model (its Lite file), classifies the 24
sample images, explains one at layer4 and asks for a map at layer2, shows the architecture tree
from the file's record, and reports what it greyed and why; at the end torch was never imported.
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
    import json, sys, tempfile, time
    from pathlib import Path

    sys.path.insert(0, sys.argv[1])
    from PySide6.QtCore import QCoreApplication, QSettings

    from core.edition import has_torch
    from core.paths import samples_dir
    from gui.app import create_application

    app, _ = create_application([])
    from gui.main_window import MainWindow
    from gui.settings import Settings

    ini = Path(tempfile.mkdtemp()) / "s.ini"
    window = MainWindow(Settings(QSettings(str(ini), QSettings.Format.IniFormat)))
    window.show()

    def wait(condition, seconds=90):
        end = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > end:
                raise SystemExit("timed out")
            QCoreApplication.processEvents()
            time.sleep(0.01)

    wait(lambda: window.model_info is not None and not window.models.view.busy)
    samples = sorted(samples_dir().glob("*.jpg"))
    window.queue_paths([samples_dir()])
    wait(lambda: window.results.rowCount() == len(samples) and not window.engine.busy)
    window.results.flush()
    results = window.results.results()

    answers = {}
    window.engine.camReady.connect(lambda a: answers.__setitem__(a.layer, a))
    window.engine.explain(str(samples[0]), str(samples[0]), None, "layer4")
    window.engine.explain(str(samples[0]), str(samples[0]), None, "layer2")
    wait(lambda: len(answers) == 2)
    cam, other = answers["layer4"], answers["layer2"]

    panel = window.arch_panel
    wait(lambda: panel.shown_key is not None)
    summary = panel.model.summary
    nodes = {node.name: node for _, node in summary.root.walk()}
    root_item = panel.model.item(0, 0)
    stage_tips = {}
    for row in range(root_item.rowCount()):
        item = root_item.child(row, 0)
        stage_tips[item.text()] = item.toolTip()

    m, h = window.actions.model, window.actions.help
    greyed = {
        "download": (m.download.isEnabled(), m.download.toolTip()),
        "why_residual": (h.why_residual.isEnabled(), h.why_residual.toolTip()),
        "export_lite": (m.export_lite.isEnabled(), m.export_lite.toolTip()),
    }
    for action in m.backends.actions():
        greyed["backend " + action.data()] = (action.isEnabled(), action.toolTip())
    for action in m.weights.actions():
        greyed["weights " + action.data()] = (action.isEnabled(), action.toolTip())
    for action in m.archs.actions():
        greyed["arch " + action.data()] = (action.isEnabled(), action.toolTip())
    from gui.cam_view import CamControls
    from gui.dialogs import about_rows
    from gui.explain import export_cam

    written = export_cam(cam, str(samples[0]), Path(tempfile.mkdtemp()) / "star-cam.png", 0.5)

    model = window.model_info
    report = {
        "title": window.windowTitle(),
        "cam_files": [p.name for p in written if p.stat().st_size > 0],
        "preview_layer_tip": CamControls(results[0]).layer.toolTip(),
        "about": dict(about_rows("")),
        "has_torch": has_torch(),
        "model": model.identity.name,
        "backend": model.backend,
        "device": model.device,
        "results": [[Path(r.source).name, r.top.label if r.ok else None, r.backend] for r in results],
        "cam": {"label": cam.result.label, "layer": cam.result.layer, "error": cam.error,
                "peak": list(cam.result.peak_cell), "colours": cam.colours is not None},
        "layer2_error": other.error,
        "tree": {"from_record": panel.shown_key.from_record, "root_params": summary.root.params,
                 "layer4_params": nodes["layer4"].params, "layer4_shape": list(nodes["layer4"].output_shape),
                 "fc_macs": nodes["fc"].macs, "rows": len(nodes)},
        "explainable": sorted(panel.model.explainable),
        "stage_tips": stage_tips,
        "greyed": greyed,
        "teach_enabled": m.train.isEnabled(),
        "evaluate_enabled": m.evaluate.isEnabled(),
        "load_weights": [m.load_weights.isEnabled(), m.load_weights.toolTip()],
    }
    window.close()
    report["torch"] = "torch" in sys.modules
    report["torchvision"] = "torchvision" in sys.modules
    print("REPORT " + json.dumps(report))
    """
)

NEEDS_FULL = "needs ResLens, full edition (with PyTorch)"  # core.edition.NEEDS_FULL, in English


def run_lite_window(tmp_path: Path) -> dict:
    env = {
        **os.environ,
        "RESLENS_EDITION": "lite",
        "QT_QPA_PLATFORM": "offscreen",
        "RESLENS_LANG": "en",
        "HOME": str(tmp_path),  # no settings of a person's own
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        cwd=tmp_path,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("REPORT ")]
    assert done.returncode == 0 and lines, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(lines[-1][len("REPORT ") :])


def test_the_window_runs_as_lite_without_torch(tmp_path: Path) -> None:
    report = run_lite_window(tmp_path)
    assert report["has_torch"] is False
    assert report["model"] == "ResNet-18 · bundled"
    assert (report["backend"], report["device"]) == (
        "auto",
        "cpu",
    )  # Auto: the bundled fp32 file or its int8 one

    results = report["results"]
    assert len(results) == 24
    assert all(label == name.split("-")[0].removesuffix(".jpg") for name, label, _ in results), results
    assert {backend for *_, backend in results} == {"onnx"}

    cam = report["cam"]
    assert cam["error"] is None and cam["layer"] == "layer4" and cam["colours"]
    assert cam["label"] == results[0][1]  # the top-1 of the first sample, arrow-drawn.jpg
    assert NEEDS_FULL in report["layer2_error"] and NEEDS_FULL in report["preview_layer_tip"]
    assert report["cam_files"] == ["star-cam.png", "star-cam16.png"]  # overlay and raw map, as the CLI

    tree = report["tree"]
    assert tree["from_record"] is True
    assert tree["root_params"] == 11_182_668  # ResNet-18 with 12 classes: the record's numbers
    assert tree["layer4_params"] == 8_393_728
    assert tree["layer4_shape"] == [1, 512, 2, 2]  # a 64 x 64 input
    assert tree["fc_macs"] == 512 * 12
    assert tree["rows"] > 60
    assert report["explainable"] == ["layer4"]
    assert NEEDS_FULL in report["stage_tips"]["layer2"] and NEEDS_FULL in report["stage_tips"]["stem"]
    assert NEEDS_FULL not in report["stage_tips"]["layer4"]

    greyed = report["greyed"]
    for key in ("download", "why_residual", "export_lite", "backend torch"):
        enabled, tip = greyed[key]
        assert not enabled and NEEDS_FULL in tip, (key, tip)
    for key in ("weights imagenet-v1", "weights imagenet-v2", "arch resnet50", "arch resnet152"):
        enabled, tip = greyed[key]
        assert not enabled and NEEDS_FULL in tip, (key, tip)
    assert greyed["backend onnx"][0] and greyed["weights default"][0] and greyed["arch resnet18"][0]
    assert greyed["backend onnx-int8"][0]  # the bundled int8 Lite file: Lite classifies on int8 too
    assert report["teach_enabled"] and report["evaluate_enabled"]
    assert report["load_weights"][0] and ".onnx" in report["load_weights"][1]

    assert report["title"] == "ResLens Lite"
    assert "Lite" in report["about"]["Edition"] and "onnxruntime" in report["about"]
    assert "torch" not in report["about"]  # installed here, but not this edition's engine

    assert report["torch"] is False and report["torchvision"] is False


def test_a_lite_file_opens_in_the_full_edition_window(qtbot, settings_file: Path) -> None:
    """Weights ▸ a .onnx file: ONNX Runtime runs it, the tree is the file's own, the heat map is
    layer4's, and the other layers say why they have none (the full edition's reason)."""
    from core.sources import bundled_lite_path
    from tests.gui.conftest import LOAD_TIMEOUT_MS, open_window

    window = open_window(qtbot, settings_file)
    assert window.windowTitle() == "ResLens"
    lite = str(bundled_lite_path())
    window.models.choose_weights(lite)
    qtbot.waitUntil(
        lambda: (
            window.model_info is not None
            and window.model_info.tree is not None
            and not window.models.view.busy
        ),
        timeout=LOAD_TIMEOUT_MS,
    )
    model = window.model_info
    assert (model.backend, model.choice.weights, model.identity.name) == (
        "onnx",
        lite,
        "ResNet-18 · reslens-shapes-r18.onnx",
    )
    assert window.settings.backend == "auto"  # the person's choice (the default since issue 27) is kept
    panel = window.arch_panel
    qtbot.waitUntil(lambda: panel.shown_key is not None and panel.shown_key.from_record, timeout=10_000)
    assert panel.model.summary.total_params == 11_182_668 and panel.model.explainable == {"layer4"}
    stage = panel.model.item(0, 0).child(2, 0)  # layer2
    assert stage.text() == "layer2" and "layer4 only" in stage.toolTip()
    assert not window.actions.model.export_lite.isEnabled()

    answers = {}
    window.engine.camReady.connect(lambda a: answers.__setitem__(a.layer, a))
    sample = str(Path(lite).parents[1] / "samples" / "star.jpg")
    window.engine.explain(sample, sample, None, "layer4")
    window.engine.explain(sample, sample, None, "layer2")
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=30_000)
    assert answers["layer4"].error is None and answers["layer4"].result.label == "star"
    assert "layer4 only" in answers["layer2"].error
