"""Model ▸ Evaluate on a Folder…: the window runs an evaluation of a labelled folder made from the
samples through the engine, its matrix cell lists thumbnails on a click, a double-click opens the
preview with its heat-map, and the main window's results stay the user's own."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from core.evaluate import ScoredImage, score
from core.paths import samples_dir
from gui.evaluate_model import CellImagesModel, ClassScoresModel, ConfusionModel
from gui.preview import PreviewDialog
from gui.results_view import placeholder_pixmap

TIMEOUT_MS = 120_000


def labelled_samples(root: Path) -> Path:
    """samples as root/<shape>/…, with arrow's drawing filed under heart (one known error)."""
    for path in sorted(samples_dir().glob("*.jpg")):
        folder = root / path.stem.removesuffix("-drawn")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / path.name)
    (root / "arrow" / "arrow-drawn.jpg").rename(root / "heart" / "arrow-drawn.jpg")
    (root / "zebra").mkdir()
    (root / "circle" / "broken.jpg").write_text("not a picture")
    return root


def test_models_pass_the_model_tester(qapp) -> None:
    images = [
        ScoredImage("a.jpg", 0, 0, 0.9),
        ScoredImage("b.jpg", 0, 1, 0.6),
        ScoredImage("c.jpg", 1, 1, 0.2, True),
    ]
    evaluation = score(images, ("cat", "dog"), threshold=0.3)
    scores, confusion = ClassScoresModel(), ConfusionModel()
    cells = CellImagesModel(32, placeholder_pixmap(32))
    for model in (scores, confusion, cells):
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    scores.set_evaluation(evaluation)
    confusion.set_evaluation(evaluation)
    cells.set_images(evaluation.cell(0, 1))
    assert confusion.columnCount() == 3 and confusion.headerData(2, Qt.Orientation.Horizontal) == "unknown"
    assert [confusion.index(0, c).data() for c in range(3)] == ["1", "1", ""]
    right = confusion.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    wrong = confusion.index(0, 1).data(Qt.ItemDataRole.BackgroundRole)
    assert right.green() > right.red() and wrong.red() > wrong.green()  # coloured by count and kind
    assert confusion.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None  # an empty cell
    assert [scores.index(1, c).data() for c in range(5)] == ["dog", "0.0%", "0.0%", "0.0%", "1"]
    assert cells.rowCount() == 1 and cells.index(0).data().startswith("b.jpg")
    cells.close()


