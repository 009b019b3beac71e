"""Typed access to the settings that persist between runs (QSettings).

One attribute per setting, each with its key, default and type in one place. Tests pass their
own ``QSettings`` (an INI file in a temporary folder) so they never touch the user's settings.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from gui.choices import (
    ARCHITECTURES,
    AUTO_DEVICE,
    DEFAULT_ARCH,
    DEFAULT_SOURCE,
    DEFAULT_TOP_K,
    MAX_TOP_K,
)

T = TypeVar("T")


class _Setting(Generic[T]):
    """A descriptor reading and writing one QSettings key."""

    def __init__(self, key: str, default: T, type_: type) -> None:
        self.key, self.default, self.type = key, default, type_

    def __get__(self, obj: Settings | None, _owner: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        try:
            return obj.store.value(self.key, self.default, type=self.type)
        except (TypeError, ValueError):  # a hand-edited or foreign value
            return self.default

    def __set__(self, obj: Settings, value: T) -> None:
        obj.store.setValue(self.key, value)


class Settings:
    """The app's persistent choices. ``Settings()`` uses the application's default location."""

    image_dir = _Setting("paths/image_dir", "", str)
    folder_dir = _Setting("paths/folder_dir", "", str)
    export_dir = _Setting("paths/export_dir", "", str)
    weights_dir = _Setting("paths/weights_dir", "", str)
    _arch = _Setting("model/arch", DEFAULT_ARCH, str)
    weights = _Setting("model/weights", DEFAULT_SOURCE, str)  # a source key or a file path
    labels = _Setting("model/labels", "", str)  # "" = the labels that come with the weights
    device = _Setting("model/device", AUTO_DEVICE, str)
    _top_k = _Setting("results/top_k", DEFAULT_TOP_K, int)
    geometry = _Setting("window/geometry", QByteArray(), QByteArray)
    window_state = _Setting("window/state", QByteArray(), QByteArray)

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings()

    @property
    def arch(self) -> str:
        arch = self._arch
        return arch if arch in ARCHITECTURES else DEFAULT_ARCH

    @arch.setter
    def arch(self, value: str) -> None:
        self._arch = value

    @property
    def top_k(self) -> int:
        return min(max(int(self._top_k), 1), MAX_TOP_K)

    @top_k.setter
    def top_k(self, value: int) -> None:
        self._top_k = int(value)

    def sync(self) -> None:
        self.store.sync()
