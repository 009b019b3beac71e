"""Routes Grad-CAM requests of the open previews to the engine and the answers back.

The layer is the window's: ``layer4`` until a row of the architecture panel is selected, and
every open preview is explained again at the new layer. Exports write the overlay and the raw
map (16-bit grey) with ``core.cam``; torch is already loaded by then (the worker made the map).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

DEFAULT_LAYER = "layer4"  # core.cam.DEFAULT_LAYER, without importing torch at start-up


def export_cam(answer: Any, image: Any, path: str | Path, opacity: float) -> tuple[Path, Path]:
    """Write the overlay to ``path`` and the map as 16-bit grey beside it, named as the CLI names
    it (``core.cam.raw_map_path``: ``x-cam.png`` -> ``x-cam16.png``)."""
    from core.cam import grey16, overlay, raw_map_path, save_png
    from core.images import load_rgb

    path = Path(path)
    heat = answer.result.heatmap()
    picture = load_rgb(image)
    return save_png(overlay(picture, heat, opacity), path), save_png(grey16(heat), raw_map_path(path))


class CamController(QObject):
    def __init__(self, engine: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.layer = DEFAULT_LAYER
        self._open: list[Any] = []  # previews with CAM controls, while they are open
        self._waiting: dict[int, tuple[Any, Callable[[Any], None]]] = {}  # id -> (asker, answer to)
        engine.camReady.connect(self._on_answer)

    def attach(self, dialog: Any) -> None:
        """Explain ``dialog``'s image now, and again when its class or the layer changes."""
        if dialog.cam is None:
            return
        self._open.append(dialog)
        dialog.cam.requested.connect(lambda _target, d=dialog: self.request(d))
        dialog.cam.exportRequested.connect(lambda d=dialog: self.export(d))
        dialog.finished.connect(lambda _code, d=dialog: self._forget(d))
        self.request(dialog)

    def request(self, dialog: Any) -> None:
        request_id = self.engine.explain(dialog.image, dialog.result.source, dialog.cam.target, self.layer)
        self._waiting[request_id] = (dialog, dialog.cam.show_answer)
        dialog.cam.waiting(self.layer)

    def attach_sketch(self, pad: Any, show: Callable[[Any], None]) -> None:
        """Classify and explain the sketch pad's drawing whenever it pauses (``pad.drawn``);
        ``show`` gets each answer."""
        self._open.append(pad)

        def explain(image: Any) -> None:
            self._waiting[self.engine.explain(image, "sketch", None, self.layer)] = (pad, show)

        pad.drawn.connect(explain)

    def set_layer(self, layer: str) -> None:
        """The architecture panel's choice: every open preview is explained at ``layer``."""
        self.layer = layer
        for dialog in self._open:
            if getattr(dialog, "cam", None) is not None:
                self.request(dialog)

    def export(self, dialog: Any) -> Path | None:
        answer = dialog.cam.answer
        stem = Path(dialog.result.source).stem or "image"
        start = str(Path.home() / f"{stem}-cam.png")
        path, _ = QFileDialog.getSaveFileName(dialog, self.tr("Export Heat-map"), start, "PNG (*.png)")
        if not path or answer is None:
            return None
        return self.export_to(dialog, Path(path))

    def export_to(self, dialog: Any, path: Path) -> Path | None:
        from core.errors import ResLensError, describe

        try:
            written, grey = export_cam(dialog.cam.answer, dialog.image, path, dialog.cam.opacity_value)
        except (OSError, ResLensError) as exc:
            dialog.cam.status.setText(self.tr("Could not export: {error}").format(error=describe(exc)))
            return None
        dialog.cam.status.setText(
            self.tr("Saved {overlay} and {grey}.").format(overlay=written.name, grey=grey.name)
        )
        return written

    def _on_answer(self, answer: Any) -> None:
        asker, show = self._waiting.pop(answer.request_id, (None, None))
        if show is not None and asker in self._open:
            show(answer)

    def _forget(self, dialog: Any) -> None:
        if dialog in self._open:
            self._open.remove(dialog)
        self._waiting = {k: w for k, w in self._waiting.items() if w[0] is not dialog}
