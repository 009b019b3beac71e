"""The architecture tree: a Qt item model over ``core.summary``'s ``LayerNode`` tree.

The one top-level row is the network itself (with the totals); below it the stem, layer1..4
and the head, then blocks, then layers. Only column 0 has children.

It is a ``QStandardItemModel`` filled once per summary, not a Python ``QAbstractItemModel``:
the view and the search proxy ask for thousands of indexes, parents and roles while the tree
is laid out, and every answer from a Python model needs the GIL, which the inference thread
holds between its torch calls. Filled items are answered in C++, so building the tree during a
5,000-image run no longer stalls the window (issue 10's soak).

The Type column names each module by its kind in the interface language: in English the
PyTorch class (``BasicBlock``, ``Conv2d``), in Chinese the term of the ResNet write-up with the
class beside it (``基本残差块 (BasicBlock)``); a block's ``downsample`` and the stages
(``layer1``..``layer4``, ``Sequential`` both) get their own names. The search box matches both.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSortFilterProxyModel, Qt
from PySide6.QtGui import QGuiApplication, QPalette, QStandardItem, QStandardItemModel

from gui.i18n import arg

COLUMNS = (  # translated when shown
    QT_TRANSLATE_NOOP("ArchTreeModel", "Layer"),
    QT_TRANSLATE_NOOP("ArchTreeModel", "Type"),
    QT_TRANSLATE_NOOP("ArchTreeModel", "Output shape"),
    QT_TRANSLATE_NOOP("ArchTreeModel", "Params"),
    QT_TRANSLATE_NOOP("ArchTreeModel", "MACs"),
)
NUMERIC = (3, 4)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # shown and selectable, never edited
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
translate = QCoreApplication.translate

# The Type column's text per module class (context "ArchType"): the source text is the class
# name itself, so English shows it unchanged; a translation names the kind of module.
TYPE_NAMES = {
    "ResNet": QT_TRANSLATE_NOOP("ArchType", "ResNet"),
    "Group": QT_TRANSLATE_NOOP("ArchType", "Group"),
    "BasicBlock": QT_TRANSLATE_NOOP("ArchType", "BasicBlock"),
    "Bottleneck": QT_TRANSLATE_NOOP("ArchType", "Bottleneck"),
    "Conv2d": QT_TRANSLATE_NOOP("ArchType", "Conv2d"),
    "BatchNorm2d": QT_TRANSLATE_NOOP("ArchType", "BatchNorm2d"),
    "ReLU": QT_TRANSLATE_NOOP("ArchType", "ReLU"),
    "MaxPool2d": QT_TRANSLATE_NOOP("ArchType", "MaxPool2d"),
    "AdaptiveAvgPool2d": QT_TRANSLATE_NOOP("ArchType", "AdaptiveAvgPool2d"),
    "Linear": QT_TRANSLATE_NOOP("ArchType", "Linear"),
}
# Module names whose role is more than their class (a Sequential is a stage or a shortcut).
ROLE_NAMES = {
    "downsample": QT_TRANSLATE_NOOP("ArchType", "Sequential (downsample)"),
    "stem": QT_TRANSLATE_NOOP("ArchType", "Group (stem)"),
    "head": QT_TRANSLATE_NOOP("ArchType", "Group (head)"),
}
STAGE_TYPE = QT_TRANSLATE_NOOP("ArchType", "Sequential (stage)")


def type_text(node: Any) -> str:
    """The Type column: ``node.type_name`` as the interface names that kind of module."""
    short = node.name.rsplit(".", 1)[-1] if node.name else ""
    role = ROLE_NAMES.get(short)
    if role is None and node.type_name == "Sequential" and short.startswith("layer"):
        role = STAGE_TYPE
    if role is not None:
        shown = translate("ArchType", role)
        return node.type_name if shown == role else shown  # English: the class, as before
    source = TYPE_NAMES.get(node.type_name)
    return translate("ArchType", source) if source else node.type_name


class ArchRole(IntEnum):
    NODE = Qt.ItemDataRole.UserRole + 1  # the LayerNode
    SEARCH = Qt.ItemDataRole.UserRole + 2  # "qualified.name Type", what the search box matches
    SORT = Qt.ItemDataRole.UserRole + 3  # raw numbers for the numeric columns
    EXPLAINABLE = Qt.ItemDataRole.UserRole + 4  # whether Grad-CAM can use this row's layer


class ArchTreeModel(QStandardItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels([translate("ArchTreeModel", c) for c in COLUMNS])
        self.summary: Any = None  # core.summary.ModelSummary
        self.title = ""
        self.explainable: frozenset[str] | None = None  # None: not known (yet), nothing greyed
        self.layer_reason = ""  # why a feature map has no heat map here (a Lite model: layer4 only)
        self._grey = QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)

    def set_summary(
        self,
        summary: Any,
        title: str = "",
        explainable: frozenset[str] | None = None,
        layer_reason: str = "",
    ) -> None:
        """Show ``summary`` (or nothing for ``None``); ``title`` names the root row; rows whose
        names are not in ``explainable`` (``core.cam.explainable_in``) are greyed. A model that
        explains fewer rows than Grad-CAM could (a Lite model: layer4) gives ``layer_reason``, the
        tooltip of the feature maps it cannot explain."""
        self.summary, self.title = summary, title
        self.explainable = explainable
        self.layer_reason = layer_reason
        # Built detached, then handed over in one call: one reset for the views, not one
        # insertion per row. The palette is read again: the theme may have changed since.
        self._grey = QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        root = self._row(summary.root) if summary is not None else None
        self.beginResetModel()
        self.blockSignals(True)
        self.removeRows(0, self.rowCount())
        if root is not None:
            self.appendRow(root)
        self.blockSignals(False)
        self.endResetModel()

    def _row(self, node: Any) -> list[QStandardItem]:
        """``node``'s row (one item per column), with its children's rows under column 0."""
        # core.summary imports torch; a summary exists only once it has been imported.
        from core.summary import format_shape, human_count

        is_root = node is self.summary.root
        texts = (
            self.title if is_root and self.title else node.short_name,
            type_text(node),
            format_shape(node.output_shape),
            f"{node.params:,}",
            human_count(node.macs) if node.macs else "-",
        )
        explainable = self.is_explainable(node)
        tooltip = node.name or self.title
        if not explainable:
            tooltip = f"{tooltip}\n{self.why_not_explainable(node)}"
        items = []
        for column, text in enumerate(texts):
            item = QStandardItem(text)
            item.setFlags(_FLAGS)
            item.setData(node, ArchRole.NODE)
            item.setData(explainable, ArchRole.EXPLAINABLE)
            item.setToolTip(tooltip)
            if column in NUMERIC:
                item.setData((node.params, node.macs)[column - 3], ArchRole.SORT)
                item.setTextAlignment(_RIGHT)
            if not explainable:
                item.setForeground(self._grey)
            items.append(item)
        # The class and the kind as shown: "Bottleneck" and "瓶颈块" both find it.
        items[0].setData(f"{node.name} {node.type_name} {texts[1]}", ArchRole.SEARCH)
        for child in node.children:
            items[0].appendRow(self._row(child))
        return items

    def is_explainable(self, node: Any) -> bool:
        """Whether a click on ``node`` can re-compute a CAM (``True`` while not known)."""
        return self.explainable is None or bool(node.name) and node.name in self.explainable

    def why_not_explainable(self, node: Any) -> str:
        """Why Grad-CAM cannot use ``node``: shown as its tooltip."""
        shape = node.output_shape
        spatial = shape is not None and len(shape) == 4 and shape[2] * shape[3] > 1
        if self.layer_reason and node.name and spatial and node.calls <= 1:
            return arg(translate("ArchTreeModel", "No heat-map at this row: %1."), self.layer_reason)
        if not node.name:
            why = translate("ArchTreeModel", "choose a stage, block or layer of the network")
        elif shape is None or len(shape) != 4:
            why = translate("ArchTreeModel", "its output is a vector, not a feature map")
        elif shape[2] * shape[3] <= 1:
            why = translate("ArchTreeModel", "its output is 1 × 1: no map left to show where")
        else:
            why = translate(
                "ArchTreeModel",
                "it runs more than once per image (a block reuses it), so it has no single feature map",
            )
        return arg(translate("ArchTreeModel", "No heat-map at this row: %1."), why)


class ArchFilterProxy(QSortFilterProxyModel):
    """The search box: a layer is shown when its name or type matches, with its ancestors (so
    the path to it stays visible) and its descendants (so a matching block shows its layers)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setFilterRole(ArchRole.SEARCH)
        self.setFilterKeyColumn(0)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
