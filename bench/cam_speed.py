"""What one Grad-CAM costs on the CPU, against a forward pass of the same bundled model.

Interleaves, on one preprocessed sample (batch 1), for ``--repeats`` rounds:

  (a) a forward pass of the model under ``torch.inference_mode`` (what ``classify`` pays per image,
      unfused: the same modules the CAM hooks),
  (b) the same forward through the BN-folded, channels-last copy ``classify`` really runs,
  (c) ``GradCam.compute`` at each ``--layers`` (forward with autograd, backward to the layer,
      channel weights, ReLU),
  (d) ``GradCam.explain`` on the sample file end to end (decode, preprocess, CAM, full-size map,
      peak and box).

Reports medians and the ratios (c)/(a) and (c)/(b). Target: one CAM <= 3x a forward pass.

    python bench/cam_speed.py --repeats 50
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch

from core.cam import GradCam
from core.images import load_rgb
from core.optimize import prepare_for_inference
from core.paths import samples_dir
from core.weights import load_weights


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--layers", nargs="+", default=["layer4", "layer3", "layer1"])
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    parser.add_argument("--image", default=str(samples_dir() / "star.jpg"))
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    loaded = load_weights(None, device="cpu")
    model = loaded.model.eval()
    fused = prepare_for_inference(model, torch.device("cpu"))
    cams = {layer: GradCam(model, loaded.meta, layer) for layer in args.layers}
    x = cams[args.layers[0]].transform(load_rgb(args.image)).unsqueeze(0)
    x_last = x.contiguous(memory_format=torch.channels_last)

    def forward() -> None:
        with torch.inference_mode():
            model(x)

    def forward_fused() -> None:
        with torch.inference_mode():
            fused(x_last)

    tasks: dict[str, Callable[[], object]] = {"forward": forward, "forward (fused)": forward_fused}
    tasks |= {f"cam {layer}": (lambda c=cam: c.compute(x)) for layer, cam in cams.items()}
    explain = cams[args.layers[0]]
    tasks[f"explain {args.layers[0]} (file)"] = lambda: explain.explain(args.image).box()
    for fn in tasks.values():  # warm-up
        for _ in range(3):
            fn()
    times: dict[str, list[float]] = {name: [] for name in tasks}
    for _ in range(args.repeats):
        for name, fn in tasks.items():
            times[name].append(_timed(fn))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(
        f"bundled model {loaded.meta.name}, input {tuple(x.shape)}, {torch.get_num_threads()} threads, "
        f"median of {args.repeats}"
    )
    for name, value in median.items():
        ratio = ""
        if name.startswith("cam"):
            ratio = (
                f"  = {value / median['forward']:.2f}x forward, "
                f"{value / median['forward (fused)']:.2f}x fused forward"
            )
        print(f"  {name:<24} {value:8.2f} ms{ratio}")


if __name__ == "__main__":
    main()
