"""Model ▸ Train New Model…: the class builder, a real (tiny) training run, Stop, close, use.

A generated folder of 3 classes × 8 images (a colour each, with noise, so two epochs at 32 px
learn it), trained through the window's own buttons; the data folder is a temporary one
(``$RESLENS_DATA``), so no test touches the user's models.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from core.dataset import scan_class_folder
from core.model_store import ModelStore
from gui.teach.storage import DATA_ENV
from gui.teach.trainer import ABANDON_WAIT_S
from gui.teach.window import TeachWindow, quick_path
from tests.gui.conftest import drop_paths, wait_idle
from tests.weights_server import WeightsServer, resnet18_file

COLOURS = {"blue": (30, 60, 220), "green": (40, 190, 60), "red": (220, 40, 40)}
PER_CLASS = 8
TRAIN_TIMEOUT_MS = 90_000


def noisy(colour: tuple[int, int, int], seed: int, size: int = 40) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("RGB", (size, size), colour)
    pixels = image.load()
    for _ in range(size * 6):
        x, y = rng.randrange(size), rng.randrange(size)
        pixels[x, y] = tuple(max(0, min(255, c + rng.randint(-60, 60))) for c in colour)
    return image


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "app-data"
    monkeypatch.setenv(DATA_ENV, str(folder))
    return folder


@pytest.fixture
def class_folder(tmp_path: Path) -> Path:
    root = tmp_path / "classes"
    for number, (name, colour) in enumerate(COLOURS.items()):
        (root / name).mkdir(parents=True)
        for i in range(PER_CLASS):
            noisy(colour, 100 * number + i).save(root / name / f"{name}{i}.png")
    return root


@pytest.fixture
def teach(qtbot, data_dir: Path) -> Iterator[TeachWindow]:
    """A teaching window of its own (no main window); closed at the end, which stops its threads."""
    window = TeachWindow()
    window.show()
    yield window
    if shiboken6.isValid(window):  # a test may have closed it (closing deletes it)
        window.confirm_discard = lambda: True
        window.close()


def no_models(data_dir: Path) -> bool:
    """Nothing of fine-tuning in the models folder: no model, no card, no temporary file (the
    quick model, made first and kept, is ``tests/gui/test_teach_project.py``'s)."""
    models = data_dir / "models"
    return not models.exists() or [p for p in models.iterdir() if not p.name.endswith("(quick).onnx")] == []


def plan_for(qtbot, window: TeachWindow, epochs: int = 2) -> Any:
    """Wait for the plan, then set a tiny run through the Advanced section (32 px, ``epochs``)."""
    qtbot.waitUntil(lambda: window.plan is not None, timeout=TRAIN_TIMEOUT_MS)
    panel = window.plan_panel
    panel.advanced.setChecked(True)
    panel.fields["input_size"].setValue(32)
    panel.fields["epochs"].setValue(epochs)
    qtbot.waitUntil(
        lambda: (
            window.plan is not None
            and window.plan.config.epochs == epochs
            and window.plan.config.input_size == 32
        ),
        timeout=TRAIN_TIMEOUT_MS,
    )
    return window.plan


def train(qtbot, window: TeachWindow) -> Any:
    qtbot.mouseClick(window.train_button, Qt.MouseButton.LeftButton)
    assert window.running  # the quick model first, then fine-tuning
    qtbot.waitUntil(lambda: not window.running, timeout=TRAIN_TIMEOUT_MS)
    assert window.outcome is not None, window.progress.stage_label.text()
    return window.outcome


def fine_tuning(qtbot, window: TeachWindow, class_folder: Path) -> None:
    """Start a long run (30 epochs) on ``class_folder`` and wait until it is fine-tuning."""
    window.classes.use_folder(class_folder)
    plan_for(qtbot, window, epochs=30)
    qtbot.mouseClick(window.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.progress.stage_label.text().startswith("Fine-tuning"), timeout=TRAIN_TIMEOUT_MS
    )


def test_the_window_trains_to_the_end_and_plots_the_run(
    qtbot, teach: TeachWindow, data_dir: Path, class_folder: Path
) -> None:
    window = teach
    window.classes.use_folder(class_folder)
    plan = plan_for(qtbot, window)
    assert [card.name for card in window.classes.cards] == ["blue", "green", "red"]
    eight = window.classes.cards[0].tr("%n image(s)", "", 8)  # "8 images" with the English plurals
    assert eight.startswith("8 image")
    assert [card.count_label.text() for card in window.classes.cards] == [eight] * 3
    assert window.plan_panel.reasons.text().startswith("• ")
    assert plan.config.hflip is False  # the data-driven plan, shown unchanged in the fields
    outcome = train(qtbot, window)
    assert not outcome.stopped
    weights = outcome.weights
    assert weights.parent == data_dir / "models" and weights.is_file()
    assert weights.with_suffix(".json").is_file()
    assert not any(class_folder.rglob("*.safetensors"))  # nothing written beside the images
    # The curves: train points within epochs, a validation point per epoch of fine-tuning.
    progress = window.progress
    assert len(progress.loss.train_points[0]) >= 2
    fine_tune_vals = [x for x in progress.loss.val_points[0] if x > 1]
    assert fine_tune_vals == [2.0, 3.0]  # head = epoch 1 on the axis, then fine-tuning's two
    assert progress.point_count() > 4
    # The results: per class, and a confusion matrix over the validation split.
    ev = outcome.evaluation
    results = window.results
    assert window.tabs.currentWidget() is results
    assert results.per_class.rowCount() == 3
    assert [results.per_class.item(r, 0).text() for r in range(3)] == ["blue", "green", "red"]
    assert results.matrix.rowCount() == results.matrix.columnCount() == 3
    cells = [[int(results.matrix.item(t, p).text()) for p in range(3)] for t in range(3)]
    assert tuple(map(tuple, cells)) == ev.confusion
    assert sum(map(sum, cells)) == 6  # 20 % of 8 per class, rounded: 2 each
    assert results.use_button.isEnabled()
    stored = ModelStore(data_dir / "models").list()  # the fine-tuned model and the quick one first
    assert [m.path for m in stored] == [weights, quick_path(weights)]


def test_stop_keeps_the_best_model_so_far(
    qtbot, teach: TeachWindow, data_dir: Path, class_folder: Path
) -> None:
    window = teach
    window.classes.use_folder(class_folder)
    plan_for(qtbot, window, epochs=30)
    stops: list[str] = []

    def stop_when_fine_tuning_starts(status: str) -> None:  # the new head is the best model so far
        if status == "Fine-tuning" and not stops:
            stops.append(status)
            qtbot.mouseClick(window.stop_button, Qt.MouseButton.LeftButton)

    window.trainer.status.connect(stop_when_fine_tuning_starts)
    outcome = train(qtbot, window)
    assert stops == ["Fine-tuning"]
    assert outcome.stopped and outcome.weights is not None and outcome.weights.is_file()
    kept, quick = ModelStore(data_dir / "models").list()
    assert kept.path == outcome.weights and kept.classes == ("blue", "green", "red")
    assert quick.lite and quick.classes == kept.classes
    assert max(window.progress.loss.val_points[0]) <= 2  # at most one epoch of the 30 ran
    assert "Stopped" in window.progress.stage_label.text()
    assert window.train_button.isEnabled() and not window.stop_button.isEnabled()


def test_stop_during_the_head_fit_keeps_the_head_only_model(
    qtbot, teach: TeachWindow, data_dir: Path, class_folder: Path
) -> None:
    window = teach
    window.classes.use_folder(class_folder)
    plan_for(qtbot, window, epochs=30)
    window.plan = window.plan.with_overrides(head_epochs=20_000)  # seconds of head steps to stop in
    heads: list[Any] = []

    def stop_at_the_first_head_step(p: Any) -> None:
        if p.stage == "head" and not heads:
            heads.append(p)
            qtbot.mouseClick(window.stop_button, Qt.MouseButton.LeftButton)

    window.trainer.progress.connect(stop_at_the_first_head_step)
    outcome = train(qtbot, window)
    assert heads and outcome.stopped and outcome.weights is not None and outcome.weights.is_file()
    card = outcome.card
    assert card["head_only"] is True and card["best_stage"] == "head"
    assert 1 <= card["best_epoch"] < 20_000 and card["epochs_run"] == 0  # stopped within the head fit
    kept, quick = ModelStore(data_dir / "models").list()
    assert kept.path == outcome.weights and quick.path == quick_path(outcome.weights)
    assert "head-only" in window.progress.stage_label.text()
    assert "head-only model" in window.results.summary.text()
    assert window.results.use_button.isEnabled()
    assert window.results.matrix.rowCount() == 3  # evaluated, like any kept model


def test_stop_before_anything_was_trained_says_so(
    qtbot, teach: TeachWindow, data_dir: Path, class_folder: Path
) -> None:
    window = teach
    window.classes.use_folder(class_folder)
    plan_for(qtbot, window)
    window.trainer.status.connect(
        lambda text: text.startswith("Loading") and window.stop_button.click()  # while the model loads
    )
    outcome = train(qtbot, window)
    assert outcome.stopped and outcome.weights is None
    assert (
        window.progress.stage_label.text()
        == "Stopped before fine-tuning kept a model: the quick model stays."
    )
    assert window.results.shows == "quick" and window.results.use_button.isEnabled()
    assert no_models(data_dir)


def test_closing_mid_run_stops_the_process_and_leaves_no_file(
    qtbot, teach: TeachWindow, data_dir: Path, class_folder: Path
) -> None:
    window = teach
    fine_tuning(qtbot, window, class_folder)
    process = window.trainer.process
    reader = window.trainer._thread
    jobs_thread = window.jobs._thread
    assert process.is_alive() and reader.isRunning()
    window.confirm_discard = lambda: True  # the person answers "Stop and Close"
    window.close()
    assert not process.is_alive()
    assert not reader.isRunning() and not jobs_thread.isRunning()
    assert window.outcome is None
    assert no_models(data_dir)  # no model, no card, no temporary file
    assert not any(class_folder.rglob("*.tmp"))


def point_imagenet_at(url: str) -> None:
    """Run in the training process (``Trainer.setup``): every ImageNet source downloads ``url``."""
    import dataclasses

    from core import weights

    real = weights.imagenet_weights
    weights.imagenet_weights = lambda a, s: dataclasses.replace(real(a, s), url=url)


def test_the_window_trains_from_imagenet_v1_downloaded_through_the_download_flow(
    qtbot,
    teach: TeachWindow,
    data_dir: Path,
    class_folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub = tmp_path / "torch-home"
    monkeypatch.setenv("TORCH_HOME", str(hub))  # the training process inherits it
    data, name = resnet18_file(tmp_path)  # a ResNet-18 with 1000 outputs, as torchvision names it
    server = WeightsServer(data)
    try:
        window = teach
        window.trainer.setup = functools.partial(point_imagenet_at, server.url(name))
        window.classes.use_folder(class_folder)
        window.plan_panel.set_start("imagenet-v1")
        plan = plan_for(qtbot, window)
        assert (plan.config.start, plan.config.arch) == ("imagenet-v1", "resnet18")
        statuses: list[str] = []
        window.trainer.status.connect(statuses.append)
        outcome = train(qtbot, window)
    finally:
        server.close()
    assert not outcome.stopped and outcome.weights is not None and outcome.weights.is_file()
    assert (
        hub / "hub" / "checkpoints" / name
    ).read_bytes() == data  # downloaded once, into torch.hub's cache
    downloads = [s for s in statuses if s.startswith("Downloading ImageNet V1 weights for resnet18")]
    assert downloads and downloads[-1].endswith("100%")
    card = outcome.card
    assert card["start"]["from"] == "imagenet-v1" and "ImageNet" in card["start"]["init"]
    assert card["architecture"] == "resnet18" and card["classes"] == ["blue", "green", "red"]
    assert "--from imagenet-v1" in card["command"]
    assert window.results.matrix.rowCount() == 3


def test_a_training_process_that_dies_is_reported_and_the_window_recovers(
    qtbot, teach: TeachWindow, data_dir: Path, class_folder: Path
) -> None:
    window = teach
    fine_tuning(qtbot, window, class_folder)
    window.trainer.process.kill()  # as the out-of-memory killer would
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=TRAIN_TIMEOUT_MS)
    assert window.outcome is None
    assert (
        window.progress.stage_label.text()
        == "Training failed: the training process ended unexpectedly (exit code -9)"
    )
    assert window.train_button.isEnabled() and not window.stop_button.isEnabled()
    assert no_models(data_dir)


def test_closing_while_the_process_starts_ends_it_promptly_and_leaves_no_file(
    qtbot, teach: TeachWindow, data_dir: Path, class_folder: Path
) -> None:
    window = teach
    window.classes.use_folder(class_folder)
    plan_for(qtbot, window)
    qtbot.mouseClick(window.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.trainer.running, timeout=TRAIN_TIMEOUT_MS)  # after the quick model
    process = window.trainer.process
    started = time.monotonic()
    window.confirm_discard = lambda: True  # the person answers "Stop and Close"
    window.close()  # the process is still importing torch: it does not look at Stop yet
    assert time.monotonic() - started < ABANDON_WAIT_S + 3
    assert not process.is_alive()
    assert no_models(data_dir)


def test_class_builder_builds_the_folder_s_dataset(
    qtbot, teach: TeachWindow, data_dir: Path, class_folder: Path
) -> None:
    window = teach
    panel = window.classes
    assert len(panel.cards) == 2  # a person starts with two empty classes
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert [c.name for c in panel.cards] == ["Class 1", "Class 2", "Class 3"]
    bad = class_folder / "red" / "broken.jpg"
    bad.write_bytes(b"not a picture")
    for card, name in zip(panel.cards, ["red", "blue", "green"], strict=True):
        card.name_edit.selectAll()
        qtbot.keyClicks(card.name_edit, name)
        files = sorted((class_folder / name).iterdir())
        drop_paths(card, files[:4])  # files, in two drops
        drop_paths(card, files[4:])
    qtbot.waitUntil(lambda: panel.training_set is not None and not panel.scanning, timeout=TRAIN_TIMEOUT_MS)
    built = panel.training_set
    scanned = scan_class_folder(class_folder)

    def named(ts: Any) -> list[tuple[Path, str]]:
        return sorted((path.resolve(), ts.classes[index]) for path, index in ts.samples)

    assert built.classes == scanned.classes == ("blue", "green", "red")
    assert named(built) == named(scanned)
    assert len(built.samples) == 3 * PER_CLASS
    assert [p.resolve() for p, _ in built.unreadable] == [bad.resolve()]
    label = panel.cards[0].count_label.text()
    assert label == panel.cards[0].tr("%n image(s), %1 unreadable (skipped)", "", 8).replace("%1", "1")
    assert label.startswith("8 image") and label.endswith(", 1 unreadable (skipped)")
    warnings = [panel.warning_list.item(i).text() for i in range(panel.warning_list.count())]
    assert any(str(bad) in line for line in warnings)
    qtbot.waitUntil(lambda: panel.cards[0].thumbs.count() > 1)  # thumbnails beside the count

    # An image without a file (dragged from a browser): saved in the data folder, then used.
    before = sorted(class_folder.rglob("*"))
    mime = QMimeData()
    picture = QImage(24, 24, QImage.Format.Format_RGB32)
    picture.fill(QColor(220, 40, 40))
    mime.setImageData(picture)
    centre = panel.cards[0].rect().center()
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(panel.cards[0], enter)
    assert enter.isAccepted()
    QApplication.sendEvent(
        panel.cards[0], QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, buttons, keys)
    )
    saved = list((data_dir / "pasted").rglob("*.png"))
    assert len(saved) == 1 and saved[0] in panel.cards[0].items
    assert sorted(class_folder.rglob("*")) == before  # the user's folders are untouched
    qtbot.waitUntil(
        lambda: (
            panel.training_set is not None
            and not panel.scanning
            and panel.training_set.counts()["red"] == PER_CLASS + 1
        ),
        timeout=TRAIN_TIMEOUT_MS,
    )


