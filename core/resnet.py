"""The ResNet family (He et al., 2015), written for ResLens, state-dict compatible with torchvision.

The write-up this project grew from draws the network as a 7x7/2 stem and a 3x3/2 max-pool,
then four stages of residual blocks at 64/128/256/512 planes with strides 1/2/2/2. Each block
learns a residual F(x) and adds it to a shortcut: ``out = relu(F(x) + shortcut(x))``. The
shortcut is the identity when shapes match, and a 1x1 convolution + BN ("projection") when a
stage changes the stride or the number of channels, so the sum is always well defined.

Two departures from the write-up, both bug fixes:

* it flattened the last feature map straight into the classifier, which ties the network to
  one input size; we pool globally (``AdaptiveAvgPool2d((1, 1))``) first, so any input of at
  least 32 px works;
* it applied softmax inside ``forward``; we return logits and let the caller choose softmax,
  log-softmax or cross-entropy (which expects logits).

Module names match torchvision's ``models/resnet.py`` exactly (``conv1, bn1, layer1..4, fc``,
``downsample.0/.1``), so ``load_state_dict(strict=True)`` takes torchvision's checkpoints.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from core.architectures import STAGE_BLOCKS

__all__ = [
    "ARCHITECTURES",
    "BasicBlock",
    "Bottleneck",
    "ResNet",
    "build_resnet",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
]


def conv3x3(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """3x3 convolution with padding 1: keeps the spatial size at stride 1, halves it at 2."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """1x1 convolution: changes the channel count (bottleneck, projection shortcut)."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions and a shortcut: the block of ResNet-18 and ResNet-34."""

    expansion = 1

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None
    ) -> None:
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        # Out of place: the write-up's ``x += identity`` overwrote a tensor autograd still needed.
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3, 1x1 expand (x4): the block of ResNet-50/101/152.

    The 1x1 convolutions squeeze the channels before the expensive 3x3 and restore them after,
    which is why ResNet-50 is deeper than ResNet-34 at a similar cost. As in torchvision (the
    "ResNet v1.5" variant), the stride sits on the 3x3 convolution, not on the first 1x1.
    """

    expansion = 4

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None
    ) -> None:
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


Block = type[BasicBlock] | type[Bottleneck]


class ResNet(nn.Module):
    """Stem, four residual stages, global average pooling and a linear classifier.

    ``forward`` returns logits of shape ``[N, num_classes]``.
    """

    def __init__(
        self,
        block: Block,
        layers: list[int],
        num_classes: int = 1000,
        zero_init_residual: bool = False,
    ) -> None:
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        # A skeleton on the meta device (shape checks, loading with ``assign=True``) has no values
        # to fill, and meta ``normal_`` would import torch's compiler stack (2 s, holding the GIL).
        if not self.conv1.weight.is_meta:
            self._init_weights(zero_init_residual)

    def _init_weights(self, zero_init_residual: bool) -> None:
        """He initialisation for convolutions, unit BatchNorm (as torchvision does)."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        if zero_init_residual:
            # Each block then starts as the identity, which helps deep nets train early on
            # (Goyal et al., "Accurate, Large Minibatch SGD").
            for m in self.modules():
                if isinstance(m, Bottleneck):
                    nn.init.zeros_(m.bn3.weight)
                elif isinstance(m, BasicBlock):
                    nn.init.zeros_(m.bn2.weight)

    def _make_layer(self, block: Block, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        """One stage: the first block may change stride and width (projection shortcut)."""
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                nn.BatchNorm2d(planes * block.expansion),
            )
        stage = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        stage += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*stage)

    @property
    def num_classes(self) -> int:
        return self.fc.out_features

    def forward(self, x: Tensor) -> Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


ARCHITECTURES: dict[str, tuple[Block, list[int]]] = {
    arch: (Bottleneck if bottleneck else BasicBlock, list(layers))
    for arch, (layers, bottleneck) in STAGE_BLOCKS.items()
}


def build_resnet(arch: str, num_classes: int = 1000, **kwargs: object) -> ResNet:
    """Build an architecture by name (``"resnet18"`` … ``"resnet152"``), randomly initialised."""
    try:
        block, layers = ARCHITECTURES[arch]
    except KeyError:
        known = ", ".join(ARCHITECTURES)
        raise ValueError(f"unknown architecture {arch!r}; choose one of {known}") from None
    return ResNet(block, layers, num_classes=num_classes, **kwargs)  # type: ignore[arg-type]


def _builder(arch: str) -> Callable[..., ResNet]:
    def build(num_classes: int = 1000, **kwargs: object) -> ResNet:
        return build_resnet(arch, num_classes, **kwargs)

    build.__name__ = arch
    build.__doc__ = f"{arch.replace('resnet', 'ResNet-')} with ``num_classes`` outputs."
    return build


resnet18 = _builder("resnet18")
resnet34 = _builder("resnet34")
resnet50 = _builder("resnet50")
resnet101 = _builder("resnet101")
resnet152 = _builder("resnet152")
