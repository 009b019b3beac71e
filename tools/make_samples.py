"""Make ResLens' sample images: symbols drawn *differently* from the training generator.

The bundled model is trained on ``core.shapes``; these samples test whether it learned shapes
rather than that generator's pixels. So nothing here imports ``core.shapes``: each image is a
Unicode symbol glyph rendered from an installed font (DejaVu, Noto Symbols...) on a
photographic-looking surface (paper with fibres, kraft card, chalkboard, denim, concrete, sky,
whiteboard), then tilted in perspective, vignetted, noised and saved as JPEG, like a photo of a
printout. When no installed font has a usable glyph for a class, that class is drawn by hand
instead (a wobbly marker on paper), and ``--drawn`` writes a hand-drawn image of every class.

Files are named by their true class (``star.jpg``; ``star-drawn.jpg``). Deterministic: the same
fonts give the same bytes. The fonts used are printed.

    python tools/make_samples.py [--out assets/samples] [--drawn] [--size 320]
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
SEED = 2024


@dataclass(frozen=True)
class GlyphSample:
    """One sample: the class, glyphs that show it (best first), fonts to prefer, the surface."""

    label: str
    glyphs: str
    fonts: tuple[str, ...]
    surface: str
    ink: tuple[int, int, int]


SAMPLES = (
    GlyphSample("arrow", "➜➔➡→", ("NotoSansSymbols2", "DejaVuSans"), "denim", (250, 240, 225)),
    GlyphSample("circle", "●⬤", ("DejaVuSans-Bold", "NotoSansSymbols2"), "kraft", (170, 30, 35)),
    GlyphSample(
        "crescent", "☾☽", ("DejaVuSans-Bold", "DejaVuSans", "NotoSansSymbols"), "sky", (250, 245, 200)
    ),
    GlyphSample("cross", "✚✙+", ("DejaVuSans", "NotoSansSymbols2"), "whiteboard", (200, 25, 30)),
    GlyphSample("heart", "♥❤", ("DejaVuSerif", "DejaVuSans", "NotoSansSymbols2"), "paper", (205, 30, 70)),
    GlyphSample("hexagon", "⬢⬣", ("NotoSansSymbols2", "DejaVuSans"), "concrete", (35, 85, 160)),
    GlyphSample("lightning", "⚡🗲ϟ", ("DejaVuSans", "NotoSansSymbols2"), "chalkboard", (255, 220, 60)),
    GlyphSample("pentagon", "⬟⯃", ("DejaVuSans", "NotoSansSymbols2"), "paper", (30, 120, 60)),
    GlyphSample("ring", "◯○", ("DejaVuSans-Bold", "NotoSansSymbols2", "DejaVuSans"), "kraft", (25, 25, 30)),
    GlyphSample("square", "■⬛", ("NotoSansSymbols2", "DejaVuSans"), "sky", (40, 40, 55)),
    GlyphSample("star", "★⭐", ("DejaVuSans", "NotoSansSymbols2"), "chalkboard", (245, 245, 240)),
    GlyphSample("triangle", "▲⯅", ("DejaVuSans", "NotoSansSymbols2"), "concrete", (235, 120, 20)),
)


# --------------------------------------------------------------------------- fonts


def _candidate_fonts(char: str) -> list[Path]:
    """Font files that claim ``char``: fontconfig when present, else every font file we can find."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        out = subprocess.run(
            [fc_list, f":charset={ord(char):x}", "file"], capture_output=True, text=True, check=False
        ).stdout
        files = {Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()}
    else:
        files = {
            p
            for d in FONT_DIRS
            if d.is_dir()
            for p in d.rglob("*")
            if p.suffix.lower() in (".ttf", ".otf", ".ttc")
        }
    return sorted(p for p in files if p.suffix.lower() in (".ttf", ".otf", ".ttc"))


def _renders(path: Path, char: str) -> bool:
    """Whether Pillow draws a real glyph (some fonts list a charset they cannot draw, or draw .notdef)."""
    try:
        font = ImageFont.truetype(str(path), 64)
    except OSError:
        return False
    mask = font.getmask(char)
    if mask.getbbox() is None:
        return False
    missing = font.getmask("\U0010fffd")
    return bytes(mask) != bytes(missing) or mask.size != missing.size


