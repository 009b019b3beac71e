"""Routes Grad-CAM requests of the open previews to the engine and the answers back.

The layer is the window's: ``layer4`` until a row of the architecture panel is selected, and
every open preview is explained again at the new layer. Exports write the overlay and the raw
map (16-bit grey) with ``core.cam_map``, which both editions have.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from gui.i18n import arg
from gui.messages import text
from gui.results_model import Role

translate = QCoreApplication.translate

DEFAULT_LAYER = "layer4"  # core.cam.DEFAULT_LAYER, without importing torch at start-up


def per_layer_maps() -> str:
    """Why a Lite model has no heat map but layer4's (the tree's tooltips and the preview say
    it): without torch, :data:`core.edition.NEEDS_FULL`; in the full edition, the file's own
    limit (Grad-CAM at other layers needs the network's weights, which a Lite file keeps as a
    graph)."""
    from core.edition import NEEDS_FULL, has_torch

    if not has_torch():
        return text(NEEDS_FULL(translate("CamController", "A heat map at a layer other than layer4")))
    return translate(
        "CamController",
        "a ResLens Lite model file has its heat map at layer4 only; open its PyTorch weights "
        "for the other layers",
    )


def export_cam(answer: Any, image: Any, path: str | Path, opacity: float) -> tuple[Path, Path]:
    """Write the overlay to ``path`` and the map as 16-bit grey beside it, named as the CLI names
    it (``core.cam.raw_map_path``: ``x-cam.png`` -> ``x-cam16.png``)."""
    from core.cam_map import grey16, overlay, raw_map_path, save_png
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
            dialog.cam.status.setText(arg(self.tr("Could not export: %1"), describe(exc)))
            return None
        dialog.cam.status.setText(arg(self.tr("Saved %1 and %2."), written.name, grey.name))
        return written

    def _on_answer(self, answer: Any) -> None:
        asker, show = self._waiting.pop(answer.request_id, (None, None))
        if show is not None and asker in self._open:
            show(answer)

    def _forget(self, dialog: Any) -> None:
        if dialog in self._open:
            self._open.remove(dialog)
        self._waiting = {k: w for k, w in self._waiting.items() if w[0] is not dialog}


class ThumbnailCams(QObject):
    """View ▸ Show heat-maps on thumbnails: each row's top-1 Grad-CAM over its thumbnail.

    Lazy and never in the way: nothing is computed while the toggle is off; when on, the rows in
    view are explained first (then one page beyond), one request at a time through the engine's
    worker (``CamRequest``), and only while no classification runs. Each answer is shrunk to
    thumbnail size and kept per result (``(source, model, top-1)``), at most ``CACHE_SIZE`` of
    them; turning the toggle off drops them, so the overlays are gone. The table's thumbnail
    delegate (``gui.delegate.ThumbnailDelegate``) asks :meth:`overlay_for` when it paints.
    """

    CACHE_SIZE = 4000

    def __init__(
        self, engine: Any, view: Any, results: Any, side: int, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.engine, self.view, self.results, self.side = engine, view, results, side
        self.enabled = False
        self._cache: OrderedDict[tuple[str, str, str], QImage | None] = OrderedDict()  # None: no map
        self._in_flight: dict[int, tuple[str, str, str]] = {}
        engine.camReady.connect(self._on_answer)
        engine.finished.connect(lambda *_: self._pump())
        table = view.table
        table.verticalScrollBar().valueChanged.connect(lambda _value: self._pump())
        for signal in (view.proxy.rowsInserted, view.proxy.layoutChanged, view.proxy.modelReset):
            signal.connect(self._pump)
        view.thumbnail_delegate.overlay_for = self.overlay_for

    @staticmethod
    def key(result: Any) -> tuple[str, str, str]:
        return (result.source, result.model, result.top.label if result.top is not None else "")

    def set_enabled(self, on: bool) -> None:
        self.enabled = on
        if not on:
            self.clear()
        self._pump()
        self.view.table.viewport().update()

    def clear(self) -> None:
        """Forget every overlay (the toggle went off, or the model changed); answers in flight are dropped."""
        self._cache.clear()
        self._in_flight.clear()
        self.view.table.viewport().update()

    def overlay_for(self, result: Any) -> QImage | None:
        """The heat-map to lay over ``result``'s thumbnail, if on and computed."""
        if not self.enabled or not result.ok or result.top is None:
            return None
        return self._cache.get(self.key(result))

    def wanted(self) -> list[Any]:
        """Results still without a heat-map: those in view first, then one page below."""
        table, proxy = self.view.table, self.view.proxy
        rows = proxy.rowCount()
        if rows == 0:
            return []
        first = max(table.rowAt(0), 0)
        last = table.rowAt(table.viewport().height() - 1)
        last = rows - 1 if last < 0 else last
        page = last - first + 1
        order = list(range(first, last + 1)) + list(range(last + 1, min(rows, last + 1 + page)))
        out = []
        for row in order:
            result = proxy.index(row, 0).data(Role.RESULT)
            if (
                result is not None
                and result.ok
                and result.top is not None
                and self.key(result) not in self._cache
            ):
                out.append(result)
        return out

    def _pump(self, *_args: Any) -> None:
        if not self.enabled or self._in_flight or self.engine.busy:
            return
        for result in self.wanted():
            key = self.key(result)
            source = self.results.source_of(result.source)
            request_id = self.engine.explain(source, result.source, result.top.label, DEFAULT_LAYER)
            self._in_flight[request_id] = key
            return

    def _on_answer(self, answer: Any) -> None:
        key = self._in_flight.pop(answer.request_id, None)
        if key is None:
            return  # a preview's, or one asked before the toggle went off
        colours = answer.colours
        image = None
        if answer.error is None and colours is not None and not colours.isNull():
            image = colours.scaled(
                self.side,
                self.side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self._cache[key] = image
        while len(self._cache) > self.CACHE_SIZE:
            self._cache.popitem(last=False)
        self.view.table.viewport().update()
        self._pump()
