"""Calibrate the bundled model's "unknown" threshold and report what it catches.

The threshold is chosen on in-class images only: symbols rendered by ``core.shapes`` at a seed
never used in training (``--cal-seed``), taking the highest threshold that keeps at least 95 %
of them known (``core.unknown.calibrate``). Out-of-class images never move it; they measure it:

* calibration report (``--cal-seed``): letters A-Z in the system's fonts, textures (the
  generator's backgrounds with no symbol), noise photos (pixel noise, colour blobs);
* evaluation (``--eval-seed``, images rendered afresh): in-class symbols, the bundled
  ``assets/samples/`` (the target: >= 95 % known) and digits 0-9 in the system's fonts (the
  target: >= 80 % unknown).

Training used seeds 1 (train) and 2 (validation); the held-out set of the card is seed 1000.

    python tools/calibrate_unknown.py                    # print the study
    python tools/calibrate_unknown.py --update-card      # and write the threshold into the card
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.inference import Classifier
from core.metadata import card_path
from core.paths import samples_dir
from core.selftest import sample_files
from core.shapes import BACKGROUNDS, CLASSES, iter_samples
from core.unknown import DEFAULT_KEEP, THRESHOLD_KEY, calibrate, unknown_share
from core.weights import bundled_model_path, load_weights

SIZE = 96
DIGITS = "0123456789"
CONFIDENCE_NOTE = (
    "Probabilities are softmax outputs of a network trained with label smoothing 0.1, so a sure "
    "answer reads about 0.91 (0.9 + 0.1 / 12), never 1.0. Read them as relative confidence, not as "
    "calibrated chances; below unknown_threshold a result is reported as unknown."
)
FONT_DIRS = (Path("/usr/share/fonts"), Path("/Library/Fonts"), Path("C:/Windows/Fonts"))
SYMBOL_FONTS = ("D050000L", "StandardSymbols", "Symbol", "Math", "Fallback", "Z003")  # no Latin glyphs


def system_fonts() -> list[Path]:
    """TrueType/OpenType fonts with Latin letters and digits, in a stable order."""
    found: list[Path] = []
    for folder in FONT_DIRS:
        if folder.is_dir():
            found += [p for p in folder.rglob("*") if p.suffix.lower() in (".ttf", ".otf")]
    return sorted(p for p in found if not any(s in p.name for s in SYMBOL_FONTS))


def _colour(rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(0.0, 1.0, 3).astype(np.float32)


def _background(rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.4:
        return np.broadcast_to(_colour(rng), (SIZE, SIZE, 3)).copy()
    texture = BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))]
    return np.clip(texture(rng, SIZE), 0.0, 1.0).astype(np.float32)


def render_glyph(
    text: str,
    font_path: Path,
    rng: np.random.Generator,
    *,
    height: tuple[float, float] = (0.45, 0.85),
    turn: float = 20,
    skip_missing: bool = False,
) -> Image.Image | None:
    """One character in one font, sized (``height``: share of the picture), turned (up to
    ``turn`` degrees) and placed at random on a plain or textured ground.

    A font without the character draws nothing: with ``skip_missing`` that gives ``None`` (a
    benchmark wants only real glyphs), else a blank ground (calibration keeps its count).
    Also ``bench/teach.py``'s renderer, with its own sizes and turns.
    """
    scale = 3
    font = ImageFont.truetype(str(font_path), int(rng.uniform(*height) * SIZE * scale))
    canvas = Image.new("L", (SIZE * scale * 2, SIZE * scale * 2), 0)
    ImageDraw.Draw(canvas).text((SIZE * scale, SIZE * scale), text, fill=255, font=font, anchor="mm")
    canvas = canvas.rotate(rng.uniform(-turn, turn), resample=Image.Resampling.BILINEAR)
    box = canvas.getbbox()
    if box is None and skip_missing:
        return None
    glyph = canvas.crop(box or (0, 0, 1, 1))
    glyph = glyph.resize((max(1, glyph.width // scale), max(1, glyph.height // scale)), Image.Resampling.BOX)
    glyph = glyph.crop((0, 0, min(glyph.width, SIZE), min(glyph.height, SIZE)))
    mask = np.zeros((SIZE, SIZE), np.float32)
    x = int(rng.integers(0, SIZE - glyph.width + 1))
    y = int(rng.integers(0, SIZE - glyph.height + 1))
    mask[y : y + glyph.height, x : x + glyph.width] = np.asarray(glyph, np.float32) / 255
    background = _background(rng)
    under = float(background.reshape(-1, 3).mean(axis=0) @ np.array([0.299, 0.587, 0.114]))
    ink = _colour(rng)
    for _ in range(50):
        if abs(float(ink @ np.array([0.299, 0.587, 0.114])) - under) > 0.35:
            break
        ink = _colour(rng)
    pixels = background * (1 - mask[..., None]) + ink * mask[..., None]
    return Image.fromarray((np.clip(pixels, 0, 1) * 255 + 0.5).astype(np.uint8))


def glyphs(characters: str, count: int, seed: int) -> list[Image.Image]:
    fonts = system_fonts()
    if not fonts:
        raise SystemExit("no TrueType/OpenType fonts found on this system")
    rng = np.random.default_rng(seed)
    return [
        render_glyph(characters[i % len(characters)], fonts[int(rng.integers(len(fonts)))], rng)
        for i in range(count)
    ]


def textures(count: int, seed: int) -> list[Image.Image]:
    rng = np.random.default_rng([seed, 1])
    return [
        Image.fromarray((np.clip(_background(rng), 0, 1) * 255 + 0.5).astype(np.uint8)) for _ in range(count)
    ]


def noise_photos(count: int, seed: int) -> list[Image.Image]:
    """Pixel noise, smooth colour noise and soft blobs: pictures with no object at all."""
    rng = np.random.default_rng([seed, 2])
    images = []
    for i in range(count):
        if i % 3 == 0:
            pixels = rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)
        elif i % 3 == 1:
            cells = int(rng.integers(3, 12))
            small = Image.fromarray(rng.integers(0, 256, (cells, cells, 3), dtype=np.uint8))
            pixels = np.asarray(small.resize((SIZE, SIZE), Image.Resampling.BICUBIC))
        else:
            image = Image.new("RGB", (SIZE, SIZE), tuple(int(v) for v in rng.integers(0, 256, 3)))
            draw = ImageDraw.Draw(image)
            for _ in range(int(rng.integers(3, 9))):
                cx, cy, r = *rng.uniform(0, SIZE, 2), rng.uniform(8, 40)
                draw.ellipse(
                    [cx - r, cy - r, cx + r, cy + r], fill=tuple(int(v) for v in rng.integers(0, 256, 3))
                )
            pixels = np.asarray(image)
        images.append(Image.fromarray(np.ascontiguousarray(pixels)))
    return images


def in_class(per_class: int, seed: int) -> list[Image.Image]:
    return [image for image, _ in iter_samples(seed, per_class, SIZE)]


def top1(classifier: Classifier, images: list) -> list[tuple[str, float]]:
    results = classifier.classify(images, top_k=1, batch_size=64)
    return [(r.predictions[0].label, r.predictions[0].probability) for r in results if r.ok]


def _still_known(characters: str, predictions: list[tuple[str, float]], threshold: float) -> dict[str, str]:
    """Per character: how many stayed known at the threshold, and as what (the study's detail)."""
    detail = {}
    for offset, character in enumerate(characters):
        mine = predictions[offset :: len(characters)]
        known = [label for label, p in mine if p >= threshold]
        common = max(set(known), key=known.count) if known else "-"
        detail[character] = f"{len(known)}/{len(mine)} known (mostly {common})"
    return detail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cal-seed", type=int, default=14001)
    parser.add_argument("--eval-seed", type=int, default=14002)
    parser.add_argument("--per-class", type=int, default=150, help="in-class images per class and set")
    parser.add_argument("--out-of-class", type=int, default=400, help="images per out-of-class set")
    parser.add_argument("--keep", type=float, default=DEFAULT_KEEP)
    parser.add_argument("--update-card", action="store_true", help="write the threshold into the model card")
    args = parser.parse_args(argv)

    loaded = load_weights(None)
    classifier = Classifier.from_loaded(loaded)
    measure: Callable[[list], list[float]] = lambda images: [p for _, p in top1(classifier, images)]  # noqa: E731

    cal_in = measure(in_class(args.per_class, args.cal_seed))
    threshold = calibrate(cal_in, keep=args.keep)
    n = args.out_of_class
    calibration = {
        "in_class_known": 1 - unknown_share(cal_in, threshold),
        "letters_unknown": unknown_share(
            measure(glyphs("ABCDEFGHIJKLMNOPQRSTUVWXYZ", n, args.cal_seed)), threshold
        ),
        "textures_unknown": unknown_share(measure(textures(n, args.cal_seed)), threshold),
        "noise_unknown": unknown_share(measure(noise_photos(n, args.cal_seed)), threshold),
    }
    samples = measure([str(p) for p in sample_files(samples_dir())])
    evaluation = {
        "in_class_known": 1 - unknown_share(measure(in_class(args.per_class, args.eval_seed)), threshold),
        "samples_known": 1 - unknown_share(samples, threshold),
    }
    digits = top1(classifier, glyphs(DIGITS, n, args.eval_seed))
    evaluation["digits_unknown"] = unknown_share([p for _, p in digits], threshold)
    report = {
        THRESHOLD_KEY: threshold,
        "rule": f"unknown when the top-1 probability is below the threshold; chosen as the highest "
        f"multiple of 0.01 keeping >= {args.keep:.0%} of in-class calibration images known",
        "calibration": {
            "seed": args.cal_seed,
            "in_class_images": len(cal_in),
            "out_of_class_images_per_set": n,
            **{k: round(v, 4) for k, v in calibration.items()},
        },
        "evaluation": {
            "seed": args.eval_seed,
            "in_class_images": args.per_class * len(CLASSES),
            "samples": len(samples),
            "digit_images": n,
            **{k: round(v, 4) for k, v in evaluation.items()},
        },
        "digits_detail": _still_known(DIGITS, digits, threshold),
        "fonts": len(system_fonts()),
        "command": "python tools/calibrate_unknown.py --update-card",
    }
    print(json.dumps(report, indent=2))
    if args.update_card:
        _update_card(card_path(bundled_model_path()), report)
    return 0


def _update_card(path: Path, report: dict) -> None:
    """Top-level keys of the JSON card: the safetensors header (the model's ``card``) stays as it
    was trained, and ``ModelMeta`` ignores keys it does not know."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data[THRESHOLD_KEY] = report[THRESHOLD_KEY]
    data["unknown_calibration"] = {k: v for k, v in report.items() if k != THRESHOLD_KEY}
    data["confidence_note"] = CONFIDENCE_NOTE
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {THRESHOLD_KEY} = {report[THRESHOLD_KEY]} into {path}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
