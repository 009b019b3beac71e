"""What comes in to be classified: file dialogs, the sample images, paste and drops.

Each becomes one classification request to the inference engine (``queued`` tells the window a
run has started); pasted images are kept by the results model for thumbnails and the preview.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from core.paths import samples_dir
from gui.engine import InferenceEngine
from gui.i18n import arg
from gui.imaging import qimage_to_pil
from gui.inputs import MimeInputs, image_patterns, read_mime
from gui.message_bar import MessageBar
from gui.results_model import ResultsModel
from gui.settings import Settings


class Intake(QObject):
    queued = Signal()

    def __init__(
        self,
        window: QWidget,
        engine: InferenceEngine,
        results: ResultsModel,
        settings: Settings,
        message: MessageBar,
    ) -> None:
        super().__init__(window)
        self.window, self.engine, self.results = window, engine, results
        self.settings, self.message = settings, message

    def open_images(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self.window,
            self.tr("Open Images"),
            self.settings.image_dir,
            arg(self.tr("Images (%1);;All files (*)"), image_patterns()),
        )
        if files:
            self.settings.image_dir = str(Path(files[0]).parent)
            self.queue_paths(files)

    def open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, self.tr("Open Folder"), self.settings.folder_dir
        )
        if folder:
            self.settings.folder_dir = folder
            self.queue_paths([folder])

    def open_samples(self) -> None:
        self.queue_paths([samples_dir()])

    def paste(self) -> None:
        inputs = read_mime(QApplication.clipboard().mimeData())
        if inputs or inputs.skipped:
            self.queue_mime(inputs)
        else:
            self.message.show_message(self.tr("The clipboard holds no image, file or file path."))

    def queue_mime(self, inputs: MimeInputs) -> None:
        items: list[Any] = list(inputs.paths)
        if inputs.image is not None:
            items.append(self._keep_image("clipboard", qimage_to_pil(inputs.image)))
        if inputs.skipped:
            shown = ", ".join(inputs.skipped[:3]) + (" …" if len(inputs.skipped) > 3 else "")
            self.message.show_message(
                arg(self.tr("Only files on this computer can be classified; skipped: %1"), shown), "warning"
            )
        self.queue(items)

    def queue_image(self, prefix: str, image: Any) -> None:
        """Classify an in-memory image (a drawing of the sketch pad) as ``<prefix>-N``."""
        self.queue([self._keep_image(prefix, image)])

    def _keep_image(self, prefix: str, image: Any) -> tuple[str, Any]:
        name = f"{prefix}-{self.results.pasted_count() + 1}"
        self.results.add_image(name, image)
        return name, self.results.source_of(name)

    def queue_paths(self, paths: Iterable[str | Path]) -> None:
        """Classify files and folders (folders recursively); the command line comes here."""
        self.queue([Path(p) for p in paths])

    def queue(self, items: list[Any]) -> None:
        if items:
            self.engine.classify(items, self.settings.top_k)
            self.queued.emit()
