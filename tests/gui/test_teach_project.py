"""The training window's projects, quick model and corrections (issue 26, items 2-4).

- Add to class, clicked in a real results view, lands in the open project's classes, is counted
  as added since the last training, survives Save/Open, and is in the next training set;
- Train shows the quick model first, marked as such and usable, then fine-tunes;
- in ResLens Lite (``RESLENS_EDITION=lite``, a process of its own) the window teaches the quick
  model with torch never imported, fine-tuning greyed with the edition's message.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMenu, QWidget

from core.projects import QUICK, open_project
from core.results import ClassificationResult, Prediction
from gui.results_model import ResultsModel
from gui.results_view import ResultsView
from gui.teach.project_menu import RECENT_KEY
from gui.teach.storage import DATA_ENV
from gui.teach.window import TeachWindow, quick_path
from tests.gui.test_teach import COLOURS, TRAIN_TIMEOUT_MS, noisy, plan_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder of the test's own: no model reaches the person's."""
    folder = tmp_path / "app-data"
    monkeypatch.setenv(DATA_ENV, str(folder))
    return folder


@pytest.fixture
def colours(tmp_path: Path) -> Path:
    """Three classes of 6 noisy colour squares each."""
    root = tmp_path / "classes"
    for number, (name, colour) in enumerate(COLOURS.items()):
        (root / name).mkdir(parents=True)
        for i in range(6):
            noisy(colour, 100 * number + i).save(root / name / f"{name}{i}.png")
    return root


@pytest.fixture
def teach(qtbot, app_data: Path) -> Iterator[TeachWindow]:
    window = TeachWindow()
    window.show()
    yield window
    if shiboken6.isValid(window):
        window.confirm_discard = lambda: True
        window.close()


def results_for(paths: list[Path]) -> list[ClassificationResult]:
    return [ClassificationResult(str(p), (Prediction(0, "red", 0.9),), 1.0) for p in paths]


def submenu(menu: QMenu, title: str) -> QMenu:
    for action in menu.actions():
        if action.menu() is not None and action.text() == title:
            return action.menu()
    raise AssertionError(f"no submenu {title!r} in {[a.text() for a in menu.actions()]}")


def test_add_to_class_from_the_results_reaches_the_project(
    qtbot, tmp_path: Path, colours: Path, app_data: Path
) -> None:
    main = QWidget()
    qtbot.addWidget(main)
    model = ResultsModel()
    view = ResultsView(model, main)
    wrong = []
    for i in range(3):
        wrong.append(tmp_path / "wrong" / f"w{i}.png")
        wrong[-1].parent.mkdir(exist_ok=True)
        noisy((30, 60, 220), 900 + i).save(wrong[-1])
    model.add_batch(results_for(wrong))
    window = TeachWindow(main)
    window.show()
    try:
        window.classes.use_folder(colours)
        qtbot.waitUntil(lambda: len(window.classes.cards) == 3, timeout=TRAIN_TIMEOUT_MS)
        # Select rows 0 and 2 with real clicks (Ctrl for the second), then the context menu.
        main.show()
        view.table.setColumnHidden(2, False)
        for row, modifier in ((0, Qt.KeyboardModifier.NoModifier), (2, Qt.KeyboardModifier.ControlModifier)):
            rect = view.table.visualRect(view.proxy.index(row, 1))
            qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
        assert view.selected_files() == [wrong[0], wrong[2]]
        add = submenu(view.build_context_menu(), "Add to Class")
        names = [a.text() for a in add.actions() if not a.isSeparator()]
        assert names == ["blue", "green", "red", "New Class…"]
        next(a for a in add.actions() if a.text() == "blue").trigger()
        blue = next(card for card in window.classes.cards if card.name == "blue")
        assert blue.items == [colours / "blue", wrong[0], wrong[2]]
        assert blue.added == [wrong[0], wrong[2]]
        qtbot.waitUntil(lambda: "2 added since the last training" in blue.count_label.text(), timeout=20_000)
        # The next training set has them, under "blue".
        ts = window.classes.training_set
        assert {p for p, i in ts.samples if ts.classes[i] == "blue"} >= {wrong[0], wrong[2]}
        # Saved and opened again: still marked as added; the recent list names the project.
        path = tmp_path / "colours.reslens-project"
        assert window.project_menu.save_as(path)
        assert QSettings().value(RECENT_KEY)[0] == str(path)
        assert open_project(path).project.added_since_training() == {"blue": [wrong[0], wrong[2]]}
        other = TeachWindow()  # closed below (closing deletes it)
        assert other.project_menu.open(path)
        again = next(card for card in other.classes.cards if card.name == "blue")
        assert again.added == [wrong[0], wrong[2]] and [c.name for c in other.classes.cards] == [
            "blue",
            "green",
            "red",
        ]
        other.close()
    finally:
        window.confirm_discard = lambda: True
        window.close()
    assert view.class_names is None  # the window left: the menu offers only a new class


