"""The main toolbar: the File actions, the architecture panel's toggle, Top-k and the threshold.

Each spin box travels with its label in one widget: when the window is too narrow the toolbar
moves whole items into its overflow menu, so "Top-k:" never stays behind while its box goes.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolBar, QWidget

from gui.actions import Actions

translate = QCoreApplication.translate


def labelled(text: str, field: QWidget) -> QWidget:
    """``text`` and ``field`` side by side, as one toolbar item (the label is the field's buddy)."""
    pair = QWidget()
    label = QLabel(text)
    label.setBuddy(field)
    row = QHBoxLayout(pair)
    row.setContentsMargins(6, 0, 0, 0)
    row.setSpacing(3)
    row.addWidget(label)
    row.addWidget(field)
    return pair


def build_toolbar(actions: Actions, panel_toggle: QAction, top_k: QWidget, threshold: QWidget) -> QToolBar:
    bar = QToolBar(translate("Actions", "Main"), objectName="main-toolbar", movable=False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    f = actions.file
    for action in (f.open_images, f.open_folder, f.paste):
        bar.addAction(action)
    bar.addSeparator()
    for action in (f.export, f.clear):
        bar.addAction(action)
    bar.addSeparator()
    bar.addAction(panel_toggle)
    top_k.setToolTip(
        translate("Actions", "How many of the most likely classes to show for the images classified next")
    )
    bar.addSeparator()
    bar.addWidget(labelled(translate("Actions", "Top-k:"), top_k))
    bar.addWidget(labelled(translate("Actions", "Unknown below:"), threshold))
    return bar
