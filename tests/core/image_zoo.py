"""A folder of every kind of image file a user may throw at ResLens, good and bad (test helper).

Not a test module: ``make_image_zoo(folder)`` writes the files with Pillow alone, the same bytes
on every run, and returns ``(good, bad)``, each a dict from file name to path. Every good file
shows the same ``ZOO_SIZE`` picture once decoded and turned upright (the animated GIF's first
frame and the 16-bit gradient excepted), so tests can compare them with ``upright.png``.

The EXIF pair is exact, not "close": ``rotated.jpg`` stores the picture turned a quarter-turn
with EXIF orientation 6, and ``upright.png`` *is* that JPEG decoded and turned upright, saved
losslessly. ``rotated.png`` holds the same upright pixels turned the other way, losslessly,
with orientation 8. So a correct loader gives identical pixels for all three.
"""

from __future__ import annotations

import importlib.util
import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps, features

ZOO_SIZE = (128, 96)  # width, height of every good picture once upright
ORIENTATION = 0x0112  # the EXIF tag
ANIMATION_COLOURS = ((200, 30, 30), (30, 30, 200), (30, 200, 30))  # one solid colour per frame
HUGE_SIZE = (20_000, 10_000)  # 200 M pixels: over twice Pillow's default limit


def make_image_zoo(folder: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    """Write the zoo into ``folder`` (created if needed); return ``(good, bad)`` name -> path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    picture = _write_exif_pair(folder)
    good = {"rotated.jpg", "rotated.png", "upright.png"}
    good |= _write_modes(folder, picture)
    good |= _write_formats(folder, picture)
    bad = _write_bad(folder, picture)
    return _by_name(folder, good), _by_name(folder, bad)


def scene(size: tuple[int, int] = ZOO_SIZE) -> Image.Image:
    """A small photo-like picture: gradients, a sun, a house; lopsided so rotations show."""
    width, height = size
    ramp = Image.linear_gradient("L").resize(size)
    glow = Image.radial_gradient("L").resize(size)
    picture = Image.merge("RGB", (ramp, glow, ramp.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((6, 6, 6 + height // 3, 6 + height // 3), fill=(250, 215, 40))
    draw.rectangle((width * 5 // 9, height // 2, width - 8, height - 6), fill=(150, 45, 30))
    roof = [(width * 5 // 9 - 4, height // 2), (width * 7 // 9, height // 4), (width - 4, height // 2)]
    draw.polygon(roof, fill=(60, 60, 70))
    draw.line((0, height - 3, width, height - 12), fill=(20, 120, 30), width=3)
    return picture


def write_blank_png(path: Path, width: int, height: int) -> Path:
    """A valid, all-black 1-bit PNG of any size; 200 M pixels take ~25 kB on disk.

    This is what a decompression bomb looks like: tiny file, enormous image.
    """
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row * min(1000, height - start)) for start in range(0, height, 1000)]
    data = b"".join(chunks) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
    Path(path).write_bytes(png)
    return Path(path)


def can_write_heic() -> bool:
    """pillow-heif is installed and its libheif has an HEVC encoder."""
    if importlib.util.find_spec("pillow_heif") is None:
        return False
    import pillow_heif

    return bool(pillow_heif.libheif_info().get("HEIF"))


def can_write_avif() -> bool:
    return bool(features.check_module("avif"))


# --------------------------------------------------------------------------- good files


def _write_exif_pair(folder: Path) -> Image.Image:
    """rotated.jpg (orientation 6), upright.png and rotated.png (orientation 8); see module doc.

    Returns the upright picture, which every other good file is made from.
    """
    stored = scene().transpose(Image.Transpose.ROTATE_90)  # orientation 6 turns it back
    stored.save(folder / "rotated.jpg", quality=95, exif=_exif(6))
    with Image.open(folder / "rotated.jpg") as decoded:
        upright = ImageOps.exif_transpose(decoded).convert("RGB")
    upright.info.clear()
    upright.save(folder / "upright.png")
    turned = upright.transpose(Image.Transpose.ROTATE_270)  # orientation 8 turns it back
    turned.save(folder / "rotated.png", exif=_exif(8))
    return upright


def _write_modes(folder: Path, picture: Image.Image) -> set[str]:
    """One file per Pillow mode a loader must turn into RGB."""
    picture.save(folder / "rgb.jpg", quality=90)
    picture.convert("CMYK").save(folder / "cmyk.jpg", quality=95)
    picture.convert("L").save(folder / "gray.png")
    picture.convert("1").save(folder / "bilevel.png")
    _gradient16().save(folder / "gray16.png")
    _with_alpha(picture).save(folder / "rgba.png")
    _with_alpha(picture.convert("L")).save(folder / "gray_alpha.png")
    palette, transparent_index = _palette_with_hole(picture)
    palette.save(folder / "palette_alpha.png", transparency=transparent_index)
    picture.quantize(64).save(folder / "palette.gif")
    frames = [Image.new("RGB", ZOO_SIZE, colour) for colour in ANIMATION_COLOURS]
    frames[0].save(folder / "animated.gif", save_all=True, append_images=frames[1:], duration=100)
    return {
        "rgb.jpg",
        "cmyk.jpg",
        "gray.png",
        "bilevel.png",
        "gray16.png",
        "rgba.png",
        "gray_alpha.png",
        "palette_alpha.png",
        "palette.gif",
        "animated.gif",
    }


def _write_formats(folder: Path, picture: Image.Image) -> set[str]:
    """The same picture in the other containers; lossless ones must decode to it exactly."""
    picture.save(folder / "lossless.webp", lossless=True)
    picture.save(folder / "picture.bmp")
    picture.save(folder / "picture.tif", compression="tiff_lzw")
    names = {"lossless.webp", "picture.bmp", "picture.tif"}
    if can_write_avif():
        picture.save(folder / "photo.avif", quality=90)
        names.add("photo.avif")
    if can_write_heic():
        import pillow_heif

        pillow_heif.register_heif_opener()
        picture.save(folder / "photo.heic", quality=90)
        names.add("photo.heic")
    return names


def _gradient16() -> Image.Image:
    """A 16-bit grey ramp over the whole 0..65535 range, left (black) to right (white)."""
    width, height = ZOO_SIZE
    row = [round(x * 65535 / (width - 1)) for x in range(width)]
    data = struct.pack(f"<{width * height}H", *(row * height))
    return Image.frombytes("I;16", ZOO_SIZE, data)


def _with_alpha(picture: Image.Image) -> Image.Image:
    """Left quarter fully transparent, second quarter half transparent, right half opaque."""
    width, height = picture.size
    alpha = Image.new("L", picture.size, 255)
    alpha.paste(0, (0, 0, width // 4, height))
    alpha.paste(128, (width // 4, 0, width // 2, height))
    image = picture.copy()
    image.putalpha(alpha)
    return image


def _palette_with_hole(picture: Image.Image) -> tuple[Image.Image, int]:
    """A palette image whose left quarter uses a palette entry of its own, marked transparent."""
    palette = picture.quantize(63)
    hole = 63
    palette.putpalette(palette.getpalette()[: 3 * hole] + [255, 0, 255])  # magenta, if shown
    palette.paste(hole, (0, 0, picture.width // 4, picture.height))
    return palette, hole


# --------------------------------------------------------------------------- bad files


def _write_bad(folder: Path, picture: Image.Image) -> set[str]:
    """Files that must each give their own error: empty, not an image, cut short, bomb, folder."""
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "notes.jpg").write_text("Shopping list: milk, eggs, a new camera.\n", encoding="utf-8")
    jpeg = io.BytesIO()
    picture.save(jpeg, "JPEG", quality=90)
    (folder / "truncated.jpg").write_bytes(jpeg.getvalue()[: len(jpeg.getvalue()) // 2])
    write_blank_png(folder / "huge.png", *HUGE_SIZE)
    (folder / "x.jpg").mkdir(exist_ok=True)
    return {"empty.jpg", "notes.jpg", "truncated.jpg", "huge.png", "x.jpg"}


# --------------------------------------------------------------------------- small helpers


def _exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _by_name(folder: Path, names: set[str]) -> dict[str, Path]:
    return {name: folder / name for name in sorted(names)}
