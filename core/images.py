"""Turning any image file a person owns into the RGB picture a model expects, or a clear error.

Decoding is where a classifier meets the real world: phone photos stored sideways with an EXIF
orientation tag, print-shop CMYK JPEGs, 16-bit scans, transparent logos, animated GIFs, iPhone
HEICs, half-copied files, decompression bombs and, when walking a folder, FIFOs that would block
``open()`` forever. Every such case is settled here, once, so that the inference pipeline, the
CLI and the GUI's thumbnails all see either an 8-bit RGB ``PIL.Image`` or an
:class:`ImageDecodeError` whose text can be shown to the user as it is.

Nothing here imports Qt, and torch/torchvision are imported only by :func:`build_transform`, so
the GUI can make thumbnails without paying torchvision's start-up cost.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import stat
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from PIL import Image, ImageOps, UnidentifiedImageError, features

from core.edition import has_torch
from core.errors import ImageDecodeError
from core.messages import QT_TRANSLATE_NOOP, kind
from core.preprocess import MAX_ASPECT_RATIO as MAX_ASPECT_RATIO  # re-exported for callers
from core.preprocess import LimitAspect, aspect_limit, interpolation_mode

if TYPE_CHECKING:
    from core.metadata import ModelMeta

ImageSource = str | os.PathLike | Image.Image

# Why a file is no picture: per-file errors, shown in the reader's language by the window.
TOO_LARGE = kind(
    "image.too-large", QT_TRANSLATE_NOOP("Messages", "image too large (over the limit of %1 pixels)")
)
TOO_LARGE_PIXELS = kind(
    "image.too-large-pixels", QT_TRANSLATE_NOOP("Messages", "image too large: %1 pixels (limit %2)")
)
BROKEN_LINK = kind("image.broken-link", QT_TRANSLATE_NOOP("Messages", "broken symbolic link"))
NOT_FOUND = kind("image.not-found", QT_TRANSLATE_NOOP("Messages", "file not found"))
NO_PERMISSION = kind("image.permission", QT_TRANSLATE_NOOP("Messages", "permission denied"))
CANNOT_READ_FILE = kind("image.cannot-read", QT_TRANSLATE_NOOP("Messages", "cannot read file (%1)"))
BAD_NAME = kind("image.bad-name", QT_TRANSLATE_NOOP("Messages", "not a valid file name"))
IS_DIRECTORY = kind("image.directory", QT_TRANSLATE_NOOP("Messages", "is a directory"))
NOT_REGULAR = kind("image.not-regular", QT_TRANSLATE_NOOP("Messages", "not a regular file"))
EMPTY = kind("image.empty", QT_TRANSLATE_NOOP("Messages", "empty file (0 bytes)"))
NEEDS_HEIF = kind(
    "image.needs-heif", QT_TRANSLATE_NOOP("Messages", "HEIC/HEIF images need the pillow-heif package")
)
LITE_NO_HEIF = kind(
    "image.lite-no-heif",
    QT_TRANSLATE_NOOP(
        "Messages",
        "ResLens Lite does not read HEIC/HEIF photos: convert them to JPEG, or use the full edition",
    ),
)
NOT_AN_IMAGE = kind(
    "image.not-an-image", QT_TRANSLATE_NOOP("Messages", "not an image (or an unsupported format)")
)
CORRUPT = kind("image.corrupt", QT_TRANSLATE_NOOP("Messages", "truncated or corrupt image data"))
NO_MEMORY = kind("image.no-memory", QT_TRANSLATE_NOOP("Messages", "not enough memory to decode this image"))
COLOUR_MODE = kind("image.colour-mode", QT_TRANSLATE_NOOP("Messages", "unsupported colour mode %1"))

WHITE = (255, 255, 255)

# Pillow format name -> extensions, for the formats people actually keep pictures in. Exotic
# plugins (EPS and PDF call Ghostscript, WMF, FITS, GRIB, MPEG stubs...) are left out on purpose:
# Image.open is restricted to these formats, so a file named .jpg can never reach them.
_FORMATS: dict[str, tuple[str, ...]] = {
    "JPEG": (".jpg", ".jpeg", ".jpe", ".jfif", ".mpo"),
    "PNG": (".png", ".apng"),
    "GIF": (".gif",),
    "BMP": (".bmp",),
    "DIB": (".dib",),
    "TIFF": (".tif", ".tiff"),
    "WEBP": (".webp",),
    "PPM": (".ppm", ".pgm", ".pbm", ".pnm"),
    "ICO": (".ico",),
    "ICNS": (".icns",),
    "TGA": (".tga",),
    "QOI": (".qoi",),
    "JPEG2000": (".jp2", ".j2k", ".jpx", ".jpf"),
    "PCX": (".pcx",),
    "SGI": (".sgi",),
    "PSD": (".psd",),
    "AVIF": (".avif",),
    "HEIF": (".heic", ".heif", ".hif"),
}
_HEIF_EXTENSIONS = frozenset(_FORMATS["HEIF"])


def _has_pillow_heif() -> bool:
    return importlib.util.find_spec("pillow_heif") is not None


def _pillow_has_avif() -> bool:
    """Pillow >= 11.2 decodes AVIF itself when built with libavif (the PyPI wheels are)."""
    return bool(features.check_module("avif"))


def _pillow_heif_has_avif() -> bool:
    """pillow-heif had an AVIF opener until 1.0, when Pillow gained its own."""
    try:
        major = importlib.metadata.version("pillow-heif").split(".")[0]
    except importlib.metadata.PackageNotFoundError:
        return False
    return major.isdigit() and int(major) < 1


def _format_available(name: str) -> bool:
    if name == "HEIF":
        return _has_pillow_heif()
    if name == "AVIF":
        return _pillow_has_avif() or _pillow_heif_has_avif()
    return True


IMAGE_EXTENSIONS: frozenset[str] = frozenset(
    ext for name, exts in _FORMATS.items() if _format_available(name) for ext in exts
)
"""Lower-case suffixes, with the dot, of the files a folder walk picks up."""


# --------------------------------------------------------------------------- plugin registration

_plugins_lock = threading.Lock()
_open_formats: tuple[str, ...] | None = None


def _register_heif() -> None:
    """pillow-heif's openers: HEIF always, AVIF only where this Pillow cannot read it itself."""
    try:
        import pillow_heif
    except ImportError:
        return
    pillow_heif.register_heif_opener()
    register_avif = getattr(pillow_heif, "register_avif_opener", None)
    if register_avif is not None and not _pillow_has_avif():
        register_avif()