def find_font(char: str, preferred: tuple[str, ...]) -> Path | None:
    """The preferred font (by file-name stem) that draws ``char``, else any font that does."""
    usable = [p for p in _candidate_fonts(char) if _renders(p, char)]
    for stem in preferred:
        for path in usable:
            if path.stem == stem or path.stem == f"{stem}-Regular":
                return path
    return usable[0] if usable else None


# --------------------------------------------------------------------------- surfaces


def _blurred_noise(rng: np.random.Generator, size: int, radius: float) -> np.ndarray:
    """White noise blurred by a Gaussian, rescaled to [0, 1]: grain at a chosen scale."""
    noise = Image.fromarray((rng.random((size, size)) * 255).astype(np.uint8))
    arr = np.asarray(noise.filter(ImageFilter.GaussianBlur(radius)), np.float32)
    arr -= arr.min()
    return arr / max(float(arr.max()), 1.0)


def _tint(base: tuple[int, int, int], shade: np.ndarray, amount: float) -> np.ndarray:
    return np.clip(np.array(base, np.float32) * (1 + amount * (shade[..., None] - 0.5)), 0, 255)


def _fibres(rng: np.random.Generator, img: Image.Image, count: int, colour: tuple[int, int, int]) -> None:
    draw = ImageDraw.Draw(img)
    for _ in range(count):
        x, y = rng.uniform(0, img.width, 2)
        a = rng.uniform(0, math.pi)
        n = rng.uniform(4, 18)
        draw.line([(x, y), (x + n * math.cos(a), y + n * math.sin(a))], fill=colour, width=1)


def surface(kind: str, rng: np.random.Generator, size: int) -> Image.Image:
    """A photographed surface to print or draw on."""
    grain = _blurred_noise(rng, size, 1.0)
    cloud = _blurred_noise(rng, size, size / 12)
    if kind == "paper":
        arr = _tint((238, 234, 222), 0.6 * cloud + 0.4 * grain, 0.08)
        img = Image.fromarray(arr.astype(np.uint8))
        _fibres(rng, img, 120, (222, 217, 204))
    elif kind == "kraft":
        arr = _tint((186, 148, 104), 0.5 * cloud + 0.5 * grain, 0.25)
        img = Image.fromarray(arr.astype(np.uint8))
        _fibres(rng, img, 300, (160, 124, 84))
    elif kind == "chalkboard":
        arr = _tint((42, 66, 52), 0.8 * cloud + 0.2 * grain, 0.5)
        img = Image.fromarray(arr.astype(np.uint8))
        _fibres(rng, img, 60, (90, 112, 98))  # smudged chalk
    elif kind == "denim":
        y, x = np.mgrid[0:size, 0:size]
        twill = 0.5 + 0.5 * np.sin((x + y) * 1.4)
        arr = _tint((52, 78, 128), 0.5 * twill + 0.3 * grain + 0.2 * cloud, 0.45)
        img = Image.fromarray(arr.astype(np.uint8))
    elif kind == "concrete":
        speck = (rng.random((size, size)) > 0.985).astype(np.float32)
        arr = _tint((150, 148, 142), 0.5 * cloud + 0.5 * grain - 0.6 * speck, 0.35)
        img = Image.fromarray(arr.astype(np.uint8))
    elif kind == "sky":
        y = np.linspace(0, 1, size, dtype=np.float32)[:, None, None]
        top, bottom = np.array([70, 120, 200], np.float32), np.array([170, 200, 235], np.float32)
        arr = top + (bottom - top) * y + 40 * (cloud[..., None] - 0.5)
        img = Image.fromarray(np.clip(np.broadcast_to(arr, (size, size, 3)), 0, 255).astype(np.uint8))
    elif kind == "whiteboard":
        y, x = np.mgrid[0:size, 0:size] / size
        glare = np.exp(-((x - 0.7) ** 2 + (y - 0.25) ** 2) / 0.05)
        arr = _tint((228, 230, 233), 0.7 * cloud + 0.3 * grain, 0.05) + 25 * glare[..., None]
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    else:
        raise ValueError(f"unknown surface {kind!r}")
    return img.convert("RGB")


# --------------------------------------------------------------------------- glyph images


