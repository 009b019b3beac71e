"""Ctrl+V in a class card's name field: a picture goes into the class, plain text into the name.

The clipboard is the real one (``QApplication.clipboard()``), filled the way other programs fill
it: ``setImage`` for a copied picture, ``setText`` for words or a copied file's path.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from gui.teach.classes_panel import ClassCard
from gui.teach.storage import DATA_ENV
from gui.teach.window import TeachWindow


@pytest.fixture
def card(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ClassCard]:
    """The first class card of a shown teaching window, its name field focused."""
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "app-data"))
    window = TeachWindow()
    window.show()
    qtbot.waitExposed(window)
    card = window.classes.cards[0]
    card.name_edit.setFocus()
    qtbot.waitUntil(card.name_edit.hasFocus)
    yield card
    if shiboken6.isValid(window):
        window.close()


def paste_into_name(qtbot, card: ClassCard) -> None:
    qtbot.keyClick(card.name_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_v_with_a_picture_in_the_name_field_adds_it_to_the_class(
    qtbot, card: ClassCard, tmp_path: Path
) -> None:
    picture = QImage(20, 20, QImage.Format.Format_RGB32)
    picture.fill(QColor(30, 160, 90))
    QApplication.clipboard().setImage(picture)
    assert card.items == []
    paste_into_name(qtbot, card)
    assert card.name == "Class 1"  # the name is untouched
    (saved,) = card.items
    assert saved.parent.parent == tmp_path / "app-data" / "pasted" and saved.suffix == ".png"
    assert QImage(str(saved)).pixelColor(5, 5) == QColor(30, 160, 90)  # the picture, decoded


def test_ctrl_v_with_a_file_s_path_adds_the_file(qtbot, card: ClassCard, tmp_path: Path) -> None:
    picture = QImage(12, 12, QImage.Format.Format_RGB32)
    picture.fill(QColor("red"))
    path = tmp_path / "rose.png"
    assert picture.save(str(path))
    QApplication.clipboard().setText(str(path))
    paste_into_name(qtbot, card)
    assert card.items == [path]
    assert card.name == "Class 1"


def test_ctrl_v_with_plain_text_pastes_it_into_the_name(qtbot, card: ClassCard) -> None:
    QApplication.clipboard().setText("Roses")
    card.name_edit.selectAll()
    paste_into_name(qtbot, card)
    assert card.name == "Roses"
    assert card.items == []
