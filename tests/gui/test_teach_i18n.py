"""The training window in Chinese: the app's catalogue (``translations/reslens_zh_CN.qm``),
installed, turns the window's words (core's status lines included) into Chinese with every
number in its place. That every string of ``gui/`` is translated is ``tests/test_translations.py``'s."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import shiboken6
from PIL import Image
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication

from core.train.run import FITTING_HEAD
from core.train.start import DOWNLOADED_SHARE
from gui.teach.progress_panel import format_duration
from gui.teach.window import TeachWindow

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    qm = ROOT / "translations" / "reslens_zh_CN.qm"  # what the app installs
    translator = QTranslator()
    assert translator.load(str(qm))
    qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)


def test_the_window_speaks_chinese(qtbot, chinese: None, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RESLENS_DATA", str(tmp_path / "data"))
    window = TeachWindow()
    try:
        assert window.windowTitle() == "训练新模型"
        assert window.train_button.text() == "训练" and window.stop_button.text() == "停止"
        card = window.classes.cards[0]
        assert card.name == "类别 1"
        card.items = [tmp_path]
        card.show_count(8, 0)
        assert card.count_label.text() == "8 张图片"
        card.show_count(8, 1)
        assert card.count_label.text() == "8 张图片，1 张无法读取（已跳过）"
        progress = window.progress
        progress.show_status(DOWNLOADED_SHARE("ImageNet V1", "resnet18", "40%"))  # core.train's message
        assert progress.stage_label.text() == "正在下载 resnet18 的 ImageNet V1 权重：40%"
        progress.show_status(FITTING_HEAD())
        assert progress.stage_label.text() == "正在拟合新的分类头"
        progress.show_status("something core says that no one translated")
        assert progress.stage_label.text() == "something core says that no one translated"
        assert format_duration(75) == "1 分 15 秒" and format_duration(9) == "9 秒"
        report = SimpleNamespace(
            stage="fine-tune", epoch=2, epochs=12, step=3, steps=10, elapsed_s=75.0, eta_s=30.0,
            train_loss=0.5, train_acc=0.8, val_loss=None, val_acc=None,
        )  # fmt: skip
        progress.show_progress(report)
        assert progress.stage_label.text() == "正在微调：第 2 轮（共 12 轮），第 3 批（共 10 批）"
        assert progress.eta_label.text() == "已用 1 分 15 秒 · 约剩 30 秒"
        head_only = SimpleNamespace(
            weights=tmp_path / "garden.safetensors", evaluation=None, stopped=True, card={"head_only": True}
        )
        assert window.results.describe(head_only) == (
            "已保存为 garden。提前停止：保留了目前最好的模型。\n"
            "这是仅含新分类头的模型：起始网络保持不变，只换上新的分类头，未经微调。"
        )
    finally:
        if shiboken6.isValid(window):
            window.close()


# Two Latin words in a row: an English phrase left untranslated (names are one word each here:
# class and file names, resnet18, layer2, adamw, px; "ImageNet V1" has no second Latin word).
LATIN_PHRASE = re.compile(r"[A-Za-z]{2,}[\s,.;:]+[A-Za-z]{2,}")
NAMES = re.compile(r"“[^”]*”|[\w/.-]+\.png")  # quoted class names, file names: left as they are


def test_with_a_folder_chosen_the_plan_and_warnings_read_in_chinese(
    qtbot, chinese: None, tmp_path: Path, monkeypatch
) -> None:
    """What core says about the data and the plan (messages as data) reads in Chinese, names aside."""
    monkeypatch.setenv("RESLENS_DATA", str(tmp_path / "data"))
    root = tmp_path / "classes"
    for name, count, colour in (("red", 16, (200, 30, 30)), ("blue", 2, (30, 30, 200))):
        (root / name).mkdir(parents=True)
        for i in range(count):
            Image.new("RGB", (40, 40), (colour[0], colour[1] + i, colour[2])).save(
                root / name / f"{name}{i}.png"
            )
    (root / "red" / "broken.png").write_bytes(b"not a picture")  # unreadable
    (root / "blue" / "copy.png").write_bytes((root / "red" / "red0.png").read_bytes())  # in two classes
    window = TeachWindow()
    try:
        window.classes.use_folder(root)
        qtbot.waitUntil(lambda: window.plan is not None, timeout=60_000)
        reasons = window.plan_panel.reasons.text().splitlines()
        assert len(reasons) >= 7 and all(line.startswith("• ") for line in reasons)
        panel = window.classes
        warnings = [panel.warning_list.item(i).text() for i in range(panel.warning_list.count())]
        sentences = [w for w in warnings if w.startswith("⚠")]
        assert len(sentences) == 4  # few, imbalance, duplicate, unreadable
        for line in reasons + sentences:
            assert HAN.search(line), line
            assert not LATIN_PHRASE.search(NAMES.sub("", line)), line
    finally:
        if shiboken6.isValid(window):
            window.close()
