"""Every source of weights in one registry: the bundled model, torchvision's ImageNet weights, a file.

Each source yields the same :class:`LoadedWeights`: an eval-mode model on its device and the
:class:`~core.metadata.ModelMeta` (classes, preprocessing) that travels with it. Loading never
executes pickled code: ``.pth`` files go through ``torch.load(weights_only=True)`` and
safetensors files hold nothing but tensors. Every failure is a :class:`WeightsError` whose text
tells a person what is wrong and what to do.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from core.architectures import STAGE_BLOCKS, pretty_arch
from core.download import cache_path, download_to_cache
from core.errors import DownloadCancelled, DownloadError, ImageDecodeError, WeightsError
from core.export import printable
from core.images import EMPTY, open_regular_file
from core.labels import MAX_LABELS_BYTES as MAX_LABELS_BYTES  # re-exported: label files live there
from core.labels import NotALabelFile as NotALabelFile
from core.labels import categories_for, first_line, read_labels
from core.messages import QT_TRANSLATE_NOOP, kind
from core.metadata import ModelMeta, read_safetensors_meta
from core.paths import models_dir
from core.resnet import build_resnet
from core.sources import BUNDLED_MODEL_NAME, DEFAULT, IMAGENET_SOURCES, ModelIdentity, weight_sources
from core.validate import NO_TENSORS, NOT_A_DICT, check_fits, check_state_dict, head_classes

ProgressCallback = Callable[[int, int], None]
# What a weights file can be told it is; the window renders these in its language.
NO_SUCH_FILE = kind("weights.no-such-file", QT_TRANSLATE_NOOP("Messages", "%1: no such file"))
NOT_REGULAR = kind("weights.not-regular", QT_TRANSLATE_NOOP("Messages", "%1: not a regular file"))
EMPTY_FILE = kind("weights.empty", QT_TRANSLATE_NOOP("Messages", "%1 is empty (0 bytes)"))
TEXT_FILE = kind("weights.text", QT_TRANSLATE_NOOP("Messages", "%1 is a text file, not a weights file"))
CANNOT_READ = kind("weights.cannot-read", QT_TRANSLATE_NOOP("Messages", "cannot read %1: %2"))
BAD_SAFETENSORS = kind(
    "weights.bad-safetensors",
    QT_TRANSLATE_NOOP("Messages", "%1 is not a valid safetensors file (truncated or corrupt: %2)"),
)
PICKLED_CODE = kind(
    "weights.pickled-code",
    QT_TRANSLATE_NOOP(
        "Messages",
        "refused %1: it holds Python objects other than tensors%2. Loading it could run code, so "
        "ResLens does not; save a plain state_dict instead",
    ),
)
BAD_TORCH_FILE = kind(
    "weights.bad-torch-file",
    QT_TRANSLATE_NOOP("Messages", "%1 is truncated or corrupt, or not a PyTorch weights file (%2)"),
)
NOT_RESNET = kind(
    "weights.not-resnet",
    QT_TRANSLATE_NOOP("Messages", "%1 does not hold ResNet weights (no ResNet layer layout found)"),
)
OTHER_ARCH = kind("weights.other-arch", QT_TRANSLATE_NOOP("Messages", "this file holds a %1; you chose %2"))
DO_NOT_FIT = kind("weights.do-not-fit", QT_TRANSLATE_NOOP("Messages", "the weights do not fit %1: %2"))
CLASS_COUNT = kind(
    "weights.class-count", QT_TRANSLATE_NOOP("Messages", "%1: metadata names %2 classes, fc has %3")
)

UNPACKS_TOO_LARGE = kind(
    "weights.unpacks-too-large",
    QT_TRANSLATE_NOOP(
        "Messages",
        "refused %1: its contents unpack to %2 MB, more than any ResNet's weights need (at most %3 MB)",
    ),
)
A_PICTURE = kind(
    "weights.picture",
    QT_TRANSLATE_NOOP("Messages", "%1 is a picture, not a weights file (.safetensors or .pth)"),
)

HASH_CHARS = 8
CANCEL_POLL_S = 0.1
# The most a weights archive may unpack to, checked before torch reads a byte of it: twice the
# largest architecture's float32 weights (ResNet-152 with a 1000-class head: 241,378,168 bytes),
# room for a checkpoint's second copy (momentum, EMA) or a head of some 30,000 classes. A .pth
# whose compressed entries inflate to gigabytes (a zip bomb) is refused before it costs memory.
LARGEST_MODEL_BYTES = 241_378_168
MAX_UNPACKED_BYTES = 2 * LARGEST_MODEL_BYTES
# The first bytes of the picture formats a person might pick by mistake.
PICTURE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")


@dataclass(frozen=True)
class LoadedWeights:
    """A ready-to-run model: eval mode, on ``device``, with its metadata, built once.

    ``weights_hash`` is a short SHA-256 prefix of the weights file (torchvision's, from its file
    name, for ImageNet weights); ``labels`` the label file that renamed the classes, if any.
    """

    model: nn.Module
    meta: ModelMeta
    source: str
    description: str
    device: torch.device
    path: Path | None = None
    weights_hash: str = ""
    labels: str = ""

    @property
    def identity(self) -> ModelIdentity:
        return ModelIdentity(self.meta.arch, self.source, self.weights_hash, self.labels)


def file_hash(path: Path) -> str:
    """The first characters of a file's SHA-256, as torchvision puts in its file names."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:HASH_CHARS]


