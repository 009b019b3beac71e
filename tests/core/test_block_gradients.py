"""Our blocks add the shortcut before the last ReLU and never in place on a tensor autograd needs.

The write-up's block ran ``x += identity`` and an in-place ReLU on the block's input; autograd
keeps the input of a convolution (and of a ReLU, its output) for the backward pass, so either
overwrites what the gradient needs. These tests check that the gradient flows through our blocks,
equals a reference written without any in-place operation, and that the in-place mistake is
indeed caught by autograd.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core.degradation.nets import PlainBlock
from core.resnet import BasicBlock, Bottleneck, conv1x1


def _reference(block: nn.Module, x: Tensor) -> Tensor:
    """The block's formula with out-of-place operations only: relu(F(x) + shortcut(x))."""
    identity = x if block.downsample is None else block.downsample(x)
    if isinstance(block, Bottleneck):
        out = F.relu(block.bn1(block.conv1(x)))
        out = F.relu(block.bn2(block.conv2(out)))
        out = block.bn3(block.conv3(out))
    else:
        out = block.bn2(block.conv2(F.relu(block.bn1(block.conv1(x)))))
    return F.relu(out + identity)


def _blocks() -> list[nn.Module]:
    torch.manual_seed(0)
    project = nn.Sequential(conv1x1(16, 32, 2), nn.BatchNorm2d(32))
    return [
        BasicBlock(16, 16),
        BasicBlock(16, 32, 2, project),
        Bottleneck(64, 16),
        Bottleneck(16, 8, 2, nn.Sequential(conv1x1(16, 32, 2), nn.BatchNorm2d(32))),
    ]


@pytest.mark.parametrize("index", range(4))
def test_gradients_through_a_block_are_finite_and_match_an_out_of_place_reference(index: int) -> None:
    block = _blocks()[index].eval()  # fixed BN statistics: both passes compute the same function
    channels = block.conv1.in_channels
    x = torch.randn(2, channels, 8, 8, requires_grad=True)
    out = block(x)
    (grad_x,) = torch.autograd.grad(out.square().sum(), x)
    x_ref = x.detach().clone().requires_grad_(True)
    ref = _reference(block, x_ref)
    (grad_ref,) = torch.autograd.grad(ref.square().sum(), x_ref)
    assert torch.allclose(out, ref, atol=1e-6)
    assert torch.isfinite(grad_x).all() and grad_x.abs().sum() > 0
    assert torch.allclose(grad_x, grad_ref, atol=1e-5)


def test_the_shortcut_carries_the_gradient_a_plain_block_loses() -> None:
    """With the residual branch silenced (its last BN scaled to zero), a residual block still
    passes the gradient to its input through the shortcut; the same plain block passes none."""
    torch.manual_seed(0)
    residual, plain = BasicBlock(8, 8).train(), PlainBlock(8, 8).train()
    plain.load_state_dict(residual.state_dict())
    for block in (residual, plain):
        nn.init.zeros_(block.bn2.weight)
        nn.init.zeros_(block.bn2.bias)
    x = torch.rand(4, 8, 6, 6) + 0.1  # positive: the final ReLU lets the identity through
    grads = []
    for block in (residual, plain):
        xi = x.clone().requires_grad_(True)
        block(xi).sum().backward()
        grads.append(xi.grad)
    assert torch.allclose(grads[0], torch.ones_like(x))  # d relu(0 + x) / dx = 1
    assert grads[1].abs().sum() == 0


def test_an_in_place_relu_on_a_tensor_autograd_needs_breaks_the_backward_pass() -> None:
    """The write-up's mistake, kept as a check that it would be caught: the block's input is
    saved by conv1 for its weight gradient; a ReLU in place on it corrupts that."""
    torch.manual_seed(0)
    block = BasicBlock(8, 8)

    def broken_forward(x: Tensor) -> Tensor:
        out = block.bn2(block.conv2(block.relu(block.bn1(block.conv1(x)))))
        out += x
        return F.relu_(x) + out  # in place on x, which conv1 saved for backward

    x = torch.randn(2, 8, 6, 6, requires_grad=True) * 1.0
    with pytest.raises(RuntimeError, match="inplace"):
        broken_forward(x).sum().backward()
