"""The window renders the model session: what it names is what classifies, saved choices that
cannot be had fall back to a usable model with a banner, and every result carries its model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.export import read_csv, read_json
from core.paths import samples_dir
from core.session import State
from gui.results_model import Column
from tests.gui.conftest import make_settings, open_window, sample_files, wait_idle

SETTINGS_0_1_0 = """[model]
arch=resnet50
weights=imagenet-v1
labels=
device=auto

[results]
top_k=5
"""


@pytest.fixture(autouse=True)
def offline_cache(tmp_path, monkeypatch):
    """An empty torch.hub cache: ImageNet weights are "not downloaded", as on a fresh machine."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))


def test_a_0_1_0_settings_file_choosing_imagenet_offline_starts_usable(qtbot, settings_file) -> None:
    settings_file.write_text(SETTINGS_0_1_0)
    window = open_window(qtbot, settings_file)
    qtbot.waitUntil(lambda: window.models.view.state is State.UNAVAILABLE, timeout=120_000)
    assert window.status.model.text() == "Model: ResNet-18 · bundled"
    assert window.banner.text == "Still using ResNet-18 · bundled: ResNet-50 ImageNet V1 is not downloaded"
    assert window.banner.button_labels() == ["Download", "Keep ResNet-18"]
    window.intake.open_samples()
    wait_idle(qtbot, window)
    results = window.results.results()
    assert len(results) == len(sample_files()) and all(r.ok for r in results)
    assert sum(Path(r.source).stem.split("-")[0] == r.top.label for r in results) >= len(results) - 2
    window.close()
    saved = make_settings(settings_file)
    assert (saved.arch, saved.weights) == ("resnet50", "imagenet-v1")  # the request is kept
    assert saved.last_good.weights == "default"  # and apart from it, the model that loaded


def test_the_real_app_with_a_0_1_0_settings_file_classifies_the_samples(tmp_path) -> None:
    """As a returning user starts it: ``gui.app`` with the settings file where QSettings reads it."""
    config = tmp_path / "config"
    (config / "ResLens").mkdir(parents=True)
    (config / "ResLens" / "ResLens.conf").write_text(SETTINGS_0_1_0)
    script = f"""
import sys
from PySide6.QtCore import QTimer
from gui.app import create_application
app, _ = create_application([])
from gui.main_window import MainWindow
window = MainWindow()
window.show()
window.queue_paths([{str(samples_dir())!r}])
def check():
    if window.engine.busy or window.models.view.busy:
        return
    rows = window.results.results()
    print(json.dumps({{"status": window.status.model.text(), "banner": window.banner.text,
        "rows": len(rows), "ok": sum(r.ok for r in rows), "models": sorted({{r.model for r in rows}})}}))
    window.close()
    app.quit()
import json
timer = QTimer(interval=200, timeout=check)
timer.start()
QTimer.singleShot(150_000, app.quit)
app.exec()
"""
    env = {**os.environ, "XDG_CONFIG_HOME": str(config), "TORCH_HOME": str(tmp_path / "torch-home")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=240
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["status"] == "Model: ResNet-18 · bundled"
    assert report["banner"].startswith("Still using ResNet-18 · bundled: ResNet-50 ImageNet V1")
    assert report["rows"] == report["ok"] == len(sample_files())
    assert len(report["models"]) == 1 and report["models"][0].startswith("ResNet-18 · bundled · ")


def test_switching_to_an_unavailable_architecture_never_classifies_with_an_unnamed_model(
    qtbot, window
) -> None:
    named: list[tuple[str, str]] = []
    window.engine.results.connect(
        lambda batch: named.extend((r.model, window.status.model.toolTip().splitlines()[0]) for r in batch)
    )
    for arch in ("resnet152", "resnet34"):
        window.models.choose_arch(arch)  # unavailable offline; the samples are queued at once
        window.intake.open_samples()
        wait_idle(qtbot, window)
        qtbot.waitUntil(lambda: window.models.view.state is State.UNAVAILABLE, timeout=60_000)
        assert window.banner.text.startswith("Still using ResNet-18 · bundled: ")
        checked = [a.data() for a in window.actions.model.archs.actions() if a.isChecked()]
        assert checked == ["resnet18"]  # the menu names the model that classifies
        assert window.arch_panel.key.arch == "resnet18"
    assert named and all(made_by == shown for made_by, shown in named)
    assert {made_by for made_by, _ in named} == {window.model_info.identity.tag}


def test_results_and_exports_carry_their_model(qtbot, window, tmp_path) -> None:
    window.intake.open_samples()
    wait_idle(qtbot, window)
    tag = window.model_info.identity.tag
    assert tag.startswith("ResNet-18 · bundled · ") and len(tag.rsplit(" · ", 1)[1]) == 8
    view = window.results_view
    first = view.proxy.index(0, Column.PREDICTIONS)
    assert f"Model: {tag}" in first.data(Qt.ItemDataRole.ToolTipRole)
    assert view.table.isColumnHidden(Column.MODEL)
    window.actions.view.model_column.trigger()
    assert not view.table.isColumnHidden(Column.MODEL) and window.settings.show_model_column
    assert view.proxy.index(0, Column.MODEL).data() == tag
    assert window.export_to(tmp_path / "out.csv") == len(sample_files())
    assert {row["model"] for row in read_csv(tmp_path / "out.csv")} == {tag}
    assert window.export_to(tmp_path / "out.json") == len(sample_files())
    assert {r.model for r in read_json(tmp_path / "out.json")} == {tag}