def test_the_new_model_becomes_current_and_classifies(
    qtbot, data_dir: Path, class_folder: Path, window
) -> None:
    window.actions.model.train.trigger()  # Model ▸ Train New Model…
    teach = window.findChild(TeachWindow)
    assert teach is not None and teach.isVisible()
    teach.classes.use_folder(class_folder)
    plan_for(qtbot, teach)
    outcome = train(qtbot, teach)
    qtbot.mouseClick(teach.results.use_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.model_info is not None and window.model_info.choice.weights == str(outcome.weights),
        timeout=TRAIN_TIMEOUT_MS,
    )
    assert window.model_info.meta.categories == ("blue", "green", "red")
    assert (window.arch_panel.key.num_classes, window.arch_panel.key.input_size) == (3, 32)
    held_out = class_folder.parent / "held-out-green.png"
    noisy(COLOURS["green"], 999).save(held_out)
    window.queue_paths([held_out])
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.results.rowCount() == 1)
    result = window.results.result(0)
    assert result.predictions[0].label == "green"
    # Model ▸ My Models lists it, with its card's summary.
    window.my_models.rebuild()
    entries = {a.text(): a for a in window.my_models.menu.actions()}
    assert outcome.weights.stem in entries
    assert "3 classes: blue, green, red" in entries[outcome.weights.stem].toolTip()


