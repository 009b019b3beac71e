"""Menus, shortcuts, dialogs, the empty state and the drop highlight."""

from __future__ import annotations

import platform

import torch
import torchvision
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl, qVersion
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent
from PySide6.QtWidgets import QApplication, QToolButton

from core import __version__
from gui import actions as act
from gui.drop_zone import DROP_HINT
from gui.messages import text
from tests.gui.conftest import sample_files, wait_idle


def test_the_weights_menu_is_built_from_the_registry(window) -> None:
    from core.sources import weight_sources

    entries = [(a.data(), a.text()) for a in window.actions.model.weights.actions()]
    assert entries == [(s.key, text(s.label)) for s in weight_sources()]
    assert entries[0] == ("default", "Bundled model (12 shapes)")
    v2 = next(a for a in window.actions.model.weights.actions() if a.data() == "imagenet-v2")
    assert not v2.isEnabled() and "no ImageNet V2 weights for ResNet-18" in v2.toolTip()


def test_menus_actions_and_shortcuts(window) -> None:
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Model", "Device", "View", "Help"]
    actions = act.all_actions(window.actions)
    assert all(a.toolTip() for a in actions)
    keys = [s.toString() for a in actions for s in a.shortcuts()]
    assert len(keys) == len(set(keys))  # no shortcut does two things
    file = window.actions.file
    assert file.open_images.shortcut().toString() == "Ctrl+O"
    assert file.paste.shortcut().toString() == "Ctrl+V"
    assert not file.export.isEnabled() and not file.cancel.isEnabled()  # nothing to export yet
    assert window.actions.model.model_card.isEnabled()  # a model is loaded
    arch_labels = [a.text() for a in window.actions.model.archs.actions()]
    assert arch_labels == ["ResNet-18", "ResNet-34", "ResNet-50", "ResNet-101", "ResNet-152"]
    devices = [a.data() for a in window.actions.model.devices.actions()]
    assert devices[0] == "auto" and "cpu" in devices


def test_empty_state_says_what_to_do_and_what_the_model_knows(window) -> None:
    assert window.drop_area.currentWidget() is window.empty
    texts = " ".join(label.text() for label in window.empty.findChildren(type(window.empty.model_label)))
    assert DROP_HINT in texts
    categories = window.model_info.meta.categories
    assert f"{len(categories)} classes" in window.empty.model_label.text()
    assert categories[0] in window.empty.model_label.text()


def test_the_sample_images_are_one_click_away(qtbot, window) -> None:
    button = next(
        b
        for b in window.empty.findChildren(QToolButton)
        if b.defaultAction() is window.actions.file.open_samples
    )
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert window.results.rowCount() == len(sample_files())


def test_drag_over_highlights_and_leaving_clears(window, tmp_path) -> None:
    area = window.drop_area
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path))])
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(area, enter)
    assert enter.isAccepted() and area.highlighted
    QApplication.sendEvent(area, QDragLeaveEvent())
    assert not area.highlighted

    text_only = QMimeData()
    text_only.setText("hello")
    refused = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        text_only,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(area, refused)
    assert not refused.isAccepted() and not area.highlighted


def test_about_and_model_card(window) -> None:
    about = window.show_about().browser.toPlainText()
    for expected in (
        __version__,
        torch.__version__,
        torchvision.__version__,
        qVersion(),
        platform.python_version(),
    ):
        assert expected in about
    assert text(window.model_info.device_name) in about and "CPU (" in about

    assert "Licence" in about and "MIT" in about
    dialog = window.show_about()
    copy = next(b for b in dialog.buttons.buttons() if b.text() == "Copy Versions")
    copy.click()
    assert QApplication.clipboard().text() == dialog.copy_text and torch.__version__ in dialog.copy_text

    card = window.show_model_card().browser.toPlainText()
    meta = window.model_info.meta
    assert all(c in card for c in meta.categories)
    assert "64×64" in card
    for heading in ("What it recognises", "Accuracy", "Intended use and limits", "How to reproduce it"):
        assert heading in card
    assert "97.70% top-1 on 3000 freshly generated images" in card  # the fine-tuned bundled model
    assert "nice -n" not in card and "Training time s" not in card
    assert "python -m core.outlier_exposure --base" in card  # the "unknown" fine-tune is a step
