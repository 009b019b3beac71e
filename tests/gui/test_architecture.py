"""The architecture panel: totals at the root, following the Model menu, search and details."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtTest import QAbstractItemModelTester

from core.resnet import build_resnet
from core.summary import summarize
from gui.arch_model import ArchRole, ArchTreeModel
from gui.worker import LOAD

PARAMS = 3  # column


def choose(window, group, data) -> None:
    next(a for a in group.actions() if a.data() == data).trigger()


def wait_root(qtbot, window, arch: str, classes: int) -> None:
    panel = window.arch_panel
    qtbot.waitUntil(
        lambda: (
            panel.shown_key is not None
            and (panel.shown_key.arch, panel.shown_key.num_classes) == (arch, classes)
        ),
        timeout=120_000,
    )


def test_root_totals_follow_the_model_in_use(qtbot, window, tmp_path) -> None:
    import torch

    panel = window.arch_panel
    meta = window.model_info.meta
    wait_root(qtbot, window, meta.arch, meta.num_classes)  # the bundled model, as loaded
    assert panel.root_text(0) == "ResNet-18"

    choose(window, window.actions.model.archs, "resnet50")
    # The bundled model is one architecture: asking for ResNet-50 means ImageNet weights, which
    # are offered for download rather than fetched behind the user's back. Meanwhile the panel,
    # like the menu and the status bar, shows the model that classifies.
    assert window.settings.weights == "imagenet-v2"
    qtbot.waitUntil(lambda: "Download" in window.banner.button_labels(), timeout=120_000)
    assert window.model_info.meta.arch == meta.arch and panel.key.arch == meta.arch
    assert [a.data() for a in window.actions.model.archs.actions() if a.isChecked()] == [meta.arch]

    path = tmp_path / "r50.pth"
    torch.save(build_resnet("resnet50", num_classes=10).state_dict(), path)
    with qtbot.waitSignal(window.engine.finished, timeout=120_000, check_params_cb=lambda d: d.job == LOAD):
        window.models.choose_weights(str(path))
    wait_root(qtbot, window, "resnet50", 10)
    assert panel.root_text(0) == "ResNet-50"
    assert panel.root_text(PARAMS) == f"{25_557_032 - 1000 * 2049 + 10 * 2049:,}"


def test_search_and_details(qtbot, window) -> None:
    panel = window.arch_panel
    wait_root(qtbot, window, window.model_info.arch, window.model_info.meta.num_classes)
    qtbot.keyClicks(panel.search, "downsample")
    proxy, matches = panel.proxy, []

    def walk(parent) -> None:
        for row in range(proxy.rowCount(parent)):
            index = proxy.index(row, 0, parent)
            matches.append(index.data(ArchRole.NODE).name)
            walk(index)

    walk(proxy.index(-1, -1))
    assert "layer2.0.downsample" in matches and "layer2.0" in matches  # with the path to it
    assert "layer2.0.downsample.0" in matches  # and what is inside
    assert not any(name.endswith("conv2") for name in matches)  # unrelated layers are hidden

    target = next(i for i in _indexes(proxy) if i.data(ArchRole.NODE).name == "layer2.0.downsample")
    panel.tree.selectionModel().setCurrentIndex(
        target, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    details = panel.details.toPlainText()
    assert "layer2.0.downsample" in details and "Parameters" in details and "Output shape" in details
    assert "projection shortcut" in details and "A stage" not in details  # a Sequential, not a stage

    panel.search.clear()
    assert proxy.rowCount(proxy.index(0, 0)) == 6  # stem, layer1..4, head


def _indexes(proxy, parent=None):
    parent = parent if parent is not None else proxy.index(-1, -1)
    for row in range(proxy.rowCount(parent)):
        index = proxy.index(row, 0, parent)
        yield index
        yield from _indexes(proxy, index)


def test_tree_model_passes_qt_model_tester(qtbot) -> None:
    model = ArchTreeModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_summary(summarize(build_resnet("resnet18", num_classes=10), 64), "ResNet-18")
    model.set_summary(summarize(build_resnet("resnet34", num_classes=10), 64), "ResNet-34")
    root = model.index(0, 0)
    assert model.rowCount() == 1 and model.rowCount(root) == 6
    assert model.index(0, PARAMS).data() == f"{model.summary.root.params:,}"
    assert model.rowCount(model.index(0, 1)) == 0  # only column 0 has children
    block = model.index(0, 0, model.index(1, 0, root))  # layer1.0
    assert block.data(ArchRole.NODE).name == "layer1.0"
    assert model.parent(block) == model.index(1, 0, root)
    model.set_summary(None)
    assert model.rowCount() == 0


def _row(panel, name: str):
    proxy = panel.tree.model()
    pending = [proxy.index(0, 0)]
    while pending:
        index = pending.pop()
        if index.data(ArchRole.NODE).name == name:
            return index
        pending += [proxy.index(row, 0, index) for row in range(proxy.rowCount(index))]
    raise AssertionError(f"no row {name}")


def test_rows_without_a_feature_map_are_greyed_and_not_offered_to_grad_cam(qtbot, window) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPalette

    panel = window.arch_panel
    wait_root(qtbot, window, window.model_info.arch, window.model_info.meta.num_classes)
    qtbot.waitUntil(lambda: panel.model.explainable is not None, timeout=60_000)
    grey = panel.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    for name in ("fc", "avgpool", "layer1.0.relu"):  # 1 x 1, a vector, a ReLU a block runs twice
        index = _row(panel, name)
        assert index.data(ArchRole.EXPLAINABLE) is False
        assert index.data(Qt.ItemDataRole.ForegroundRole) == grey
        assert "No heat-map" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "1 × 1" in _row(panel, "avgpool").data(Qt.ItemDataRole.ToolTipRole)
    assert "more than once" in _row(panel, "layer1.0.relu").data(Qt.ItemDataRole.ToolTipRole)
    for name in ("stem", "layer1", "layer3.1", "layer4.1.conv2"):
        index = _row(panel, name)
        assert index.data(ArchRole.EXPLAINABLE) is True
        assert index.data(Qt.ItemDataRole.ForegroundRole) is None

    chosen: list[str] = []
    panel.layerChosen.connect(chosen.append)
    panel.tree.setCurrentIndex(_row(panel, "fc"))  # greyed: the CAM stays where it was
    assert chosen == [] and "No heat-map" in panel.details.toPlainText()
    panel.tree.setCurrentIndex(_row(panel, "layer3"))
    assert chosen == ["layer3"]


def test_tree_is_answered_by_qt_without_python_callbacks() -> None:
    """The soak's stall (issue 10): a Python data()/index()/parent() needs the GIL for every one
    of the thousands of questions a view asks while it lays out the tree, and the inference thread
    holds it between torch calls. The tree must stay a filled QStandardItemModel."""
    from PySide6.QtGui import QStandardItemModel

    for name in ("data", "index", "parent", "rowCount", "columnCount", "flags", "hasChildren"):
        assert getattr(ArchTreeModel, name) is getattr(QStandardItemModel, name), name
