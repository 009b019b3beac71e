"""What the menus offer, known without importing torch.

``core.weights`` imports torch, which takes seconds; the window must appear before that, so the
weights menu is built from this table (``tests/gui/test_choices.py`` checks it against core's
registry). Architectures come from ``core.architectures``, which is plain data.
"""

from __future__ import annotations

from pathlib import Path

from core.architectures import ARCH_NAMES, pretty_arch

ARCHITECTURES: dict[str, str] = {arch: pretty_arch(arch) for arch in ARCH_NAMES}
WEIGHT_SOURCES: dict[str, str] = {
    "default": "Bundled default",
    "imagenet-v1": "ImageNet V1",
    "imagenet-v2": "ImageNet V2",
}
IMAGENET_SOURCES = ("imagenet-v1", "imagenet-v2")
IMAGENET_CLASSES = 1000

DEFAULT_ARCH = "resnet18"
DEFAULT_SOURCE = "default"
AUTO_DEVICE = "auto"
DEFAULT_TOP_K = 5
MAX_TOP_K = 10


def arch_label(arch: str) -> str:
    return ARCHITECTURES.get(arch, arch)


def weights_label(source: str) -> str:
    """``"imagenet-v1"`` → ``"ImageNet V1"``; a file path → its file name."""
    return WEIGHT_SOURCES.get(source) or Path(source).name


def is_file_source(source: str) -> bool:
    return source not in WEIGHT_SOURCES
