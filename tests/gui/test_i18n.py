"""The Chinese interface (issue 16): menus, actions, the empty state, class names, the architecture
tree and the model card in Simplified Chinese under zh_CN, English again after switching back;
the language choice persisting across processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtWidgets import QApplication

from gui.arch_model import type_text
from gui.dialogs import model_card_html
from gui.language import CHINESE, ENGLISH, SYSTEM, install_translators, ui_language
from gui.results_model import Column
from tests.gui.conftest import make_settings, open_window, sample_files, wait_idle

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    """The Chinese translators for one test; English again afterwards, whatever happened."""
    assert any(path.endswith("reslens_zh_CN.qm") for path in install_translators(qapp, CHINESE))
    yield
    install_translators(qapp, ENGLISH)


def test_menus_actions_and_empty_state_are_chinese_then_english_again(
    qtbot, qapp: QApplication, tmp_path: Path, chinese: None
) -> None:
    window = open_window(qtbot, tmp_path / "zh.ini")
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["文件(&F)", "模型(&M)", "设备(&D)", "视图(&V)", "帮助(&H)"]
    file = window.actions.file
    assert file.open_images.text() == "打开图片(&O)…"
    assert file.open_images.iconText() == "打开"  # the toolbar's label
    assert file.export.text() == "导出结果(&E)…"
    assert window.actions.model.train.text() == "训练新模型(&T)…"
    assert window.arch_dock.windowTitle() == "网络结构"
    assert window.empty.title.text() == "将图片或文件夹拖放到这里"
    assert HAN.search(window.empty.hint.text())
    # The bundled model's own Chinese names, from its metadata, in the empty state.
    assert all(name in window.empty.model_label.text() for name in ("箭头", "五角星", "12 个类别"))
    assert window.status.counts.text() == "" or HAN.search(window.status.counts.text())
    window.close()

    install_translators(qapp, ENGLISH)
    english = open_window(qtbot, tmp_path / "en.ini")
    assert [action.text() for action in english.menuBar().actions()] == [
        "&File",
        "&Model",
        "&Device",
        "&View",
        "&Help",
    ]
    assert english.actions.file.open_images.text() == "&Open Images…"
    assert english.empty.title.text() == "Drop images or a folder here"
    assert "arrow" in english.empty.model_label.text() and not HAN.search(english.empty.model_label.text())
    english.close()


def test_results_show_chinese_class_names_and_exports_keep_the_canonical_ones(
    qtbot, tmp_path: Path, chinese: None
) -> None:
    window = open_window(qtbot, tmp_path / "zh.ini")
    window.queue_paths(sample_files()[:4])
    wait_idle(qtbot, window)
    window.results.flush()
    model = window.results
    shown = [model.index(row, Column.PREDICTIONS).data() for row in range(model.rowCount())]
    assert len(shown) == 4
    chinese_names = _bundled().categories_in(CHINESE)  # exactly checked in tests/core/test_bundled_model.py
    assert all(any(name in text for name in chinese_names) for text in shown), shown
    assert model.headerData(Column.IMAGE, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == "图片"
    assert window.status.counts.text() == "4 张图片"
    # A filter typed in Chinese finds the rows whose top class is shown with that name.
    top = model.result(0).top.label
    window.results_view.filter_edit.setText(dict(zip(_bundled().categories, chinese_names, strict=True))[top])
    assert window.results_view.proxy.rowCount() >= 1
    window.results_view.filter_edit.clear()
    exported = tmp_path / "out.json"
    assert window.export_to(exported) == 4
    labels = {
        p["label"] for row in json.loads(exported.read_text(encoding="utf-8")) for p in row["predictions"]
    }
    assert labels <= set(_bundled().categories), labels  # files read by scripts keep the canonical names
    card = model_card_html(window.model_info)
    assert "能识别什么" in card and "箭头" in card and "准确率" in card
    window.close()


def _bundled():
    from core.metadata import read_safetensors_meta
    from core.paths import models_dir

    return read_safetensors_meta(models_dir() / "reslens-shapes-r18.safetensors")


def test_architecture_types_name_the_blocks_in_chinese(chinese: None) -> None:
    def node(name: str, type_name: str) -> SimpleNamespace:
        return SimpleNamespace(name=name, type_name=type_name)

    assert type_text(node("layer1.0", "BasicBlock")) == "基本残差块 (BasicBlock)"
    assert type_text(node("layer2.0", "Bottleneck")) == "瓶颈块 (Bottleneck)"
    assert type_text(node("layer2.0.downsample", "Sequential")) == "下采样捷径 (Sequential)"
    assert type_text(node("layer3", "Sequential")) == "阶段 (Sequential)"
    assert type_text(node("avgpool", "AdaptiveAvgPool2d")) == "全局平均池化 (AdaptiveAvgPool2d)"
    assert type_text(node("x", "SomethingNew")) == "SomethingNew"  # unknown classes as they are


def test_architecture_types_stay_pytorch_class_names_in_english() -> None:
    for name, type_name in (
        ("layer2.0.downsample", "Sequential"),
        ("layer3", "Sequential"),
        ("fc", "Linear"),
    ):
        assert type_text(SimpleNamespace(name=name, type_name=type_name)) == type_name


def test_language_follows_the_system_unless_chosen() -> None:
    zh, tw, en = QLocale("zh_CN"), QLocale("zh_TW"), QLocale("en_GB")
    assert ui_language(SYSTEM, zh, env="") == CHINESE
    assert ui_language(SYSTEM, tw, env="") == ENGLISH  # Traditional script: not Simplified Chinese
    assert ui_language(SYSTEM, en, env="") == ENGLISH
    assert ui_language(CHINESE, en, env="") == CHINESE
    assert ui_language(ENGLISH, zh, env="") == ENGLISH
    assert ui_language(CHINESE, zh, env="en") == ENGLISH  # $RESLENS_LANG pins it (the tests do)
    assert ui_language("fr_FR", zh, env="") == CHINESE  # an unknown saved value: the system's


def test_an_unknown_or_old_saved_language_reads_as_system(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "s.ini")
    assert settings.language == SYSTEM
    for stale in ("klingon", "zh", "", "1"):
        settings.store.setValue("ui/language", stale)
        assert settings.language == SYSTEM
    settings.language = CHINESE
    assert QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat).value("ui/language") == CHINESE


# Each a start of the app as gui.app.main makes it (settings in $XDG_CONFIG_HOME), without exec().
CHOOSE = """
import sys
from gui.app import create_application, open_main_window
app, _ = create_application([])
window = open_main_window()
action = next(a for a in window.actions.view.languages.actions() if a.data() == sys.argv[1])
action.trigger()  # View > Language > 简体中文, as a click does
print(window.message.label.text())
window.close()
"""

START = """
import json
from gui.app import create_application, open_main_window
from gui.language import current_language
app, _ = create_application([])
window = open_main_window()
checked = [a.data() for a in window.actions.view.languages.actions() if a.isChecked()]
print(json.dumps({"language": current_language(), "saved": window.settings.language, "checked": checked,
                  "menus": [a.text() for a in window.menuBar().actions()]}))
