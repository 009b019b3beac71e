"""Issue 25, the model menu: the bundled model is always one click (or Ctrl+1) away, offline."""

from __future__ import annotations

import re

import pytest
import torch
from PySide6.QtWidgets import QFileDialog

from core.resnet import resnet34
from core.sources import DEFAULT

LOAD_MS = 120_000


@pytest.fixture(autouse=True)
def offline_hub(tmp_path, monkeypatch):
    """An empty torch hub cache: no ImageNet weights were ever downloaded here."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))


def load_resnet34_file(qtbot, window, tmp_path, monkeypatch) -> None:
    path = tmp_path / "r34.pth"
    if not path.exists():
        torch.save(resnet34(num_classes=12).state_dict(), path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions.model.load_weights.trigger()
    qtbot.waitUntil(lambda: window.model_info.choice.weights == str(path), timeout=LOAD_MS)
    qtbot.waitUntil(lambda: not window.engine.busy, timeout=LOAD_MS)


def bundled_action(window):
    return next(a for a in window.actions.model.weights.actions() if a.data() == DEFAULT)


def test_after_a_resnet34_file_the_bundled_model_and_ctrl_1_bring_it_back_offline(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    load_resnet34_file(qtbot, window, tmp_path, monkeypatch)
    bundled = bundled_action(window)
    assert bundled.isEnabled()
    assert "torchvision" not in bundled.toolTip()
    bundled.trigger()
    qtbot.waitUntil(lambda: window.model_info.choice.weights == DEFAULT, timeout=LOAD_MS)
    assert window.model_info.choice.arch == "resnet18"

    load_resnet34_file(qtbot, window, tmp_path, monkeypatch)
    ctrl_1 = next(a for a in window.actions.model.archs.actions() if a.shortcut().toString() == "Ctrl+1")
    ctrl_1.trigger()
    qtbot.waitUntil(lambda: window.model_info.choice.weights == DEFAULT, timeout=LOAD_MS)
    assert "not downloaded" not in window.banner.text


def test_the_model_card_counts_every_sample_and_shows_the_unknown_threshold(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.model_info is not None, timeout=LOAD_MS)
    card = window.show_model_card().browser.toPlainText()
    assert "24 of the 24 sample images right (12 of 12 photos, 12 of 12 drawings)" in card
    assert re.search(r"Unknown threshold\s+0\.39", card)
    assert "Any other picture still gets one of the 12 names" not in card
    assert "below 0.39 is shown as unknown" in card
    window.threshold.spin.setValue(0.0)  # Off
    card = window.show_model_card().browser.toPlainText()
    assert "With the unknown threshold off, any other picture still gets one of the 12 names" in card
