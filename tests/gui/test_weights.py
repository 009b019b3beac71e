"""Weights from a file (another architecture, recent files, "class N" labels), ImageNet downloads
(bytes, Cancel within a second on a stalled server, Retry / use the bundled model) in the window."""

from __future__ import annotations

import time

import pytest
import torch
from PySide6.QtWidgets import QFileDialog

from core.resnet import resnet18, resnet34
from core.session import State
from tests.gui.test_architecture import wait_root
from tests.weights_server import STALL_AFTER, WeightsServer, resnet18_file, serve


@pytest.fixture(autouse=True)
def hub_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    return tmp_path / "torch-home" / "hub" / "checkpoints"


@pytest.fixture
def tiny_weights(tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "tiny.pth"
    torch.save(resnet18(num_classes=3).state_dict(), path)
    return path


def wait_state(qtbot, window, state: State, timeout: int = 120_000) -> None:
    qtbot.waitUntil(lambda: window.models.view.state is state, timeout=timeout)


def test_load_weights_and_labels_files(qtbot, window, tiny_weights, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tiny_weights), ""))
    window.actions.model.load_weights.trigger()
    qtbot.waitUntil(lambda: window.model_info.choice.weights == str(tiny_weights), timeout=120_000)
    meta = window.model_info.meta
    assert meta.num_classes == 3 and meta.categories[0] == "class 0"
    assert "tiny.pth" in window.status.model.text()
    checked = [a.data() for a in window.actions.model.weights.actions() if a.isChecked()]
    assert checked == [str(tiny_weights)]  # listed under Weights, as a recent file
    assert "have no names (class 0 … class 2)" in window.banner.text  # "class N": name them
    assert window.banner.button_labels() == ["Load Labels…"]
    wait_root(qtbot, window, "resnet18", 3)

    labels = tmp_path / "names" / "mine.txt"
    labels.parent.mkdir()
    labels.write_text("alpha\nbeta\ngamma\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(labels), ""))
    window.actions.model.load_labels.trigger()
    qtbot.waitUntil(lambda: window.model_info.meta.categories == ("alpha", "beta", "gamma"))
    assert "alpha, beta, gamma" in window.empty.model_label.text()
    assert "mine.txt" in window.status.model.text()
    assert window.banner.isHidden()
    assert window.settings.recent_weights == [str(tiny_weights)]


def test_a_file_of_another_architecture_says_it_switched(qtbot, window, tmp_path, monkeypatch) -> None:
    path = tmp_path / "r34.pth"
    torch.save(resnet34(num_classes=12).state_dict(), path)
    window.models.choose_arch("resnet50")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions.model.load_weights.trigger()
    qtbot.waitUntil(lambda: window.model_info.choice.weights == str(path), timeout=120_000)
    assert window.banner.text.startswith("This file holds a ResNet-34: switched to ResNet-34.")
    checked = [a.data() for a in window.actions.model.archs.actions() if a.isChecked()]
    assert checked == ["resnet34"] and window.settings.arch == "resnet34"


def test_download_shows_bytes_and_cancel_answers_within_a_second(qtbot, window, tmp_path, monkeypatch):
    data, name = resnet18_file(tmp_path)
    server = WeightsServer(data, stall=True)
    try:
        serve(monkeypatch, server, name)
        bundled = window.model_info
        window.models.choose_arch("resnet18")  # the bundled model is a ResNet-18: nothing to do
        window.models.choose_weights("imagenet-v1")
        wait_state(qtbot, window, State.UNAVAILABLE)
        assert window.banner.text == (
            "Still using ResNet-18 · bundled: ResNet-18 ImageNet V1 is not downloaded"
        )
        assert window.banner.button_labels() == ["Download", "Keep ResNet-18 · bundled"]
        window.actions.model.download.trigger()
        wait_state(qtbot, window, State.DOWNLOADING)
        qtbot.waitUntil(lambda: window.models.view.done == STALL_AFTER)
        assert "0.1 of " in window.banner.text and "still using ResNet-18 · bundled" in window.banner.text
        assert "Downloading… 0.1 of" in window.status.progress.format()
        assert window.actions.file.cancel.isEnabled() and window.banner.button_labels() == ["Cancel"]
        time.sleep(0.5)  # the server sends nothing more
        started = time.monotonic()
        window.actions.file.cancel.trigger()  # as Esc does
        wait_state(qtbot, window, State.UNAVAILABLE, timeout=5000)
        assert time.monotonic() - started < 1.0
        assert "cancelled" in window.banner.text and window.model_info is bundled
        assert window.banner.button_labels() == ["Download", "Keep ResNet-18 · bundled"]
        assert window.status.progress.isHidden()
    finally:
        server.close()


def test_a_failed_download_offers_retry_and_keeping_the_model(qtbot, window, tmp_path, monkeypatch):
    server = WeightsServer(b"", status=404)
    try:
        serve(monkeypatch, server, "resnet18-00000000.pth")
        window.models.choose_weights("imagenet-v1")
        wait_state(qtbot, window, State.UNAVAILABLE)
        window.models.download()
        wait_state(qtbot, window, State.FAILED)
        assert "could not be loaded" in window.banner.text and window.banner.level == "error"
        assert window.banner.button_labels() == ["Retry", "Keep ResNet-18 · bundled"]
        assert window.status.model.text() == "Model: ResNet-18 · bundled"
        window.banner.click("Keep ResNet-18 · bundled")
        assert window.models.view.state is State.READY and window.banner.isHidden()
        assert window.settings.weights == "default"
    finally:
        server.close()