def test_confusion_cells_open_the_misclassified_images(qtbot, tmp_path: Path) -> None:
    from core.train import Evaluation, TrainOutcome
    from gui.teach.results_panel import ResultsPanel

    pictures = []
    for i, colour in enumerate(COLOURS.values()):
        pictures.append(tmp_path / f"wrong{i}.png")
        noisy(colour, i).save(pictures[-1])
    evaluation = Evaluation(
        classes=("blue", "green", "red"),
        confusion=((1, 2, 0), (0, 2, 0), (1, 0, 1)),
        precision=(0.5, 0.5, 1.0),
        recall=(1 / 3, 1.0, 0.5),
        accuracy=4 / 7,
        mistakes=((pictures[0], 0, 1), (pictures[1], 0, 1), (pictures[2], 2, 0)),
    )
    panel = ResultsPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_outcome(TrainOutcome(tmp_path / "m.safetensors", {}, evaluation, stopped=False))
    assert panel.summary.text() == "m: 57% of the 7 validation images right."
    assert [panel.per_class.item(0, c).text() for c in range(4)] == ["blue", "50%", "33%", "3"]
    matrix = panel.matrix
    cell = matrix.visualItemRect(matrix.item(0, 1)).center()
    qtbot.mouseClick(matrix.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    dialog = panel.dialog
    assert dialog is not None and dialog.windowTitle() == "blue taken for green"
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == ["wrong0.png", "wrong1.png"]
    qtbot.waitUntil(lambda: not dialog.list.item(1).icon().isNull())  # thumbnails, made off-thread
    dialog.close()
    assert panel.open_cell(1, 1) is None  # a right answer: no list of mistakes
    assert panel.open_cell(2, 0).list.count() == 1
    panel.dialog.close()


def test_my_models_menu_uses_renames_exports_and_deletes(
    qtbot, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

    from gui.teach.my_models import MyModelsMenu

    store = ModelStore(data_dir / "models")
    model = store.new_path("plants")
    model.write_bytes(b"weights")
    model.with_suffix(".json").write_text('{"classes": ["fern", "moss"], "val_accuracy": 0.9}')
    parent = QWidget()
    qtbot.addWidget(parent)
    used: list[Path] = []
    menus = MyModelsMenu(QMenu(parent), parent, used.append)

    def entry(name: str) -> QMenu:
        menus.menu.aboutToShow.emit()  # rebuilt from the folder each time it opens
        (action,) = [a for a in menus.menu.actions() if a.text() == name]
        assert action.toolTip() == "2 classes: fern, moss · 90% validation accuracy"
        return action.menu()

    def trigger(menu: QMenu, text: str) -> None:
        (action,) = [a for a in menu.actions() if a.text().replace("&", "") == text]
        action.trigger()

    trigger(entry("plants"), "Use")
    assert used == [model]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("garden", True))
    trigger(entry("plants"), "Rename…")
    renamed = data_dir / "models" / "garden.safetensors"
    assert renamed.is_file() and renamed.with_suffix(".json").is_file() and not model.exists()
    exported = tmp_path / "shared.safetensors"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(exported), ""))
    trigger(entry("garden"), "Export…")
    assert exported.read_bytes() == b"weights" and exported.with_suffix(".json").is_file()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    trigger(entry("garden"), "Delete…")
    assert store.list() == [] and exported.is_file()
    menus.menu.aboutToShow.emit()
    assert not menus.menu.actions()[0].isEnabled()  # "No models yet"


