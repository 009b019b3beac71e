"""Decoding every kind of file to RGB, clear errors for bad ones, folder walks, preprocessing."""

from __future__ import annotations

import contextlib
import os
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageFile

from core import images
from core.images import (
    IMAGE_EXTENSIONS,
    ImageDecodeError,
    build_transform,
    iter_image_files,
    load_rgb,
    make_thumbnail,
)
from core.metadata import ModelMeta
from tests.core.image_zoo import (
    ANIMATION_COLOURS,
    ZOO_SIZE,
    can_write_avif,
    make_image_zoo,
    scene,
    write_blank_png,
)

WIDTH, HEIGHT = ZOO_SIZE
LOSSLESS = ["upright.png", "rotated.jpg", "rotated.png", "lossless.webp", "picture.bmp", "picture.tif"]
# name -> largest mean absolute difference from upright.png, in 8-bit levels
LOSSY = {"rgb.jpg": 4, "cmyk.jpg": 4, "palette.gif": 10, "photo.avif": 4, "photo.heic": 4}
BAD_REASONS = {
    "empty.jpg": r"^empty file \(0 bytes\)$",
    "notes.jpg": r"^not an image \(or an unsupported format\)$",
    "truncated.jpg": r"^truncated or corrupt image data$",
    "huge.png": r"^image too large: 200,000,000 pixels \(limit 89,478,485\)$",
    "x.jpg": r"^is a directory$",
}


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], dict[str, Path]]:
    return make_image_zoo(tmp_path_factory.mktemp("zoo"))


@pytest.fixture(scope="module")
def good(zoo: tuple[dict[str, Path], dict[str, Path]]) -> dict[str, Path]:
    return zoo[0]


@pytest.fixture(scope="module")
def upright(good: dict[str, Path]) -> np.ndarray:
    return pixels(load_rgb(good["upright.png"]))


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image).astype(np.int16)


