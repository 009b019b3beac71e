"""The ResNet family as plain data (no torch import), for menus and argument parsers.

Kept apart from ``core.resnet`` so that the GUI can list architectures before torch is loaded
(``import torch`` costs seconds at start-up).
"""

from __future__ import annotations

# Blocks per stage and whether the block is a Bottleneck, as in Table 1 of the paper.
STAGE_BLOCKS: dict[str, tuple[tuple[int, int, int, int], bool]] = {
    "resnet18": ((2, 2, 2, 2), False),
    "resnet34": ((3, 4, 6, 3), False),
    "resnet50": ((3, 4, 6, 3), True),
    "resnet101": ((3, 4, 23, 3), True),
    "resnet152": ((3, 8, 36, 3), True),
}
ARCH_NAMES: tuple[str, ...] = tuple(STAGE_BLOCKS)


def pretty_arch(arch: str) -> str:
    """``"resnet50"`` → ``"ResNet-50"``, the way the paper and the GUI name it."""
    return arch.replace("resnet", "ResNet-")
