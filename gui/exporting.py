"""File ▸ Export Results: the save dialog and the write, with errors shown in the window."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QStatusBar, QWidget

from core.results import ClassificationResult
from gui.message_bar import MessageBar
from gui.settings import Settings

EXPORT_FILES = "CSV (*.csv);;JSON (*.json)"


def export_dialog(parent: QWidget, settings: Settings, write: Callable[[Path], int]) -> None:
    start = str(Path(settings.export_dir or Path.home()) / "reslens-results.csv")
    path, chosen = QFileDialog.getSaveFileName(parent, "Export Results", start, EXPORT_FILES)
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
        message.show_message(f"Could not export to {path}: {describe(exc)}", "error")
        return 0
    status.showMessage(f"Exported {len(shown)} results to {path}", 5000)
    return len(shown)
