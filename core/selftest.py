"""A check that an installed ResLens works: bundled model, samples, architecture tree.

Used by ``reslens --self-test`` (which adds the window, see ``gui/selftest.py``), by the bundle
check of the packaged app and by people reporting a problem. Each bundled sample is named after
its true class, optionally with a ``-variant`` suffix (``star.jpg``, ``star-drawn.jpg``), so
"all samples right" is a complete, offline test of decoding, preprocessing, weights and the
forward pass on the chosen device.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core import __version__


@dataclass
class SelfTestReport:
    """What the self-test found; ``ok`` only when every sample is classified as its name says."""

    version: str = __version__
    device: str = ""
    model: str = ""
    samples_right: int = 0
    samples_total: int = 0
    arch_params: int = 0
    seconds: float = 0.0
    wrong: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.errors
            and not self.wrong
            and self.samples_total > 0
            and self.samples_right == self.samples_total
            and self.arch_params > 0
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def sample_files(folder: Path | None = None) -> list[Path]:
    """The bundled sample images, in name order."""
    from core.images import IMAGE_EXTENSIONS
    from core.paths import samples_dir

    folder = samples_dir() if folder is None else folder
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)


def true_class(path: str | Path, categories: Sequence[str]) -> str:
    """A sample's class from its name: the stem (``star``), or the class before ``-variant``."""
    stem = Path(path).stem
    if stem in categories:
        return stem
    prefixes = [c for c in categories if stem.startswith(f"{c}-")]
    return max(prefixes, key=len) if prefixes else stem


def run_selftest(device: str = "auto") -> SelfTestReport:
    """Load the bundled model on ``device`` ("auto": the best one), classify the samples, summarise.

    Never raises for a failure of the installation: what went wrong is in ``report.errors``.
    """
    start = time.perf_counter()
    report = SelfTestReport()
    try:
        _check(report, device)
    except Exception as exc:  # noqa: BLE001 - a self-test reports every failure, it does not crash
        report.errors.append(f"{type(exc).__name__}: {exc}")
    report.seconds = round(time.perf_counter() - start, 2)
    return report


def _check(report: SelfTestReport, device: str) -> None:
    from core.opener import open_classifier, open_weights
    from core.sources import DEFAULT, ModelChoice
    from core.summary import summarize

    choice = ModelChoice(None, DEFAULT, device=device)
    loaded = open_weights(choice)
    report.device = str(loaded.device)
    report.model = loaded.description

    samples = sample_files()
    report.samples_total = len(samples)
    if not samples:
        report.errors.append("no sample images found in the bundled assets")
    classifier = open_classifier(choice, loaded)
    for result in classifier.classify([str(p) for p in samples], top_k=1):
        truth = true_class(result.source, loaded.meta.categories)
        if result.error is not None:
            report.wrong.append({"file": Path(result.source).name, "error": result.error})
        elif result.top is not None and result.top.label == truth:
            report.samples_right += 1
        else:
            predicted = result.top.label if result.top else None
            report.wrong.append({"file": Path(result.source).name, "predicted": predicted})
    report.device = str(classifier.device)  # after a fallback to the CPU, say so

    summary = summarize(loaded.model, loaded.meta.crop_size)
    report.arch_params = summary.total_params