def test_a_missing_picture_is_named_when_the_project_opens(qtbot, tmp_path: Path, app_data: Path) -> None:
    pictures = []
    for name, colour in (("a", (200, 0, 0)), ("b", (0, 200, 0))):
        pictures.append(tmp_path / f"{name}.png")
        noisy(colour, 1).save(pictures[-1])
    window = TeachWindow()  # closed below
    window.add_to_class("a", [pictures[0]])
    window.add_to_class("b", [pictures[1]])
    path = tmp_path / "p.reslens-project"
    assert window.project_menu.save_as(path)
    pictures[1].unlink()
    other = TeachWindow()  # closed below (closing deletes it)
    assert other.project_menu.open(path)
    assert other.statusBar().currentMessage() == "1 picture of the project not found: b.png"
    # The two empty classes a new window starts with were saved too; "b" is kept, empty.
    assert [(c.name, c.items) for c in other.classes.cards] == [
        ("Class 1", []),
        ("Class 2", []),
        ("a", [pictures[0]]),
        ("b", []),
    ]
    window.close()
    other.close()


def test_train_shows_the_quick_model_first_then_fine_tunes(
    qtbot, teach: TeachWindow, colours: Path, app_data: Path
) -> None:
    teach.classes.use_folder(colours)
    plan_for(qtbot, teach, epochs=30)
    assert teach.fine_tune.isChecked() and teach.fine_tune.isEnabled()
    qtbot.mouseClick(teach.train_button, Qt.MouseButton.LeftButton)
    assert teach.quick.running and not teach.trainer.running
    qtbot.waitUntil(lambda: teach.results.shows == QUICK, timeout=TRAIN_TIMEOUT_MS)
    # Usable at once, marked as the quick model, while fine-tuning goes on.
    quick = quick_path(teach._out)
    assert teach.results.model == quick and quick.is_file()
    assert teach.results.use_button.isEnabled()
    assert teach.results.which.text() == (
        "Showing the quick model (a new head on the start network's features) · fine-tuning follows"
    )
    assert teach.trainer.running
    assert [m.kind for m in teach.models] == [QUICK]
    with qtbot.waitSignal(teach.useModel) as used:
        qtbot.mouseClick(teach.results.use_button, Qt.MouseButton.LeftButton)
    assert used.args == [quick]


LITE_SCRIPT = r"""
import json, sys
from pathlib import Path
from core.edition import enforce
enforce()
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui.teach.window import TeachWindow
w = TeachWindow()
w.show()
w.classes.use_folder(Path(sys.argv[1]))
def wait(cond, seconds):
    import time
    end = time.monotonic() + seconds
    while not cond() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    return cond()
wait(lambda: w.train_button.isEnabled(), 60)
w.train_button.click()
wait(lambda: w.results.shows == "quick", 120)
print(json.dumps({
    "shows": w.results.shows, "model": str(w.results.model), "fine_tune": w.fine_tune.isEnabled(),
    "tooltip": w.fine_tune.toolTip(), "plan": w.plan_panel.isEnabled(),
    "torch": [m for m in sys.modules if m.split(".")[0] in ("torch", "torchvision", "onnx")],
}))
w.close()
"""


