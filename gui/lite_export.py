"""Model ▸ Export for ResLens Lite / ONNX…: the model in use as a Lite model file (full edition).

The file is written by :func:`core.lite.export.export_lite`, as ``reslens-cli export`` writes it,
off the GUI thread (exporting a ResNet-18 takes seconds, a ResNet-152 much longer). The output is
claimed before any work (:func:`core.lite.model_file.check_target`, which is
:func:`core.outputs.claim` with the format's own recogniser): a folder, a read-only place, or a
file the user made that is not a ResLens model is refused, never written over.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from core.errors import describe_message
from core.messages import Message
from core.sources import ModelChoice

translate = QCoreApplication.translate


class LiteExport(QObject):
    """One export at a time; ``finished`` carries the written path, or ``failed`` the reason."""

    finished = Signal(object)  # Path
    failed = Signal(object)  # Message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, choice: ModelChoice, out: Path) -> bool:
        """Claim ``out`` now (a refusal is ``failed`` at once), then export in a thread."""
        from core.lite import model_file

        if self.running:
            return False
        try:
            model_file.check_target(out, force=False)
        except Exception as exc:  # noqa: BLE001 - an output refused is said, not raised
            self.failed.emit(describe_message(exc))
            return False
        self._thread = threading.Thread(
            target=self._run, args=(choice, out), name="reslens-lite-export", daemon=True
        )
        self._thread.start()
        return True

    def _run(self, choice: ModelChoice, out: Path) -> None:
        """In the export thread; the signals queue into the GUI thread."""
        try:
            from core.lite.export import export_lite
            from core.opener import open_weights

            path = export_lite(open_weights(choice.with_device("cpu")), out)
        except Exception as exc:  # noqa: BLE001 - every failure is a message in the window
            self.failed.emit(describe_message(exc))
        else:
            self.finished.emit(path)

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


def ask_lite_path(parent: QWidget, folder: str, stem: str) -> Path | None:
    """Where to write the Lite model file (``.onnx`` added when missing), or None."""
    from core.lite.model_file import SUFFIX

    start = str(Path(folder or ".") / f"{stem}{SUFFIX}")
    path, _ = QFileDialog.getSaveFileName(
        parent,
        translate("LiteExport", "Export for ResLens Lite"),
        start,
        translate("LiteExport", "ResLens Lite models (*.onnx)"),
    )
    if not path:
        return None
    out = Path(path)
    return out if out.suffix.lower() == SUFFIX else out.with_name(out.name + SUFFIX)


def exported_text(path: Path) -> Message:
    """The message line after an export: where, and how big."""
    from core.lite.cli import WROTE

    return WROTE(str(path), f"{path.stat().st_size / 1e6:.1f}")
