"""``reslens-cli explain``: Grad-CAM overlays for images, and where the model looked as JSON.

    reslens-cli explain IMAGES... --out DIR [--layer layer4] [--class LABEL] [--json] [--raw]

For each image it writes ``DIR/<stem>-cam.png`` (the map over the picture) and, with ``--raw``,
``DIR/<stem>-cam16.png`` (the map alone, 16-bit grey); files are written atomically and only
into ``--out``. Two inputs with the same stem get ``<stem>-2-cam.png`` and so on, in input
order. With ``--json`` it prints a list with one record per input: the class explained and its
probability, ``cam_peak`` ``[x, y]`` and ``cam_box`` ``[x0, y0, x1, y1]`` (x1, y1 exclusive) in
the original image's pixels after EXIF orientation, the files written, the top-5 and whether the
result is "unknown" at the model's threshold (``core.unknown``).

Exit codes as ``classify``: 0 every image explained, 1 some files failed, 2 usage or weights.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from core import options
from core.cli_commands import add_model_arguments, model_choice, report_failures
from core.errors import ImageDecodeError, UsageError
from core.export import printable, written_form
from core.messages import QT_TRANSLATE_NOOP, kind

TOP_K = 5


def add_explain(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explain", help="Grad-CAM heat-maps: where the model looked (writes <stem>-cam.png overlays)"
    )
    p.add_argument("paths", nargs="+", metavar="IMAGE", help="image files or folders (searched recursively)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the overlays (created if missing)")
    p.add_argument(
        "--layer",
        default="layer4",
        help="module to explain at: layer1..layer4, a block (layer3.1), a conv, or stem (default layer4)",
    )
    p.add_argument(
        "--class", dest="target", metavar="LABEL", default=None, help="explain this class, not the top-1"
    )
    p.add_argument("--json", action="store_true", help="print a JSON list on stdout, one record per image")
    p.add_argument("--raw", action="store_true", help="also write the map as 16-bit grey, <stem>-cam16.png")
    p.add_argument(
        "--opacity", type=options.OPACITY, default=0.5, help="of the heat-map over the picture (default 0.5)"
    )
    p.add_argument(
        "--force", action="store_true", help="replace existing pictures with the overlays' names in --out"
    )
    add_model_arguments(p, backend=False)  # Grad-CAM needs torch's gradients: no --backend
    p.set_defaults(run=run_explain)


NO_FEATURE_MAP = kind(
    "explain.no-feature-map",
    QT_TRANSLATE_NOOP(
        "Messages",
        "the layer %1 gives no single feature map to explain; choose a stage, a block or a convolution: %2",
    ),
)
OVERLAY_MIN_SIDE = 1024  # px: a larger picture is decoded reduced, so its overlay is about this size


def run_explain(args: argparse.Namespace) -> int:
    """Errors a person can fix are ``ResLensError``s: ``core.cli.main`` prints them and exits."""
    from core.lite import commands as lite_commands

    if lite_commands.handles(args):  # Lite, or a Lite model file: CAM at layer4 (core.lite.cam)
        from core.lite.runtime import expand as expand_inputs

        cam, description, threshold = lite_commands.open_cam(args)
    else:
        from core.inference import expand_inputs

        cam, description, threshold = _open_grad_cam(args)
    if args.target is not None:
        cam.class_index(args.target, [0.0] * cam.meta.num_classes)
    items = expand_inputs(args.paths)
    items, skipped = _without_our_overlays(expand_inputs(args.paths))
    if skipped:
        print(f"skipped {skipped} heat-map(s) ResLens wrote earlier (not explained again)", file=sys.stderr)
    if not items:
        raise UsageError("no images found in the given paths")
    plan = _plan_outputs(items, Path(args.out), args)  # every output checked before any work
    out = _output_folder(Path(args.out))  # made only once everything else is known to be right
    print(f"model: {printable(description)}; layer {cam.layer}", file=sys.stderr)
    records = [
        _explain_one(cam, source, data, args, out / name, threshold)
        for (source, data), name in zip(items, plan, strict=True)
    ]
    if args.json:
        # Names in the one escaped form of every ResLens output (classify --json's): valid UTF-8.
        print(json.dumps(written_form(records), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        for record in records:
            print(_line(record))
    failed = [(r["source"], r["error"] or "") for r in records if not r["ok"]]
    return report_failures(failed, len(records), "explained")


def _open_grad_cam(args: argparse.Namespace) -> tuple[Any, str, float | None]:
    """The full edition's Grad-CAM at ``--layer`` over the model the flags name, how the model is
    described, and its unknown threshold; a layer with no single feature map is refused here."""
    from core.cam import GradCam, cam_layers
    from core.opener import open_weights
    from core.unknown import default_threshold

    loaded = open_weights(model_choice(args))
    cam = GradCam.from_loaded(loaded, args.layer)  # an unknown layer fails here, before any work
    usable = cam_layers(cam.model, loaded.meta.crop_size)
    if cam.layer not in usable:  # avgpool, fc, a block's shared relu: no single spatial map
        raise UsageError(NO_FEATURE_MAP(args.layer, ", ".join(n for n in usable if n.count(".") <= 1)))
    return cam, f"{loaded.description} on {loaded.device}", default_threshold(loaded.meta, loaded.path)


def _output_folder(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
    return out


def _without_our_overlays(items: list[tuple[str, Any]]) -> tuple[list[tuple[str, Any]], int]:
    """The inputs less the heat-maps an earlier ``explain`` wrote (``--out`` the images' folder):
    a map of a map is never wanted."""
    from core.outputs import written_by_us

    kept = [(source, data) for source, data in items if not (isinstance(data, Path) and written_by_us(data))]
    return kept, len(items) - len(kept)


def _plan_outputs(items: list[tuple[str, Any]], out: Path, args: argparse.Namespace) -> list[str]:
    """The overlay file name of each input, each claimed now: never an input, never a picture
    ResLens did not write (a user's own ``x-cam.png``), unless ``--force``."""
    from core.cam_map import raw_map_path
    from core.outputs import Output, OutputRules, claim

    rules = OutputRules.reading(
        [source for source, data in items if isinstance(data, Path)], force=args.force
    )
    names: set[str] = set()
    plan = []
    for source, _ in items:
        name = f"{_unique_stem(Path(source).stem or 'image', names)}-cam.png"
        if out.is_dir():
            claim(out / name, Output.PNG, rules)
            if args.raw:
                claim(raw_map_path(out / name), Output.PNG, rules)
        plan.append(name)
    return plan


def _unique_stem(stem: str, taken: set[str]) -> str:
    candidate, n = stem, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}-{n}"
    taken.add(candidate.casefold())
    return candidate


def _explain_one(cam, source: str, data, args, target: Path, threshold: float | None) -> dict[str, Any]:
    from core.cam_map import grey16, overlay, raw_map_path, save_png
    from core.images import decode_for_model
    from core.preprocess import decode_side
    from core.unknown import is_unknown

    record: dict[str, Any] = {"source": source, "ok": False, "error": None}
    try:
        # Decoded no larger than needed (a 9000 x 9000 PNG is not held at full size): at least the
        # size classify decodes at, and enough for an overlay worth looking at; the coordinates in
        # the record are the original's.
        picture, original = decode_for_model(data, max(decode_side(cam.meta), OVERLAY_MIN_SIDE))
        result = cam.explain(picture, args.target, source=source)
        if not all(math.isfinite(p) for p in result.probabilities):
            raise ImageDecodeError("the model's output for this image is not a number (NaN or infinity)")
        heat = result.heatmap()
        overlay_path = save_png(overlay(picture, heat, args.opacity), target)
        raw_path = save_png(grey16(heat), raw_map_path(overlay_path)) if args.raw else None
    except ImageDecodeError as exc:  # this file only; a bad --out or --class stops the run
        record["error"] = str(exc)
        return record
    ranked = sorted(enumerate(result.probabilities), key=lambda item: -item[1])[:TOP_K]
    record.update(_in_original(result.to_dict(), picture.size, original))
    record.update(
        ok=True,
        overlay=str(overlay_path),
        raw=str(raw_path) if raw_path else None,
        unknown=is_unknown(result.probabilities, threshold),
        threshold=threshold,
        predictions=[
            {"index": i, "label": cam.meta.categories[i], "probability": round(p, 6)} for i, p in ranked
        ],
    )
    return record


def _in_original(
    fields: dict[str, Any], decoded: tuple[int, int], original: tuple[int, int]
) -> dict[str, Any]:
    """The map's peak, box and size in the original picture's pixels (it was decoded smaller)."""
    if decoded == original:
        return fields
    sx, sy = original[0] / decoded[0], original[1] / decoded[1]
    if fields.get("cam_peak"):
        x, y = fields["cam_peak"]
        fields["cam_peak"] = [min(int(x * sx), original[0] - 1), min(int(y * sy), original[1] - 1)]
    if fields.get("cam_box"):
        x0, y0, x1, y1 = fields["cam_box"]
        fields["cam_box"] = [
            int(x0 * sx),
            int(y0 * sy),
            min(round(x1 * sx), original[0]),
            min(round(y1 * sy), original[1]),
        ]
    fields["width"], fields["height"] = original
    return fields


def _line(record: dict[str, Any]) -> str:
    if not record["ok"]:
        return f"{printable(record['source'])}  ERROR: {printable(record['error'])}"
    unknown = "  (unknown: below the threshold)" if record["unknown"] else ""
    return (
        f"{printable(record['source'])}  {printable(record['label'])} {record['probability']:.1%}  "
        f"peak {record['cam_peak']}  box {record['cam_box']}  -> {printable(record['overlay'])}{unknown}"
    )
