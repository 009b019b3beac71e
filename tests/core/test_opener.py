"""One model spec (ModelChoice) and one opener: the same flags on every sub-command that loads a
model, BatchSpec as a ModelChoice, and open_weights/open_classifier honouring the spec."""

from __future__ import annotations

import dataclasses

import pytest

from core.batch import BatchSpec
from core.cli import build_parser
from core.cli_commands import model_choice
from core.errors import WeightsError
from core.sources import DEFAULT, ModelChoice

MODEL_FLAGS = ("--arch", "--weights", "--labels", "--device", "--backend")


def _actions(command: str) -> dict[str, tuple]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    actions = {}
    for action in sub.choices[command]._actions:
        for flag in action.option_strings:
            if flag in MODEL_FLAGS:
                actions[flag] = (action.dest, action.default, action.help, tuple(action.choices or ()))
    return actions


def test_every_command_that_loads_a_model_has_the_same_model_flags() -> None:
    classify, batch, explain = _actions("classify"), _actions("batch"), _actions("explain")
    assert set(classify) == set(batch) == set(MODEL_FLAGS)
    assert classify == batch
    # Grad-CAM needs torch's gradients, so explain offers no other backend; the rest are the same.
    assert explain == {flag: value for flag, value in classify.items() if flag != "--backend"}


def test_the_flags_read_back_as_a_model_choice() -> None:
    args = build_parser().parse_args(["classify", "x.jpg", "--weights", "imagenet-v2", "--device", "cpu"])
    assert model_choice(args) == ModelChoice(None, "imagenet-v2", "", "cpu", "auto")
    args = build_parser().parse_args(["explain", "x.jpg", "--out", "o", "--arch", "resnet18"])
    assert model_choice(args) == ModelChoice("resnet18", DEFAULT, "", "auto", "torch")


def test_batch_spec_is_a_model_choice_plus_batching() -> None:
    spec = BatchSpec(device="cpu", top_k=3, batch_size=16, backend="onnx")
    assert isinstance(spec, ModelChoice) and spec.model == ModelChoice(None, DEFAULT, "", "cpu", "onnx")
    names = [f.name for f in dataclasses.fields(BatchSpec)]
    assert names == [f.name for f in dataclasses.fields(ModelChoice)] + ["top_k", "batch_size", "threshold"]


def test_no_architecture_means_the_weights_default_when_normalised() -> None:
    assert ModelChoice(None, "imagenet-v2").normalised().arch == "resnet50"
    assert ModelChoice(None, "imagenet-v1").normalised().arch == ModelChoice.bundled().arch


def test_open_weights_honours_the_spec() -> None:
    pytest.importorskip("torch")
    from core.opener import open_classifier, open_weights

    bundled = ModelChoice.bundled(device="cpu")
    loaded = open_weights(bundled)
    assert loaded.meta.arch == bundled.arch and str(loaded.device) == "cpu"
    assert open_classifier(bundled, loaded).backend == "torch"
    other = "resnet50" if bundled.arch != "resnet50" else "resnet18"
    with pytest.raises(WeightsError) as raised:  # an architecture given is a requirement
        open_weights(ModelChoice(other, DEFAULT, device="cpu"))
    assert raised.value.suggested_arch == bundled.arch
