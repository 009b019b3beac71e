"""Messages as data (issue 22): what core says reaches a Chinese window in Chinese.

A returning user whose saved model is not downloaded (ImageNet V2 for ResNet-101, offline) opens
the window in zh_CN: the banner, its buttons, the status bar's model and device, and the model
column read in Chinese; only names (ResNet-101, ImageNet V2, PyTorch, the weights hash) and units
stay in Latin letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from core.messages import english
from core.session import State
from gui.labels import shown_model
from gui.language import CHINESE, ENGLISH, install_translators
from gui.messages import text
from tests.gui.conftest import make_settings, open_window, sample_files, wait_idle

# Names and units that stay as they are in every language (the glossary), and separators.
NAMES = re.compile(
    r"ResNet-\d+|ImageNet V\d|PyTorch|ONNX Runtime|int8|fp32|CPU|GiB|MB|[0-9a-f]{8}|\d+(\.\d+)?"
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def latin_words(shown: str) -> list[str]:
    """The Latin words left in ``shown`` once names, units and numbers are taken out."""
    return LATIN_WORD.findall(NAMES.sub(" ", shown))


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    install_translators(qapp, CHINESE)
    yield
    install_translators(qapp, ENGLISH)


@pytest.fixture
def unavailable_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings of a returning user who chose ResNet-101 · ImageNet V2, never downloaded here."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))  # an empty hub cache
    ini = tmp_path / "returning.ini"
    settings = make_settings(ini)
    settings.arch, settings.weights = "resnet101", "imagenet-v2"
    settings.show_model_column = True
    settings.store.sync()
    return ini


def test_a_returning_user_with_an_unavailable_model_reads_only_chinese(
    qtbot, chinese: None, unavailable_request: Path
) -> None:
    window = open_window(qtbot, unavailable_request)
    qtbot.waitUntil(lambda: window.models.view.state is State.UNAVAILABLE, timeout=30_000)
    banner = window.banner.text
    assert "ResNet-101 ImageNet V2" in banner and "尚未下载" in banner
    assert latin_words(banner) == [], banner
    assert all(latin_words(label) == [] for label in window.banner.button_labels())
    for label in (window.status.model, window.status.device):
        assert latin_words(label.text()) == [], label.text()
    assert "内置" in window.status.model.text() and "线程" in window.status.device.text()

    window.queue_paths(sample_files()[:2])
    wait_idle(qtbot, window)
    model_tag = window.results.results()[0].model
    assert model_tag.startswith("ResNet-18 · bundled")  # results and exports keep the English tag
    assert latin_words(shown_model(model_tag)) == []
    window.close()


def test_the_same_view_reads_in_english_without_the_translators(qtbot, unavailable_request: Path) -> None:
    window = open_window(qtbot, unavailable_request)
    qtbot.waitUntil(lambda: window.models.view.state is State.UNAVAILABLE, timeout=30_000)
    view = window.models.view
    assert english(view.message) == text(view.message) == "ResNet-101 ImageNet V2 is not downloaded"
    assert window.banner.text == "Still using ResNet-18 · bundled: ResNet-101 ImageNet V2 is not downloaded"
    window.close()


def test_a_saved_weights_file_that_is_gone_and_a_bad_picture_read_in_chinese(
    qtbot, chinese: None, tmp_path: Path
) -> None:
    """The other common returning user: the file the settings name was moved away; and a file
    in the folder that is no picture. Both errors come from core as messages."""
    ini = tmp_path / "moved.ini"
    settings = make_settings(ini)
    gone = tmp_path / "gone" / "mine.pth"
    settings.arch, settings.weights = "resnet34", str(gone)
    settings.store.sync()
    window = open_window(qtbot, ini)
    qtbot.waitUntil(lambda: window.models.view.state is State.FAILED, timeout=30_000)
    banner = window.banner.text
    names_only = banner.replace(str(gone), "").replace(gone.name, "")  # file names stay as they are
    assert "文件不存在" in banner and latin_words(names_only) == [], banner
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a picture", encoding="utf-8")
    window.queue_paths([bad])
    wait_idle(qtbot, window)
    (result,) = window.results.results()
    assert result.error == "not an image (or an unsupported format)"  # exports keep the English
    shown = window.results.index(0, 1).data()
    assert "不是图片" in shown and latin_words(shown) == [], shown
    window.close()