def _allowed_formats() -> tuple[str, ...]:
    """The formats ``Image.open`` may try, after registering plugins once (thread-safe)."""
    global _open_formats
    with _plugins_lock:
        if _open_formats is None:
            _register_heif()
            Image.init()
            _open_formats = tuple(name for name in _FORMATS if name in Image.OPEN)
        return _open_formats


# --------------------------------------------------------------------------- bomb guard

_guard_lock = threading.Lock()
_guard_depth = 0
_guard_cm: Any = None


@contextmanager
def _bomb_warnings_as_errors() -> Iterator[None]:
    """Turn Pillow's DecompressionBombWarning (1x-2x the pixel limit) into an exception.

    ``warnings.catch_warnings`` swaps a process-wide filter list and is not thread-safe: two
    decoder threads entering and leaving it interleaved would leave the other one unguarded. So
    the filter is installed by the first thread in and restored by the last one out.
    """
    global _guard_depth, _guard_cm
    with _guard_lock:
        if _guard_depth == 0:
            _guard_cm = warnings.catch_warnings()
            _guard_cm.__enter__()
            warnings.simplefilter("error", Image.DecompressionBombWarning)
        _guard_depth += 1
    try:
        yield
    finally:
        with _guard_lock:
            _guard_depth -= 1
            if _guard_depth == 0:
                _guard_cm.__exit__(None, None, None)
                _guard_cm = None


def _too_large(pixels: int | None) -> ImageDecodeError:
    limit = Image.MAX_IMAGE_PIXELS or 0
    if pixels is None:
        return ImageDecodeError(TOO_LARGE(f"{limit:,}"))
    return ImageDecodeError(TOO_LARGE_PIXELS(f"{pixels:,}", f"{limit:,}"))


def _check_pixels(size: tuple[int, int]) -> None:
    """Our own check of the limit, so it holds even if other code reset the warning filters."""
    limit = Image.MAX_IMAGE_PIXELS
    pixels = size[0] * size[1]
    if limit is not None and pixels > limit:
        raise _too_large(pixels)


def _bomb_error(exc: Exception) -> ImageDecodeError:
    match = re.search(r"\((\d+) pixels\)", str(exc))
    return _too_large(int(match.group(1)) if match else None)


# --------------------------------------------------------------------------- opening files


