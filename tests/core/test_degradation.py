"""The degradation experiment: nets of depth 6n + 2, the same batches for every net, stop, folder
data, and ``reslens-cli degradation`` (JSON shape, no NaN, options refused while parsing)."""

from __future__ import annotations

import json
import math
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from core.cli import main
from core.degradation import ExperimentConfig, NetResult, StepReport, depth_problem
from core.degradation import runner as runner_module
from core.degradation.nets import CifarNet, PlainBlock, build_net, weight_layers
from core.degradation.runner import batch_order, run_experiment
from core.resnet import BasicBlock
from core.shapes import write_dataset

TINY = ExperimentConfig(depths=(8, 14), steps=5, size=16, per_class=6, val_per_class=2, device="cpu")


@pytest.mark.parametrize("depth", [8, 14, 20, 56])
def test_depth_counts_the_weight_layers_of_plain_and_residual_nets(depth: int) -> None:
    for residual in (False, True):
        net = CifarNet(depth, residual, num_classes=6)
        assert weight_layers(net) == depth
        blocks = [m for m in net.modules() if isinstance(m, BasicBlock)]
        assert len(blocks) == 3 * (depth - 2) // 6
        assert all(isinstance(b, PlainBlock) != residual for b in blocks)
        assert (net.layer2[0].downsample is not None) == residual  # only residual nets project


@pytest.mark.parametrize("depth", [0, 2, 7, 10, 21, 206])
def test_depths_that_are_not_6n_plus_2_are_refused(depth: int) -> None:
    assert depth_problem(depth) is not None
    with pytest.raises(ValueError, match="6n\\+2"):
        CifarNet(depth, True, 3)


def test_a_plain_block_is_the_residual_block_without_the_addition() -> None:
    torch.manual_seed(0)
    residual, plain = BasicBlock(16, 16).eval(), PlainBlock(16, 16).eval()
    plain.load_state_dict(residual.state_dict())  # same layers, same names
    x = torch.randn(2, 16, 8, 8)
    f = plain.bn2(plain.conv2(plain.relu(plain.bn1(plain.conv1(x)))))
    assert torch.allclose(plain(x), torch.relu(f))
    assert torch.allclose(residual(x), torch.relu(f + x))


def test_the_same_seed_builds_the_same_net() -> None:
    a, b = build_net(8, True, 3, seed=4), build_net(8, True, 3, seed=4)
    assert all(
        torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    )


def test_batch_order_depends_on_the_seed_alone() -> None:
    first = [b.tolist() for b in batch_order(20, 8, 6, seed=1)]
    torch.manual_seed(123)  # the global generator must not matter
    assert first == [b.tolist() for b in batch_order(20, 8, 6, seed=1)]
    assert first != [b.tolist() for b in batch_order(20, 8, 6, seed=2)]
    assert all(len(b) == 8 and len(set(b)) == 8 for b in first)


def test_every_net_trains_on_the_same_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[int, list[torch.Tensor]] = {}

    def recording_build(depth: int, residual: bool, num_classes: int, seed: int) -> CifarNet:
        net = build_net(depth, residual, num_classes, seed)
        key = len(seen)
        seen[key] = []
        net.register_forward_pre_hook(
            lambda m, args: seen[key].append(args[0].clone()) if m.training else None
        )
        return net

    monkeypatch.setattr(runner_module, "build_net", recording_build)
    reports: list[StepReport] = []
    result = run_experiment(TINY, reports.append)
    assert len(seen) == 4 and all(len(batches) == TINY.steps for batches in seen.values())
    for batches in seen.values():
        assert all(torch.equal(a, b) for a, b in zip(batches, seen[0], strict=True))
    assert not torch.equal(seen[0][0], seen[0][1])  # a new batch each step
    train = [r for r in reports if r.stage == "train"]
    assert [r.step for r in train] == [1, 2, 3, 4, 5] and all(len(r.error) == 4 for r in train)
    assert [n.name for n in result.nets] == ["plain-8", "residual-8", "plain-14", "residual-14"]
    for net in result.nets:
        assert net.steps == 5 and len(net.error) == len(net.loss) == 5
        assert 0 <= net.train_error <= 1 and 0 <= net.val_error <= 1
    assert result.train_images == 6 * 6 and result.val_images == 6 * 2 and not result.stopped


