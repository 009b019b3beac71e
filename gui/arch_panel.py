"""The architecture panel: a searchable tree of the network with a details pane.

It shows the architecture it is asked for (``show_architecture``); the window asks for the
model's architecture, number of classes and input size whenever they change. Summaries are
measured in a worker thread and remembered, so switching back is instant.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from core.architectures import pretty_arch as arch_label
from gui.arch_model import ArchFilterProxy, ArchRole, ArchTreeModel, type_text
from gui.explain import per_layer_maps
from gui.i18n import arg
from gui.summary_worker import ArchKey, SummaryWorker
from gui.threads import start_in_thread, stop_thread

CACHE_SIZE = 8

# What each kind of node does, for the details pane (students of the architecture read this).
# Marked for lupdate here, translated when shown (context "ArchitecturePanel").
EXPLAIN = {
    "ResNet": QT_TRANSLATE_NOOP(
        "ArchitecturePanel",
        "The whole network: stem, four stages of residual blocks, then the classifier head.",
    ),
    "Group": QT_TRANSLATE_NOOP(
        "ArchitecturePanel",
        "A group of the network's top-level modules, as the ResNet paper's Table 1 reads.",
    ),
    "Sequential": QT_TRANSLATE_NOOP(
        "ArchitecturePanel", "A stage: residual blocks at one resolution; its first block may downsample."
    ),
    "BasicBlock": QT_TRANSLATE_NOOP(
        "ArchitecturePanel",
        "A residual block: two 3×3 convolutions and a shortcut, out = relu(F(x) + shortcut(x)); "
        "the shortcut is the identity mapping unless the block downsamples.",
    ),
    "Bottleneck": QT_TRANSLATE_NOOP(
        "ArchitecturePanel",
        "A bottleneck block: 1×1 (reduce) → 3×3 → 1×1 (expand ×4) convolutions and a shortcut, "
        "out = relu(F(x) + shortcut(x)).",
    ),
    "Conv2d": QT_TRANSLATE_NOOP(
        "ArchitecturePanel", "A convolution: learned filters slid over the feature map."
    ),
    "BatchNorm2d": QT_TRANSLATE_NOOP(
        "ArchitecturePanel", "Normalises each channel, then scales and shifts it (2 parameters a channel)."
    ),
    "ReLU": QT_TRANSLATE_NOOP("ArchitecturePanel", "max(0, x), element by element; no parameters."),
    "MaxPool2d": QT_TRANSLATE_NOOP(
        "ArchitecturePanel", "Keeps the largest value of each window, halving the resolution."
    ),
    "AdaptiveAvgPool2d": QT_TRANSLATE_NOOP(
        "ArchitecturePanel",
        "Global average pooling: averages each channel over the whole map, for any input size.",
    ),
    "Linear": QT_TRANSLATE_NOOP("ArchitecturePanel", "The classifier: one score (logit) per class."),
}
# A block's projection shortcut is a Sequential too, but not a stage.
DOWNSAMPLE = QT_TRANSLATE_NOOP(
    "ArchitecturePanel",
    "Downsample: the projection shortcut, a strided 1×1 convolution and BatchNorm, so x matches "
    "F(x) in size and channels where the block changes them.",
)

# For BasicBlock and Bottleneck rows (issue 28): where the shortcut joins, and why out of place.
SHORTCUT_NOTE = QT_TRANSLATE_NOOP(
    "ArchitecturePanel",
    "The shortcut is added before the last ReLU, relu(F(x) + x): a block whose F(x) is zero passes x "
    "on unchanged, and the gradient reaches x through the addition undiminished. The addition makes "
    "a new tensor, never adds in place: autograd keeps tensors such as a convolution's input for the "
    "backward pass, and overwriting one (x += identity, or an in-place ReLU on the block's input) "
    "breaks the gradient.",
)
COMPARE_BLOCKS = QT_TRANSLATE_NOOP("ArchitecturePanel", "Compare a plain and a residual block…")
BLOCKS_LINK = "reslens:blocks"


def describe_node(node: Any) -> str:
    """What ``node`` does, in the interface's language ("" for a kind not described)."""
    text = DOWNSAMPLE if node.short_name == "downsample" else EXPLAIN.get(node.type_name, "")
    return QCoreApplication.translate("ArchitecturePanel", text) if text else ""


