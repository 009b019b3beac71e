"""The training window in Chinese: ``translations/teach_zh_CN.part.ts`` is complete, up to date
with ``gui/teach`` and, compiled and installed, turns the window's words (core's status lines
included) into Chinese with every number in its place."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import shiboken6
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication

from gui.teach.progress_panel import format_duration
from gui.teach.window import TeachWindow

ROOT = Path(__file__).resolve().parents[2]
PART = ROOT / "translations" / "teach_zh_CN.part.ts"
PLACEHOLDER = re.compile(r"%(?:\d|n)")


def tool(name: str) -> str:
    return str(Path(sys.executable).parent / f"pyside6-{name}")


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {
        (c.findtext("name") or "", m.findtext("source") or ""): m
        for c in root.iter("context")
        for m in c.iter("message")
    }


def test_every_message_is_translated_and_keeps_its_placeholders() -> None:
    found = messages(PART)
    assert len(found) > 100
    for (context, source), message in found.items():
        translation = message.find("translation")
        assert translation is not None and translation.get("type") is None, (context, source)
        texts = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        for text in texts:
            assert text and text != source, (context, source)
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (context, text)
            assert ("&" in source) == bool(re.search(r"\(&\w\)", text)), (context, text)  # mnemonics kept


def test_the_part_file_holds_exactly_the_strings_of_gui_teach(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "gui" / "teach").glob("*.py"))
    subprocess.run(
        [tool("lupdate"), *sources, "-ts", str(fresh), "-no-obsolete", "-locations", "none"],
        check=True, capture_output=True,
    )  # fmt: skip
    assert set(messages(fresh)) == set(messages(PART))


@pytest.fixture
def chinese(tmp_path: Path, qapp: QApplication) -> Iterator[None]:
    qm = tmp_path / "teach_zh_CN.qm"
    subprocess.run([tool("lrelease"), str(PART), "-qm", str(qm)], check=True, capture_output=True)
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
        progress.show_status("Downloading ImageNet V1 weights for resnet18: 40%")  # core.train's words
        assert progress.stage_label.text() == "正在下载 resnet18 的 ImageNet V1 权重：40%"
        progress.show_status("Fitting the new head")
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
