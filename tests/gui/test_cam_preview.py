"""Grad-CAM in the preview: computed by the worker for a sample, drawn over the picture, for
another class of the top-k, at the layer chosen in the architecture tree, and exported."""

from __future__ import annotations

import numpy as np
from PIL import Image

from core.paths import samples_dir
from gui.arch_model import ArchRole
from tests.gui.conftest import wait_idle

TIMEOUT_MS = 60_000


def _answer_at(qtbot, dialog, layer: str, label: str | None = None):
    def ready() -> bool:
        answer = dialog.cam.answer
        if answer is None or answer.layer != layer:
            return False
        return label is None or answer.result.label == label

    qtbot.waitUntil(ready, timeout=TIMEOUT_MS)
    return dialog.cam.answer


def _select_layer(qtbot, window, name: str) -> None:
    panel = window.arch_panel
    qtbot.waitUntil(lambda: panel.model.summary is not None, timeout=TIMEOUT_MS)
    proxy = panel.tree.model()
    pending = [proxy.index(0, 0)]
    while pending:
        index = pending.pop()
        node = index.data(ArchRole.NODE)
        if node is not None and node.name == name:
            panel.tree.setCurrentIndex(index)
            return
        pending += [proxy.index(row, 0, index) for row in range(proxy.rowCount(index))]
    raise AssertionError(f"no row {name} in the tree")


def test_preview_shows_a_cam_and_the_tree_changes_its_layer(qtbot, window, tmp_path) -> None:
    window.queue_paths([samples_dir() / "star.jpg"])
    wait_idle(qtbot, window)
    window.results.flush()
    dialog = window.open_preview(window.results.result(0))
    qtbot.addWidget(dialog)
    answer = _answer_at(qtbot, dialog, "layer4")
    assert answer.error is None and answer.result.label == "star" and answer.result.has_evidence
    assert not answer.colours.isNull()
    qtbot.waitUntil(lambda: dialog._base is not None, timeout=TIMEOUT_MS)
    shown = dialog.image_label.pixmap().toImage()
    assert shown != dialog._base.toImage()  # the overlay is drawn over the picture
    dialog.cam.opacity.setValue(0)
    assert dialog.image_label.pixmap().toImage() == dialog._base.toImage()
    dialog.cam.opacity.setValue(60)

    _select_layer(qtbot, window, "layer2")  # the tree and the results meet here
    at_layer2 = _answer_at(qtbot, dialog, "layer2")
    assert at_layer2.result.grid.shape != answer.result.grid.shape  # 8 x 8 against 2 x 2
    assert not np.array_equal(at_layer2.result.heatmap(), answer.result.heatmap())

    runner_up = dialog.cam.classes.itemData(1)
    dialog.cam.classes.setCurrentIndex(1)  # a class from the row's top-k
    other = _answer_at(qtbot, dialog, "layer2", runner_up)
    assert other.result.label == runner_up != "star"

    written = window.cams.export_to(dialog, tmp_path / "star-cam.png")
    assert written is not None
    with Image.open(written) as overlay, Image.open(tmp_path / "star-cam16.png") as grey:
        assert overlay.size == grey.size == (other.result.image_size)
        assert grey.mode.startswith("I;16") or grey.mode == "I"
    dialog.close()


def test_a_row_that_cannot_explain_says_so(qtbot, window) -> None:
    window.queue_paths([samples_dir() / "circle.jpg"])
    wait_idle(qtbot, window)
    window.results.flush()
    dialog = window.open_preview(window.results.result(0))
    qtbot.addWidget(dialog)
    _answer_at(qtbot, dialog, "layer4")
    window.cams.set_layer("fc")  # the head's output is 1 x 1: no map
    qtbot.waitUntil(lambda: "No heat-map" in dialog.cam.status.text(), timeout=TIMEOUT_MS)
    dialog.close()
