"""core.unknown: the rule, the model's default threshold, and the calibration arithmetic."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from core.errors import UsageError
from core.metadata import ModelMeta
from core.unknown import (
    calibrate,
    check_threshold,
    default_threshold,
    is_unknown,
    top_probability,
    unknown_share,
    unknown_text,
)
from core.weights import bundled_model_path, load_weights


def test_rule_on_every_kind_of_input() -> None:
    probs = [0.1, 0.55, 0.35]
    assert top_probability(probs) == 0.55
    assert top_probability(np.array(probs)) == pytest.approx(0.55)
    assert top_probability(torch.tensor(probs)) == pytest.approx(0.55)
    assert is_unknown(probs, 0.6) and not is_unknown(probs, 0.5)
    assert not is_unknown([0.4, 0.6], 0.6)  # equal to the threshold is known
    assert is_unknown(0.3, 0.5) and not is_unknown(0.3, None) and not is_unknown(0.3, 0.0)
    assert is_unknown(torch.tensor(probs), 0.9)
    assert unknown_text(12) == "unknown (none of the 12 classes)"


@pytest.mark.parametrize("value, expected", [("0.5", 0.5), (0, 0.0), (None, None), (0.99, 0.99)])
def test_check_threshold(value, expected) -> None:
    assert check_threshold(value) == expected


@pytest.mark.parametrize("value", ["abc", -0.1, 1.0, 2, float("nan")])
def test_check_threshold_refuses(value) -> None:
    with pytest.raises(UsageError, match="threshold"):
        check_threshold(value)


def test_calibrate_keeps_the_promised_share() -> None:
    rng = np.random.default_rng(0)
    values = rng.beta(8, 2, 1000)
    threshold = calibrate(values, keep=0.95)
    assert unknown_share(values, threshold) <= 0.05
    assert unknown_share(values, threshold + 0.01) > 0.04  # as high as the promise allows
    assert threshold == round(threshold, 2)
    assert calibrate([0.9] * 10) == 0.9
    with pytest.raises(ValueError):
        calibrate([])


def test_default_threshold_from_metadata_or_card(tmp_path) -> None:
    meta = ModelMeta(arch="resnet18", categories=("a", "b"), card={"unknown_threshold": 0.42})
    assert default_threshold(meta) == 0.42
    bare = ModelMeta(arch="resnet18", categories=("a", "b"))
    assert default_threshold(bare) is None
    weights = tmp_path / "m.safetensors"
    (tmp_path / "m.json").write_text(json.dumps({"arch": "resnet18", "card": {"unknown_threshold": 0.3}}))
    assert default_threshold(bare, weights) == 0.3
    (tmp_path / "m.json").write_text("{broken")
    assert default_threshold(bare, weights) is None
    (tmp_path / "m.json").write_text(json.dumps({"card": {"unknown_threshold": 7}}))
    assert default_threshold(bare, weights) is None  # nonsense in a card is ignored, not fatal


def test_bundled_model_has_a_calibrated_threshold() -> None:
    loaded = load_weights(None)
    threshold = default_threshold(loaded.meta, loaded.path or bundled_model_path())
    assert threshold is not None and 0.3 < threshold < 0.91
