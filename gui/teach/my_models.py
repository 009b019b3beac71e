"""Model ▸ My Models: the trained models of the data folder, each with Use, Rename, Delete, Export.

The submenu is rebuilt each time it opens, from ``core.model_store`` (the folder is the one
owner of what exists): fine-tuned models (``.safetensors``) and quick models (ResLens Lite
``.onnx`` files). "Use" hands the file to the model controller like Load Weights… does. In ResLens
Lite a fine-tuned model's Use and deployment export are greyed with the reason (they need torch);
a quick model is an ONNX file with its labels inside already, so it has no deployment export.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from core.edition import has_torch
from core.errors import ResLensError
from core.model_store import StoredModel
from gui.edition_ui import needs_full
from gui.i18n import arg
from gui.messages import error_text
from gui.teach.storage import model_store


class MyModelsMenu(QObject):
    """Adds "My Models" to ``menu``; ``use_model(path)`` makes a model the one in use, and
    ``asked_for()`` says which weights the person chose (a path or a source key), so renaming that
    model follows it and deleting it is refused: a saved choice must never point at nothing."""

    def __init__(
        self,
        menu: QMenu,
        window: QWidget,
        use_model: Callable[[Path], Any],
        asked_for: Callable[[], str] = lambda: "",
    ) -> None:
        super().__init__(menu)
        self.window, self.use_model, self.asked_for = window, use_model, asked_for
        self.menu = menu.addMenu(self.tr("My &Models"))
        self.menu.setToolTipsVisible(True)
        self.menu.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        self.menu.clear()
        models = model_store().list()
        for model in models:
            sub = self.menu.addMenu(model.name)
            sub.setToolTipsVisible(True)
            sub.menuAction().setToolTip(self.summary(model))
            use = sub.addAction(self.tr("&Use"), lambda m=model: self.use_model(m.path))
            sub.addAction(self.tr("&Rename…"), lambda m=model: self.rename(m))
            sub.addAction(self.tr("&Export…"), lambda m=model: self.export(m))
            deploy = sub.addAction(
                self.tr("Export for &Deployment…"), lambda m=model: self.export_deployment(m)
            )
            deploy.setToolTip(self.tr("ONNX fp32 and int8, with the labels and preprocessing inside"))
            if model.lite:
                deploy.setEnabled(False)
                deploy.setToolTip(self.tr("A quick model is an ONNX file with its labels inside already"))
            elif not has_torch():
                use.setEnabled(False)
                use.setToolTip(needs_full(self.tr("A fine-tuned model")))
                deploy.setEnabled(False)
                deploy.setToolTip(needs_full(self.tr("Export for deployment")))
            sub.addSeparator()
            sub.addAction(self.tr("&Delete…"), lambda m=model: self.delete(m))
        if not models:
            self.menu.addAction(self.tr("No models yet: Model ▸ Train New Model…")).setEnabled(False)
        self.menu.addSeparator()
        self.menu.addAction(self.tr("Open the Models &Folder"), self.open_folder)

    def summary(self, model: StoredModel) -> str:
        """The model in one line, in the window's language, for its tooltip:
        "3 classes: a, b, c · 92% validation accuracy · resnet18"."""
        parts = []
        if model.classes:
            parts.append(arg(self.tr("%n class(es): %1", "", len(model.classes)), ", ".join(model.classes)))
        if model.accuracy is not None:
            percent = f"{model.accuracy * 100:.0f}"
            template = self.tr("%1% cross-validated") if model.lite else self.tr("%1% validation accuracy")
            parts.append(arg(template, percent))
        if model.architecture:
            parts.append(model.architecture)
        return " · ".join(parts)

    def rename(self, model: StoredModel) -> Path | None:
        name, ok = QInputDialog.getText(
            self.window, self.tr("Rename Model"), self.tr("New name:"), text=model.name
        )
        if not ok or not name.strip():
            return None
        in_use = self._in_use(model)
        renamed = self._try(lambda: model_store().rename(model.path, name))
        if renamed and in_use:
            self.use_model(renamed)  # the choice, saved with the settings, follows the file
        return renamed

    def delete(self, model: StoredModel) -> bool:
        if self._in_use(model):
            QMessageBox.information(
                self.window,
                self.tr("Delete Model"),
                arg(self.tr("%1 is the model in use. Choose another model first."), model.name),
            )
            return False
        answer = QMessageBox.question(
            self.window,
            self.tr("Delete Model"),
            arg(self.tr("Delete the model %1? Its files are removed from the models folder."), model.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self._try(lambda: model_store().delete(model.path)) is not False

    def export(self, model: StoredModel) -> Path | None:
        kind = self.tr("ResLens Lite models (*.onnx)") if model.lite else self.tr("Weights (*.safetensors)")
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Export Model"), model.path.name, kind)
        if not path:
            return None
        return self._try(lambda: model_store().export(model.path, Path(path)))

    def export_deployment(self, model: StoredModel) -> DeployJob | None:
        """Ask where, then write NAME.fp32.onnx and NAME.int8.onnx in the background."""
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Export for Deployment"), model.path.stem, self.tr("ONNX models (*.onnx)")
        )
        if not path:
            return None
        stem = Path(path.removesuffix(".onnx"))
        self.job = DeployJob(model.path, stem, self.window)
        self.job.done.connect(lambda files: self._deployed(files))
        self.job.failed.connect(
            lambda message: QMessageBox.warning(self.window, self.tr("My Models"), message)
        )
        self.job.start()
        return self.job

    def _deployed(self, files: Any) -> None:
        QMessageBox.information(
            self.window,
            self.tr("Export for Deployment"),
            arg(self.tr("Wrote %1 and %2."), files.fp32.name, files.int8.name),
        )

    def open_folder(self) -> None:
        folder = model_store().folder
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _in_use(self, model: StoredModel) -> bool:
        asked = self.asked_for()
        return bool(asked) and Path(asked).resolve() == model.path.resolve()

    def _try(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except (ResLensError, OSError) as exc:
            QMessageBox.warning(self.window, self.tr("My Models"), error_text(exc))
            return False


class DeployJob(QThread):
    """``core.deploy.export_for_deployment`` off the GUI thread (tens of seconds: the ONNX
    export and int8's calibration); ``done(Deployed)`` or ``failed(message)`` when it ends."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, model: Path, stem: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model, self.stem = model, stem

    def run(self) -> None:
        from core.deploy import calibration_from_card, export_for_deployment
        from core.model_store import read_card
        from gui.messages import error_text

        try:
            whole = read_card(self.model)
            card = whole.get("card", whole)
            files = export_for_deployment(self.model, self.stem, calibration_from_card(card))
        except Exception as exc:  # noqa: BLE001 - reported in the window, never a dead thread
            self.failed.emit(error_text(exc))
            return
        self.done.emit(files)