def open_regular_file(path: Path) -> IO[bytes]:
    """Open ``path`` for reading only if it is a non-empty regular file.

    ``stat`` first gives the right message for folders, FIFOs and devices; the file is then
    opened non-blocking (a FIFO swapped in meanwhile cannot hang us) and checked again.
    """
    try:
        before = os.stat(path)
    except FileNotFoundError:
        reason = BROKEN_LINK() if os.path.islink(path) else NOT_FOUND()
        raise ImageDecodeError(reason) from None
    except PermissionError:
        raise ImageDecodeError(NO_PERMISSION()) from None
    except OSError as exc:
        raise ImageDecodeError(CANNOT_READ_FILE(exc.strerror or str(exc))) from None
    except ValueError:  # a NUL byte in the name: no file can have it
        raise ImageDecodeError(BAD_NAME()) from None
    _check_stat(before)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        raise ImageDecodeError(NO_PERMISSION()) from None
    except OSError as exc:
        raise ImageDecodeError(CANNOT_READ_FILE(exc.strerror or str(exc))) from None
    try:
        _check_stat(os.fstat(fd))
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _check_stat(info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise ImageDecodeError(IS_DIRECTORY())
    if not stat.S_ISREG(info.st_mode):
        raise ImageDecodeError(NOT_REGULAR())
    if info.st_size == 0:
        raise ImageDecodeError(EMPTY())


def _not_an_image(path: Path) -> ImageDecodeError:
    if path.suffix.lower() in _HEIF_EXTENSIONS and not _has_pillow_heif():
        # The Lite bundle leaves pillow-heif out (26 MB of its 250 MB budget): no package to install.
        return ImageDecodeError(NEEDS_HEIF() if has_torch() else LITE_NO_HEIF())
    return ImageDecodeError(NOT_AN_IMAGE())


def _decode_file(path: Path, draft_size: int | None) -> Image.Image:
    """Fully decode the first frame of ``path``, EXIF-oriented, in its stored mode.

    ``draft_size`` lets JPEG decode at a reduced scale (still at least that size), which is
    how thumbnails of 24-megapixel photos stay fast and small.
    """
    return _decode_file_sized(path, draft_size)[0]


def _decode_file_sized(path: Path, draft_size: int | None) -> tuple[Image.Image, tuple[int, int]]:
    """:func:`_decode_file`, and the upright size of the picture as stored (before any draft)."""
    formats = _allowed_formats()
    with open_regular_file(path) as fp, _bomb_warnings_as_errors():
        try:
            image = Image.open(fp, formats=formats)
        except UnidentifiedImageError:
            raise _not_an_image(path) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _bomb_error(exc) from None
        except Exception as exc:  # a hostile header can raise almost anything inside Pillow
            raise ImageDecodeError(CORRUPT()) from exc
        with image:
            _check_pixels(image.size)
            stored = image.size
            if draft_size is not None:
                image.draft("RGB", (draft_size, draft_size))
            _load(image)
            drafted = image.size
            image = _exif_oriented(image)
            turned = image.size != drafted
            return image, (stored[::-1] if turned else stored)


def _load(image: Image.Image) -> None:
    """Decode every pixel now, so truncation is reported here rather than in a worker later."""
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb_error(exc) from None
    except MemoryError:
        raise ImageDecodeError(NO_MEMORY()) from None
    except Exception as exc:  # Pillow's decoders signal bad data with many exception types
        raise ImageDecodeError(CORRUPT()) from exc


def _exif_oriented(image: Image.Image) -> Image.Image:
    """A new image turned upright by its EXIF orientation; a broken EXIF block is ignored.

    The pixels of a photo with an unreadable EXIF block are still fine, so it costs the
    user the rotation, not the picture.
    """
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        return image.copy()


def _in_memory(image: Image.Image) -> Image.Image:
    """An image the caller already holds: used as it stands (its current frame), but oriented."""
    _load(image)
    return _exif_oriented(image)


# --------------------------------------------------------------------------- modes to RGB

_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})


def _to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB from any Pillow mode, with transparency composited on white."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("I", "F") or mode.startswith("I;16"):
        return _high_depth_to_rgb(image)
    if mode in _ALPHA_MODES or "transparency" in image.info:
        return _composite_on_white(image)
    try:
        return image.convert("RGB")
    except ValueError:
        raise ImageDecodeError(COLOUR_MODE(mode)) from None