def test_the_same_seed_gives_the_same_curves() -> None:
    config = replace(TINY, depths=(8,), steps=3)
    a, b = run_experiment(config), run_experiment(config)
    assert [n.loss for n in a.nets] == [n.loss for n in b.nets]


def test_setting_the_stop_event_ends_the_run_after_the_current_net_step() -> None:
    stop = threading.Event()

    def report(r: StepReport) -> None:
        if r.stage == "train" and r.step == 2:
            stop.set()

    result = run_experiment(replace(TINY, steps=50), report, stop.is_set)
    assert result.stopped
    assert [n.steps for n in result.nets] == [2, 2, 2, 2]
    assert all(n.train_error is None and n.val_error is None for n in result.nets)


def test_stop_while_the_images_are_drawn_trains_nothing() -> None:
    result = run_experiment(TINY, should_stop=lambda: True)
    assert result.stopped and all(n.steps == 0 for n in result.nets)


def test_a_folder_of_classes_is_split_per_class(tmp_path: Path) -> None:
    write_dataset(tmp_path, seed=3, per_class=6, size=20, classes=("ring", "arrow", "crescent"), ext="png")
    result = run_experiment(replace(TINY, depths=(8,), steps=2, data=tmp_path))
    assert result.classes == ("arrow", "crescent", "ring")
    assert (result.train_images, result.val_images) == (3 * 5, 3 * 1)


def test_a_diverged_loss_is_null_in_json() -> None:
    net = NetResult(
        8, False, steps=2, loss=[1.0, math.nan], error=[0.5, 0.9], train_error=0.8, val_error=None
    )
    text = json.dumps({"nets": [net.as_json()]}, allow_nan=False)
    assert json.loads(text)["nets"][0]["curve"][1] == {"step": 2, "loss": None, "error": 0.9}


def test_cli_json_has_exactly_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["degradation", "--depths", "8", "--steps", "3", "--size", "16", "--per-class", "4", "--json"]
    assert main([*argv, "--device", "cpu", "-q"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["nets"] and len(out["nets"]) == 2
    for net, residual in zip(out["nets"], (False, True), strict=True):
        assert list(net) == ["depth", "residual", "steps", "curve", "train_error", "val_error"]
        assert (net["depth"], net["residual"], net["steps"]) == (8, residual, 3)
        assert [p["step"] for p in net["curve"]] == [1, 2, 3]
        assert 0 <= net["train_error"] <= 1


def test_cli_table_and_progress(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["degradation", "--depths", "8", "--steps", "2", "--size", "16", "--per-class", "3"]) == 0
    captured = capsys.readouterr()
    assert "plain-8" in captured.out and "residual-8" in captured.out and "train error" in captured.out
    assert "step 2/2" in captured.err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--depths", "10"], "6n+2"),
        (["--depths", "2"], "6n+2"),
        (["--depths", "deep"], "6n+2"),
        (["--depths", "8", "14", "20", "26", "32"], "at most 4"),
        (["--steps", "0"], "--steps must be from 1"),
        (["--steps", "x"], "--steps must be a whole number"),
        (["--lr", "0"], "learning rate"),
        (["--lr", "nan"], "learning rate"),
        (["--size", "8"], "--size must be from 16"),
        (["--batch-size", "0"], "--batch-size must be from 1"),
        (["--seed", "-1"], "--seed must be from 0"),
        (["--data", "/no/such/folder"], "not a folder"),
    ],
)
def test_options_are_refused_while_parsing(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["degradation", *argv])
    assert exit_info.value.code == 2
    assert says in capsys.readouterr().err


def test_a_refused_option_costs_no_torch_import() -> None:
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from core.cli import build_parser\n"
        "try:\n"
        "    build_parser().parse_args(['degradation', '--depths', '10'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 2\n"
        "print('torch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
