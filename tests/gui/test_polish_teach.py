"""Issue 25, the training window: what a new user met first (cards, n/a, close, layout)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PIL import Image

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
        lambda: first.count_label.text().startswith("6 image")
        and second.count_label.text().startswith("7 image")
        and first.thumbs.count() > 1
        and second.thumbs.count() > 1,
        timeout=TIMEOUT_MS,
    )


def test_two_cards_of_one_name_each_keep_their_own_count(qtbot, teach: TeachWindow, tmp_path: Path) -> None:
    panel = teach.classes
    first, second = panel.cards
    drop_paths(first, pictures(tmp_path / "a", 3))
    drop_paths(second, pictures(tmp_path / "b", 5))
    second.name_edit.setText(first.name)
    qtbot.waitUntil(
        lambda: first.count_label.text().startswith("3 image")
        and second.count_label.text().startswith("5 image")
        and second.thumbs.count() > 1,
        timeout=TIMEOUT_MS,
    )
    assert panel.training_set is None
