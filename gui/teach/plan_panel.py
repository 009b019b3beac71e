"""Where training starts from, the plan chosen from the data and why, and an Advanced section.

The plan is ``core.train.plan_training``'s: the window asks for it (off the GUI thread) whenever
the classes, the start or an override change, and this panel shows its reasons. Advanced fields
show the plan's values; a field the person edits becomes an override, the others follow the data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.architectures import ARCH_NAMES, pretty_arch
from core.sources import DEFAULT
from gui.i18n import arg
from gui.messages import text

PICK_FILE = "\0file"  # the combo entry that opens the file dialog
BUNDLED_ALIAS = "bundled"  # core.train.BUNDLED_ALIAS: the bundled model's old name (torch-free here)


class PlanPanel(QWidget):
    """``changed`` when the start or an override changes (the window plans again)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start_combo = QComboBox()
        for label, key in (
            (self.tr("The bundled model (offline)"), DEFAULT),
            (self.tr("ImageNet V1 (downloaded once)"), "imagenet-v1"),
            (self.tr("ImageNet V2 (downloaded once)"), "imagenet-v2"),
            (self.tr("Nothing: train from scratch"), "scratch"),
            (self.tr("A weights file…"), PICK_FILE),
        ):
            self.start_combo.addItem(label, key)
        self.start_combo.setToolTip(self.tr("The network whose features the new model starts from"))
        self._last_start = 0
        self.start_combo.activated.connect(self._on_start_chosen)
        self.reasons = QLabel(self.tr("The plan appears once there are classes to train on."))
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.PlainText)
        self.reasons.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.advanced = QGroupBox(self.tr("Advanced: override the plan"), checkable=True, checked=False)
        self.advanced.toggled.connect(self._on_advanced)
        self.fields: dict[str, QWidget] = {
            "epochs": QSpinBox(minimum=1, maximum=500),
            "lr": QDoubleSpinBox(decimals=5, minimum=1e-5, maximum=1.0, singleStep=1e-4),
            "min_scale": QDoubleSpinBox(decimals=2, minimum=0.05, maximum=1.0, singleStep=0.05),
            "hflip": QCheckBox(self.tr("Mirror images left-right")),
            "input_size": QSpinBox(minimum=16, maximum=1024, singleStep=16),
            "arch": QComboBox(),
            "fine_tune_from": QComboBox(),
        }
        tune = self.fields["fine_tune_from"]
        tune.addItem(self.tr("the whole network"), "all")  # type: ignore[attr-defined]
        for stage in ("layer1", "layer2", "layer3", "layer4"):  # core.train.STAGE_NAMES (torch-free here)
            tune.addItem(arg(self.tr("%1 on (earlier layers frozen)"), stage), stage)  # type: ignore[attr-defined]
        for arch in ARCH_NAMES:
            self.fields["arch"].addItem(pretty_arch(arch), arch)  # type: ignore[attr-defined]
        self._advanced_fields = QWidget()
        form = QFormLayout(self._advanced_fields)
        form.setContentsMargins(0, 0, 0, 0)
        QVBoxLayout(self.advanced).addWidget(self._advanced_fields)
        self._advanced_fields.hide()
        labels = {
            "epochs": self.tr("Epochs (at most)"),
            "lr": self.tr("Learning rate"),
            "min_scale": self.tr("Smallest crop (share of the image)"),
            "hflip": self.tr("Flips"),
            "input_size": self.tr("Input size (pixels)"),
            "arch": self.tr("Architecture"),
            "fine_tune_from": self.tr("Fine-tune"),
        }
        self.touched: set[str] = set()
        self._filling = False
        for key, widget in self.fields.items():
            form.addRow(labels[key], widget)
            self._on_edit(widget, lambda *_a, k=key: self._touch(k))
            widget.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        start = QFormLayout()
        start.addRow(self.tr("Start from"), self.start_combo)
        layout.addLayout(start)
        # The reasons scroll rather than squeeze: in a short window with Advanced open they are
        # taller than the room left (seen at 800x500).
        reasons_scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        reasons_scroll.setWidget(self.reasons)
        layout.addWidget(reasons_scroll, 1)
        layout.addWidget(self.advanced)

    @staticmethod
    def _on_edit(widget: QWidget, slot: Callable[..., None]) -> None:
        if isinstance(widget, QCheckBox):
            signal = widget.toggled
        elif isinstance(widget, QComboBox):
            signal = widget.activated
        else:
            signal = widget.valueChanged  # type: ignore[attr-defined]
        signal.connect(slot)

    # -- what the window asks -----------------------------------------------------------------

    @property
    def start(self) -> str:
        return str(self.start_combo.currentData())

    def set_start(self, start: str) -> None:
        """Select a start key or a weights file (added to the list); ``bundled``, the name saved
        settings may still hold, is the registry's ``default``."""
        start = DEFAULT if start == BUNDLED_ALIAS else start
        index = self.start_combo.findData(start)
        if index < 0:
            index = self.start_combo.count() - 1
            self.start_combo.insertItem(index, start.rsplit("/", 1)[-1], start)
            self.start_combo.setItemData(index, start, Qt.ItemDataRole.ToolTipRole)
        self.start_combo.setCurrentIndex(index)
        self._last_start = index
        self.changed.emit()

    def overrides(self) -> dict[str, Any]:
        """The fields the person changed, while Advanced is on."""
        if not self.advanced.isChecked():
            return {}
        return {key: _value(self.fields[key]) for key in sorted(self.touched)}

    def set_overrides(self, overrides: dict[str, Any]) -> None:
        """A project's overrides: Advanced on with these fields as the person set them (an unknown
        key, from a newer ResLens, is left out); none: Advanced off."""
        known = {k: v for k, v in overrides.items() if k in self.fields}
        self._filling = True
        try:
            self.touched = set(known)
            for key, value in known.items():
                _set_value(self.fields[key], value)
        finally:
            self._filling = False
        self.advanced.setChecked(bool(known))
        self.changed.emit()

    def show_plan(self, plan: Any) -> None:
        """The plan's reasons, and its values in the fields not overridden."""
        self.reasons.setText("\n".join(f"• {text(reason)}" for reason in plan.why))
        config = plan.config
        self._filling = True
        try:
            for key, widget in self.fields.items():
                if key in self.touched and self.advanced.isChecked():
                    continue
                value = getattr(config, key, None)
                if key == "arch" and value is None:
                    continue  # "as in the weights file"
                if value is not None:
                    _set_value(widget, value)
        finally:
            self._filling = False

    def show_problem(self, text: str) -> None:
        self.reasons.setText(text)

    # -- reactions ----------------------------------------------------------------------------

    def _on_start_chosen(self, index: int) -> None:
        if self.start_combo.itemData(index) == PICK_FILE:
            files = self.tr("Weights (*.safetensors *.pth *.pt);;All files (*)")
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Start from Weights"), "", files)
            if not path:
                self.start_combo.setCurrentIndex(self._last_start)
                return
            self.set_start(path)
            return
        self._last_start = index
        self.changed.emit()

    def _on_advanced(self, on: bool) -> None:
        self._advanced_fields.setVisible(on)
        for widget in self.fields.values():
            widget.setEnabled(on)
        if self.touched:
            self.changed.emit()

    def _touch(self, key: str) -> None:
        if not self._filling:
            self.touched.add(key)
            self.changed.emit()


def _value(widget: QWidget) -> Any:
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    return widget.value()  # type: ignore[attr-defined]


def _set_value(widget: QWidget, value: Any) -> None:
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(0, widget.findData(value)))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, QDoubleSpinBox):
        widget.setValue(float(value))