def _composite_on_white(image: Image.Image) -> Image.Image:
    """Transparent pixels become white, as the picture would look on a page or a web site."""
    if image.mode == "La":  # premultiplied grey has no direct route to RGBA in Pillow
        image = image.convert("LA")
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, WHITE)
    background.paste(rgba.convert("RGB"), mask=rgba.getchannel("A"))
    return background


def _high_depth_to_rgb(image: Image.Image) -> Image.Image:
    """Scale 16-bit, 32-bit integer and float grey to 0..255 instead of clipping.

    Pillow's own ``convert`` clips these modes at 255, which turns a 16-bit PNG white. The
    arithmetic is float32 and in place, so a picture at the pixel limit needs a few bytes per
    pixel, not the 30-odd that float64 temporaries would.
    """
    import numpy as np

    values = np.array(image, dtype=np.float32)
    if image.mode.startswith("I;16"):
        values /= 257.0  # the full 16-bit range maps onto the full 8-bit range
    else:
        _scale_unknown_range(values, is_float=image.mode == "F")
    np.rint(values, out=values)
    np.clip(values, 0, 255, out=values)
    return Image.fromarray(values.astype(np.uint8)).convert("RGB")


def _scale_unknown_range(values: Any, is_float: bool) -> None:
    """Guess the range of ``I``/``F`` data from its values (in place): the file does not record it.

    Floats within 0..1 are fractions of white; integers within 0..65535 are 16-bit samples;
    data already within 0..255 is used as it is; anything else is stretched to fill 0..255,
    except a single value (nothing to stretch), which is clipped to 0..255. NaN and infinities
    count as 0.
    """
    import numpy as np

    finite = np.isfinite(values)
    if not finite.all():
        values[~finite] = 0.0
        if not finite.any():
            return
        low, high = float(values[finite].min()), float(values[finite].max())
    else:
        low, high = float(values.min()), float(values.max())
    del finite
    if low >= 0 and high <= 1 and is_float:
        values *= 255.0
    elif low >= 0 and high <= 255:
        pass
    elif low >= 0 and high <= 65535 and not is_float:
        values /= 257.0
    elif high == low:
        np.clip(values, 0.0, 255.0, out=values)
    else:
        values -= low
        values *= 255.0 / (high - low)


# --------------------------------------------------------------------------- public API


def load_rgb(source: ImageSource) -> Image.Image:
    """Open, fully decode and convert ``source`` to an upright 8-bit RGB image.

    ``source`` is a path (only regular files are read; animations give their first frame) or
    an image already in memory (its current frame is used; the caller's object is not changed).
    Raises :class:`ImageDecodeError` with a one-sentence reason for anything that is not a
    usable picture, including images over Pillow's decompression-bomb limit.
    """
    if isinstance(source, Image.Image):
        return _to_rgb(_in_memory(source))
    return _to_rgb(_decode_file(Path(source), draft_size=None))


def decode_for_model(source: ImageSource, min_side: int | None = None) -> tuple[Image.Image, tuple[int, int]]:
    """:func:`load_rgb` for a model that needs only ``min_side`` pixels on the shorter side.

    A picture whose shorter side is at least ``min_side`` is decoded at a reduced scale that keeps
    at least ``min_side`` on both sides: a JPEG in the DCT domain (``Image.draft``, 1/2 to 1/8),
    other formats by an integer box ``reduce()`` after decoding, which makes the exact resize that
    follows cheaper. ``min_side=None`` decodes in full (``--exact-decode``, the parity tests).
    Returns the RGB image and the picture's upright size as stored, for the results.
    """
    if isinstance(source, Image.Image):
        image = _to_rgb(_in_memory(source))
        return image, image.size
    if min_side is None:
        image, size = _decode_file_sized(Path(source), None)
        return _to_rgb(image), size
    image, size = _decode_file_sized(Path(source), min_side)
    image = _to_rgb(image)
    factor = min(image.size) // min_side
    if factor >= 2:
        image = image.reduce(factor)
    return image, size


def make_thumbnail(source: ImageSource, size: int) -> Image.Image:
    """An upright RGB image fitting in ``size`` x ``size``, aspect ratio kept.

    JPEGs are decoded at a reduced scale (``Image.draft``), so a large photo never exists at
    full resolution in memory; other formats are decoded fully and shrunk straight away.
    """
    if size < 1:
        raise ValueError(f"thumbnail size must be positive, got {size}")
    if isinstance(source, Image.Image):
        image = _to_rgb(_in_memory(source))
    else:
        image = _to_rgb(_decode_file(Path(source), draft_size=size))
    image.thumbnail((size, size))
    return image


