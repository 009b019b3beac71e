"""Grad-CAM (core.cam): it points at the symbol, follows it, changes with the layer, leaks nothing,
and its coordinates are those of the original picture after EXIF orientation."""

from __future__ import annotations

import gc
import math
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from core.cam import CamResult, GradCam, cam_layers, crop_box, grey16, overlay, resolve_layer, save_png
from core.errors import OutputError, UsageError
from core.metadata import ModelMeta
from core.weights import load_weights


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """One torch thread for these tests: on a busy 2-core machine OpenMP's spinning threads made
    each CAM ~10x slower (bench/cam_speed.py). Restored afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def loaded():
    return load_weights(None)


@pytest.fixture(scope="module")
def cam(loaded):
    return GradCam.from_loaded(loaded)


def star(centre: tuple[float, float], radius: float = 26, size: tuple[int, int] = (128, 128)) -> Image.Image:
    """A dark five-pointed star on white, the kind of drawing a user makes in the sketch pad."""
    image = Image.new("RGB", size, "white")
    cx, cy = centre
    points = [
        (
            cx + (radius if i % 2 == 0 else 0.45 * radius) * math.cos(-math.pi / 2 + i * math.pi / 5),
            cy + (radius if i % 2 == 0 else 0.45 * radius) * math.sin(-math.pi / 2 + i * math.pi / 5),
        )
        for i in range(10)
    ]
    ImageDraw.Draw(image).polygon(points, fill=(20, 20, 160))
    return image


def test_symbol_in_the_left_half_peaks_in_the_left_half(cam) -> None:
    result = cam.explain(star((34, 64)))
    assert result.label == "star"
    assert result.peak is not None and result.peak[0] < 64
    x0, y0, x1, y1 = result.box()
    assert x0 < 34 < x1 and x1 <= 96  # the hot region covers the star, not the right side


@pytest.mark.parametrize(
    "first, second",
    [((34, 64), (94, 64)), ((36, 36), (92, 92)), ((92, 36), (36, 92))],
)
def test_moving_the_symbol_moves_the_peak(cam, first, second) -> None:
    a, b = cam.explain(star(first)).peak, cam.explain(star(second)).peak
    for axis in (0, 1):
        if first[axis] != second[axis]:
            assert (a[axis] < b[axis]) == (first[axis] < second[axis])
            assert abs(a[axis] - b[axis]) >= 20


def test_another_layer_gives_another_map(loaded) -> None:
    image = star((34, 64))
    deep = GradCam.from_loaded(loaded, "layer4").explain(image)
    block = GradCam.from_loaded(loaded, "layer3.1").explain(image)
    early = GradCam.from_loaded(loaded, "layer1").explain(image)
    assert (deep.grid.shape, block.grid.shape, early.grid.shape) == ((2, 2), (4, 4), (16, 16))
    assert deep.layer == "layer4" and block.layer == "layer3.1"
    assert np.abs(deep.heatmap() - block.heatmap()).max() > 0.2
    assert np.abs(block.heatmap() - early.heatmap()).max() > 0.2
    # the class and its probability do not depend on where we look
    assert deep.label == block.label == early.label
    assert deep.probability == pytest.approx(early.probability, abs=1e-6)


def _hook_count(model: torch.nn.Module) -> int:
    return sum(
        len(m._forward_hooks) + len(m._forward_pre_hooks) + len(m._backward_hooks) for m in model.modules()
    )


def _live_objects() -> tuple[int, int]:
    """Python objects and torch tensors alive after a full collection."""
    gc.collect()
    objects = gc.get_objects()
    with warnings.catch_warnings():  # isinstance on some torch module objects warns
        warnings.simplefilter("ignore")
        return len(objects), sum(1 for obj in objects if isinstance(obj, torch.Tensor))


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: RSS is not checked
        return 0


def test_no_hooks_and_no_growth_after_100_cams(loaded) -> None:
    cam = GradCam.from_loaded(loaded)
    image = star((40, 70))
    layers = ("layer4", "layer3", "layer2.1")
    for index in range(15):  # warm-up: allocator pools, lazy imports, every layer once
        cam.layer = layers[index % 3]
        cam.explain(image).box()
    objects, tensors = _live_objects()
    rss = _rss_bytes()
    for index in range(100):
        cam.layer = layers[index % 3]
        cam.explain(image).box()
    grown_objects, grown_tensors = _live_objects()
    assert _hook_count(loaded.model) == 0
    assert grown_tensors == tensors
    assert grown_objects - objects < 100, f"{grown_objects - objects} more Python objects after 100 CAMs"
    assert _rss_bytes() - rss < 20 * 2**20, "resident memory grew by more than 20 MiB over 100 CAMs"
    assert not loaded.model.training


def test_hook_removed_and_mode_restored_when_the_layer_is_unusable(loaded) -> None:
    cam = GradCam.from_loaded(loaded, "layer1.0.relu")  # one ReLU module runs twice per block
    loaded.model.train()
    try:
        with pytest.raises(UsageError, match="runs 2 times"):
            cam.explain(star((64, 64)))
        assert loaded.model.training
    finally:
        loaded.model.eval()
    assert _hook_count(loaded.model) == 0
    with pytest.raises(UsageError, match="gives no feature map"):
        GradCam.from_loaded(loaded, "fc").explain(star((64, 64)))
    assert _hook_count(loaded.model) == 0


def test_layer_names(loaded) -> None:
    assert resolve_layer(loaded.model, "stem") == "maxpool"
    assert resolve_layer(loaded.model, "layer2.1.conv2") == "layer2.1.conv2"
    with pytest.raises(UsageError, match="layer5.*choose one of: stem, layer1, layer1.0"):
        resolve_layer(loaded.model, "layer5")
    assert GradCam.from_loaded(loaded, "stem").explain(star((64, 64))).grid.shape == (16, 16)


def test_class_by_label_and_index_and_unknown_label(cam, loaded) -> None:
    image = star((64, 64))
    top = cam.explain(image)
    ring = cam.explain(image, target="ring")
    assert ring.label == "ring" and ring.class_index == loaded.meta.categories.index("ring")
    assert ring.probability == pytest.approx(top.probabilities[ring.class_index])
    assert ring.probability < top.probability
    assert cam.explain(image, target=top.class_index).label == top.label
    with pytest.raises(UsageError, match="unknown class 'dog'.*arrow, circle"):
        cam.explain(image, target="dog")
    with pytest.raises(UsageError, match="out of range"):
        cam.explain(image, target=12)


def test_probabilities_match_the_classifier(loaded) -> None:
    from core.inference import Classifier

    image = star((50, 60))
    result = GradCam.from_loaded(loaded).explain(image)
    classified = Classifier.from_loaded(loaded, optimize=False).classify([image], top_k=1)[0]
    assert result.label == classified.predictions[0].label
    assert result.probability == pytest.approx(classified.predictions[0].probability, abs=1e-5)


def _meta(resize: int, crop: int) -> ModelMeta:
    return ModelMeta(arch="resnet18", categories=("a", "b"), resize_size=resize, crop_size=crop)


def test_crop_box_follows_the_eval_transform() -> None:
    assert crop_box(96, 96, _meta(64, 64)) == (0, 0, 96, 96)
    assert crop_box(200, 100, _meta(64, 64)) == (50, 0, 150, 100)
    assert crop_box(100, 200, _meta(64, 64)) == (0, 50, 100, 150)
    # ImageNet's 256 -> 224: 640x480 becomes 341x256, the crop starts at (58, 16)
    x0, y0, x1, y1 = crop_box(640, 480, _meta(256, 224))
    assert (x0, y0) == pytest.approx((58 * 640 / 341, 16 * 480 / 256))
    assert (x1 - x0, y1 - y0) == pytest.approx((224 * 640 / 341, 224 * 480 / 256))
    # a crop larger than the resized image is padded: the box reaches outside the picture
    assert crop_box(100, 100, _meta(50, 60)) == (-10, -10, 110, 110)


def test_crop_box_agrees_with_torchvision_on_a_marked_image() -> None:
    """A white dot where the crop starts is the first thing the transformed tensor shows."""
    from core.images import build_transform

    meta = ModelMeta(
        arch="resnet18", categories=("a",), resize_size=64, crop_size=64, mean=(0, 0, 0), std=(1, 1, 1)
    )
    image = Image.new("RGB", (300, 150), "black")
    x0, y0, x1, y1 = crop_box(300, 150, meta)
    ImageDraw.Draw(image).rectangle([round(x0), 0, round(x0) + 2, 149], fill="white")
    ImageDraw.Draw(image).rectangle([round(x1) - 3, 0, round(x1) - 1, 149], fill="white")
    tensor = build_transform(meta)(image)
    columns = tensor[0].mean(dim=0)
    assert columns[0] > 0.5 and columns[-1] > 0.5 and columns[1:-1].max() < 0.5


def test_landscape_image_map_is_zero_outside_the_crop(cam) -> None:
    image = Image.new("RGB", (256, 128), "white")
    image.paste(star((60, 64)), (64, 0))  # the star at x = 124, inside the centre crop
    result = cam.explain(image)
    assert result.image_size == (256, 128)
    assert result.crop == pytest.approx((64, 0, 192, 128))
    heat = result.heatmap()
    assert heat.shape == (128, 256) and heat.dtype == np.float32
    assert heat[:, :64].max() == 0 and heat[:, 192:].max() == 0
    assert 0.99 <= heat.max() <= 1.0
    x0, _y0, x1, _y1 = result.box()
    assert x0 >= 64 and x1 <= 192 and x0 <= result.peak[0] < x1
    small = result.heatmap((64, 32))
    assert small.shape == (32, 64) and small[:, :16].max() == 0


def test_peak_and_box_follow_exif_orientation(cam, tmp_path) -> None:
    upright = Image.new("RGB", (160, 128), "white")
    upright.paste(star((48, 64)), (0, 0))  # star in the left part of a landscape picture
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what the camera wrote: 128 x 160
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    path = tmp_path / "rotated.jpg"
    stored.save(path, exif=exif, quality=95)
    result = cam.explain(path)
    assert result.source == str(path)
    assert result.image_size == (160, 128)
    assert result.label == "star"
    assert result.peak[0] < 80 and result.peak[0] >= 20  # left half, inside the centre crop
    x0, y0, x1, y1 = result.box()
    assert x1 <= 160 and y1 <= 128 and x0 <= result.peak[0] < x1 and y0 <= result.peak[1] < y1


def test_record_fields(cam) -> None:
    record = cam.explain(star((40, 40)), source="drawing").to_dict()
    assert set(record) >= {"source", "label", "probability", "layer", "cam_peak", "cam_box"}
    assert record["source"] == "drawing" and record["label"] == "star"
    assert len(record["cam_peak"]) == 2 and len(record["cam_box"]) == 4
    assert all(isinstance(v, int) for v in record["cam_peak"] + record["cam_box"])


def test_no_evidence_gives_no_peak() -> None:
    result = CamResult(
        source="x",
        layer="layer4",
        class_index=0,
        label="a",
        probability=0.5,
        probabilities=(0.5, 0.5),
        grid=np.zeros((2, 2), np.float32),
        scale=0.0,
        image_size=(10, 10),
        crop=(0, 0, 10, 10),
    )
    assert result.peak is None and result.box() is None
    assert result.to_dict()["cam_peak"] is None
    assert result.heatmap().max() == 0


def test_overlay_grey16_and_atomic_png(cam, tmp_path) -> None:
    image = star((40, 40))
    result = cam.explain(image)
    heat = result.heatmap()
    picture = overlay(image, heat, opacity=0.6)
    assert picture.size == image.size and picture.mode == "RGB"
    assert picture.getpixel(result.peak) != image.getpixel(result.peak)
    assert overlay(image, heat, opacity=0.0).tobytes() == image.tobytes()
    with pytest.raises(ValueError):
        overlay(image, result.heatmap((64, 64)))

    save_png(grey16(heat), tmp_path / "raw.png")
    with Image.open(tmp_path / "raw.png") as raw:
        assert raw.mode.startswith("I") and raw.size == image.size
        values = np.asarray(raw).astype(np.float64) / 65535
    assert np.abs(values - heat).max() < 1e-4
    save_png(picture, tmp_path / "cam.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cam.png", "raw.png"]  # no temporary left
    with pytest.raises(OutputError, match="cannot write into"):
        save_png(picture, tmp_path / "missing" / "cam.png")


def test_cam_layers_lists_what_the_tree_may_offer(loaded) -> None:
    layers = cam_layers(loaded.model, loaded.meta.crop_size)
    assert {
        "conv1",
        "maxpool",
        "layer1",
        "layer1.0",
        "layer3.1.conv2",
        "layer2.0.downsample",
        "layer4",
    } <= set(layers)
    assert not {"", "fc", "avgpool", "layer1.0.relu"} & set(layers)
    assert layers.index("layer1") < layers.index("layer4")
    assert _hook_count(loaded.model) == 0


def test_works_inside_inference_mode_and_from_a_worker_thread(loaded) -> None:
    """The GUI's worker may hold torch.inference_mode and call from its own thread."""
    import threading

    cam = GradCam.from_loaded(loaded)
    image = star((34, 64))
    expected = cam.explain(image).grid
    results = []
    with torch.inference_mode():
        batch = cam.transform(image).unsqueeze(0)
        maps, _probabilities, _indices = cam.compute(batch)
    worker = threading.Thread(target=lambda: results.append(cam.explain(image)))
    worker.start()
    worker.join()
    assert np.allclose(maps[0] / maps[0].max(), expected, atol=1e-5)
    assert np.allclose(results[0].grid, expected, atol=1e-6)
    assert _hook_count(loaded.model) == 0


def test_raw_map_path_is_the_clis_name_for_the_gui_too() -> None:
    from core.cam import raw_map_path

    assert raw_map_path(Path("out/star-cam.png")) == Path("out/star-cam16.png")
    assert raw_map_path(Path("out/Star-CAM.png")) == Path("out/Star-cam16.png")
    assert raw_map_path(Path("photo.png")) == Path("photo-cam16.png")
    assert raw_map_path("a/campus.png") == Path("a/campus-cam16.png")


@pytest.mark.parametrize("arch", ["resnet18", "resnet50"])
def test_the_summary_tells_the_same_layers_as_a_hooked_forward_pass(arch: str) -> None:
    """The architecture panel greys rows from the summary (no second forward pass); its answer
    must be the one cam_layers gets from a real pass, plus the stem group."""
    from core.cam import cam_layers, explainable_in
    from core.resnet import build_resnet
    from core.summary import summarize

    model = build_resnet(arch, num_classes=5)
    expected = set(cam_layers(model, 64)) | {"stem"}
    found = explainable_in(summarize(model, 64))
    assert found == expected
    assert {"layer4", "layer1.0", "conv1"} <= found
    assert not {"fc", "avgpool", "layer1.0.relu", "head", ""} & found