def test_window_evaluates_lists_a_cell_and_opens_its_preview(qtbot, window, tmp_path) -> None:
    data = labelled_samples(tmp_path / "data")
    dialog = window.show_evaluate()
    assert window.actions.model.evaluate.isEnabled()
    dialog.folder.setText(str(data))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.evaluation is not None, timeout=TIMEOUT_MS)
    evaluation = dialog.evaluation
    assert len(evaluation.scored) == 24 and evaluation.correct == 23
    assert "Accuracy 95.8%: 23 of 24 images taken for their class" in dialog.summary.text()
    assert "zebra" in dialog.notes.text() and dialog.notes.isVisibleTo(dialog)
    assert "1 file could not be evaluated" in dialog.notes.text() and "broken.jpg:" in dialog.notes.text()
    assert window.results.counts() == (0, 0)  # the evaluation's images are not the user's results
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()

    classes = evaluation.classes
    heart, arrow = classes.index("heart"), classes.index("arrow")
    assert dialog.confusion.index(heart, arrow).data() == "1"
    assert int(np.trace(evaluation.confusion)) == 23
    cell = dialog.confusion.index(heart, heart)
    qtbot.mouseClick(
        dialog.matrix.viewport(), Qt.MouseButton.LeftButton, pos=dialog.matrix.visualRect(cell).center()
    )
    assert dialog.cell_images.rowCount() == 2
    assert dialog.caption.text() == "heart taken for their own class: 2 images"
    error = dialog.confusion.index(heart, arrow)
    qtbot.mouseClick(
        dialog.matrix.viewport(), Qt.MouseButton.LeftButton, pos=dialog.matrix.visualRect(error).center()
    )
    assert dialog.caption.text() == "heart taken for arrow: 1 image"
    assert [i.source for i in dialog.cell_images.images] == [str(data / "heart" / "arrow-drawn.jpg")]
    qtbot.waitUntil(lambda: not dialog.cell_images.loader.busy, timeout=TIMEOUT_MS)
    thumbnail = dialog.cell_images.index(0).data(Qt.ItemDataRole.DecorationRole)
    assert thumbnail.actualSize(dialog.images.iconSize()).width() > 0

    dialog.tabs.setCurrentWidget(dialog.table)  # the per-class table lists a class's errors
    row = dialog.table.model().mapFromSource(dialog.scores.index(heart, 0))
    qtbot.mouseClick(
        dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=dialog.table.visualRect(row).center()
    )
    assert dialog.caption.text() == "heart misclassified: 1 image"
    assert [i.source for i in dialog.cell_images.images] == [str(data / "heart" / "arrow-drawn.jpg")]

    item = dialog.images.visualRect(dialog.cell_images.index(0)).center()
    qtbot.mouseClick(dialog.images.viewport(), Qt.MouseButton.LeftButton, pos=item)
    qtbot.mouseDClick(dialog.images.viewport(), Qt.MouseButton.LeftButton, pos=item)
    previews = [w for w in QApplication.topLevelWidgets() if isinstance(w, PreviewDialog) and w.isVisible()]
    assert len(previews) == 1
    preview = previews[0]
    qtbot.addWidget(preview)
    assert preview.result.source.endswith("arrow-drawn.jpg") and preview.result.top.label == "arrow"
    qtbot.waitUntil(lambda: preview.cam.answer is not None, timeout=TIMEOUT_MS)
    assert preview.cam.answer.error is None and preview.cam.answer.result.label == "arrow"
    preview.close()

    # the main window classifies again as before, into its own list
    window.queue_paths([samples_dir() / "star.jpg"])
    qtbot.waitUntil(lambda: not window.engine.busy, timeout=TIMEOUT_MS)
    window.results.flush()
    assert window.results.counts() == (1, 0)


def test_a_folder_without_class_folders_is_said_and_cancel_works(qtbot, window, tmp_path) -> None:
    (tmp_path / "zebra").mkdir()
    dialog = window.show_evaluate()
    dialog.folder.setText(str(tmp_path))
    dialog.start()
    assert "no sub-folder" in dialog.summary.text() and dialog.evaluation is None
    many = tmp_path / "many"  # 144 images in 12 class folders
    for path in sorted(samples_dir().glob("*.jpg")):
        folder = many / path.stem.removesuffix("-drawn")
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(6):
            shutil.copy(path, folder / f"{i}-{path.name}")
    dialog.folder.setText(str(many))
    dialog.start()
    assert dialog.cancel_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.run.running, timeout=TIMEOUT_MS)
    assert dialog.summary.text() == "The evaluation was cancelled." and dialog.evaluation is None
    assert dialog.start_button.isEnabled()
    dialog.start()
    dialog.close()  # closing the window stops its run too
    qtbot.waitUntil(lambda: not dialog.run.running, timeout=TIMEOUT_MS)
    assert dialog.evaluation is None and window.results.counts() == (0, 0)


def test_an_evaluation_waits_for_a_running_classification_and_neither_takes_the_others_rows(
    qtbot, window, tmp_path
) -> None:
    data = labelled_samples(tmp_path / "data")
    window.queue_paths([samples_dir()])  # 24 images for the results list
    dialog = window.show_evaluate()
    dialog.folder.setText(str(data))
    assert window.engine.busy
    dialog.start()
    assert dialog.summary.text() == "Waiting for the images being classified…"
    later = tmp_path / "later.jpg"
    shutil.copy(samples_dir() / "star.jpg", later)
    window.queue_paths([later])  # sent after the evaluation: the user's again
    qtbot.waitUntil(lambda: dialog.evaluation is not None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.engine.busy, timeout=TIMEOUT_MS)
    window.results.flush()
    assert len(dialog.evaluation.scored) == 24
    assert all("/data/" in i.source for i in dialog.evaluation.images)
    rows = window.results.results()
    assert len(rows) == 25 and not any("/data/" in r.source for r in rows)
