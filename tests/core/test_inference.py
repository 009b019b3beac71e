"""The inference pipeline: every good file classified, every bad one reported, cancel, fallback."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from core.images import build_transform, load_rgb
from core.inference import Classifier
from core.metadata import ModelMeta
from core.resnet import resnet18
from tests.core.image_zoo import make_image_zoo

META = ModelMeta(arch="resnet18", categories=("red", "green", "blue"), crop_size=64, resize_size=64)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    torch.manual_seed(0)
    return Classifier(resnet18(num_classes=3), META, "cpu", decode_workers=2)


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    return make_image_zoo(tmp_path_factory.mktemp("zoo"))


def _photos(folder: Path, count: int, size: tuple[int, int] = (96, 80)) -> list[Path]:
    rng = np.random.default_rng(7)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
        path = folder / f"img_{i:03d}.png"
        Image.fromarray(pixels).save(path)
        paths.append(path)
    return paths


def test_zoo_good_files_classified_bad_files_reported(classifier, zoo) -> None:
    good, bad = zoo
    inputs = [*good.values(), *bad.values()]
    results = classifier.classify(inputs, top_k=2, batch_size=4)
    by_source = {r.source: r for r in results}
    assert len(results) == len(inputs)
    for path in good.values():
        result = by_source[str(path)]
        assert result.ok, (path.name, result.error)
        assert len(result.predictions) == 2
        assert result.predictions[0].probability >= result.predictions[1].probability
        assert result.predictions[0].label in META.categories
        assert result.width and result.height
    for name, path in bad.items():
        result = by_source[str(path)]
        assert not result.ok and result.error, name
        assert result.predictions == ()


def test_whole_zoo_folder_reports_every_bad_file(classifier, zoo) -> None:
    good, bad = zoo
    folder = next(iter(good.values())).parent
    results = {Path(r.source).name: r for r in classifier.classify([folder], batch_size=8)}
    assert {name for name, r in results.items() if r.ok} == set(good)
    errors = {name: r.error for name, r in results.items() if not r.ok}
    assert set(errors) == set(bad)
    assert "directory" in errors["x.jpg"] and "empty" in errors["empty.jpg"]
    assert "too large" in errors["huge.png"] and "truncated" in errors["truncated.jpg"]


def test_results_follow_input_order_and_top_k_is_clamped(classifier, tmp_path) -> None:
    paths = _photos(tmp_path / "a" / "nested", 5) + _photos(tmp_path / "b", 2)
    results = classifier.classify([tmp_path], top_k=10, batch_size=3)
    assert [r.source for r in results] == [str(p) for p in sorted(paths)]
    assert all(len(r.predictions) == 3 for r in results)
    total = [sum(p.probability for p in r.predictions) for r in results]
    assert total == pytest.approx([1.0] * len(results), abs=1e-5)


def test_in_memory_images(classifier) -> None:
    image = Image.new("RGB", (50, 70), (200, 30, 30))
    results = classifier.classify([("clipboard-1", image), image.convert("L")], top_k=1)
    assert [r.source for r in results] == ["clipboard-1", "image-1"]
    assert all(r.ok for r in results)


def test_batch_composition_does_not_change_results(classifier, tmp_path) -> None:
    paths = _photos(tmp_path, 6)
    one = classifier.classify(paths, batch_size=1)
    many = classifier.classify(paths, batch_size=6)
    for a, b in zip(one, many, strict=True):
        assert a.top.index == b.top.index
        assert a.top.probability == pytest.approx(b.top.probability, abs=1e-5)


def test_exif_rotated_equals_upright(classifier, zoo) -> None:
    good, _ = zoo
    rotated, upright = good["rotated.png"], good["upright.png"]
    transform = build_transform(META)
    with torch.inference_mode():
        logits = [classifier.model(transform(load_rgb(p))[None]) for p in (rotated, upright)]
    torch.testing.assert_close(logits[0], logits[1], rtol=0, atol=1e-4)
    r, u = classifier.classify([rotated, upright])
    assert r.top.index == u.top.index and (r.width, r.height) == (u.width, u.height)


def test_cancel_from_another_thread_returns_within_one_batch(classifier, tmp_path) -> None:
    paths = _photos(tmp_path, 48)
    cancel = threading.Event()
    first_batch_done = threading.Event()
    seen_at_cancel: list[int] = []
    results: list = []

    def on_progress(done: int, total: int) -> None:
        if done:
            first_batch_done.set()

    def run() -> None:
        results.extend(classifier.classify(paths, batch_size=4, on_progress=on_progress, cancel=cancel))

    worker = threading.Thread(target=run)
    worker.start()
    assert first_batch_done.wait(30)
    seen_at_cancel.append(len(results))
    cancel.set()
    worker.join(30)
    assert not worker.is_alive()
    assert 4 <= len(results) < len(paths)
    assert len(results) <= 4 * 2 + 4  # what was finished, plus at most the batch in flight
    assert [r.source for r in results] == [str(p) for p in paths[: len(results)]]
    assert all(r.ok and r.predictions for r in results)


def test_streaming_callbacks(classifier, tmp_path) -> None:
    paths = _photos(tmp_path, 7)
    streamed, progress = [], []
    results = classifier.classify(
        paths, batch_size=3, on_result=streamed.append, on_progress=lambda d, t: progress.append((d, t))
    )
    assert streamed == results
    assert progress == [(0, 7), (3, 7), (6, 7), (7, 7)]


def test_device_failure_falls_back_to_cpu_and_finishes(tmp_path) -> None:
    torch.manual_seed(0)
    model = resnet18(num_classes=3)
    reference = Classifier(model, META, "cpu", optimize=False)
    paths = _photos(tmp_path, 5)
    expected = reference.classify(paths)
    real_forward = model.forward

    def flaky_forward(x):
        if x.device.type != "cpu":
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real_forward(x)

    model.forward = flaky_forward
    classifier = Classifier(model, META, "cpu", optimize=False)
    classifier.device = torch.device("meta")  # pretend an accelerator that fails
    results = classifier.classify(paths, batch_size=2)
    assert classifier.device.type == "cpu"
    assert classifier.warnings and "continuing on the CPU" in classifier.warnings[0]
    assert [r.top.index for r in results] == [r.top.index for r in expected]
    assert all(r.ok for r in results)


def test_model_error_becomes_per_file_error(tmp_path) -> None:
    model = resnet18(num_classes=3)
    model.forward = lambda x: (_ for _ in ()).throw(ValueError("shape mismatch"))
    results = Classifier(model, META, optimize=False).classify(_photos(tmp_path, 3))
    assert len(results) == 3 and all("model failed" in r.error for r in results)


def test_optimized_copy_matches_the_model() -> None:
    torch.manual_seed(4)
    model = resnet18(num_classes=3).eval()
    x = torch.randn(2, 3, 64, 64)
    classifier = Classifier(model, META)
    with torch.inference_mode():
        expected = model(x)
        got = classifier.model(x.contiguous(memory_format=torch.channels_last))
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-4)
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())  # original untouched
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in classifier.model.modules())
