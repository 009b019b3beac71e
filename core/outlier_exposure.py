"""Outlier exposure: fine-tune the bundled model so pictures of none of its classes read as unsure.

A softmax classifier trained only on its N classes answers every picture with one of them, often
confidently: a digit ``7`` is a good enough arrow. Outlier exposure (Hendrycks, Mazeika and
Dietterich, "Deep Anomaly Detection with Outlier Exposure", ICLR 2019) adds a second loss term
during a short fine-tune: the cross-entropy of out-of-class pictures to the *uniform*
distribution. In-class pictures keep their usual (label-smoothed) loss. The network learns to
spread its probability over all classes when it sees none of them, so the top-1 probability,
which the "unknown" threshold of :mod:`core.unknown` reads, becomes a much better signal.

The out-of-class pictures here are rendered, never digits (the target the threshold is measured
on): letters and punctuation in the system's fonts, filled or outlined, pen scribbles, bare
textures and noise, all on the same backgrounds and with the same degradations as
:mod:`core.shapes`, so only the *shape* tells them apart. Glyphs that are one of the classes in
another guise (``O`` is a ring, ``+``/``x`` a cross, ``*`` a star) are left out.

To keep the fine-tune to minutes on a CPU, the stem, ``layer1`` and ``layer2`` stay frozen and
their outputs are computed once; ``layer3``, ``layer4`` and ``fc`` are trained with batch norm
in evaluation mode (its statistics stay those of the original training).

    python -m core.outlier_exposure --base BASE.safetensors --out TUNED.safetensors

(``assets/models/README.md`` has the exact chain for the bundled model.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import platform
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from core import shapes
from core.metadata import ModelMeta, save_model
from core.shapes import paint

# Letters and signs that are none of the 12 symbols. Left out: O/o (a ring), X/x/+ (a cross
# turned or not), * (a star), and every digit (digits are what the threshold is measured on).
OUTLIER_CHARS = "ABCDEFGHIJKLMNPQRSTUVWYZabcdefghijklmnpqrstuvwyz&@#%?!$§¶€£¥ß=~{}[]()/\\;:"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/Library/Fonts"), Path("C:/Windows/Fonts"))
SYMBOL_FONTS = ("D050000L", "StandardSymbols", "Symbol", "Math", "Fallback", "Z003")  # no Latin glyphs
KINDS = ("glyph", "scribble", "texture", "noise")
KIND_WEIGHTS = np.array([0.6, 0.2, 0.12, 0.08])


def latin_fonts() -> list[Path]:
    """TrueType/OpenType fonts with Latin glyphs, in a stable order (the same list every run)."""
    found: list[Path] = []
    for folder in FONT_DIRS:
        if folder.is_dir():
            found += [p for p in folder.rglob("*") if p.suffix.lower() in (".ttf", ".otf")]
    return sorted(p for p in found if not any(s in p.name for s in SYMBOL_FONTS))


def _background(rng: np.random.Generator, size: int) -> np.ndarray:
    weights = shapes.BACKGROUND_WEIGHTS / shapes.BACKGROUND_WEIGHTS.sum()
    texture = shapes.BACKGROUNDS[rng.choice(len(shapes.BACKGROUNDS), p=weights)]
    return np.clip(texture(rng, size), 0.0, 1.0).astype(np.float32)


def _ink(rng: np.random.Generator, background: np.ndarray, mask: np.ndarray, size: int) -> Image.Image:
    """Lay ``mask`` (0..1) in a colour that stands out from what lies beneath, then degrade."""
    weight = mask.sum() + 1e-6
    under = (background * mask[..., None]).sum(axis=(0, 1)) / weight
    colour = paint._contrasting_colour(rng, under)  # the generator's own colour rule
    pixels = background * (1 - mask[..., None]) + colour * mask[..., None]
    return Image.fromarray((np.clip(pixels, 0, 1) * 255 + 0.5).astype(np.uint8))


def _with_clutter(rng: np.random.Generator, background: np.ndarray, size: int) -> np.ndarray:
    if rng.random() >= 0.6:
        return background
    canvas = Image.fromarray((background * 255).astype(np.uint8))
    paint._clutter(rng, canvas, size * 0.6, int(rng.integers(1, 6)))
    return np.asarray(canvas, np.float32) / 255


def _glyph_mask(rng: np.random.Generator, fonts: list[Path], size: int) -> np.ndarray:
    """One to three characters, sized, turned and placed at random; filled or outlined."""
    scale = shapes.SUPERSAMPLE
    text = "".join(
        OUTLIER_CHARS[int(rng.integers(len(OUTLIER_CHARS)))] for _ in range(rng.choice([1, 1, 1, 2, 3]))
    )
    font = ImageFont.truetype(
        str(fonts[int(rng.integers(len(fonts)))]), int(rng.uniform(0.4, 0.9) * size * scale)
    )
    canvas = Image.new("L", (size * scale * 3, size * scale * 2), 0)
    ImageDraw.Draw(canvas).text(
        (canvas.width // 2, canvas.height // 2), text, fill=255, font=font, anchor="mm"
    )
    if rng.random() < 0.3:  # outlined, as the generator draws symbols in outline style
        thick = canvas.filter(ImageFilter.MinFilter(2 * int(rng.integers(2, 5)) + 1))
        canvas = Image.fromarray(np.asarray(canvas) - np.asarray(thick))
    canvas = canvas.rotate(rng.uniform(-30, 30), resample=Image.Resampling.BILINEAR, expand=True)
    glyph = canvas.crop(canvas.getbbox() or (0, 0, 1, 1))
    fit = min(1.0, 0.95 * size * scale / max(glyph.width, glyph.height))
    side = (max(1, int(glyph.width * fit / scale)), max(1, int(glyph.height * fit / scale)))
    glyph = glyph.resize(side, Image.Resampling.BOX)
    mask = np.zeros((size, size), np.float32)
    x = int(rng.integers(0, size - glyph.width + 1))
    y = int(rng.integers(0, size - glyph.height + 1))
    mask[y : y + glyph.height, x : x + glyph.width] = np.asarray(glyph, np.float32) / 255
    return mask


def _scribble_mask(rng: np.random.Generator, size: int) -> np.ndarray:
    """One to four pen strokes through a symbol-sized box: curves, zig-zags, loops of no class."""
    scale = shapes.SUPERSAMPLE
    canvas = Image.new("L", (size * scale, size * scale), 0)
    draw = ImageDraw.Draw(canvas)
    side = rng.uniform(0.4, 0.9) * size * scale
    x0, y0 = rng.uniform(0, size * scale - side, 2)
    width = max(2, int(side * rng.uniform(0.04, 0.14)))
    for _ in range(int(rng.integers(1, 5))):
        if rng.random() < 0.5:
            points = paint._bezier(rng, int(side), n=32) + (x0, y0)
        else:
            points = rng.uniform(0, side, (int(rng.integers(3, 7)), 2)) + (x0, y0)
        draw.line([tuple(p) for p in points.tolist()], fill=255, width=width, joint="curve")
    small = canvas.resize((size, size), Image.Resampling.BOX)
    return np.asarray(small, np.float32) / 255


def _noise(rng: np.random.Generator, size: int) -> Image.Image:
    if rng.random() < 0.5:
        pixels = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
    else:
        cells = int(rng.integers(3, 12))
        small = Image.fromarray(rng.integers(0, 256, (cells, cells, 3), dtype=np.uint8))
        pixels = np.asarray(small.resize((size, size), Image.Resampling.BICUBIC))
    return Image.fromarray(np.ascontiguousarray(pixels))


def render_outlier(
    rng: np.random.Generator, fonts: list[Path], size: int = shapes.DEFAULT_SIZE
) -> Image.Image:
    """One RGB picture that shows none of the classes (see :data:`KINDS`)."""
    kind = KINDS[rng.choice(len(KINDS), p=KIND_WEIGHTS / KIND_WEIGHTS.sum())]
    if kind == "noise":
        return _noise(rng, size)
    background = _with_clutter(rng, _background(rng, size), size)
    if kind == "texture":
        image = Image.fromarray((background * 255 + 0.5).astype(np.uint8))
    else:
        mask = _glyph_mask(rng, fonts, size) if kind == "glyph" and fonts else _scribble_mask(rng, size)
        image = _ink(rng, background, mask, size)
    return shapes._degrade(rng, image)


def iter_outliers(seed: int, count: int, size: int = shapes.DEFAULT_SIZE) -> Iterator[Image.Image]:
    """``count`` out-of-class pictures; each from its own generator, so the set depends on the seed only."""
    fonts = latin_fonts()
    for i in range(count):
        yield render_outlier(np.random.default_rng([seed, 99, i]), fonts, size)


# --------------------------------------------------------------------------- fine-tune


@dataclass(frozen=True)
class Config:
    """Everything that decides the result (written into the model card)."""

    seed: int = 14
    in_class_per_class: int = 800
    outliers: int = 9600
    steps: int = 600
    batch_size: int = 64
    lr: float = 3e-4
    weight_decay: float = 0.01
    oe_weight: float = 0.5
    label_smoothing: float = 0.1
    size: int = shapes.DEFAULT_SIZE


def _frozen_features(model: Any, images: Iterator[Image.Image], transform: Callable, batch: int = 200) -> Any:
    """The output of ``layer2`` (the frozen part) for every picture, computed once."""
    import torch

    stem = torch.nn.Sequential(model.conv1, model.bn1, model.relu, model.maxpool, model.layer1, model.layer2)
    chunks, pending = [], []
    with torch.inference_mode():
        for image in images:
            pending.append(transform(image))
            if len(pending) == batch:
                chunks.append(stem(torch.stack(pending)))
                pending = []
        if pending:
            chunks.append(stem(torch.stack(pending)))
    return torch.cat(chunks).contiguous(memory_format=torch.contiguous_format)


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def finetune(
    model: Any, meta: ModelMeta, config: Config, log: Callable[[str], None] = _log
) -> dict[str, Any]:
    """Fine-tune ``model`` (in place) with outlier exposure; returns the figures for the card."""
    import torch
    import torch.nn.functional as F

    from core.images import build_transform

    torch.manual_seed(config.seed)
    transform = build_transform(meta)
    model.eval()  # batch norm keeps its running statistics throughout
    started = time.perf_counter()
    in_images = shapes.iter_samples(
        config.seed, config.in_class_per_class, config.size, tuple(meta.categories)
    )
    labels = torch.tensor([c for c in range(len(meta.categories))] * config.in_class_per_class)
    in_feats = _frozen_features(model, (image for image, _ in in_images), transform)
    out_feats = _frozen_features(model, iter_outliers(config.seed, config.outliers, config.size), transform)
    prepared = time.perf_counter() - started
    log(f"features: {len(in_feats)} in-class, {len(out_feats)} outliers in {prepared:.0f} s")

    head = torch.nn.Sequential(model.layer3, model.layer4, model.avgpool, torch.nn.Flatten(1), model.fc)
    for p in model.parameters():
        p.requires_grad_(False)
    params = [p for p in head.parameters()]
    for p in params:
        p.requires_grad_(True)
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * step / config.steps))
    )
    generator = torch.Generator().manual_seed(config.seed)
    history = []
    for step in range(config.steps):
        i = torch.randint(len(in_feats), (config.batch_size,), generator=generator)
        j = torch.randint(len(out_feats), (config.batch_size,), generator=generator)
        logits = head(torch.cat([in_feats[i], out_feats[j]]))
        in_loss = F.cross_entropy(
            logits[: config.batch_size], labels[i], label_smoothing=config.label_smoothing
        )
        oe_loss = -F.log_softmax(logits[config.batch_size :], dim=1).mean()  # cross-entropy to uniform
        loss = in_loss + config.oe_weight * oe_loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % 50 == 0 or step == config.steps - 1:
            history.append(
                {"step": step, "in_loss": round(in_loss.item(), 4), "oe_loss": round(oe_loss.item(), 4)}
            )
            elapsed = time.perf_counter() - started
            log(f"step {step}: in {in_loss.item():.3f}  oe {oe_loss.item():.3f}  {elapsed:.0f} s")
    for p in model.parameters():
        p.requires_grad_(True)
    return {
        "method": "outlier exposure (Hendrycks et al., ICLR 2019): cross-entropy to the uniform "
        "distribution on rendered out-of-class pictures, added to the in-class cross-entropy "
        f"(label smoothing {config.label_smoothing:g})",
        "config": asdict(config),
        "trained": "layer3, layer4, fc (stem, layer1, layer2 frozen; batch norm in eval mode)",
        "outliers": "letters and signs (no digits, no O/X/+/*) in the system's fonts, filled or "
        "outlined; pen scribbles; bare textures; noise",
        "fonts": len(latin_fonts()),
        "history": history,
        "seconds": round(time.perf_counter() - started, 1),
        "feature_seconds": round(prepared, 1),
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", type=Path, required=True, help="the model as trained (safetensors)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the fine-tuned model")
    defaults = Config()
    for name, value in asdict(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    config = replace(defaults, **{k: getattr(args, k) for k in asdict(defaults)})

    import torch

    from core.weights import load_weights_file

    torch.manual_seed(config.seed)
    loaded = load_weights_file(args.base)
    report = finetune(loaded.model, loaded.meta, config)
    report["base"] = {"file": args.base.name, "sha256": _sha256(args.base)}
    report["command"] = "python -m core.outlier_exposure " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    report["hardware"] = {
        "cpu_count": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
    }
    card = {k: v for k, v in loaded.meta.card.items() if k not in ("unknown_threshold",)}
    meta = replace(loaded.meta, card={**card, "outlier_exposure": report})
    state = {k: v for k, v in loaded.model.state_dict().items()}
    save_model(state, meta, args.out, fp16=True)
    print(json.dumps({k: v for k, v in report.items() if k != "history"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