def glyph_layer(char: str, font_path: Path, size: int, rng: np.random.Generator) -> Image.Image:
    """An 'L' mask of the glyph, scaled to fill ~65 % of the image, slightly off centre and turned."""
    font = ImageFont.truetype(str(font_path), size)
    left, top, right, bottom = font.getbbox(char)
    canvas = Image.new("L", (right - left + 8, bottom - top + 8), 0)
    ImageDraw.Draw(canvas).text((4 - left, 4 - top), char, font=font, fill=255)
    canvas = canvas.crop(canvas.getbbox())
    target = size * rng.uniform(0.55, 0.7)
    scale = target / max(canvas.size)
    canvas = canvas.resize(
        (max(int(canvas.width * scale), 1), max(int(canvas.height * scale), 1)), Image.Resampling.LANCZOS
    )
    canvas = canvas.rotate(float(rng.uniform(-12, 12)), resample=Image.Resampling.BICUBIC, expand=True)
    layer = Image.new("L", (size, size), 0)
    offset = (np.array([size, size]) - np.array(canvas.size)) // 2 + rng.integers(-size // 16, size // 16, 2)
    layer.paste(canvas, tuple(int(v) for v in offset))
    return layer


def photograph(img: Image.Image, rng: np.random.Generator) -> Image.Image:
    """What a phone camera adds: a slight perspective tilt, vignette, softness and sensor noise."""
    size = img.width
    d = size * 0.06
    quad = [c + rng.uniform(-d, d) for c in (0, 0, 0, size, size, size, size, 0)]
    img = img.transform(
        img.size, Image.Transform.QUAD, quad, Image.Resampling.BICUBIC, fillcolor=img.getpixel((size // 2, 2))
    )
    y, x = np.mgrid[0:size, 0:size] / size
    vignette = 1 - 0.35 * ((x - 0.5) ** 2 + (y - 0.5) ** 2)
    arr = np.asarray(img, np.float32) * vignette[..., None] + rng.normal(0, 4, (size, size, 3))
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return img.filter(ImageFilter.GaussianBlur(0.6))


def glyph_sample(spec: GlyphSample, size: int, rng: np.random.Generator) -> tuple[Image.Image, str] | None:
    """The sample image and a description of the glyph and font, or None when no font has one."""
    for char in spec.glyphs:
        font = find_font(char, spec.fonts)
        if font is None:
            continue
        base = surface(spec.surface, rng, size)
        mask = glyph_layer(char, font, size, rng)
        base.paste(Image.new("RGB", base.size, spec.ink), (0, 0), mask)
        return photograph(base, rng), f"U+{ord(char):04X} {char} from {font.name}"
    return None


# --------------------------------------------------------------------------- drawn by hand


def _poly(n: int, start_deg: float, radii: tuple[float, ...] = (1.0,)) -> list[tuple[float, float]]:
    return [
        (
            radii[i % len(radii)] * math.cos(math.radians(start_deg + 360 * i / n)),
            radii[i % len(radii)] * math.sin(math.radians(start_deg + 360 * i / n)),
        )
        for i in range(n)
    ]


def _heart_path() -> list[tuple[float, float]]:
    """Two half-circle lobes and straight sides to the point, as one would draw it."""
    left = [
        (-0.5 + 0.5 * math.cos(math.radians(a)), -0.35 - 0.5 * math.sin(math.radians(a)))
        for a in range(200, -1, -20)
    ]
    right = [
        (0.5 + 0.5 * math.cos(math.radians(a)), -0.35 - 0.5 * math.sin(math.radians(a)))
        for a in range(180, -21, -20)
    ]
    return [(0.0, 1.0), *left, *right]


def _crescent_path() -> list[tuple[float, float]]:
    outer = [(math.cos(math.radians(a)), math.sin(math.radians(a))) for a in range(50, 311, 15)]
    inner = [
        (0.45 + 0.8 * math.cos(math.radians(a)), 0.8 * math.sin(math.radians(a)))
        for a in range(250, 109, -15)
    ]
    return outer + inner


# Closed outlines (filled for "circle") and open strokes, in unit coordinates, y down.
DRAWINGS: dict[str, tuple[list[list[tuple[float, float]]], bool, bool]] = {
    # label: (paths, closed, filled)
    "circle": ([_poly(24, 0)], True, True),
    "ring": ([_poly(24, 0)], True, False),
    "triangle": ([_poly(3, -90)], True, False),
    "square": ([_poly(4, 45)], True, False),
    "pentagon": ([_poly(5, -90)], True, False),
    "hexagon": ([_poly(6, 0)], True, False),
    "star": ([_poly(10, -90, (1.0, 0.42))], True, False),
    "heart": ([_heart_path()], True, False),
    "crescent": ([_crescent_path()], True, False),
    "cross": (
        [
            [
                (-0.3, -1),
                (0.3, -1),
                (0.3, -0.3),
                (1, -0.3),
                (1, 0.3),
                (0.3, 0.3),
                (0.3, 1),
                (-0.3, 1),
                (-0.3, 0.3),
                (-1, 0.3),
                (-1, -0.3),
                (-0.3, -0.3),
            ]
        ],
        True,
        False,
    ),
    "arrow": ([[(-1, 0.05), (0.95, -0.05)], [(0.45, -0.5), (0.97, -0.03), (0.5, 0.5)]], False, False),
    "lightning": (
        [[(0.05, -1), (0.55, -1), (0.15, -0.15), (0.5, -0.15), (-0.45, 1), (-0.05, 0.1), (-0.4, 0.1)]],
        True,
        False,
    ),
}


def _pen_path(
    points: list[tuple[float, float]], closed: bool, rng: np.random.Generator, scale: float, centre: float
) -> list[tuple[float, float]]:
    """Densify the path and add a slow hand tremor; a closed loop overshoots its start a little."""
    pts = np.array(points + ([points[0], points[1]] if closed else []), np.float32)
    dense = []
    for a, b in zip(pts[:-1], pts[1:], strict=True):
        steps = max(int(np.linalg.norm(b - a) * 20), 2)
        dense += [a + (b - a) * t for t in np.linspace(0, 1, steps, endpoint=False)]
    if closed:  # stop a bit past the start, as a pen does
        dense = dense[: len(dense) - int(len(dense) * 0.04)]
    else:
        dense.append(pts[-1])
    arr = np.array(dense)
    drift = np.cumsum(rng.normal(0, 0.006, arr.shape), axis=0)
    drift -= np.linspace(0, 1, len(arr))[:, None] * drift[-1]  # the hand returns to where it aimed
    return [tuple(p) for p in (arr + drift) * scale + centre]


def drawn_sample(label: str, size: int, rng: np.random.Generator) -> Image.Image:
    """A marker drawing of ``label`` on paper, photographed."""
    paths, closed, filled = DRAWINGS[label]
    img = surface("paper", rng, size)
    draw = ImageDraw.Draw(img)
    ink = (20, 40, 120) if rng.random() < 0.5 else (25, 25, 25)
    width = int(size * rng.uniform(0.025, 0.04))
    scale, centre = size * 0.32, size / 2
    for path in paths:
        line = _pen_path(path, closed, rng, scale, centre)
        if filled:
            draw.polygon(line, fill=ink)
        draw.line(line, fill=ink, width=width)
        r = width / 2
        for x, y in line:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=ink)
    return photograph(img, rng)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "assets" / "samples"
    )
    parser.add_argument("--size", type=int, default=320)
    parser.add_argument("--drawn", action="store_true", help="also write <class>-drawn.jpg for every class")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for i, spec in enumerate(SAMPLES):
        rng = np.random.default_rng([SEED, i])
        made = glyph_sample(spec, args.size, rng)
        if made is None:
            image, how = drawn_sample(spec.label, args.size, rng), "drawn by hand (no font has a glyph)"
        else:
            image, how = made
        image.save(args.out / f"{spec.label}.jpg", quality=87, optimize=True)
        print(f"{spec.label + '.jpg':16} {how}")
    if args.drawn:
        for i, spec in enumerate(SAMPLES):
            rng = np.random.default_rng([SEED, 100 + i])
            drawn_sample(spec.label, args.size, rng).save(
                args.out / f"{spec.label}-drawn.jpg", quality=87, optimize=True
            )
            print(f"{spec.label + '-drawn.jpg':16} drawn by hand")
    return 0


if __name__ == "__main__":
    sys.exit(main())
