"""File ▸ Export Results: the save dialog and the write, with errors shown in the window."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QFileDialog, QStatusBar, QWidget

from core.results import ClassificationResult
from gui.i18n import arg
from gui.message_bar import MessageBar
from gui.settings import Settings

EXPORT_FILES = "CSV (*.csv);;JSON (*.json)"  # names of formats: the same in every language
translate = QCoreApplication.translate


class Exporting(QObject):
    """The translation context of this module, for its plural (lupdate reads one only from ``tr()``)."""


def export_dialog(parent: QWidget, settings: Settings, write: Callable[[Path], int]) -> None:
    start = str(Path(settings.export_dir or Path.home()) / "reslens-results.csv")
    path, chosen = QFileDialog.getSaveFileName(
        parent, translate("Exporting", "Export Results"), start, EXPORT_FILES
    )
    if path:
        if not Path(path).suffix:
            path += ".json" if "json" in chosen.lower() else ".csv"
        settings.export_dir = str(Path(path).parent)
        write(Path(path))


def export_to(
    path: Path, shown: Sequence[ClassificationResult], message: MessageBar, status: QStatusBar
) -> int:
    """Write ``shown`` (each row with its model): JSON for ``.json``, else CSV."""
    from core.errors import ResLensError, describe
    from core.export import write_csv, write_json

    try:
        (write_json if path.suffix.lower() == ".json" else write_csv)(list(shown), path)
    except (OSError, ResLensError) as exc:
        message.show_message(
            arg(translate("Exporting", "Could not export to %1: %2"), path, describe(exc)), "error"
        )
        return 0
    status.showMessage(arg(Exporting.tr("Exported %n result(s) to %1", "", len(shown)), path), 5000)
    return len(shown)
