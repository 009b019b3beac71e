"""Help ▸ Why Residual?: the experiment in a spawned process, live curves, Stop, the block diagram."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from core.degradation import ExperimentConfig
from gui.arch_panel import BLOCKS_LINK, ArchitecturePanel
from gui.block_diagram import BlockDiagram
from gui.residual import WhyResidualWindow, show_why_residual

TINY = ExperimentConfig(depths=(8, 14), steps=4, size=16, per_class=3, val_per_class=1, device="cpu")
PROCESS_TIMEOUT_MS = 180_000  # the spawned process imports torch


def _window(qtbot, config: ExperimentConfig) -> WhyResidualWindow:
    window = WhyResidualWindow(None, config)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_run_in_its_own_process_draws_four_curves(qtbot) -> None:
    window = _window(qtbot, TINY)
    assert [c.name() for c in window.curves] == ["plain-8", "residual-8", "plain-14", "residual-14"]
    assert "deeper plain network (14 layers)" in window.explanation.text()
    steps: list[int] = []
    window.runner.progress.connect(lambda r: steps.append(r.step) if r.stage == "train" else None)
    with qtbot.waitSignal(window.runner.finished, timeout=PROCESS_TIMEOUT_MS) as done:
        window.start()
        assert not window.start_button.isEnabled() and window.stop_button.isEnabled()
    result = done.args[0]
    assert window.runner.process.name == "reslens-degradation" and window.runner.process.pid != 0
    assert steps == [1, 2, 3, 4] and not result.stopped
    assert all(len(curve.getData()[0]) == 4 for curve in window.curves)
    assert "Training error after the last step" in window.status.text()
    assert window.start_button.isEnabled() and not window.stop_button.isEnabled()
    window.close()


def test_stop_ends_the_run_and_keeps_the_curves(qtbot) -> None:
    window = _window(qtbot, ExperimentConfig(depths=(8,), steps=10_000, size=16, per_class=3, device="cpu"))
    window.start()
    qtbot.waitUntil(lambda: window.errors and len(window.errors[0]) >= 2, timeout=PROCESS_TIMEOUT_MS)
    with qtbot.waitSignal(window.runner.finished, timeout=60_000) as done:
        window.stop_button.click()
    assert done.args[0].stopped and 2 <= done.args[0].nets[0].steps < 10_000
    assert "Stopped" in window.status.text() and len(window.curves[0].getData()[0]) >= 2
    window.close()


def test_closing_during_a_run_ends_the_process(qtbot) -> None:
    window = _window(qtbot, ExperimentConfig(depths=(8,), steps=10_000, size=16, per_class=3, device="cpu"))
    window.start()
    process = window.runner.process
    window.close()
    assert not process.is_alive() and not window.runner.running


def test_one_window_for_the_main_window(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    main = QWidget()
    qtbot.addWidget(main)
    first = show_why_residual(main, TINY)
    assert show_why_residual(main) is first and first.isVisible()
    first.close()


def test_the_block_diagram_names_both_blocks_and_paints(qtbot) -> None:
    diagram = BlockDiagram()
    qtbot.addWidget(diagram)
    diagram.resize(440, 330)
    assert diagram.titles() == ("Plain block", "Residual block")
    image = diagram.grab().toImage()
    orange = sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if image.pixelColor(x, y).name() == "#f57c00"
    )
    assert orange > 50  # the shortcut is drawn, in its colour


def test_block_details_explain_the_shortcut_and_open_the_diagram(qtbot) -> None:
    panel = ArchitecturePanel()
    qtbot.addWidget(panel)

    class Node:
        type_name, short_name, name = "BasicBlock", "0", "layer1.0"

    from gui.arch_panel import describe_node

    assert "shortcut" in describe_node(Node())
    panel._open_link(QUrl(BLOCKS_LINK))
    assert panel.block_diagram is not None and panel.block_diagram.isVisible()
    assert panel.block_diagram.findChild(BlockDiagram) is not None
    panel.block_diagram.close()
