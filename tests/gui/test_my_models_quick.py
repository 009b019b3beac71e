"""Model ▸ My Models lists quick models (ResLens Lite files) beside fine-tuned ones, says what each
is in the window's language, and in ResLens Lite greys what needs torch, with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from core.model_store import ModelStore
from gui.teach import my_models
from gui.teach.my_models import MyModelsMenu
from gui.teach.storage import DATA_ENV
from tests.core.test_model_store import COINS, quick_model


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModelStore:
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    store = ModelStore(tmp_path / "data" / "models")
    store.folder.mkdir(parents=True)
    fine = store.new_path("coins")
    fine.write_bytes(b"weights")
    fine.with_suffix(".json").write_text('{"classes": ["heads", "tails"], "val_accuracy": 0.9}')
    quick_model(store.folder / "coins (quick).onnx", COINS, 0.925)
    return store


def _entries(qtbot, used: list[Path]) -> dict[str, QMenu]:
    parent = QWidget()
    qtbot.addWidget(parent)
    menus = MyModelsMenu(QMenu(parent), parent, used.append)
    menus.menu.aboutToShow.emit()
    return {a.text(): a for a in menus.menu.actions() if a.menu() is not None}


def _action(entry, text: str):
    (action,) = [a for a in entry.menu().actions() if a.text().replace("&", "") == text]
    return action


def test_quick_models_are_listed_used_and_exported_as_onnx(qtbot, store, tmp_path, monkeypatch) -> None:
    used: list[Path] = []
    entries = _entries(qtbot, used)
    assert list(entries) == ["coins", "coins (quick)"]
    assert entries["coins"].toolTip() == "2 classes: heads, tails · 90% validation accuracy"
    assert entries["coins (quick)"].toolTip() == (
        f"12 classes: {', '.join(COINS)} · 92% cross-validated · resnet18"
    )
    quick = entries["coins (quick)"]
    deploy = _action(quick, "Export for Deployment…")
    assert not deploy.isEnabled() and "labels inside already" in deploy.toolTip()
    _action(quick, "Use").trigger()
    assert used == [store.folder / "coins (quick).onnx"]
    filters: list[str] = []

    def save_as(_parent, _title, _name, kind):
        filters.append(kind)
        return str(tmp_path / "shared"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    _action(quick, "Export…").trigger()
    assert filters == ["ResLens Lite models (*.onnx)"]
    assert (tmp_path / "shared.onnx").read_bytes() == (store.folder / "coins (quick).onnx").read_bytes()


def test_in_lite_a_fine_tuned_model_is_greyed_with_the_reason(qtbot, store, monkeypatch) -> None:
    monkeypatch.setattr(my_models, "has_torch", lambda: False)
    entries = _entries(qtbot, [])
    fine_use = _action(entries["coins"], "Use")
    assert not fine_use.isEnabled()
    assert fine_use.toolTip() == "A fine-tuned model needs ResLens, full edition (with PyTorch)"
    assert not _action(entries["coins"], "Export for Deployment…").isEnabled()
    assert _action(entries["coins (quick)"], "Use").isEnabled()
    assert _action(entries["coins"], "Rename…").isEnabled()  # its files are still the person's


def test_a_refused_rename_is_said_in_the_window_s_words(qtbot, store, monkeypatch) -> None:
    """The store's refusal reaches the window as a message kind, rendered there (not core's prose)."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from core.model_store import NAME_TAKEN

    entries = _entries(qtbot, [])
    told: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("coins", True))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: told.append(text))
    _action(entries["coins (quick)"], "Rename…").trigger()
    assert told == ["There is already a model called “coins”"]
    assert NAME_TAKEN("coins").code == "store.name-taken"
    assert (store.folder / "coins (quick).onnx").is_file()
