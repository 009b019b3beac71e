"""The weight sources, the model a person chooses, and the name a loaded model goes by: plain data.

This module imports neither torch nor torchvision (seconds at start-up), so the window can build
its menus and the CLI its ``--weights`` choices before either is loaded. The table of torchvision's
ImageNet weights below is checked against torchvision's own enums by ``tests/core/test_sources.py``;
the bundled model's entry is read from its card (``assets/models/<name>.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from core.architectures import ARCH_NAMES, pretty_arch
from core.backends import BACKENDS, DEFAULT_BACKEND
from core.messages import QT_TRANSLATE_NOOP, Message, english, kind, plain, translate
from core.paths import models_dir

DEFAULT = "default"  # the bundled model's key (0.1.0 settings and scripts use it)
AUTO_DEVICE = "auto"
BUNDLED_MODEL_NAME = "reslens-shapes-r18"
IMAGENET_CLASSES = 1000

BUNDLED_LABEL = kind("source.bundled.label", translate("Messages", "Bundled model (%n shapes)", None, 0))
BUNDLED_SHORT = kind("source.bundled.short", QT_TRANSLATE_NOOP("Messages", "bundled"))
# How a model is named: architecture and weights ("ResNet-18 bundled", "ResNet-50 ImageNet V2").
CHOICE_NAME = kind("model.choice", QT_TRANSLATE_NOOP("Messages", "%1 %2"))
MODEL_NAME = kind("model.name", QT_TRANSLATE_NOOP("Messages", "%1 · %2"))
MODEL_NAME_LABELS = kind("model.name.labels", QT_TRANSLATE_NOOP("Messages", "%1 · %2 · labels %3"))


@dataclass(frozen=True)
class WeightSource:
    """One built-in source of weights: a menu entry and a ``--weights`` choice.

    ``files`` maps each architecture the source has weights for to the published file's name
    (torchvision's names end in a SHA-256 prefix); the bundled model has one architecture.
    """

    key: str
    label: Message | str  # the menu's text (a message where it has words to translate)
    short: Message | str  # how a model name cites it: "ResNet-18 · bundled"
    files: tuple[tuple[str, str], ...]
    classes: int
    crop: int
    resize: int
    downloads: bool  # True: fetched from the Internet on first use
    member: str = ""  # torchvision's enum member, e.g. "IMAGENET1K_V2"

    @property
    def archs(self) -> tuple[str, ...]:
        return tuple(arch for arch, _ in self.files)

    @property
    def fixed_arch(self) -> str | None:
        """The one architecture of a source that holds a single network (the bundled model)."""
        return self.archs[0] if not self.downloads and len(self.files) == 1 else None

    @property
    def default_arch(self) -> str:
        """The architecture meant when none is given: the bundled model's, if published here."""
        return bundled_arch() if bundled_arch() in self.archs else self.archs[0]

    def file_for(self, arch: str) -> str | None:
        return dict(self.files).get(arch)

    def hash_for(self, arch: str) -> str:
        """The short SHA-256 prefix in a published file's name, or ""."""
        name = self.file_for(arch) or ""
        stem = name.rsplit(".", 1)[0]
        return stem.rsplit("-", 1)[-1] if "-" in stem else ""


def _imagenet(version: int, files: dict[str, str], resize: int) -> WeightSource:
    return WeightSource(
        key=f"imagenet-v{version}",
        label=f"ImageNet V{version}",
        short=f"ImageNet V{version}",
        files=tuple(files.items()),
        classes=IMAGENET_CLASSES,
        crop=224,
        resize=resize,
        downloads=True,
        member=f"IMAGENET1K_V{version}",
    )


IMAGENET_V1 = _imagenet(
    1,
    {
        "resnet18": "resnet18-f37072fd.pth",
        "resnet34": "resnet34-b627a593.pth",
        "resnet50": "resnet50-0676ba61.pth",
        "resnet101": "resnet101-63fe2227.pth",
        "resnet152": "resnet152-394f9c45.pth",
    },
    resize=256,
)
IMAGENET_V2 = _imagenet(
    2,
    {
        "resnet50": "resnet50-11ad3fa6.pth",
        "resnet101": "resnet101-cd907fc2.pth",
        "resnet152": "resnet152-f82ba261.pth",
    },
    resize=232,
)
IMAGENET_SOURCES: dict[str, WeightSource] = {s.key: s for s in (IMAGENET_V1, IMAGENET_V2)}


def bundled_card_path() -> Path:
    return models_dir() / f"{BUNDLED_MODEL_NAME}.json"


def bundled_lite_path() -> Path:
    """The bundled model as a ResLens Lite model file: what ``"default"`` opens without torch."""
    return models_dir() / f"{BUNDLED_MODEL_NAME}.onnx"


@cache
def bundled_source() -> WeightSource | None:
    """The bundled model's entry, from its card; ``None`` when the card is missing or unreadable."""
    try:
        card = json.loads(bundled_card_path().read_text(encoding="utf-8"))
        arch = str(card["arch"])
        classes = len(card["categories"])
        crop, resize = int(card.get("crop_size", 224)), int(card.get("resize_size", 256))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if arch not in ARCH_NAMES:
        return None
    return WeightSource(
        key=DEFAULT,
        label=BUNDLED_LABEL(n=classes),
        short=BUNDLED_SHORT(),
        files=((arch, f"{BUNDLED_MODEL_NAME}.safetensors"),),
        classes=classes,
        crop=crop,
        resize=resize,
        downloads=False,
    )


def weight_sources() -> tuple[WeightSource, ...]:
    """Every built-in source, bundled first: the Weights menu and ``--weights`` are built from it."""
    bundled = bundled_source()
    return ((bundled,) if bundled else ()) + tuple(IMAGENET_SOURCES.values())


def source(key: str) -> WeightSource | None:
    """The built-in source of that key; ``None`` for a file path (or an unknown key)."""
    return next((s for s in weight_sources() if s.key == key), None)


def is_builtin(weights: str) -> bool:
    return weights == DEFAULT or weights in IMAGENET_SOURCES


def bundled_arch() -> str:
    bundled = bundled_source()
    return bundled.fixed_arch if bundled and bundled.fixed_arch else ARCH_NAMES[0]


def imagenet_for(arch: str) -> WeightSource:
    """torchvision's best published ImageNet weights for ``arch`` (V2 where there is one)."""
    return next(s for s in reversed(IMAGENET_SOURCES.values()) if arch in s.archs)


def weights_label(weights: str) -> Message | str:
    """How a model name cites its weights: "bundled" (a message), "ImageNet V2", or the file's
    name; ``str()`` of it is the English."""
    found = source(weights)
    return found.short if found else Path(weights).name


def cli_weights_help() -> str:
    keys = ", ".join(s.key for s in weight_sources())
    return f"{keys}, or a .pth/.pt/.safetensors file (default: {DEFAULT}, the bundled model)"


# --- the choice ---


def _unknown_key(weights: str) -> bool:
    """A word that is neither a source key nor a path (a hand-edited or future setting)."""
    return not is_builtin(weights) and not Path(weights).suffix and "/" not in weights and "\\" not in weights


@dataclass(frozen=True)
class ModelChoice:
    """What a person asked for: an architecture, weights (a source key or a file), labels, device
    and the backend that runs the forward pass (``core.backends.BACKENDS``).

    ``labels`` is a label file that renames the classes of any source ("" = the weights' own).
    ``arch=None`` means "the architecture the weights hold" (the CLI without ``--arch``); a given
    one is a requirement when the model is opened (:func:`core.opener.open_weights`), and
    :meth:`normalised` always names one. Build changes with the ``with_*`` methods: they keep the
    choice coherent (see :meth:`normalised`); device and backend travel with every change of model.
    It is the spec of a model everywhere: the window's session, every CLI sub-command that loads
    a model, and each worker of ``batch`` (:class:`core.batch.BatchSpec` extends it).
    """

    arch: str | None = None
    weights: str = DEFAULT
    labels: str = ""
    device: str = AUTO_DEVICE
    backend: str = DEFAULT_BACKEND

    @classmethod
    def bundled(cls, device: str = AUTO_DEVICE, backend: str = DEFAULT_BACKEND) -> ModelChoice:
        return cls(bundled_arch(), DEFAULT, "", device, backend).normalised()

    @property
    def is_file(self) -> bool:
        return not is_builtin(self.weights)

    @property
    def source(self) -> WeightSource | None:
        return source(self.weights)

    @property
    def needs_download(self) -> bool:
        found = self.source
        return bool(found and found.downloads)

    def normalised(self) -> ModelChoice:
        """The rules: an unknown architecture becomes the bundled one; the bundled model sets its
        own architecture; ImageNet weights not published for the architecture become the ones
        that are (V1 for ResNet-18/34); an unknown source key becomes the bundled model; an
        unknown backend (a hand-edited or future setting) becomes torch.
        A file keeps the architecture asked for until it loads and says which it holds; no
        architecture (``None``) becomes the one the weights are published for by default."""
        weights = self.weights or DEFAULT
        arch = self.arch if self.arch in ARCH_NAMES else bundled_arch()
        if self.arch is None and weights in IMAGENET_SOURCES:
            arch = IMAGENET_SOURCES[weights].default_arch
        device = self.device or AUTO_DEVICE
        backend = self.backend if self.backend in BACKENDS else DEFAULT_BACKEND
        if weights in IMAGENET_SOURCES and arch not in IMAGENET_SOURCES[weights].archs:
            weights = imagenet_for(arch).key
        if weights == DEFAULT or _unknown_key(weights):
            labels = self.labels if weights == DEFAULT else ""
            return ModelChoice(bundled_arch(), DEFAULT, labels, device, backend)
        return ModelChoice(arch, weights, self.labels, device, backend)

    def with_arch(self, arch: str, weights_arch: str | None = None) -> ModelChoice:
        """Another architecture: ImageNet weights follow it; weights that hold one network
        (the bundled model, or a file holding ``weights_arch``) give way to ImageNet's."""
        fixed = self.source.fixed_arch if self.source else weights_arch
        if fixed is not None and fixed != arch:
            return ModelChoice(arch, imagenet_for(arch).key, "", self.device, self.backend).normalised()
        return replace(self, arch=arch).normalised()

    def with_weights(self, weights: str) -> ModelChoice:
        """Other weights; the labels file goes (it named the old weights' classes)."""
        return ModelChoice(self.arch, weights, "", self.device, self.backend).normalised()

    def with_labels(self, labels: str) -> ModelChoice:
        return replace(self, labels=labels)

    def with_device(self, device: str) -> ModelChoice:
        return replace(self, device=device)

    def with_backend(self, backend: str) -> ModelChoice:
        """Another backend for the same model; an unknown name becomes torch."""
        return replace(self, backend=backend).normalised()

    def same_model(self, other: ModelChoice) -> bool:
        """The same network and classes (architecture, weights, labels), wherever it runs."""
        return (self.arch, self.weights, self.labels) == (other.arch, other.weights, other.labels)

    @property
    def title(self) -> Message:
        """ "ResNet-152 ImageNet V2", "ResNet-18 bundled", "mine.pth" (a file's arch is its own),
        as a message: a window renders "bundled" in its own language."""
        if self.is_file:
            return plain(Path(self.weights).name)
        return CHOICE_NAME(pretty_arch(self.arch), weights_label(self.weights))

    def describe(self) -> str:
        """:attr:`title` in English (the CLI, logs and settings keys)."""
        return english(self.title)


# --- the model in use ---


@dataclass(frozen=True)
class ModelIdentity:
    """The name a loaded model goes by, stamped on every result it makes."""

    arch: str
    weights: str  # a source key or a file path
    weights_hash: str  # a short SHA-256 prefix of the weights file
    labels: str = ""

    @property
    def title(self) -> Message:
        """ "ResNet-18 · bundled", "ResNet-50 · ImageNet V2", "ResNet-34 · tiny.pth", as a message."""
        arch, weights = pretty_arch(self.arch), weights_label(self.weights)
        if self.labels:
            return MODEL_NAME_LABELS(arch, weights, Path(self.labels).name)
        return MODEL_NAME(arch, weights)

    @property
    def name(self) -> str:
        """:attr:`title` in English: stamped on results and exports, and a settings key."""
        return english(self.title)

    @property
    def tag(self) -> str:
        """The name plus the hash: "ResNet-18 · bundled · 3f2a9c1b"."""
        return f"{self.name} · {self.weights_hash}" if self.weights_hash else self.name
