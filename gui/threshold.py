"""The "unknown" threshold control: a spin box in the toolbar, remembered per model.

Below the threshold a result reads *unknown (none of the N classes)* (``core.unknown``). Each
model starts at its card's calibrated value (none for ImageNet or a user's file); a value the
user sets is kept in the settings under that model's name. Changing it re-marks the rows already
shown, without classifying again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from core.paths import models_dir
from core.sources import BUNDLED_MODEL_NAME, DEFAULT, is_builtin
from core.unknown import default_threshold
from gui.settings import Settings


def weights_path(weights: str) -> Path | None:
    """The weights file whose JSON card may hold a calibrated threshold."""
    if weights == DEFAULT:
        return models_dir() / f"{BUNDLED_MODEL_NAME}.safetensors"
    return None if is_builtin(weights) else Path(weights)


def model_threshold(model: Any) -> float | None:
    """The calibrated threshold of a ``core.session.ModelInUse``, from its metadata or card."""
    return default_threshold(model.meta, weights_path(model.choice.weights))


class ThresholdControl(QObject):
    """Owns the spin box; ``changed`` carries the threshold in use (``None`` when off)."""

    changed = Signal(object)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._model_key = ""
        self.spin = QDoubleSpinBox(minimum=0.0, maximum=0.99, singleStep=0.01, decimals=2)
        self.spin.setSpecialValueText(self.tr("Off"))
        self.spin.setToolTip(
            self.tr(
                "Results whose top probability is below this threshold are shown as unknown "
                "(none of the model's classes). Off shows every result as its top class."
            )
        )
        self.spin.setEnabled(False)
        self.spin.valueChanged.connect(self._on_value)

    @property
    def threshold(self) -> float | None:
        value = round(self.spin.value(), 2)
        return value or None

    def show_model(self, model: Any) -> None:
        """Switch to ``model``'s threshold: the user's for it, else its calibrated one."""
        self._model_key = ""  # loading a value is not a user's choice to save
        saved = self.settings.threshold_for(model.name)
        value = saved if saved is not None else model_threshold(model)
        self.spin.setEnabled(True)
        self.spin.setValue(value or 0.0)
        self._model_key = model.name
        self.changed.emit(self.threshold)

    def _on_value(self, _value: float) -> None:
        if self._model_key:
            self.settings.set_threshold_for(self._model_key, self.threshold or 0.0)
            self.changed.emit(self.threshold)
