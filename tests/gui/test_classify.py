"""End to end: drops and pastes reach the real bundled model; results match the CLI's."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from core.cli import main as cli_main
from core.paths import samples_dir
from gui.results_view import THUMBNAIL_SIZE
from tests.gui.conftest import drop_paths, sample_files, wait_idle


def labels_by_name(results) -> dict[str, list[str]]:
    return {Path(r.source).name: [p.label for p in r.predictions] for r in results}


def test_dropping_the_sample_folder_shows_the_clis_labels(qtbot, window, capsys) -> None:
    area = window.drop_area
    assert not area.highlighted and area.currentWidget() is window.empty
    drop_paths(area, [samples_dir()])
    wait_idle(qtbot, window)

    shown = window.results.results()
    samples = sorted(p.name for p in sample_files())
    assert sorted(Path(r.source).name for r in shown) == samples
    assert all(r.ok for r in shown)
    assert area.currentWidget() is window.results_view and not area.highlighted

    assert cli_main(["classify", str(samples_dir()), "--json"]) == 0
    cli = [r for r in json.loads(capsys.readouterr().out)]
    expected = {Path(r["source"]).name: [p["label"] for p in r["predictions"]] for r in cli}
    assert labels_by_name(shown) == expected
    assert window.status.counts.text() == f"{len(samples)} images"


def test_a_bad_file_gets_an_error_row_and_the_others_are_classified(qtbot, window, tmp_path) -> None:
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"this is not a JPEG")
    good = sample_files()[:3]
    drop_paths(window.drop_area, [*good, bad])
    wait_idle(qtbot, window)

    results = {Path(r.source).name: r for r in window.results.results()}
    assert set(results) == {p.name for p in good} | {"broken.jpg"}
    assert not results["broken.jpg"].ok and results["broken.jpg"].error
    assert all(results[p.name].ok for p in good)
    assert "1 failed" in window.status.counts.text()
    row = next(i for i, r in enumerate(window.results.results()) if not r.ok)
    assert "Error" in window.results.index(row, 1).data()


def test_paste_of_an_image_and_of_file_urls(qtbot, window) -> None:
    image = QImage(120, 90, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    QApplication.clipboard().setImage(image)
    window.intake.paste()
    wait_idle(qtbot, window)
    assert [r.source for r in window.results.results()] == ["clipboard-1"]
    assert window.results.results()[0].width == 120

    first = sample_files()[0]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(first)), QUrl("https://example.com/cat.jpg")])
    QApplication.clipboard().setMimeData(mime)
    window.intake.paste()
    wait_idle(qtbot, window)
    assert [Path(r.source).name for r in window.results.results()][1:] == [first.name]
    assert "example.com" in window.message.text  # a remote URL is named, not fetched


def test_thumbnails_are_made_at_thumbnail_size_for_the_rows_on_screen(qtbot, window) -> None:
    window.queue_paths([samples_dir()])
    wait_idle(qtbot, window)
    model, table = window.results, window.results_view.table
    first, last = model.results()[0].source, model.results()[-1].source
    qtbot.waitUntil(lambda: model.thumbnail(first) is not None and not window.results.thumbnails.busy)
    side = max(model.thumbnail(first).width(), model.thumbnail(first).height())
    assert side <= round(THUMBNAIL_SIZE * window.devicePixelRatioF())
    assert model.thumbnail(last) is None  # below the fold: not decoded (yet)

    table.scrollToBottom()
    qtbot.waitUntil(lambda: model.thumbnail(last) is not None, timeout=30_000)