def finishes_within(seconds: float, call: Callable[[], Any]) -> Any:
    """Run ``call`` in a daemon thread; fail (instead of hanging the suite) if it blocks."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# --------------------------------------------------------------------------- good files


def test_zoo_has_every_kind_of_file(zoo: tuple[dict[str, Path], dict[str, Path]]) -> None:
    good, bad = zoo
    required = set(LOSSLESS) | {"rgb.jpg", "cmyk.jpg", "gray.png", "gray16.png", "rgba.png"}
    required |= {"palette.gif", "animated.gif", "bilevel.png", "palette_alpha.png"}
    assert required <= set(good)
    assert set(bad) == set(BAD_REASONS)
    assert all(path.name == name for name, path in {**good, **bad}.items())
    with Image.open(good["gray16.png"]) as gray16, Image.open(good["cmyk.jpg"]) as cmyk:
        assert (gray16.mode, cmyk.mode) == ("I;16", "CMYK")
        assert cmyk.info.get("adobe") is not None  # Adobe APP14: inverted CMYK, as Photoshop
    with Image.open(good["animated.gif"]) as animation:
        assert animation.n_frames == len(ANIMATION_COLOURS)


def test_every_good_file_becomes_8bit_rgb_of_its_size(good: dict[str, Path]) -> None:
    for name, path in good.items():
        image = load_rgb(path)
        assert (image.mode, image.size) == ("RGB", ZOO_SIZE), name
        assert np.asarray(image).dtype == np.uint8, name


@pytest.mark.parametrize("name", LOSSLESS)
def test_lossless_files_equal_the_upright_picture_exactly(
    good: dict[str, Path], upright: np.ndarray, name: str
) -> None:
    assert np.array_equal(pixels(load_rgb(good[name])), upright)


@pytest.mark.parametrize("name", sorted(LOSSY))
def test_lossy_files_are_close_to_the_upright_picture(
    good: dict[str, Path], upright: np.ndarray, name: str
) -> None:
    if name not in good:
        pytest.skip(f"this Pillow/pillow-heif cannot write {name}")
    error = np.abs(pixels(load_rgb(good[name])) - upright).mean()
    assert error < LOSSY[name]


def test_exif_rotated_files_really_are_stored_sideways(good: dict[str, Path]) -> None:
    for name, orientation in (("rotated.jpg", 6), ("rotated.png", 8)):
        with Image.open(good[name]) as stored:
            assert stored.size == (HEIGHT, WIDTH)
            assert stored.getexif()[0x0112] == orientation


def test_sixteen_bit_png_keeps_its_gradient(good: dict[str, Path]) -> None:
    grey = pixels(load_rgb(good["gray16.png"]))[:, :, 0]
    expected = np.rint(np.arange(WIDTH) * 255 / (WIDTH - 1))
    assert (grey.min(), grey.max()) == (0, 255)
    assert np.abs(grey - expected).max() <= 1
    assert np.all(np.diff(grey[0]) >= 0)


def test_transparency_is_composited_on_white(good: dict[str, Path], upright: np.ndarray) -> None:
    quarter = WIDTH // 4
    rgba = pixels(load_rgb(good["rgba.png"]))
    assert np.all(rgba[:, :quarter] == 255)
    assert np.array_equal(rgba[:, 2 * quarter :], upright[:, 2 * quarter :])
    half = (upright[:, quarter : 2 * quarter].astype(float) * 128 + 255 * 127) / 255
    assert np.abs(rgba[:, quarter : 2 * quarter] - half).max() <= 1
    for name in ("gray_alpha.png", "palette_alpha.png"):
        image = pixels(load_rgb(good[name]))
        assert np.all(image[:, :quarter] == 255), name
        assert image[:, 2 * quarter :].mean() < 200, name


def test_grey_and_bilevel_become_grey_rgb(good: dict[str, Path]) -> None:
    for name in ("gray.png", "bilevel.png"):
        image = pixels(load_rgb(good[name]))
        assert np.array_equal(image[:, :, 0], image[:, :, 2]), name
    assert set(np.unique(pixels(load_rgb(good["bilevel.png"])))) == {0, 255}


def test_animation_gives_its_first_frame(good: dict[str, Path]) -> None:
    frame = pixels(load_rgb(good["animated.gif"]))
    assert np.all(frame == ANIMATION_COLOURS[0])


@pytest.mark.skipif(not can_write_avif(), reason="this Pillow cannot write AVIF")
def test_exif_rotated_avif_is_turned_upright_once(tmp_path: Path) -> None:
    picture = scene()
    exif = Image.Exif()
    exif[0x0112] = 6
    picture.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "r.avif", quality=95, exif=exif)
    image = load_rgb(tmp_path / "r.avif")
    assert image.size == ZOO_SIZE
    assert np.abs(pixels(image) - pixels(picture)).mean() < 4


# --------------------------------------------------------------------------- in-memory images


@pytest.mark.parametrize(
    "mode", ["1", "L", "LA", "La", "P", "PA", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "LAB", "HSV"]
)
def test_every_pillow_mode_becomes_rgb(mode: str) -> None:
    source = scene((24, 16)).convert(mode) if mode not in ("La", "PA") else Image.new(mode, (24, 16))
    image = load_rgb(source)
    assert (image.mode, image.size) == ("RGB", (24, 16))
    assert source.mode == mode  # the caller's image is left alone


@pytest.mark.parametrize(
    ("mode", "values", "expected"),
    [
        ("I", [0, 32768, 65535], [0, 128, 255]),  # 16-bit samples in a 32-bit image
        ("I", [0, 100, 255], [0, 100, 255]),  # already 8-bit
        ("I", [-1000, 0, 1000], [0, 128, 255]),  # anything else is stretched
        ("F", [0.0, 0.5, 1.0], [0, 128, 255]),  # fractions of white
        ("F", [0.0, 10.0, 200.0], [0, 10, 200]),
        ("F", [-1.0, float("nan"), 3.0], [0, 64, 255]),  # NaN counts as 0
    ],
)
def test_high_depth_grey_is_scaled_not_clipped(mode: str, values: list[float], expected: list[int]) -> None:
    source = Image.new(mode, (3, 1))
    source.putdata(values)
    assert pixels(load_rgb(source))[0, :, 0].tolist() == expected


def test_in_memory_exif_orientation_is_applied() -> None:
    stored = scene().transpose(Image.Transpose.ROTATE_90)
    exif = stored.getexif()
    exif[0x0112] = 6
    stored.info["exif"] = exif.tobytes()
    assert np.array_equal(pixels(load_rgb(stored)), pixels(scene()))


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize("name", sorted(BAD_REASONS))
def test_bad_file_gives_its_reason(zoo: tuple[dict[str, Path], dict[str, Path]], name: str) -> None:
    with pytest.raises(ImageDecodeError, match=BAD_REASONS[name]):
        load_rgb(zoo[1][name])


def test_between_one_and_two_times_the_limit_is_an_error_too(tmp_path: Path) -> None:
    """Pillow only warns there; the warning must neither pass nor leak to the console."""
    bomb = write_blank_png(tmp_path / "bomb.png", 10_000, 10_000)
    before = list(warnings.filters)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with pytest.raises(ImageDecodeError, match=r"^image too large: 100,000,000 pixels"):
            load_rgb(bomb)
        with pytest.raises(ImageDecodeError, match="too large"):
            make_thumbnail(bomb, 64)
    assert shown == []
    assert warnings.filters == before
    assert Image.MAX_IMAGE_PIXELS == 89_478_485
    assert not ImageFile.LOAD_TRUNCATED_IMAGES


def test_bomb_guard_holds_in_concurrent_threads(tmp_path: Path, good: dict[str, Path]) -> None:
    bomb = write_blank_png(tmp_path / "bomb.png", 10_000, 10_000)
    jobs = [bomb, good["rgb.jpg"]] * 8
    before = list(warnings.filters)

    def outcome(path: Path) -> str:
        try:
            return load_rgb(path).mode
        except ImageDecodeError as exc:
            return str(exc)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(outcome, jobs))
    assert results[0::2] == ["image too large: 100,000,000 pixels (limit 89,478,485)"] * 8
    assert results[1::2] == ["RGB"] * 8
    assert warnings.filters == before


def test_missing_and_unreadable_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(ImageDecodeError, match="^file not found$"):
        load_rgb(tmp_path / "nowhere.jpg")
    (tmp_path / "dangling.jpg").symlink_to(tmp_path / "gone.jpg")
    with pytest.raises(ImageDecodeError, match="^broken symbolic link$"):
        load_rgb(tmp_path / "dangling.jpg")


def test_permission_denied(tmp_path: Path, good: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel's refusal is emulated: tests may run as root, who can read a mode-000 file."""
    locked = tmp_path / "locked.jpg"
    locked.write_bytes(good["rgb.jpg"].read_bytes())
    real_open = os.open

    def refuse(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(ImageDecodeError, match="^permission denied$"):
        load_rgb(locked)


def test_heic_without_pillow_heif_names_the_missing_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(images, "_has_pillow_heif", lambda: False)
    (tmp_path / "IMG_0001.HEIC").write_bytes(b"\x00\x00\x00\x18ftypmif1" + b"\x00" * 32)
    with pytest.raises(ImageDecodeError, match="pillow-heif"):
        load_rgb(tmp_path / "IMG_0001.HEIC")


def test_heic_in_lite_says_what_to_do_instead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Lite bundle has no pillow-heif and no pip: the message names what a person can do."""
    monkeypatch.setattr(images, "_has_pillow_heif", lambda: False)
    monkeypatch.setattr(images, "has_torch", lambda: False)
    (tmp_path / "IMG_0002.heic").write_bytes(b"\x00\x00\x00\x18ftypmif1" + b"\x00" * 32)
    with pytest.raises(ImageDecodeError, match="^ResLens Lite does not read HEIC/HEIF photos: convert"):
        load_rgb(tmp_path / "IMG_0002.heic")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_skipped_in_folders_and_refused_when_named(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(b"x")
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    try:
        assert list(iter_image_files([tmp_path])) == [tmp_path / "a.jpg"]
        assert list(iter_image_files([fifo])) == [fifo]
        with pytest.raises(ImageDecodeError, match="^not a regular file$"):
            finishes_within(5, lambda: load_rgb(fifo))
        with pytest.raises(ImageDecodeError, match="^not a regular file$"):
            finishes_within(5, lambda: make_thumbnail(fifo, 32))
    finally:
        _release_blocked_readers(fifo)


def _release_blocked_readers(fifo: Path) -> None:
    """Should load_rgb ever block in open() on the FIFO, opening its write end releases it."""
    with contextlib.suppress(OSError):  # ENXIO: no reader waiting, nothing to release
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


# --------------------------------------------------------------------------- folder walks


def _touch(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")


def test_folder_walk_is_recursive_sorted_and_skips_the_rest(tmp_path: Path) -> None:
    _touch(tmp_path, "b.JPG", "a.png", "C.webp", "notes.txt", "sub/z.heic", "Sub2/y.TIFF")
    _touch(tmp_path, ".hidden.jpg", ".cache/e.jpg", "sub/._z.jpg")
    (tmp_path / "dangling.jpg").symlink_to(tmp_path / "gone.jpg")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)  # a loop back to the top
    expected = ["a.png", "b.JPG", "C.webp", "sub/z.heic", "Sub2/y.TIFF"]
    assert list(iter_image_files([tmp_path])) == [tmp_path / name for name in expected]
    flat = list(iter_image_files([str(tmp_path)], recursive=False))
    assert flat == [tmp_path / name for name in expected[:3]]


def test_symlinked_folder_is_followed_once(tmp_path: Path) -> None:
    _touch(tmp_path, "elsewhere/p.jpg")
    (tmp_path / "album").mkdir()
    (tmp_path / "album" / "link").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "album" / "link2").symlink_to(tmp_path / "elsewhere")
    assert list(iter_image_files([tmp_path / "album"])) == [tmp_path / "album/link/p.jpg"]


def test_named_files_are_yielded_as_given(tmp_path: Path) -> None:
    _touch(tmp_path, "folder/a.jpg", ".secret.jpg", "readme.txt")
    named = [tmp_path / "readme.txt", tmp_path / "missing.jpg", tmp_path / ".secret.jpg"]
    walked = list(iter_image_files([named[0], tmp_path / "folder", *named[1:]]))
    assert walked == [named[0], tmp_path / "folder/a.jpg", *named[1:]]


def test_named_folder_without_images_is_yielded_itself(tmp_path: Path) -> None:
    """So that it is reported ("is a directory") rather than silently giving nothing."""
    _touch(tmp_path, "album/a.jpg", "docs/readme.txt")
    (tmp_path / "x.jpg").mkdir()
    named = [tmp_path / "x.jpg", tmp_path / "docs", tmp_path / "album", tmp_path / "album"]
    walked = list(iter_image_files(named))
    assert walked == [tmp_path / "x.jpg", tmp_path / "docs", tmp_path / "album/a.jpg"]
    with pytest.raises(ImageDecodeError, match="^is a directory$"):
        load_rgb(walked[1])


def test_extensions_cover_the_common_formats() -> None:
    common = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".ico"}
    assert common <= IMAGE_EXTENSIONS
    assert all(ext == ext.lower() and ext.startswith(".") for ext in IMAGE_EXTENSIONS)
    assert {".heic", ".heif"} <= IMAGE_EXTENSIONS  # pillow-heif is a dependency
    assert ".avif" in IMAGE_EXTENSIONS


# --------------------------------------------------------------------------- thumbnails


def test_thumbnail_fits_the_size_and_is_upright(good: dict[str, Path], upright: np.ndarray) -> None:
    for name in ("rotated.jpg", "rotated.png", "upright.png", "cmyk.jpg", "gray16.png"):
        thumb = make_thumbnail(good[name], 64)
        assert (thumb.mode, thumb.size) == ("RGB", (64, 48)), name
    reference = make_thumbnail(good["upright.png"], 64)
    assert np.array_equal(pixels(make_thumbnail(good["rotated.jpg"], 64)), pixels(reference))


def test_thumbnail_of_a_large_jpeg_decodes_it_reduced(tmp_path: Path) -> None:
    scene((1600, 1200)).save(tmp_path / "big.jpg", quality=85)
    with Image.open(tmp_path / "big.jpg") as image:
        image.draft("RGB", (100, 100))
        assert image.size == (200, 150)  # what make_thumbnail decodes instead of 1600x1200
    thumb = make_thumbnail(tmp_path / "big.jpg", 100)
    assert thumb.size == (100, 75)
    source = scene((300, 100))
    assert make_thumbnail(source, 30).size == (30, 10)
    assert source.size == (300, 100)


# --------------------------------------------------------------------------- preprocessing


def _photo_like(width: int = 333, height: int = 250) -> Image.Image:
    """Smooth random colour fields plus grain: resizing it exercises antialiasing for real."""
    rng = np.random.default_rng(0)
    coarse = Image.fromarray(rng.integers(0, 256, (12, 16, 3), dtype=np.uint8))
    smooth = np.asarray(coarse.resize((width, height), Image.Resampling.BICUBIC), dtype=np.int16)
    grain = rng.integers(-20, 21, smooth.shape)
    return Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8))


@pytest.mark.parametrize("version", ["IMAGENET1K_V1", "IMAGENET1K_V2"])
def test_transform_equals_torchvision_weights_transforms(version: str) -> None:
    torch = pytest.importorskip("torch")
    from torchvision.models import ResNet50_Weights

    weights = ResNet50_Weights[version]
    reference = weights.transforms()
    meta = ModelMeta(
        arch="resnet50",
        categories=tuple(weights.meta["categories"]),
        crop_size=reference.crop_size[0],
        resize_size=reference.resize_size[0],
        mean=tuple(reference.mean),
        std=tuple(reference.std),
        interpolation=reference.interpolation.value,
    )
    image = _photo_like()
    ours, theirs = build_transform(meta)(image), reference(image)
    assert ours.shape == (3, 224, 224) and ours.dtype == torch.float32
    assert torch.allclose(ours, theirs, atol=1e-5, rtol=0)


def test_transform_rejects_an_unknown_interpolation() -> None:
    pytest.importorskip("torchvision")
    meta = ModelMeta(arch="resnet18", categories=("a",), interpolation="sideways")
    with pytest.raises(ValueError, match="unknown interpolation 'sideways'"):
        build_transform(meta)
