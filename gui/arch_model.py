"""The architecture tree: a Qt item model over ``core.summary``'s ``LayerNode`` tree.

The one top-level row is the network itself (with the totals); below it the stem, layer1..4
and the head, then blocks, then layers. Only column 0 has children. The model never copies the
tree: each index points at its node (``createIndex(row, column, node)``), and a node's parent
and row come from a table built once per summary.

The Type column names each module by its kind in the interface language: in English the
PyTorch class (``BasicBlock``, ``Conv2d``), in Chinese the term of the ResNet write-up with the
class beside it (``基本残差块 (BasicBlock)``); a block's ``downsample`` and the stages
(``layer1``..``layer4``, ``Sequential`` both) get their own names. The search box matches both.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QGuiApplication, QPalette

from gui.i18n import arg

Index = QModelIndex | QPersistentModelIndex

COLUMNS = (  # translated when shown
    QT_TRANSLATE_NOOP("ArchTreeModel", "Layer"),
    QT_TRANSLATE_NOOP("ArchTreeModel", "Type"),
    QT_TRANSLATE_NOOP("ArchTreeModel", "Output shape"),
    QT_TRANSLATE_NOOP("ArchTreeModel", "Params"),
    QT_TRANSLATE_NOOP("ArchTreeModel", "MACs"),
)
NUMERIC = (3, 4)
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


class ArchTreeModel(QAbstractItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.summary: Any = None  # core.summary.ModelSummary
        self.title = ""
        self._parent: dict[int, tuple[Any, int]] = {}  # id(node) -> (parent node or None, row)
        self._text: dict[int, tuple[str, ...]] = {}
        self.explainable: frozenset[str] | None = None  # None: not known (yet), nothing greyed

    def set_summary(self, summary: Any, title: str = "", explainable: frozenset[str] | None = None) -> None:
        """Show ``summary`` (or nothing for ``None``); ``title`` names the root row; rows whose
        names are not in ``explainable`` (``core.cam.explainable_in``) are greyed."""
        self.beginResetModel()
        self.summary, self.title = summary, title
        self.explainable = explainable
        self._parent, self._text = {}, {}
        if summary is not None:
            self._index_tree(summary.root)
        self.endResetModel()

    def _index_tree(self, root: Any) -> None:
        # core.summary imports torch; a summary exists only once it has been imported.
        from core.summary import format_shape, human_count

        self._parent[id(root)] = (None, 0)
        for _, node in root.walk():
            for row, child in enumerate(node.children):
                self._parent[id(child)] = (node, row)
            self._text[id(node)] = (
                self.title if node is root and self.title else node.short_name,
                type_text(node),
                format_shape(node.output_shape),
                f"{node.params:,}",
                human_count(node.macs) if node.macs else "-",
            )

    def is_explainable(self, node: Any) -> bool:
        """Whether a click on ``node`` can re-compute a CAM (``True`` while not known)."""
        return self.explainable is None or bool(node.name) and node.name in self.explainable

    def why_not_explainable(self, node: Any) -> str:
        """Why Grad-CAM cannot use ``node``: shown as its tooltip."""
        shape = node.output_shape
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

    # -- structure --------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Bounds checked here rather than by hasIndex(), which calls rowCount() and columnCount()
        # back through Python: the views and the search proxy ask for every index of the tree.
        if self.summary is None or row < 0 or not 0 <= column < len(COLUMNS):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, self.summary.root) if row == 0 else QModelIndex()
        children = parent.internalPointer().children
        if parent.column() != 0 or row >= len(children):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent, _ = self._parent[id(index.internalPointer())]
        if parent is None:
            return QModelIndex()
        _, row = self._parent[id(parent)]
        return self.createIndex(row, 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if self.summary is None:
            return 0
        if not parent.isValid():
            return 1
        if parent.column() != 0:
            return 0
        return len(parent.internalPointer().children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    # -- content ----------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = index.internalPointer()
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text[id(node)][column]
        if role == ArchRole.NODE:
            return node
        if role == ArchRole.SEARCH:  # the class and the kind as shown: "Bottleneck" and "瓶颈块" both find it
            return f"{node.name} {node.type_name} {self._text[id(node)][1]}"
        if role == ArchRole.SORT:
            return (node.params, node.macs)[column - 3] if column in NUMERIC else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ArchRole.EXPLAINABLE:
            return self.is_explainable(node)
        if role == Qt.ItemDataRole.ForegroundRole and not self.is_explainable(node):
            return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.ToolTipRole:
            name = node.name or self.title
            return name if self.is_explainable(node) else f"{name}\n{self.why_not_explainable(node)}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("ArchTreeModel", COLUMNS[section]) if 0 <= section < len(COLUMNS) else None
        return None


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