window.close()
"""


def _run(code: str, config: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "RESLENS_LANG"}  # the user's own setup
    env.update(
        {
            "XDG_CONFIG_HOME": str(config),
            "HOME": str(config),
            "LANG": "en_US.UTF-8",
            "LC_ALL": "",
            "LANGUAGE": "",
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": str(ROOT),
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=180, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_the_language_choice_persists_into_the_next_start(tmp_path: Path) -> None:
    config = tmp_path / "config"
    first = json.loads(_run(START, config))
    assert first["language"] == ENGLISH and first["checked"] == [SYSTEM]  # an English system
    said = _run(CHOOSE, config, CHINESE)
    assert "restart" in said
    second = json.loads(_run(START, config))
    assert second["saved"] == CHINESE and second["checked"] == [CHINESE]
    assert second["language"] == CHINESE and second["menus"][0] == "文件(&F)"
    said = _run(CHOOSE, config, SYSTEM)
    assert "重启" in said  # the Chinese window says it in Chinese
    assert json.loads(_run(START, config))["language"] == ENGLISH


# A window other than the main one, opened on an app made the way every entry point makes it.
TEACH_ONLY = """
import json
from gui.app import create_application
from gui.teach.classes_panel import ClassCard
from PySide6.QtCore import QCoreApplication
app, _ = create_application([])
print(json.dumps([QCoreApplication.translate("ClassCard", "%n image(s)", "", n) for n in (1, 14)]))
"""


def test_every_window_of_the_app_gets_the_translators_not_only_the_main_one(tmp_path: Path) -> None:
    config = tmp_path / "config"
    assert json.loads(_run(TEACH_ONLY, config)) == ["1 image", "14 images"]  # English plural forms
    _run(CHOOSE, config, CHINESE)
    assert all("图片" in text for text in json.loads(_run(TEACH_ONLY, config)))
