"""Issue 25, the training window: what a new user met first (cards, n/a, close, layout)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMessageBox

from core.dataset import DataWarning
from core.train import Evaluation, TrainOutcome
from gui.teach.results_panel import ResultsPanel
from gui.teach.storage import DATA_ENV
from gui.teach.window import TeachWindow
from tests.gui.conftest import drop_paths

TIMEOUT_MS = 30_000


@pytest.fixture
def teach(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TeachWindow]:
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "app-data"))
    window = TeachWindow()
    window.show()
    yield window
    if shiboken6.isValid(window):
        window.close()


def pictures(folder: Path, count: int, colour: tuple[int, int, int] = (200, 40, 40)) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"p{i:02d}.png"
        Image.new("RGB", (24 + i, 24), colour).save(path)
        paths.append(path)
    return paths


def test_a_card_counts_and_shows_its_images_while_another_class_is_empty(
    qtbot, teach: TeachWindow, tmp_path: Path
) -> None:
    panel = teach.classes
    first, second = panel.cards
    drop_paths(first, pictures(tmp_path / "a", 20))
    qtbot.waitUntil(lambda: first.count_label.text().startswith("20 image"), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: first.thumbs.count() > 1, timeout=TIMEOUT_MS)
    assert panel.training_set is None  # Class 2 is still empty: nothing to train on
    assert "Class 2" in panel.summary.text()
    assert not second.count_label.text().startswith("0")


def test_adding_a_class_to_a_valid_set_keeps_the_counts_and_thumbnails(
    qtbot, teach: TeachWindow, tmp_path: Path
) -> None:
    panel = teach.classes
    first, second = panel.cards
    drop_paths(first, pictures(tmp_path / "a", 6))
    drop_paths(second, pictures(tmp_path / "b", 7, (40, 40, 200)))
    qtbot.waitUntil(lambda: panel.training_set is not None and not panel.scanning, timeout=TIMEOUT_MS)
    panel.add_class()
    qtbot.waitUntil(lambda: panel.training_set is None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: (
            first.count_label.text().startswith("6 image")
            and second.count_label.text().startswith("7 image")
            and first.thumbs.count() > 1
            and second.thumbs.count() > 1
        ),
        timeout=TIMEOUT_MS,
    )


def test_two_cards_of_one_name_each_keep_their_own_count(qtbot, teach: TeachWindow, tmp_path: Path) -> None:
    panel = teach.classes
    first, second = panel.cards
    drop_paths(first, pictures(tmp_path / "a", 3))
    drop_paths(second, pictures(tmp_path / "b", 5))
    second.name_edit.setText(first.name)
    qtbot.waitUntil(
        lambda: (
            first.count_label.text().startswith("3 image")
            and second.count_label.text().startswith("5 image")
            and second.thumbs.count() > 1
        ),
        timeout=TIMEOUT_MS,
    )
    assert panel.training_set is None


def answer_question(qtbot, button_text: str, asked: list[str]) -> None:
    """Click ``button_text`` in the modal question box once it is on screen."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            QTimer.singleShot(20, click)
            return
        asked.append(box.text())
        button = next(b for b in box.buttons() if b.text() == button_text)
        button.click()

    QTimer.singleShot(0, click)


def test_closing_the_training_window_mid_run_asks_and_keep_training_keeps_it(
    qtbot, teach: TeachWindow
) -> None:
    teach.trainer.running = True  # a run in progress, as far as the window can tell
    asked: list[str] = []
    answer_question(qtbot, "Keep Training", asked)
    assert not teach.close()
    assert asked and teach.isVisible()
    answer_question(qtbot, "Stop and Close", asked)
    assert teach.close()
    assert len(asked) == 2


def test_quitting_the_main_window_mid_run_asks_and_keep_training_keeps_both(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "app-data"))
    main = QMainWindow()
    qtbot.addWidget(main)
    main.show()
    teach = TeachWindow(main)
    teach.show()
    teach.trainer.running = True
    asked: list[str] = []
    answer_question(qtbot, "Keep Training", asked)
    assert not main.close()  # Ctrl+Q is the main window's close
    assert asked and main.isVisible() and teach.isVisible()
    teach.trainer.running = False
    assert main.close()


def test_a_class_without_validation_images_reads_n_a_and_the_count_is_said(qtbot) -> None:
    evaluation = Evaluation(
        classes=("one", "two"),
        confusion=((0, 0), (0, 1)),  # "one" had a single image, kept for training
        precision=(0.0, 1.0),
        recall=(0.0, 1.0),
        accuracy=1.0,
        mistakes=(),
    )
    panel = ResultsPanel()
    qtbot.addWidget(panel)
    panel.show_outcome(TrainOutcome(Path("/models/mine.safetensors"), {}, evaluation, False))
    row = [panel.per_class.item(0, col).text() for col in range(4)]
    assert row == ["one", "n/a", "n/a", "0"]
    assert [panel.per_class.item(1, col).text() for col in (1, 2)] == ["100%", "100%"]
    text = panel.summary.text()
    assert "100% of the 1 validation image right" in text
    assert "one" in text.splitlines()[-1]


def test_warnings_wrap_to_the_panel_instead_of_scrolling_sideways(qtbot, teach: TeachWindow) -> None:
    panel = teach.classes
    teach.resize(900, 600)
    long = DataWarning(
        "few",
        "Class “a rather long class name” has only 1 image; 10 or more per class give a more "
        "reliable model, and this sentence goes on long enough to need two lines.",
    )
    panel._show_warnings((long, DataWarning("imbalance", "The classes are unbalanced.")))
    qtbot.waitUntil(panel.warning_list.isVisible)
    listing = panel.warning_list
    assert not listing.horizontalScrollBar().isVisible()
    rect = listing.visualItemRect(listing.item(0))
    assert rect.width() <= listing.viewport().width()
    assert rect.height() >= 2 * listing.fontMetrics().height()  # wrapped, not clipped


def test_add_images_offers_an_image_filter(qtbot, teach: TeachWindow, monkeypatch) -> None:
    asked: list[str] = []

    def pick(*args: object) -> tuple[list[str], str]:
        asked.append(str(args[3]) if len(args) > 3 else "")
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", pick)
    teach.classes.cards[0].pick_images()
    assert asked and asked[0].startswith("Images (") and "*.png" in asked[0] and "*.jpg" in asked[0]


def test_the_training_window_fits_its_screen_with_train_and_stop_in_view(qtbot, teach: TeachWindow) -> None:
    qtbot.waitExposed(teach)
    area = teach.screen().availableGeometry()
    assert area.contains(teach.frameGeometry())
    assert teach.minimumSizeHint().width() <= area.width()
    for button in (teach.train_button, teach.stop_button):
        corner = button.mapToGlobal(button.rect().bottomRight())
        assert (
            button.isVisible()
            and area.contains(corner)
            and teach.rect().contains(button.mapTo(teach, button.rect().bottomRight()))
        )
