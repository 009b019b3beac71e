"""Outlier exposure: the rendered out-of-class pictures and a short fine-tune that moves only the
head and pushes an outlier's probabilities toward uniform."""

from __future__ import annotations

import numpy as np
import torch

from core.metadata import ModelMeta
from core.outlier_exposure import OUTLIER_CHARS, Config, finetune, iter_outliers
from core.resnet import build_resnet
from core.shapes import CLASSES


def test_no_digit_and_no_class_lookalike_is_rendered_for_training() -> None:
    assert not any(c.isdigit() for c in OUTLIER_CHARS)
    assert not set("OoXx+*") & set(OUTLIER_CHARS)


def test_outliers_are_rgb_pictures_that_depend_on_the_seed_only() -> None:
    first = [np.asarray(image) for image in iter_outliers(7, 6, size=64)]
    again = [np.asarray(image) for image in iter_outliers(7, 6, size=64)]
    other = [np.asarray(image) for image in iter_outliers(8, 6, size=64)]
    assert all(a.shape == (64, 64, 3) and a.dtype == np.uint8 for a in first)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))
    assert len({a.tobytes() for a in first}) == len(first)


def test_finetune_trains_the_head_only_and_flattens_outliers() -> None:
    torch.manual_seed(0)
    meta = ModelMeta(arch="resnet18", categories=CLASSES, crop_size=32, resize_size=32)
    model = build_resnet("resnet18", num_classes=len(CLASSES)).eval()
    with torch.no_grad():
        model.fc.bias[0] = 6.0  # sure of class 0 whatever it sees, outliers included
    before = {k: v.clone() for k, v in model.state_dict().items()}
    config = Config(seed=3, in_class_per_class=2, outliers=24, steps=30, batch_size=8, lr=2e-3, size=48)

    def spread() -> float:  # mean entropy of the outliers' probabilities
        x = torch.stack(
            [
                torch.from_numpy(np.asarray(i, np.float32) / 255).permute(2, 0, 1)[:, 8:40, 8:40]
                for i in iter_outliers(3, 24, size=48)
            ]
        )
        x = (x - torch.tensor(meta.mean)[:, None, None]) / torch.tensor(meta.std)[:, None, None]
        with torch.no_grad():
            p = model(x).softmax(1)
        return float(-(p * p.log()).sum(1).mean())

    start = spread()
    report = finetune(model, meta, config, log=lambda _line: None)
    after = model.state_dict()
    assert all(
        torch.equal(before[k], after[k]) for k in before if k.startswith(("conv1", "bn1", "layer1", "layer2"))
    )
    assert not torch.equal(before["layer4.1.conv2.weight"], after["layer4.1.conv2.weight"])
    assert not torch.equal(before["fc.weight"], after["fc.weight"])
    assert spread() > start  # closer to uniform (log 12 = 2.48 at most)
    assert report["config"]["steps"] == 30 and len(report["history"]) >= 2
