"""The training window's Project menu: Save Project, Save Project As…, Open Project…, Open Recent.

A project (:mod:`core.projects`) is what the window shows, saved: the cards' classes and pictures,
what was added from the results since the last training, the plan's start and overrides, and the
models trained from it. Pictures pasted into the window (kept in the app's data folder) are copied
into the project's folder when it is saved, so the project owns them. The recent projects are kept
in QSettings. A picture that is missing when a project opens is listed in the status bar, not an
error: the rest of the project still opens and trains.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from core.errors import ResLensError
from gui.i18n import arg
from gui.messages import error_text

RECENT_KEY = "teach/recentProjects"
RECENT_MAX = 8
SUFFIX = ".reslens-project"
MISSING_SHOWN = 3  # missing pictures named in the status bar; the rest are counted


def recent_projects() -> list[str]:
    value = QSettings().value(RECENT_KEY, [])
    return [str(v) for v in (value if isinstance(value, list) else [value] if value else [])]


def remember(path: Path) -> None:
    paths = [str(path)] + [p for p in recent_projects() if p != str(path)]
    QSettings().setValue(RECENT_KEY, paths[:RECENT_MAX])


class ProjectMenu(QObject):
    """Saves and opens the projects of ``window`` (a :class:`gui.teach.window.TeachWindow`)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window: Any = window
        self.path: Path | None = None
        menu = window.menuBar().addMenu(self.tr("&Project"))
        self.open_action = menu.addAction(self.tr("&Open Project…"), self.ask_open)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.recent_menu = menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        menu.addSeparator()
        self.save_action = menu.addAction(self.tr("&Save Project"), self.save)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_as_action = menu.addAction(self.tr("Save Project &As…"), self.ask_save_as)
        self.save_as_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.fill_recent()

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in recent_projects():
            self.recent_menu.addAction(Path(path).name, lambda p=path: self.open(Path(p))).setToolTip(path)
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction(self.tr("No recent projects")).setEnabled(False)

    def save(self) -> bool:
        return self.save_as(self.path) if self.path is not None else self.ask_save_as()

    def ask_save_as(self) -> bool:
        name = self.window.name_edit.text().strip() or "project"
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            self.tr("Save Project"),
            name + SUFFIX,
            arg(self.tr("Teaching projects (*%1)"), SUFFIX),
        )
        if not path:
            return False
        if not path.endswith(SUFFIX):
            path += SUFFIX
        return self.save_as(Path(path))

    def save_as(self, path: Path) -> bool:
        """Write the window's project to ``path``; a refusal or failure is shown, not raised."""
        from core.projects import save_project
        from gui.teach.storage import data_dir

        try:
            saved = save_project(self.window.current_project(), path, adopt=[data_dir() / "pasted"])
        except (ResLensError, OSError) as exc:
            QMessageBox.warning(self.window, self.tr("Save Project"), error_text(exc))
            return False
        self.window.classes.sync_classes(saved.classes)  # pasted pictures: now the project's copies
        self._opened(path)
        self.window.statusBar().showMessage(arg(self.tr("Saved the project %1"), path.name))
        return True

    def ask_open(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Open Project"), "", arg(self.tr("Teaching projects (*%1)"), SUFFIX)
        )
        return bool(path) and self.open(Path(path))

    def open(self, path: Path) -> bool:
        """Show the project at ``path``; missing pictures are named in the status bar."""
        from core.projects import open_project

        try:
            opened = open_project(path)
        except ResLensError as exc:
            QMessageBox.warning(self.window, self.tr("Open Project"), error_text(exc))
            return False
        self.window.apply_project(opened.project)
        self._opened(path)
        status = self.window.statusBar()
        if opened.missing:
            names = ", ".join(p.name for p in opened.missing[:MISSING_SHOWN])
            more = len(opened.missing) - MISSING_SHOWN
            text = self.tr("%n picture(s) of the project not found: %1", "", len(opened.missing))
            status.showMessage(arg(text, names + (f" (+{more})" if more > 0 else "")))
        else:
            status.showMessage(arg(self.tr("Opened the project %1"), path.name))
        return True

    def _opened(self, path: Path) -> None:
        self.path = path
        remember(path)
        self.window.setWindowTitle(arg(self.tr("Train New Model · %1"), path.name))