def iter_image_files(paths: Iterable[str | os.PathLike], recursive: bool = True) -> Iterator[Path]:
    """Every image file named by ``paths``, folders expanded, in a stable order.

    Folders are walked in case-insensitive name order (recursively by default, with an explicit
    stack, so any depth works), keeping files whose extension is in :data:`IMAGE_EXTENSIONS` and
    skipping, silently, hidden entries, dangling links, FIFOs/sockets/devices and folders already
    visited (symlink loops, a folder named twice or inside another one named).

    Nothing the user names is dropped silently: a path that is not a folder is yielded as given,
    whatever it is, and so is a named folder that holds no image at all (an empty folder, or a
    folder called ``x.jpg``), so each gets its own error from :func:`load_rgb`.
    """
    visited: set[tuple[int, int]] = set()
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            yield path
            continue
        if _identity(path) in visited:  # named twice, or inside a folder already walked
            continue
        found = False
        for image_path in _walk(path, recursive, visited):
            found = True
            yield image_path
        if not found:
            yield path


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        info = folder.stat()
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def _list_folder(folder: Path, visited: set[tuple[int, int]]) -> list[os.DirEntry] | None:
    """The visible entries of ``folder`` in walk order, or ``None`` if seen before or unreadable."""
    key = _identity(folder)
    if key is None or key in visited:
        return None
    visited.add(key)
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: (e.name.casefold(), e.name))
    except OSError:  # unreadable or vanished folder: nothing to list
        return None
    return [entry for entry in entries if not _is_hidden(entry)]


def _walk(root: Path, recursive: bool, visited: set[tuple[int, int]]) -> Iterator[Path]:
    """Depth-first, pre-order walk with an explicit stack (no recursion limit on depth).

    A sub-folder named like an image (``x.jpg``) that holds none is yielded itself, since a user
    who sees ``x.jpg`` in the folder expects to hear why it was skipped.
    """
    entries = _list_folder(root, visited)
    if entries is None:
        return
    yielded = 0
    # Each frame: the folder, its remaining entries, and how many paths had been yielded before it.
    stack: list[tuple[Path, Iterator[os.DirEntry], int]] = [(root, iter(entries), 0)]
    while stack:
        folder, remaining, yielded_before = stack[-1]
        entry = next(remaining, None)
        if entry is None:
            stack.pop()
            if folder is not root and yielded == yielded_before and folder.suffix.lower() in IMAGE_EXTENSIONS:
                yielded += 1
                yield folder
            continue
        try:
            if entry.is_dir():
                if not recursive:
                    continue
                sub = Path(entry.path)
                children = _list_folder(sub, visited)
                if children is not None:
                    stack.append((sub, iter(children), yielded))
                elif sub.suffix.lower() in IMAGE_EXTENSIONS:
                    yielded += 1
                    yield sub
            elif entry.is_file() and Path(entry.name).suffix.lower() in IMAGE_EXTENSIONS:
                yielded += 1
                yield Path(entry.path)
        except OSError:
            continue


def _is_hidden(entry: os.DirEntry) -> bool:
    """Dot-files (Unix, macOS ``._`` resource forks) and Windows' hidden attribute."""
    if entry.name.startswith("."):
        return True
    hidden_flag = getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0)
    if not hidden_flag:
        return False
    try:
        return bool(getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0) & hidden_flag)
    except OSError:
        return False


def build_transform(meta: ModelMeta) -> Callable[[Image.Image], Any]:
    """The evaluation preprocessing the weights in ``meta`` were trained with.

    Resize the shorter side to ``resize_size``, centre-crop ``crop_size``, scale to 0..1 and
    normalise: torchvision's recipe, so torchvision's ImageNet weights see exactly what their
    own ``weights.transforms()`` would give them. Returns PIL image -> float32 CHW tensor.
    A picture beyond :data:`MAX_ASPECT_RATIO` is first cut to it (:class:`LimitAspect`), which
    bounds the memory one image can take. Every number comes from :mod:`core.preprocess`, whose
    :class:`~core.preprocess.EvalTransform` is the same recipe without torch.
    """
    import torch
    from torchvision.transforms import v2

    return v2.Compose(
        [
            LimitAspect(aspect_limit(meta)),
            v2.Resize(meta.resize_size, interpolation=interpolation_mode(meta.interpolation), antialias=True),
            v2.CenterCrop(meta.crop_size),
            v2.ToImage(),
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(mean=list(meta.mean), std=list(meta.std)),
        ]
    )