class ArchitecturePanel(QWidget):
    _request = Signal(object)  # ArchKey, to the worker
    layerChosen = Signal(str)  # a selected row's module name ("layer2.0", "stem"), for Grad-CAM

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ArchTreeModel(self)
        self.proxy = ArchFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.key: ArchKey | None = None  # what is asked for
        self.shown_key: ArchKey | None = None  # what the tree shows
        # ArchKey -> (core.summary.ModelSummary, the layer names Grad-CAM can use)
        self._cache: OrderedDict[ArchKey, tuple[Any, frozenset[str]]] = OrderedDict()
        self._worker: SummaryWorker | None = None
        self._thread = None
        self._closed = False
        self.block_diagram: QWidget | None = None  # opened from a block's details

        self.header = QLabel(wordWrap=True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.search = QLineEdit(
            placeholderText=self.tr("Search layers (name or type)…"), clearButtonEnabled=True
        )
        self.search.textChanged.connect(self._search)
        self.tree = QTreeView(uniformRowHeights=True, alternatingRowColors=True)
        self.tree.setModel(self.proxy)
        # Every column as wide as its contents: a narrow dock scrolls sideways, never cuts a name.
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The details follow the current row (the highlighted one), by mouse or keyboard.
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.details = QTextBrowser(openLinks=False)
        self.details.setPlaceholderText(self.tr("Select a layer to see its details."))
        # Both take the keyboard (arrows move, scroll): a ring says which has it, as the table's.
        self.tree.setStyleSheet("QTreeView:focus { border: 2px solid palette(highlight); }")
        self.details.setStyleSheet("QTextBrowser:focus { border: 2px solid palette(highlight); }")
        # Neither pane is squeezed below a few rows by a short window (HiDPI on a laptop screen).
        rows = self.tree.fontMetrics().height() + 4
        self.tree.setMinimumHeight(self.tree.header().sizeHint().height() + 4 * rows)
        self.details.setMinimumHeight(3 * rows)
        self.details.anchorClicked.connect(self._open_link)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.search)
        layout.addWidget(splitter, 1)

    # -- requests ---------------------------------------------------------------------------

    def show_architecture(
        self, arch: str, num_classes: int, input_size: int = 224, tree: dict[str, Any] | None = None
    ) -> None:
        """Show ``arch``'s tree: measured with torch in the summary worker, or ``tree``, a Lite
        model's record (plain data measured when the file was written: no torch needed)."""
        key = ArchKey(arch, num_classes, input_size, from_record=tree is not None)
        if key == self.key or self._closed:
            return
        self.key = key
        if tree is not None:
            from core.lite.cam import LAYER
            from core.lite.classifier import summary_of

            summary = summary_of(tree, input_size)
            if summary is None:
                self._on_failed(key, self.tr("the model file holds no architecture tree"))
            else:
                self._on_ready(key, summary, frozenset({LAYER}))
            return
        if key in self._cache:
            self._cache.move_to_end(key)
            self._show(key, *self._cache[key])
            return
        self.header.setText(arg(self.tr("Measuring %1…"), self._describe(key)))
        self.model.set_summary(None)  # never a tree under another network's name
        self.shown_key = None
        self.details.clear()
        worker = self._start_worker()
        worker.latest = key
        self._request.emit(key)

    def _start_worker(self) -> SummaryWorker:
        if self._worker is None:
            self._worker = SummaryWorker()
            self._request.connect(self._worker.summarize)
            self._worker.ready.connect(self._on_ready)
            self._worker.failed.connect(self._on_failed)
            self._thread = start_in_thread(self._worker, "reslens-summary", self)
        return self._worker

    def shutdown(self) -> None:
        """Wait for the summary being measured, if any; measure nothing more."""
        self._closed = True
        if self._thread is not None:
            stop_thread(self._thread)

    def _on_ready(self, key: ArchKey, summary: Any, explainable: frozenset[str]) -> None:
        self._cache[key] = (summary, explainable)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        if key == self.key:
            self._show(key, summary, explainable)

    def _on_failed(self, key: ArchKey, message: str) -> None:
        if key == self.key:
            self.header.setText(arg(self.tr("Could not measure %1: %2"), self._describe(key), message))

    # -- display ----------------------------------------------------------------------------

    def _show(self, key: ArchKey, summary: Any, explainable: frozenset[str]) -> None:
        from core.summary import human_count  # loaded with the summary

        root = summary.root
        reason = per_layer_maps() if key.from_record else ""
        self.model.set_summary(summary, arch_label(key.arch), explainable, reason)
        self.shown_key = key
        totals = arg(
            self.tr("%1 parameters · %2MACs (%3FLOPs) per image"),
            f"{root.params:,}",
            human_count(root.macs),
            human_count(root.flops),
        )
        self.header.setText(f"{self._describe(key)}\n{totals}")
        self.tree.clearSelection()
        self.details.clear()
        self._search(self.search.text())  # the search kept applies to the new tree, whole

    def _expand_default(self) -> None:
        """The root open on its stages; stages open on their blocks when asked."""
        self.tree.collapseAll()
        self.tree.expand(self.proxy.index(0, 0))

    def _search(self, text: str) -> None:
        if text.strip() or self.proxy.filterRegularExpression().pattern():
            # Filtering walks the whole tree in Python: not for an empty search of an unfiltered tree.
            self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()
        else:
            self._expand_default()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = current.data(ArchRole.NODE) if current.isValid() else None
        self.details.setHtml(self._details_html(node) if node is not None else "")
        # A row Grad-CAM cannot use (greyed, its tooltip says why) keeps the CAM where it was.
        if node is not None and node.name and self.model.is_explainable(node):
            self.layerChosen.emit(node.name)

    def _details_html(self, node: Any) -> str:
        from core.summary import format_shape, human_count

        root = self.model.summary.root
        share = node.params / root.params if root.params else 0.0
        rows = [
            (self.tr("Name"), node.name or arch_label(self.shown_key.arch if self.shown_key else "")),
            (self.tr("Type"), type_text(node)),
            (self.tr("Output shape"), format_shape(node.output_shape)),
            (
                self.tr("Parameters"),
                arg(self.tr("%1 (%2 of the network)"), f"{node.params:,}", _share(share)),
            ),
            (self.tr("Its own parameters"), f"{node.own_params:,}"),
            (self.tr("Trainable"), f"{node.trainable_params:,}"),
            (
                self.tr("MACs"),
                arg(self.tr("%1 (%2, FLOPs = 2 × MACs)"), f"{node.macs:,}", human_count(node.macs)),
            ),
            (self.tr("Children"), str(len(node.children))),
        ]
        table = "".join(
            f"<tr><td style='padding-right:12px'><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        about = html.escape(describe_node(node))
        cam = (
            ""
            if self.model.is_explainable(node)
            else f"<p><i>{html.escape(self.model.why_not_explainable(node))}</i></p>"
        )
        if node.type_name in ("BasicBlock", "Bottleneck"):
            note = html.escape(QCoreApplication.translate("ArchitecturePanel", SHORTCUT_NOTE))
            link = html.escape(QCoreApplication.translate("ArchitecturePanel", COMPARE_BLOCKS))
            about += f"</p><p>{note}</p><p><a href='{BLOCKS_LINK}'>{link}</a>"
        return f"<p>{about}</p>{cam}<table cellspacing='1'>{table}</table>"

    def _open_link(self, url: Any) -> None:
        """The block details' link: the plain and the residual block side by side."""
        if url.toString() == BLOCKS_LINK:
            from gui.block_diagram import show_block_diagram

            self.block_diagram = show_block_diagram(self)

    def _describe(self, key: ArchKey) -> str:
        """ "ResNet-18 · 12 classes · input 64×64": the network the tree is (or will be) of."""
        classes = self.tr("%n class(es)", "", key.num_classes)
        return arg(self.tr("%1 · %2 · input %3×%3"), arch_label(key.arch), classes, key.input_size)

    def root_text(self, column: int) -> str:
        """The root row's text in ``column`` ("" while nothing is shown)."""
        return self.model.index(0, column).data() or ""


def _share(share: float) -> str:
    """12.3 %, 0.05 %, < 0.01 %: small shares keep a digit that means something."""
    if share == 0:
        return "0 %"
    if share < 0.0001:
        return "< 0.01 %"
    return f"{share * 100:.{1 if share >= 0.01 else 2}f} %"