def test_lite_teaches_the_quick_model_without_torch(tmp_path: Path, colours: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RESLENS_EDITION": "lite",
        "QT_QPA_PLATFORM": "offscreen",
        "RESLENS_DATA": str(tmp_path / "data"),
        "RESLENS_LANG": "en",
    }
    out = subprocess.run(
        [sys.executable, "-c", LITE_SCRIPT, str(colours)],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["shows"] == "quick" and Path(seen["model"]).is_file()
    assert seen["fine_tune"] is False and seen["plan"] is False
    assert seen["tooltip"] == "Fine-tuning needs ResLens, full edition (with PyTorch)"
    assert seen["torch"] == []


def test_my_models_exports_for_deployment(qtbot, app_data: Path, tmp_path: Path, monkeypatch) -> None:
    """Model ▸ My Models ▸ (model) ▸ Export for Deployment…: both files, openable, same labels."""
    import shutil

    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from core.lite.runtime import LiteModel
    from core.paths import models_dir
    from core.sources import BUNDLED_MODEL_NAME
    from gui.teach.my_models import MyModelsMenu
    from gui.teach.storage import model_store

    store = app_data / "models"
    store.mkdir(parents=True)
    for suffix in (".safetensors", ".json"):
        shutil.copyfile(models_dir() / f"{BUNDLED_MODEL_NAME}{suffix}", store / f"shapes{suffix}")
    window = QWidget()
    qtbot.addWidget(window)
    menu = MyModelsMenu(QMenu(window), window, use_model=lambda _p: None)
    (model,) = model_store().list()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "deploy.onnx"), ""))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _w, _t, text: shown.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text: shown.append("failed: " + text))
    job = menu.export_deployment(model)
    qtbot.waitUntil(lambda: bool(shown), timeout=180_000)
    job.wait()
    assert shown == ["Wrote deploy.fp32.onnx and deploy.int8.onnx."]
    fp32, int8 = LiteModel(tmp_path / "deploy.fp32.onnx"), LiteModel(tmp_path / "deploy.int8.onnx")
    assert fp32.meta.categories == int8.meta.categories and len(fp32.meta.categories) == 12


def test_new_class_from_the_main_window_opens_the_training_window(
    qtbot, app_data: Path, settings_file: Path, tmp_path: Path, monkeypatch
) -> None:
    """No training window yet: "New Class…" opens one (the main window's own Train New Model),
    which then holds the picture in the new class."""
    from PySide6.QtWidgets import QInputDialog

    from tests.gui.conftest import open_window

    main = open_window(qtbot, settings_file)
    picture = tmp_path / "p.png"
    noisy((200, 30, 30), 5).save(picture)
    main.results.add_batch(results_for([picture]))
    view = main.results_view
    view.table.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("apples", True))
    add = submenu(view.build_context_menu(), "Add to Class")
    assert [a.text() for a in add.actions()] == ["New Class…"]
    add.actions()[0].trigger()
    (window,) = main.findChildren(TeachWindow)
    try:
        apples = next(card for card in window.classes.cards if card.name == "apples")
        assert apples.items == [picture] and apples.added == [picture]
        assert view.class_names is not None and "apples" in view.class_names()
    finally:
        window.close()


def test_a_second_run_of_the_same_name_never_replaces_the_first_quick_model(
    teach: TeachWindow, app_data: Path
) -> None:
    first = teach._new_paths("Letters")
    quick_path(first).write_bytes(b"an earlier quick model")
    second = teach._new_paths("Letters")
    assert first.name == "Letters.safetensors" and second.name == "Letters 2.safetensors"
    assert quick_path(second).name == "Letters 2 (quick).onnx" and not quick_path(second).exists()


def test_a_failed_quick_model_is_said_and_fine_tuning_still_runs(
    qtbot, teach: TeachWindow, colours: Path, tmp_path: Path, monkeypatch
) -> None:
    import core.lite.cli

    monkeypatch.setattr(core.lite.cli, "bundled_lite_path", lambda: tmp_path / "gone.onnx")
    teach.classes.use_folder(colours)
    plan_for(qtbot, teach, epochs=30)
    qtbot.mouseClick(teach.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: teach.trainer.running, timeout=TRAIN_TIMEOUT_MS)
    assert teach.results.summary.text().startswith("The quick model failed: ")
    assert "gone.onnx" in teach.results.summary.text()
    assert teach.results.shows == "" and teach.models == []