# --- bundled default ---


def bundled_model_path() -> Path:
    return models_dir() / f"{BUNDLED_MODEL_NAME}.safetensors"


def bundled_meta() -> ModelMeta:
    path = bundled_model_path()
    if not path.is_file():
        raise WeightsError(f"the bundled model is missing ({path}); reinstall ResLens")
    meta = read_safetensors_meta(path)
    if meta is None:
        raise WeightsError(f"the bundled model {path.name} has no ResLens metadata")
    return meta


# --- torchvision's ImageNet weights ---


@dataclass(frozen=True)
class ImagenetWeights:
    """One entry of torchvision's weights enums, reduced to what ResLens needs."""

    arch: str
    source: str
    url: str
    meta: ModelMeta

    @property
    def filename(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    @property
    def hash_prefix(self) -> str | None:
        match = torch.hub.HASH_REGEX.search(self.filename)
        return match.group(1) if match else None


def imagenet_weights(arch: str, source: str) -> ImagenetWeights:
    """torchvision's URL, categories and eval transforms for (arch, version): read, not retyped."""
    from torchvision.models import get_model_weights

    entry = IMAGENET_SOURCES.get(source)
    if entry is None:
        raise WeightsError(f"unknown ImageNet weights {source!r}; use {', '.join(IMAGENET_SOURCES)}")
    member = entry.member
    enum = get_model_weights(arch)
    if member not in enum.__members__:
        available = [k for k, v in IMAGENET_SOURCES.items() if v.member in enum.__members__]
        raise WeightsError(
            f"torchvision publishes no {source} weights for {pretty_arch(arch)}; "
            f"available: {', '.join(available)}"
        )
    weights = enum[member]
    preset = weights.transforms()
    meta = ModelMeta(
        arch=arch,
        categories=tuple(weights.meta["categories"]),
        crop_size=int(preset.crop_size[0]),
        resize_size=int(preset.resize_size[0]),
        mean=tuple(preset.mean),
        std=tuple(preset.std),
        interpolation=preset.interpolation.value,
        name=f"{pretty_arch(arch)} ImageNet ({member})",
        card={
            "source": "torchvision",
            "url": weights.url,
            "recipe": weights.meta.get("recipe"),
            "metrics": weights.meta.get("_metrics"),
        },
    )
    return ImagenetWeights(arch, source, weights.url, meta)


def is_cached(arch: str, source: str) -> bool:
    """Whether the weights load without network: always for the bundled model and files."""
    if source in IMAGENET_SOURCES:
        try:
            return cache_path(imagenet_weights(arch, source).url).is_file()
        except WeightsError:
            return False
    return True


# --- reading files ---


def _sniff(path: Path) -> str:
    """Guess the container from the first bytes, so a misnamed file still gets a precise error."""
    try:
        with open_regular_file(path) as f:
            head = f.read(64)
    except ImageDecodeError as exc:
        if exc.message.code == EMPTY.code:
            return "empty"
        raise WeightsError(CANNOT_READ(path.name, exc.message)) from None
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04"):
        return "torch-zip"
    if head.startswith(PICTURE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "picture"
    if head[:1] == b"\x80":
        return "pickle"
    if len(head) >= 9 and head[8:9] == b"{":
        return "safetensors"
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "unknown"


def read_tensors(path: Path) -> tuple[dict[str, Tensor], dict[str, Any]]:
    """Read a weights file without running any code: its tensors and any extra plain data.

    The tensors pass :func:`core.validate.check_state_dict` (text keys, real finite tensors).
    """
    path = Path(path)
    if not path.is_file():
        missing = NOT_REGULAR if path.exists() else NO_SUCH_FILE
        raise WeightsError(missing(printable(str(path))))
    kind = _sniff(path)
    if kind == "empty":
        raise WeightsError(EMPTY_FILE(path.name))
    if kind == "text":
        raise WeightsError(TEXT_FILE(path.name))
    if kind == "picture":
        raise WeightsError(A_PICTURE(path.name))
    if kind == "torch-zip":
        check_unpacked_size(path)
    if kind == "safetensors" or path.suffix == ".safetensors":
        tensors, extra = _read_safetensors(path)
    else:
        tensors, extra = _read_torch_file(path)
    return check_state_dict(tensors, path.name), extra


def check_unpacked_size(path: Path, limit: int | None = None) -> None:
    """Refuse a zip archive (a ``.pth``) whose entries unpack to more than ``limit`` bytes.

    The sizes come from the archive's central directory, read without unpacking anything;
    a directory that cannot be read is left to ``torch.load`` to report.
    """
    import zipfile

    limit = MAX_UNPACKED_BYTES if limit is None else limit
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if total > limit:
        raise WeightsError(UNPACKS_TOO_LARGE(path.name, f"{total / 1e6:,.0f}", f"{limit / 1e6:,.0f}"))


def _read_safetensors(path: Path) -> tuple[dict[str, Tensor], dict[str, Any]]:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        tensors = load_file(str(path))
        meta = read_safetensors_meta(path)
    except WeightsError:
        raise
    except (SafetensorError, OSError, ValueError, TypeError, RuntimeError) as exc:
        raise WeightsError(BAD_SAFETENSORS(path.name, str(exc))) from None
    return tensors, ({"meta": meta} if meta else {})


def _read_torch_file(path: Path) -> tuple[dict[str, Tensor], dict[str, Any]]:
    import pickle

    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        detail = re.search(r"(Unsupported (?:global|operand)[^\n]*)", str(exc), re.IGNORECASE)
        why = f" ({detail.group(1).strip()})" if detail else ""
        raise WeightsError(PICKLED_CODE(path.name, why)) from None
    except Exception as exc:  # noqa: BLE001 - a hostile file can make torch.load raise anything
        raise WeightsError(BAD_TORCH_FILE(path.name, first_line(exc))) from None
    return _split_checkpoint(obj, path.name)


def _split_checkpoint(obj: Any, name: str) -> tuple[dict[str, Tensor], dict[str, Any]]:
    """A bare state_dict, or a checkpoint dict holding one under a usual key."""
    if not isinstance(obj, Mapping):
        raise WeightsError(NOT_A_DICT(name, type(obj).__name__))
    for key in ("state_dict", "model_state_dict", "model", "net", "weights"):
        inner = obj.get(key)
        if isinstance(inner, Mapping) and any(isinstance(v, Tensor) for v in inner.values()):
            extra = {k: v for k, v in obj.items() if k != key}
            return dict(inner), extra
    tensors = {k: v for k, v in obj.items() if isinstance(v, Tensor)}
    if not tensors:
        raise WeightsError(NO_TENSORS(name))
    return tensors, {k: v for k, v in obj.items() if not isinstance(v, Tensor)}


STRIPPED_PREFIXES = ("module.", "_orig_mod.", "model.")


def _strip_prefixes(state: dict[str, Tensor]) -> dict[str, Tensor]:
    """Drop ``module.`` (DataParallel/DDP), ``_orig_mod.`` (torch.compile) and ``model.`` key
    prefixes shared by every key, in any order and combination (a compiled DDP model saves
    ``_orig_mod.module.``)."""
    stripped = True
    while stripped and state:
        stripped = False
        for prefix in STRIPPED_PREFIXES:
            if all(k.startswith(prefix) for k in state):
                state = {k[len(prefix) :]: v for k, v in state.items()}
                stripped = True
    return state


def detect_arch(state: Mapping[str, Tensor]) -> str | None:
    """Which ResNet a state_dict holds, from its block type and blocks per stage."""
    if "fc.weight" not in state or "conv1.weight" not in state:
        return None
    bottleneck = any(k.endswith(".conv3.weight") for k in state)
    layers = []
    for stage in range(1, 5):
        indices = {int(m.group(1)) for k in state if (m := re.match(rf"layer{stage}\.(\d+)\.", k))}
        layers.append(max(indices) + 1 if indices else 0)
    for arch, (arch_layers, arch_bottleneck) in STAGE_BLOCKS.items():
        if list(arch_layers) == layers and arch_bottleneck == bottleneck:
            return arch
    return None


# --- building a model ---


def _build_loaded(
    arch: str,
    state: dict[str, Tensor],
    meta: ModelMeta,
    source: str,
    device: torch.device,
    path: Path | None,
    description: str,
) -> LoadedWeights:
    check_fits(state, arch, meta.num_classes, path.name if path else description)
    state = {k: v.float() if v.is_floating_point() else v for k, v in state.items()}
    # A meta skeleton takes the loaded tensors as they are (assign=True): no random init to
    # compute and throw away, no second copy of the weights.
    with torch.device("meta"):
        model = build_resnet(arch, num_classes=meta.num_classes)
    try:
        model.load_state_dict(state, strict=True, assign=True)
    except RuntimeError as exc:
        raise WeightsError(DO_NOT_FIT(pretty_arch(arch), first_line(exc))) from None
    model.eval().to(device)
    return LoadedWeights(model, meta, source, description, device, path)


def load_weights_file(
    path: str | Path,
    arch: str | None = None,
    labels: str | Path | None = None,
    device: torch.device | str = "cpu",
) -> LoadedWeights:
    """Load a user's ``.pth``/``.pt``/``.safetensors`` file (or one of ours) safely.

    ``arch=None`` takes whatever ResNet the file holds; a given ``arch`` that disagrees with the
    file raises a :class:`WeightsError` naming the right one (``suggested_arch``).
    """
    path = Path(path)
    tensors, extra = read_tensors(path)
    state = _strip_prefixes(tensors)
    found = detect_arch(state)
    if found is None:
        raise WeightsError(NOT_RESNET(path.name))
    if arch is not None and arch != found:
        raise WeightsError(OTHER_ARCH(pretty_arch(found), pretty_arch(arch)), suggested_arch=found)
    num_classes = head_classes(state, path.name)
    meta = extra.get("meta")
    if not isinstance(meta, ModelMeta):  # a checkpoint's own "meta" entry is not ours
        meta = None
    if meta is None or labels is not None:
        categories = categories_for(num_classes, Path(labels) if labels else None, path, extra)
        base = meta or ModelMeta(arch=found, categories=categories, name=path.stem)
        # Names from a label file replace the model's: its second label sets named the old ones.
        dropped = {"localized_categories": {}} if labels is not None else {}
        meta = ModelMeta(**{**base.__dict__, "arch": found, "categories": categories, **dropped})
    if meta.num_classes != num_classes:
        raise WeightsError(CLASS_COUNT(path.name, meta.num_classes, num_classes))
    description = f"{meta.name or path.stem} ({pretty_arch(found)}, {num_classes} classes)"
    return _build_loaded(found, state, meta, "file", torch.device(device), path, description)


def load_weights(
    arch: str | None,
    source: str | Path = DEFAULT,
    labels: str | Path | None = None,
    device: torch.device | str = "cpu",
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> LoadedWeights:
    """The one entry point: ``source`` is a key of :func:`core.sources.weight_sources` or a path.

    ``arch=None`` means "the source's own architecture": the bundled model's and a file's own;
    for ImageNet weights the bundled model's where published, else the first that is. ImageNet
    weights download into torch.hub's cache on first use (``on_progress(done, total)`` bytes;
    ``cancel`` stops it within a tenth of a second, even when the server stalls) and load from
    there without network afterwards.
    ``labels`` renames the classes of every source alike.
    """
    device = torch.device(device)
    label_path = Path(labels) if labels else None
    if str(source) == DEFAULT:
        path = bundled_model_path()
        meta = bundled_meta()
        if arch is not None and arch != meta.arch:
            raise WeightsError(
                f"the bundled model is a {pretty_arch(meta.arch)}; choose {pretty_arch(meta.arch)}, "
                f"or ImageNet weights or a file for {pretty_arch(arch)}",
                suggested_arch=meta.arch,
            )
        loaded = load_weights_file(path, meta.arch, None, device)
        description = f"{meta.name or BUNDLED_MODEL_NAME} (bundled, {meta.num_classes} classes)"
        loaded = replace(loaded, source=DEFAULT, description=description, weights_hash=file_hash(path))
        return _with_labels(loaded, label_path)
    if str(source) in IMAGENET_SOURCES:
        arch = arch or IMAGENET_SOURCES[str(source)].default_arch
        return _with_labels(_load_imagenet(arch, str(source), device, on_progress, cancel), label_path)
    path = Path(source)
    loaded = load_weights_file(path, arch, label_path, device)
    return replace(loaded, source=str(path), weights_hash=file_hash(path), labels=str(label_path or ""))


def _with_labels(loaded: LoadedWeights, labels: Path | None) -> LoadedWeights:
    """Rename the classes of a built-in source from a label file (files do it as they load)."""
    if labels is None:
        return loaded
    names = read_labels(labels)
    if len(names) != loaded.meta.num_classes:
        raise WeightsError(
            f"{labels.name} names {len(names)} classes but the weights have {loaded.meta.num_classes} outputs"
        )
    meta = replace(loaded.meta, categories=names, localized_categories={})  # they named the old ones
    description = f"{loaded.description}, labels from {labels.name}"
    return replace(loaded, meta=meta, description=description, labels=str(labels))


def _load_imagenet(
    arch: str,
    source: str,
    device: torch.device,
    on_progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> LoadedWeights:
    entry = imagenet_weights(arch, source)
    try:
        path = _download(entry, on_progress, cancel)
    except DownloadCancelled:
        raise
    except DownloadError as exc:
        raise WeightsError(str(exc)) from None
    tensors, _ = read_tensors(path)
    description = f"{entry.meta.name}, {entry.meta.num_classes} classes"
    loaded = _build_loaded(arch, _strip_prefixes(tensors), entry.meta, source, device, path, description)
    return replace(loaded, weights_hash=(entry.hash_prefix or "")[:HASH_CHARS])


def _download(
    entry: ImagenetWeights, on_progress: ProgressCallback | None, cancel: threading.Event | None
) -> Path:
    """``download_to_cache`` in a thread of its own, so that Cancel answers at once even while
    the server sends nothing (a blocked read would otherwise hold it for the socket's timeout).
    The abandoned thread ends at that timeout and discards its partial file."""
    if cancel is None or cache_path(entry.url).is_file():
        return download_to_cache(entry.url, entry.hash_prefix, on_progress, cancel)
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def fetch() -> None:
        try:
            outcome["path"] = download_to_cache(entry.url, entry.hash_prefix, on_progress, cancel)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=fetch, name="reslens-download", daemon=True).start()
    while not done.wait(CANCEL_POLL_S):
        if cancel.is_set():
            raise DownloadCancelled("download cancelled")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["path"]


@dataclass(frozen=True)
class SourceInfo:
    """A row of ``reslens-cli weights`` and of the GUI's weights menu."""

    key: str
    arch: str
    description: str
    available_offline: bool
    location: str


def list_sources(arch: str | None = None) -> list[SourceInfo]:
    """Every built-in source for ``arch`` (all architectures when ``None``), with cache state."""
    rows = []
    for entry in weight_sources():
        for name in entry.archs:
            if arch not in (None, name):
                continue
            if entry.key == DEFAULT:
                rows.append(SourceInfo(DEFAULT, name, BUNDLED_MODEL_NAME, True, str(bundled_model_path())))
                continue
            cached = cache_path(f"/{entry.file_for(name)}")
            description = f"{pretty_arch(name)} ImageNet ({entry.member})"
            rows.append(SourceInfo(entry.key, name, description, cached.is_file(), str(cached)))
    return rows
