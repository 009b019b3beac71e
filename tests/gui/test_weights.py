"""Weights from a file, labels, ImageNet downloads (progress, cancel) and the offline message."""

from __future__ import annotations

import threading
import time

import pytest
import torch
from PySide6.QtWidgets import QFileDialog

import core.weights
from core.resnet import resnet18
from gui.worker import LOAD
from tests.gui.test_architecture import wait_root

MB = 1024 * 1024


@pytest.fixture
def tiny_weights(tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "tiny.pth"
    torch.save(resnet18(num_classes=3).state_dict(), path)
    return path


def wait_loaded(qtbot, window, source: str) -> None:
    qtbot.waitUntil(lambda: window.model_info.source == source, timeout=120_000)


def test_load_weights_and_labels_files(qtbot, window, tiny_weights, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tiny_weights), ""))
    window.actions.model.load_weights.trigger()
    wait_loaded(qtbot, window, str(tiny_weights))
    meta = window.model_info.meta
    assert meta.num_classes == 3 and meta.categories[0] == "class 0"
    assert "tiny.pth" in window.status.model.text()
    assert not any(a.isChecked() for a in window.actions.model.weights.actions())  # a file
    wait_root(qtbot, window, "resnet18", 3)

    labels = tmp_path / "names" / "mine.txt"
    labels.parent.mkdir()
    labels.write_text("alpha\nbeta\ngamma\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(labels), ""))
    window.actions.model.load_labels.trigger()
    qtbot.waitUntil(lambda: window.model_info.meta.categories == ("alpha", "beta", "gamma"))
    assert "alpha, beta, gamma" in window.empty.model_label.text()
    assert "mine.txt" in window.status.model.text()

    window.choose_arch("resnet50")  # a file holds one architecture: another means ImageNet's
    assert window.settings.weights == "imagenet-v1" and window.settings.labels == ""


def test_download_shows_progress_and_can_be_cancelled(qtbot, window, monkeypatch) -> None:
    loaded = window.model_info
    started = threading.Event()

    def slow_download(arch, source, labels=None, device=None, on_progress=None, cancel=None):
        for done in range(0, 100 * MB, MB):
            if cancel.is_set():
                raise core.weights.WeightsError("download cancelled")
            on_progress(done, 100 * MB)
            started.set()
            time.sleep(0.02)
        raise AssertionError("the download was not cancelled")

    monkeypatch.setattr(core.weights, "is_cached", lambda arch, source: False)
    monkeypatch.setattr(core.weights, "load_weights", slow_download)
    window.actions.model.download.trigger()
    qtbot.waitUntil(lambda: "Downloading" in window.status.progress.format(), timeout=60_000)
    assert window.status.cancel.isVisible()
    with qtbot.waitSignal(window.engine.finished, timeout=60_000, check_params_cb=lambda d: d.job == LOAD):
        window.status.cancel.click()
    assert window.message.text == "Download cancelled."
    assert window.model_info is loaded  # the model in use stays
    assert window.status.progress.isHidden()


def test_offline_download_failure_offers_loading_a_file(qtbot, window, monkeypatch) -> None:
    advice = "no network: place resnet50-11ad3fa6.pth in ~/.cache/torch/hub/checkpoints"

    def offline(*args, **kwargs):
        raise core.weights.WeightsError(advice)

    monkeypatch.setattr(core.weights, "load_weights", offline)
    window.choose_arch("resnet50")
    window.download_weights()
    qtbot.waitUntil(lambda: window.message.text == advice, timeout=60_000)
    assert window.message.level == "error"
    assert window.message.button_labels() == ["Load Weights File…"]
    assert window.status.model.text().startswith("Model: ResNet-18")  # unchanged