def test_the_model_in_use_is_followed_when_renamed_and_kept_from_deletion(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The saved choice names a file: renaming the model in use must move the choice with it,
    and deleting it must be refused, or the next start would find nothing to load."""
    from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

    from gui.teach.my_models import MyModelsMenu

    store = ModelStore(data_dir / "models")
    model = store.new_path("plants")
    model.write_bytes(b"weights")
    model.with_suffix(".json").write_text('{"classes": ["fern", "moss"]}')
    parent = QWidget()
    qtbot.addWidget(parent)
    chosen = [str(model)]
    menus = MyModelsMenu(QMenu(parent), parent, lambda path: chosen.append(str(path)), lambda: chosen[-1])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("garden", True))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    (stored,) = store.list()
    renamed = menus.rename(stored)
    assert renamed == data_dir / "models" / "garden.safetensors"
    assert chosen[-1] == str(renamed)  # the choice follows the file
    (stored,) = store.list()
    assert menus.delete(stored) is False and renamed.is_file()
    assert told and "model in use" in told[0]
    chosen.append("bundled")  # another model chosen: now it may go
    assert menus.delete(stored) is True and store.list() == []


def test_the_old_name_of_the_bundled_start_selects_the_registry_s_default(teach: TeachWindow) -> None:
    """A start saved as "bundled" (before training used the registry's names) is the default."""
    panel = teach.plan_panel
    panel.set_start("bundled")
    assert panel.start == "default" and panel.start_combo.currentIndex() == 0
    assert panel.start_combo.count() == 5  # no extra entry for the old name
