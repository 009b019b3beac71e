"""A check that an installed ResLens works: bundled model, samples, architecture tree.

Used by ``reslens --self-test`` (which adds the window, see ``gui/selftest.py``), by the bundle
check of the packaged app and by people reporting a problem. Each bundled sample is named after
its true class, optionally with a ``-variant`` suffix (``star.jpg``, ``star-drawn.jpg``), so
"all samples right" is a complete, offline test of decoding, preprocessing, weights and the
forward pass on the chosen device.

Two editions, two checks of the same shape: :func:`run_selftest` loads the bundled weights with
torch; :func:`run_lite_selftest` opens the bundled Lite model file with ONNX Runtime
(:class:`core.lite.runtime.LiteModel`) and reads the architecture tree from its record, so it
never imports torch; :func:`lite_teach_check` is the Lite self-test's quick teach.
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
    edition: str = "full"
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


def run_lite_selftest(model: str | Path | None = None) -> SelfTestReport:
    """The Lite edition's :func:`run_selftest`: ``model`` (default: the bundled Lite model file)
    with ONNX Runtime on the CPU, the samples, and the architecture tree stored in the file.

    Never raises for a failure of the installation: what went wrong is in ``report.errors``.
    """
    start = time.perf_counter()
    report = SelfTestReport(edition="lite", device="cpu")
    try:
        _check_lite(report, model)
    except Exception as exc:  # noqa: BLE001 - a self-test reports every failure, it does not crash
        report.errors.append(f"{type(exc).__name__}: {exc}")
    report.seconds = round(time.perf_counter() - start, 2)
    return report


def _check_lite(report: SelfTestReport, path: str | Path | None) -> None:
    from core.lite.cli import bundled_lite_path
    from core.lite.runtime import LiteModel

    model = LiteModel(bundled_lite_path() if path is None else path)
    report.model = model.model_tag
    samples = sample_files()
    report.samples_total = len(samples)
    if not samples:
        report.errors.append("no sample images found in the bundled assets")
    _score(report, model.classify([str(p) for p in samples], top_k=1), model.meta.categories)
    report.arch_params = tree_params(model.tree)
    if report.arch_params <= 0:
        report.errors.append("the model file has no architecture tree")


def tree_params(tree: dict[str, Any] | None) -> int:
    """The parameter count at the root of a Lite model's architecture tree (0 when there is none).

    The root's ``params`` is checked against the sum of every node's own parameters, so a tree
    that is present but broken does not pass the self-test either.
    """
    if not tree:
        return 0

    def own(node: dict[str, Any]) -> int:
        return int(node.get("own_params", 0)) + sum(own(c) for c in node.get("children", ()))

    total = int(tree.get("params", 0))
    return total if total == own(tree) else 0


def lite_teach_check(data: Path, out: Path, model: str | Path | None = None) -> tuple[int, int]:
    """Teach a quick head on ``data`` (one sub-folder per class) over ``model`` (default: the
    bundled Lite model), write it to ``out``, reopen it and classify ``data`` with it.

    Returns ``(right, total)`` on the training pictures: a saved head that cannot even sort the
    pictures it was fitted on means the features, the fit or the file are broken.
    """
    from core.lite.cli import bundled_lite_path
    from core.lite.quick_train import quick_train
    from core.lite.runtime import LiteModel

    outcome = quick_train(data, bundled_lite_path() if model is None else model, out)
    taught = LiteModel(outcome.path)
    results = taught.classify(str(data), top_k=1)
    right = sum(r.top is not None and r.top.label == Path(r.source).parent.name for r in results)
    return right, len(results)


def _score(report: SelfTestReport, results: Sequence[Any], categories: Sequence[str]) -> None:
    """Count each classified sample right or wrong (wrong ones listed) into ``report``."""
    for result in results:
        truth = true_class(result.source, categories)
        if result.error is not None:
            report.wrong.append({"file": Path(result.source).name, "error": result.error})
        elif result.top is not None and result.top.label == truth:
            report.samples_right += 1
        else:
            predicted = result.top.label if result.top else None
            report.wrong.append({"file": Path(result.source).name, "predicted": predicted})


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
    _score(report, classifier.classify([str(p) for p in samples], top_k=1), loaded.meta.categories)
    report.device = str(classifier.device)  # after a fallback to the CPU, say so

    summary = summarize(loaded.model, loaded.meta.crop_size)
    report.arch_params = summary.total_params
