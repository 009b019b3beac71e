"""CIFAR-style plain and residual nets of any depth 6n + 2, built from our ``core.resnet`` blocks.

The paper's CIFAR-10 nets (section 4.2): a 3×3 convolution with 16 filters, then three stages of
n blocks at 16, 32 and 64 channels (feature maps 32, 16 and 8 pixels wide for a 32-pixel input),
global average pooling and a linear classifier: 6n + 2 layers with weights. The residual net uses
:class:`core.resnet.BasicBlock` itself, with a projection shortcut (1×1 convolution + BN) where a
stage halves the size and doubles the channels. The plain net uses :class:`PlainBlock`: the same
two convolutions, the same BN and ReLU, only no shortcut. So the one difference between a plain
and a residual net of a depth is the addition of x.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from core.degradation import blocks_per_stage
from core.resnet import BasicBlock, conv1x1, conv3x3

WIDTHS = (16, 32, 64)


class PlainBlock(BasicBlock):
    """:class:`~core.resnet.BasicBlock` without its shortcut: ``out = relu(F(x))``.

    It is built by the same ``__init__`` (same layers, same names, same initialisation), so a plain
    and a residual net differ in nothing but the addition; a plain block never has a ``downsample``.
    """

    def forward(self, x: Tensor) -> Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)))


class CifarNet(nn.Module):
    """Stem, three stages of n blocks (16/32/64 channels), global average pooling, classifier."""

    def __init__(self, depth: int, residual: bool, num_classes: int) -> None:
        super().__init__()
        n = blocks_per_stage(depth)
        self.depth, self.residual = depth, residual
        self.inplanes = WIDTHS[0]
        self.conv1 = conv3x3(3, WIDTHS[0])
        self.bn1 = nn.BatchNorm2d(WIDTHS[0])
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self._make_layer(WIDTHS[0], n, stride=1)
        self.layer2 = self._make_layer(WIDTHS[1], n, stride=2)
        self.layer3 = self._make_layer(WIDTHS[2], n, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(WIDTHS[2], num_classes)
        for m in self.modules():  # as core.resnet.ResNet (and torchvision): He init, unit BN
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def _make_layer(self, planes: int, blocks: int, stride: int) -> nn.Sequential:
        """One stage; in the residual net its first block projects the shortcut where shapes change."""
        block = BasicBlock if self.residual else PlainBlock
        downsample = None
        if self.residual and (stride != 1 or self.inplanes != planes):
            downsample = nn.Sequential(conv1x1(self.inplanes, planes, stride), nn.BatchNorm2d(planes))
        stage = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        stage += [block(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*stage)

    def forward(self, x: Tensor) -> Tensor:
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def build_net(depth: int, residual: bool, num_classes: int, seed: int) -> CifarNet:
    """A net initialised from ``seed``: the same seed gives the same starting weights every run."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return CifarNet(depth, residual, num_classes)


def weight_layers(net: nn.Module) -> int:
    """Convolutions and linear layers on the main path (what "depth" counts; not projections)."""
    return sum(
        isinstance(m, nn.Conv2d | nn.Linear) and "downsample" not in name for name, m in net.named_modules()
    )
