"""Measures an architecture off the GUI thread: build the ResNet, run ``core.summary.summarize``.

A summary needs a real forward pass (ResNet-152 takes a second or two on a CPU), so it runs in a
thread of its own; requests overtaken by a newer one are skipped. A Lite model file carries its
tree (measured by the full edition when it wrote the file), so the architecture panel shows that
one instead (:func:`core.lite.classifier.summary_of`) and never asks here: torch may be absent.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from core.errors import describe
from gui.lazy import HEAVY_IMPORTS, keep_triton_out


@dataclass(frozen=True)
class ArchKey:
    arch: str
    num_classes: int
    input_size: int = 224
    from_record: bool = False  # the tree a Lite model file carries, not one measured here


class SummaryWorker(QObject):
    # ArchKey, core.summary.ModelSummary, and the rows Grad-CAM can use (core.cam.explainable_in),
    # worked out here from the summary so the GUI thread neither imports core.cam nor walks torch.
    ready = Signal(object, object, object)
    failed = Signal(object, str)  # ArchKey, message

    def __init__(self) -> None:
        super().__init__()
        self.latest: ArchKey | None = None  # set by the GUI thread; older requests are skipped

    @Slot(object)
    def summarize(self, key: ArchKey) -> None:
        if self.latest is not None and key != self.latest:
            return
        try:
            keep_triton_out()
            with HEAVY_IMPORTS:
                from core.cam import explainable_in
                from core.resnet import build_resnet
                from core.summary import summarize
            summary = summarize(build_resnet(key.arch, num_classes=key.num_classes), key.input_size)
            explainable = explainable_in(summary)
        except Exception as exc:
            self.failed.emit(key, describe(exc))
        else:
            self.ready.emit(key, summary, explainable)
