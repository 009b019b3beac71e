"""Model ▸ Export for ResLens Lite / ONNX… (full edition): claimed first, written off the GUI thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core.paths import samples_dir
from core.sources import ModelChoice
from gui.edition_ui import grey_torch_features
from gui.lite_export import LiteExport

pytest.importorskip("torch")


def test_a_file_the_user_made_is_refused_before_any_work(qtbot, tmp_path: Path) -> None:
    notes = tmp_path / "notes.onnx"
    notes.write_text("my own notes", encoding="utf-8")
    export = LiteExport()
    with qtbot.waitSignal(export.failed, timeout=5000) as failed:
        assert export.start(ModelChoice.bundled(), notes) is False
    assert "notes.onnx" in str(failed.args[0])
    assert notes.read_text(encoding="utf-8") == "my own notes"
    assert not export.running


def test_the_model_in_use_is_written_as_a_lite_file_off_the_gui_thread(qtbot, tmp_path: Path) -> None:
    from core.lite.runtime import LiteModel

    out = tmp_path / "bundled.onnx"
    export = LiteExport()
    threads: list[str] = []
    export.finished.connect(lambda _path: threads.append(threading.current_thread().name))
    with qtbot.waitSignal(export.finished, timeout=180_000) as finished:
        assert export.start(ModelChoice.bundled(), out)
    assert finished.args[0] == out and threads == ["MainThread"]  # answered in the GUI thread
    model = LiteModel(out)
    assert model.record.model_tag.startswith("ResNet-18 · bundled")
    (result,) = model.classify([samples_dir() / "star.jpg"], top_k=1)
    assert result.top.label == "star"


def test_the_export_action_follows_the_model_in_use(qtbot, tmp_path: Path) -> None:
    """Full edition: enabled for torch weights, greyed for a model that is a Lite file already."""
    from types import SimpleNamespace

    from PySide6.QtGui import QAction

    action = QAction()
    actions = SimpleNamespace(model=SimpleNamespace(export_lite=action))
    grey_torch_features(actions, SimpleNamespace(tree=None, arch="resnet18"))
    assert action.isEnabled()
    grey_torch_features(actions, SimpleNamespace(tree={"name": ""}, arch="resnet18"))
    assert not action.isEnabled() and "Lite model file already" in action.toolTip()
    grey_torch_features(actions, None)
    assert not action.isEnabled()


def test_the_menu_item_exports_the_model_in_use(
    qtbot, settings_file: Path, tmp_path: Path, monkeypatch
) -> None:
    """Model ▸ Export for ResLens Lite / ONNX…, clicked: the file is written and the window says so."""
    import gui.main_window
    from tests.gui.conftest import open_window

    out = tmp_path / "mine.onnx"
    monkeypatch.setattr(gui.main_window, "ask_lite_path", lambda *_args: out)
    window = open_window(qtbot, settings_file)
    action = window.actions.model.export_lite
    qtbot.waitUntil(action.isEnabled, timeout=10_000)
    action.trigger()
    assert "Exporting ResNet-18 · bundled for ResLens Lite" in window.message.text
    qtbot.waitUntil(lambda: "wrote" in window.message.text, timeout=180_000)
    assert str(out) in window.message.text and out.stat().st_size > 1_000_000


def test_lite_greys_int8_without_an_int8_file_and_says_how_to_get_one(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Lite bundle leaves the bundled int8 file out: int8 is then an exported file."""
    from types import SimpleNamespace

    from PySide6.QtGui import QAction, QActionGroup

    import core.lite.paths
    from core import edition

    monkeypatch.setenv(edition.EDITION_ENV, edition.LITE)
    edition.has_torch.cache_clear()
    try:
        group = QActionGroup(None)
        for key in ("auto", "torch", "onnx", "onnx-int8"):
            action = QAction(key, group)
            action.setData(key)
        menus = SimpleNamespace(actions=lambda: [])
        model_menu = SimpleNamespace(
            export_lite=QAction(), download=QAction(), backends=group, archs=menus, weights=menus
        )
        actions = SimpleNamespace(model=model_menu, help=SimpleNamespace(why_residual=QAction()))
        by_key = {a.data(): a for a in group.actions()}
        monkeypatch.setattr(core.lite.paths, "bundled_int8_path", lambda: tmp_path / "absent.onnx")
        grey_torch_features(actions, SimpleNamespace(tree={}, arch="resnet18", backend="onnx"))
        assert not by_key["onnx-int8"].isEnabled() and "--precision int8" in by_key["onnx-int8"].toolTip()
        assert by_key["onnx"].isEnabled() and by_key["auto"].isEnabled() and not by_key["torch"].isEnabled()
        by_key["onnx-int8"].setEnabled(True)  # the menus' sync, before every greying
        grey_torch_features(actions, SimpleNamespace(tree={}, arch="resnet18", backend="onnx-int8"))
        assert by_key["onnx-int8"].isEnabled()  # an int8 file in use
    finally:
        monkeypatch.delenv(edition.EDITION_ENV)
        edition.has_torch.cache_clear()
