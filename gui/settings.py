"""Typed access to the settings that persist between runs (QSettings).

One attribute per setting, each with its key, default and type in one place. Tests pass their
own ``QSettings`` (an INI file in a temporary folder) so they never touch the user's settings.

The model asked for keeps 0.1.0's keys (``model/arch``, ``model/weights``, ``model/labels``,
``model/device``), so its settings files still work; the last model that loaded is kept apart
(``model/last_*``): at start, a request that cannot be had falls back to it. The backend
(``model/backend``: auto, the default, or torch, onnx, onnx-int8) goes with both; an unknown value
reads as torch.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from core.architectures import ARCH_NAMES
from core.backends import AUTO_BACKEND
from core.sources import AUTO_DEVICE, DEFAULT, ModelChoice, bundled_arch
from gui.language import SYSTEM, normalised

DEFAULT_TOP_K = 5
MAX_TOP_K = 10
RECENT_FILES = 5

T = TypeVar("T")


def _is_int_text(raw: object) -> bool:
    if isinstance(raw, int):
        return True
    try:
        int(str(raw).strip())
    except ValueError:
        return False
    return True


class _Setting(Generic[T]):
    """A descriptor reading and writing one QSettings key."""

    def __init__(self, key: str, default: T, type_: type) -> None:
        self.key, self.default, self.type = key, default, type_

    def __get__(self, obj: Settings | None, _owner: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        try:
            value = obj.store.value(self.key, self.default, type=self.type)
        except (TypeError, ValueError):  # a hand-edited or foreign value
            return self.default
        if self.type is int and not _is_int_text(obj.store.value(self.key, self.default)):
            return self.default  # QSettings reads "abc" as 0, not as a value to refuse
        return value

    def __set__(self, obj: Settings, value: T) -> None:
        obj.store.setValue(self.key, value)


class Settings:
    """The app's persistent choices. ``Settings()`` uses the application's default location."""

    image_dir = _Setting("paths/image_dir", "", str)
    folder_dir = _Setting("paths/folder_dir", "", str)
    export_dir = _Setting("paths/export_dir", "", str)
    weights_dir = _Setting("paths/weights_dir", "", str)
    _arch = _Setting("model/arch", "", str)
    weights = _Setting("model/weights", DEFAULT, str)  # a source key or a file path
    labels = _Setting("model/labels", "", str)  # "" = the labels that come with the weights
    device = _Setting("model/device", AUTO_DEVICE, str)
    backend = _Setting("model/backend", AUTO_BACKEND, str)  # core.backends.BACKENDS; new: auto
    _last_arch = _Setting("model/last_arch", "", str)  # the last model that loaded
    _last_weights = _Setting("model/last_weights", "", str)
    _last_labels = _Setting("model/last_labels", "", str)
    _recent = _Setting("model/recent_weights", "", str)  # weights files, one a line
    show_model_column = _Setting("results/show_model", False, bool)
    any_label = _Setting("results/filter_any_label", False, bool)
    thumbnail_cams = _Setting("results/thumbnail_cams", False, bool)  # heat-maps on thumbnails
    _top_k = _Setting("results/top_k", DEFAULT_TOP_K, int)
    _language = _Setting("ui/language", SYSTEM, str)  # gui.language.CHOICES; takes effect at start
    geometry = _Setting("window/geometry", QByteArray(), QByteArray)
    window_state = _Setting("window/state", QByteArray(), QByteArray)

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings()

    @property
    def arch(self) -> str:
        arch = self._arch
        return arch if arch in ARCH_NAMES else bundled_arch()

    @arch.setter
    def arch(self, value: str) -> None:
        self._arch = value

    @property
    def request(self) -> ModelChoice:
        """The model asked for (as 0.1.0 wrote it, too), normalised."""
        device = self.device or AUTO_DEVICE
        choice = ModelChoice(self.arch, self.weights or DEFAULT, self.labels, device, self.backend)
        return choice.normalised()

    @request.setter
    def request(self, choice: ModelChoice) -> None:
        self.arch, self.weights = choice.arch, choice.weights
        self.labels, self.device, self.backend = choice.labels, choice.device, choice.backend

    @property
    def last_good(self) -> ModelChoice | None:
        if not self._last_weights:
            return None
        last = ModelChoice(self._last_arch, self._last_weights, self._last_labels, self.device, self.backend)
        return last.normalised()

    @last_good.setter
    def last_good(self, choice: ModelChoice) -> None:
        self._last_arch, self._last_weights, self._last_labels = choice.arch, choice.weights, choice.labels

    @property
    def language(self) -> str:
        """View ▸ Language: ``system``, ``en`` or ``zh_CN``; an unknown value reads as ``system``."""
        return normalised(self._language)

    @language.setter
    def language(self, value: str) -> None:
        self._language = normalised(value)

    @property
    def recent_weights(self) -> list[str]:
        return [line for line in str(self._recent).splitlines() if line][:RECENT_FILES]

    def add_recent_weights(self, path: str) -> None:
        recent = [path, *(p for p in self.recent_weights if p != path)][:RECENT_FILES]
        self._recent = "\n".join(recent)

    @property
    def top_k(self) -> int:
        return min(max(int(self._top_k), 1), MAX_TOP_K)

    @top_k.setter
    def top_k(self, value: int) -> None:
        self._top_k = int(value)

    def threshold_for(self, model: str) -> float | None:
        """The "unknown" threshold the user set for this model (``0`` = off), ``None`` if never."""
        value = self.store.value(_threshold_key(model))
        try:
            return None if value is None else min(max(float(value), 0.0), 0.99)
        except (TypeError, ValueError):
            return None

    def set_threshold_for(self, model: str, value: float) -> None:
        self.store.setValue(_threshold_key(model), float(value))

    def sync(self) -> None:
        self.store.sync()


def _threshold_key(model: str) -> str:
    """One key per model name; QSettings treats ``/`` and ``\\`` in a key as groups."""
    return "unknown/" + model.replace("/", "_").replace("\\", "_")
