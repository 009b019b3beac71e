"""Corrections from the results (issue 26, item 3): the main window's "Add to class ▸" feeds the
training window's classes.

The training window registers itself with the main window's results view when it opens (the view
then lists its classes in the menu) and leaves when it closes; the main window itself needs no
code for it. The pictures become training pictures of the class, marked as added since the last
training (:meth:`core.projects.Project.add_images`), and Train uses them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget


class Corrections(QObject):
    """The link between one training window and the main window's results view (if any)."""

    def __init__(self, window: Any, main: QWidget | None) -> None:
        super().__init__(window)
        from gui.results_view import ResultsView

        self.window = window
        self.view: ResultsView | None = main.findChild(ResultsView) if main is not None else None
        if self.view is not None:
            self.view.class_names = self.class_names
            self.view.addToClass.connect(window.add_to_class)

    def class_names(self) -> list[str]:
        return [card.name for card in self.window.classes.cards if card.name]

    def detach(self) -> None:
        """The window closes: the menu offers a new class again (which opens a new window)."""
        if self.view is not None:
            self.view.class_names = None
            self.view.addToClass.disconnect(self.window.add_to_class)
            self.view = None
