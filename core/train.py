"""Train or fine-tune a ResNet on a folder of images, one sub-folder per class (ImageFolder).

This is the one training path of ResLens: the bundled model was made by it (on data from
:mod:`core.shapes`), and "train on my folders" runs it on a user's pictures. It writes what
the weights registry reads: ``<name>.safetensors`` with a :class:`~core.metadata.ModelMeta` in
its header and a JSON card beside it that says how the model was made (command, seed, data,
accuracy, time, hardware), so a result can be reproduced and judged.

The recipe is deliberately plain: a stratified train/validation split (or a separate validation
folder), torchvision v2 augmentation for training and the model's own evaluation preprocessing
(from its metadata, exactly as the app will apply it) for validation, AdamW or SGD with a linear
warm-up then a cosine decay per step, label smoothing, the best epoch kept, early stopping, a
fixed seed and a resumable checkpoint written after every epoch. Starting from other weights
(ours or a torchvision state_dict) keeps every layer that fits and gives the network a new head
when the classes differ.

Command line: ``reslens-cli train`` / ``reslens-cli generate-shapes`` (wired in ``core.cli``), or
``python -m core.train train ...`` / ``python -m core.train generate-shapes ...``.
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import platform
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from PIL import Image
from torch import Tensor, nn
from torch.utils.data import DataLoader, Dataset

from core.errors import ResLensError
from core.images import build_transform
from core.metadata import IMAGENET_MEAN, IMAGENET_STD, ModelMeta, save_model
from core.resnet import ARCHITECTURES, ResNet, build_resnet
from core.train_args import add_generate_arguments, add_train_arguments  # noqa: F401 - re-exported

_PATH_FIELDS = ("data", "out", "val_data", "checkpoint")  # in the card's "data" / not meaningful
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp")


@dataclass
class TrainConfig:
    """Everything a run depends on; recorded in the model card and the resume checkpoint."""

    data: str
    out: str
    val_data: str | None = None
    val_split: float = 0.1
    arch: str = "resnet18"
    input_size: int = 224
    resize_size: int | None = None  # None: input_size / 0.875, torchvision's evaluation ratio
    epochs: int = 10
    batch_size: int = 64
    optimizer: str = "adamw"
    lr: float | None = None  # None: 1e-3 for AdamW, 0.1 for SGD (x 0.1 when fine-tuning)
    weight_decay: float | None = None  # None: 0.05 for AdamW, 5e-4 for SGD
    warmup_epochs: float = 1.0
    label_smoothing: float = 0.1
    min_scale: float = 0.35  # RandomResizedCrop's smallest area fraction
    hflip: bool = True
    patience: int = 5
    seed: int = 0
    workers: int = 2
    threads: int | None = None
    device: str = "auto"
    weights: str | None = None
    resume: str | None = None
    checkpoint: str | None = None  # None: beside the output, ``<stem>.ckpt.pt``
    fp16: bool = False
    name: str | None = None
    channels_last: bool = True

    @property
    def eval_resize(self) -> int:
        return self.resize_size or round(self.input_size / 0.875)

    @property
    def learning_rate(self) -> float:
        if self.lr is not None:
            return self.lr
        base = 1e-3 if self.optimizer == "adamw" else 0.1
        return base * (0.1 if self.weights else 1.0)

    @property
    def decay(self) -> float:
        if self.weight_decay is not None:
            return self.weight_decay
        return 0.05 if self.optimizer == "adamw" else 5e-4

    @property
    def checkpoint_path(self) -> Path:
        """The resumable state: as given, else beside the output (``model.ckpt.pt``)."""
        if self.checkpoint:
            return Path(self.checkpoint)
        out = Path(self.out)
        return out.with_name(out.stem + ".ckpt.pt")


@dataclass(frozen=True)
class EpochStats:
    """One line of progress: what the callback receives after each epoch."""

    epoch: int
    epochs: int
    train_loss: float
    train_acc: float
    val_loss: float
    val_acc: float
    lr: float
    seconds: float
    best: bool

    def line(self) -> str:
        star = " *" if self.best else ""
        return (
            f"epoch {self.epoch}/{self.epochs}  train loss {self.train_loss:.4f} acc {self.train_acc:.2%}"
            f"  val loss {self.val_loss:.4f} acc {self.val_acc:.2%}  lr {self.lr:.2e}"
            f"  {self.seconds:.0f}s{star}"
        )


@dataclass
class TrainResult:
    """What a finished run produced."""

    path: Path
    meta: ModelMeta
    best_val_acc: float
    best_epoch: int
    epochs_run: int
    history: list[dict[str, float]] = field(default_factory=list)
    stopped_early: bool = False
    cancelled: bool = False


class TrainingError(ResLensError):
    """A run that cannot start (bad folder, mismatched classes, unusable weights), said plainly."""


# --------------------------------------------------------------------------- data


def list_image_folder(root: Path) -> tuple[tuple[str, ...], list[tuple[str, int]]]:
    """Classes (sorted sub-folder names, as torchvision's ImageFolder) and ``(path, class)`` pairs."""
    if not root.is_dir():
        raise TrainingError(f"{root}: no such folder")
    classes = tuple(sorted(d.name for d in root.iterdir() if d.is_dir() and not d.name.startswith(".")))
    samples = [
        (str(p), c)
        for c, name in enumerate(classes)
        for p in sorted((root / name).rglob("*"))
        if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
    ]
    if len(classes) < 2:
        raise TrainingError(f"{root} needs at least two class sub-folders, found {len(classes)}")
    counts = [sum(1 for _, c in samples if c == i) for i in range(len(classes))]
    empty = [name for name, n in zip(classes, counts, strict=True) if n == 0]
    if empty:
        raise TrainingError(f"{root}: no images in {', '.join(empty)}")
    return classes, samples


def stratified_split(
    samples: list[tuple[str, int]], fraction: float, seed: int
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Hold out ``fraction`` of every class (at least one image each): a fair per-class check."""
    g = torch.Generator().manual_seed(seed)
    train, val = [], []
    for c in sorted({c for _, c in samples}):
        items = [s for s in samples if s[1] == c]
        order = torch.randperm(len(items), generator=g).tolist()
        n_val = min(max(1, round(len(items) * fraction)), len(items) - 1)
        val += [items[i] for i in order[:n_val]]
        train += [items[i] for i in order[n_val:]]
    return train, val


class ImageFiles(Dataset):
    """``(path, class)`` pairs read as RGB and passed through a transform."""

    def __init__(self, samples: list[tuple[str, int]], transform: Callable[[Image.Image], Tensor]):
        self.samples = samples
        self.transform = transform

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> tuple[Tensor, int]:
        path, target = self.samples[index]
        with Image.open(path) as img:
            return self.transform(img.convert("RGB")), target


def train_transforms(meta: ModelMeta, min_scale: float, hflip: bool) -> Callable[[Image.Image], Tensor]:
    """Augmentation: random crops and scale, optional mirror, mild colour jitter; same normalisation."""
    from torchvision.transforms import v2

    steps: list[Any] = [
        v2.RandomResizedCrop(
            meta.crop_size,
            scale=(min_scale, 1.0),
            interpolation=_interpolation(meta.interpolation),
            antialias=True,
        )
    ]
    if hflip:
        steps.append(v2.RandomHorizontalFlip())
    steps += [
        v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2, hue=0.02),
        v2.PILToTensor(),
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(list(meta.mean), list(meta.std)),
    ]
    return v2.Compose(steps)


def _interpolation(name: str) -> Any:
    from torchvision.transforms import InterpolationMode

    return InterpolationMode(name.lower())


# --------------------------------------------------------------------------- model


def _resolve_device(choice: str) -> torch.device:
    """The device registry's answer, its error turned into a plain training error."""
    from core.devices import DeviceError, resolve_device

    try:
        return resolve_device(choice)
    except DeviceError as exc:
        raise TrainingError(str(exc)) from None


def initial_state(path: Path, arch: str, classes: tuple[str, ...]) -> tuple[dict[str, Tensor], str]:
    """Weights to start from, adapted to ``classes``; and a note of what was kept.

    Loads through the weights registry (safe: no pickled code runs). The head is kept when the
    file has the same classes (reordered if need be), and dropped otherwise, so fine-tuning an
    ImageNet model on five folders starts from ImageNet features with a fresh 5-way classifier.
    """
    from core.weights import WeightsError, load_weights_file

    try:
        loaded = load_weights_file(path, arch=arch)
    except WeightsError as exc:
        raise TrainingError(f"cannot start from {path}: {exc}") from None
    state = {k: v.detach().clone() for k, v in loaded.model.state_dict().items()}
    theirs = tuple(loaded.meta.categories)
    if theirs == classes:
        return state, f"all layers from {path.name}"
    if sorted(theirs) == sorted(classes):
        order = torch.tensor([theirs.index(c) for c in classes])
        state["fc.weight"], state["fc.bias"] = state["fc.weight"][order], state["fc.bias"][order]
        return state, f"all layers from {path.name} (head reordered to our classes)"
    del state["fc.weight"], state["fc.bias"]
    return state, f"all but the head from {path.name} (new {len(classes)}-class head)"


def build_model(config: TrainConfig, classes: tuple[str, ...]) -> tuple[ResNet, str]:
    """The network for ``classes``: from scratch (blocks start as identities) or from weights."""
    model = build_resnet(config.arch, num_classes=len(classes), zero_init_residual=not config.weights)
    if not config.weights:
        return model, "random initialisation"
    state, note = initial_state(Path(config.weights), config.arch, classes)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or set(missing) - {"fc.weight", "fc.bias"}:
        raise TrainingError(f"{config.weights} does not fit {config.arch}: {missing or unexpected}")
    return model, note


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    """No weight decay on biases and BatchNorm parameters (decaying them only hurts)."""
    decay = [p for p in model.parameters() if p.ndim > 1]
    no_decay = [p for p in model.parameters() if p.ndim <= 1]
    groups = [{"params": decay, "weight_decay": config.decay}, {"params": no_decay, "weight_decay": 0.0}]
    if config.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=config.learning_rate, momentum=0.9, nesterov=True)
    if config.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=config.learning_rate)
    raise TrainingError(f"unknown optimizer {config.optimizer!r}; choose adamw or sgd")


def make_schedule(
    optimizer: torch.optim.Optimizer, warmup_steps: int, total_steps: int
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up then cosine decay to zero, stepped per batch."""

    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


# --------------------------------------------------------------------------- loops


def _run_epoch(
    model: nn.Module,
    loader: DataLoader,
    criterion: nn.Module,
    device: torch.device,
    channels_last: bool,
    optimizer: torch.optim.Optimizer | None = None,
    schedule: torch.optim.lr_scheduler.LRScheduler | None = None,
    on_batch: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> tuple[float, float]:
    """One pass (training when an optimizer is given): mean loss and accuracy."""
    training = optimizer is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for i, (images, targets) in enumerate(loader, 1):
            images, targets = images.to(device), targets.to(device)
            if channels_last:
                images = images.contiguous(memory_format=torch.channels_last)
            logits = model(images)
            loss = criterion(logits, targets)
            if training:
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                if schedule is not None:
                    schedule.step()
            total_loss += loss.item() * len(targets)
            correct += (logits.argmax(1) == targets).sum().item()
            seen += len(targets)
            if on_batch:
                on_batch(i, len(loader))
            if cancel and cancel():
                break
    return total_loss / max(seen, 1), correct / max(seen, 1)


def _loader(dataset: Dataset, config: TrainConfig, shuffle: bool, generator: torch.Generator) -> DataLoader:
    return DataLoader(
        dataset,
        batch_size=config.batch_size,
        shuffle=shuffle,
        num_workers=config.workers,
        generator=generator,
        drop_last=shuffle and len(dataset) > config.batch_size,
        persistent_workers=False,  # re-seeded each epoch from ``generator``: resumable, repeatable
    )


def hardware_info(device: torch.device) -> dict[str, Any]:
    """Where a model was trained: enough to judge (and reproduce) its training time."""
    import torchvision

    info = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "device": str(device),
    }
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


def _meta(config: TrainConfig, classes: tuple[str, ...], card: dict[str, Any]) -> ModelMeta:
    return ModelMeta(
        arch=config.arch,
        categories=classes,
        crop_size=config.input_size,
        resize_size=config.eval_resize,
        mean=IMAGENET_MEAN,
        std=IMAGENET_STD,
        interpolation="bilinear",
        name=config.name or Path(config.out).stem,
        card=card,
    )


def _prepare_data(config: TrainConfig, meta: ModelMeta) -> tuple[ImageFiles, ImageFiles]:
    classes, samples = list_image_folder(Path(config.data))
    if config.val_data:
        val_classes, val_samples = list_image_folder(Path(config.val_data))
        if val_classes != classes:
            raise TrainingError(f"validation classes {val_classes} differ from training classes {classes}")
        train = samples
    else:
        train, val_samples = stratified_split(samples, config.val_split, config.seed)
    return (
        ImageFiles(train, train_transforms(meta, config.min_scale, config.hflip)),
        ImageFiles(val_samples, build_transform(meta)),
    )


@dataclass
class _RunState:
    """What survives between epochs (and across a resume)."""

    epoch: int = 0
    best_acc: float = -1.0
    best_loss: float = float("nan")
    best_epoch: int = 0
    best_state: dict[str, Tensor] = field(default_factory=dict)
    history: list[dict[str, float]] = field(default_factory=list)
    elapsed: float = 0.0


class _Run:
    """One training run's objects, built once from the config; ``train()`` drives it."""

    def __init__(self, config: TrainConfig, invocation: str | None) -> None:
        if config.arch not in ARCHITECTURES:
            known = ", ".join(ARCHITECTURES)
            raise TrainingError(f"unknown architecture {config.arch!r}; choose one of {known}")
        torch.manual_seed(config.seed)
        if config.threads:
            torch.set_num_threads(config.threads)
        self.config = config
        self.invocation = invocation or _invocation()
        self.device = _resolve_device(config.device)
        self.classes, _ = list_image_folder(Path(config.data))
        self.train_set, self.val_set = _prepare_data(config, _meta(config, self.classes, {}))
        self.model, self.init_note = build_model(config, self.classes)
        self.model.to(self.device)
        if config.channels_last:
            self.model.to(memory_format=torch.channels_last)
        self.optimizer = make_optimizer(self.model, config)
        self.generator = torch.Generator()
        self.train_loader = _loader(self.train_set, config, True, self.generator)
        self.val_loader = _loader(self.val_set, config, False, torch.Generator())
        steps = len(self.train_loader)
        self.schedule = make_schedule(
            self.optimizer, int(config.warmup_epochs * steps), config.epochs * steps
        )
        self.criterion = nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)
        self.state = _RunState()
        if config.resume:
            self.state = self._load_checkpoint(Path(config.resume))

    def epoch(
        self, epoch: int, on_batch: Callable[[int, int], None] | None, cancel: Callable[[], bool] | None
    ) -> EpochStats:
        """Train one epoch (data order seeded by epoch, so a resume repeats it), then validate."""
        start = time.perf_counter()
        self.generator.manual_seed(self.config.seed * 1000 + epoch)
        cl = self.config.channels_last
        train_loss, train_acc = _run_epoch(
            self.model, self.train_loader, self.criterion, self.device, cl,
            self.optimizer, self.schedule, on_batch, cancel,
        )  # fmt: skip
        val_loss, val_acc = _run_epoch(self.model, self.val_loader, self.criterion, self.device, cl)
        seconds = time.perf_counter() - start
        state = self.state
        state.elapsed += seconds
        state.epoch = epoch
        improved = val_acc > state.best_acc
        lr = self.schedule.get_last_lr()[0]
        stats = EpochStats(
            epoch, self.config.epochs, train_loss, train_acc, val_loss, val_acc, lr, seconds, improved
        )
        state.history.append({k: v for k, v in asdict(stats).items() if k != "best"})
        if improved:
            state.best_acc, state.best_epoch, state.best_loss = val_acc, epoch, val_loss
            state.best_state = copy.deepcopy(self.model.state_dict())
            self.save_best()
        self.save_checkpoint()
        return stats

    def card(self) -> dict[str, Any]:
        config, state = self.config, self.state
        return {
            "architecture": config.arch,
            "classes": list(self.classes),
            "input_size": config.input_size,
            "val_accuracy": round(state.best_acc, 5),
            "val_loss": round(state.best_loss, 5),
            "best_epoch": state.best_epoch,
            "epochs_run": state.epoch,
            "command": self.invocation,
            "seed": config.seed,
            "training_time_s": round(state.elapsed, 1),
            "hardware": hardware_info(self.device),
            "data": {
                "train": str(config.data),
                "val": str(config.val_data) if config.val_data else f"{config.val_split:.0%} of train",
                "train_images": len(self.train_set),
                "val_images": len(self.val_set),
            },
            "init": self.init_note,
            "config": {k: v for k, v in asdict(config).items() if k not in _PATH_FIELDS},
            "history": state.history,
        }

    def save_best(self) -> ModelMeta:
        """The best weights so far, with a card describing the run up to now."""
        meta = _meta(self.config, self.classes, self.card())
        save_model(self.state.best_state, meta, Path(self.config.out), fp16=self.config.fp16)
        return meta

    def save_checkpoint(self) -> None:
        """Full training state, plain tensors and numbers only (loadable with ``weights_only=True``)."""
        path = self.config.checkpoint_path
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        blob = {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(),
            "classes": list(self.classes),
            **asdict(self.state),
        }
        torch.save(blob, tmp)
        os.replace(tmp, path)  # never a half-written checkpoint

    def _load_checkpoint(self, path: Path) -> _RunState:
        try:
            ckpt = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is the same error for the user
            raise TrainingError(f"cannot resume from {path}: {exc}") from None
        if tuple(ckpt.get("classes", ())) != self.classes:
            raise TrainingError(f"{path} was trained on other classes: {ckpt.get('classes')}")
        self.model.load_state_dict(ckpt["model"])
        self.optimizer.load_state_dict(ckpt["optimizer"])
        self.schedule.load_state_dict(ckpt["schedule"])
        return _RunState(**{k: ckpt[k] for k in _RunState.__dataclass_fields__})


def train(
    config: TrainConfig,
    on_epoch: Callable[[EpochStats], None] | None = print,
    on_batch: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    invocation: str | None = None,
) -> TrainResult:
    """Run the training described by ``config``; returns where the best model was saved.

    ``on_epoch`` receives an :class:`EpochStats` after every epoch (``print`` by default: its
    ``line()`` is what a terminal shows); ``on_batch(done, total)`` and ``cancel()`` let a GUI
    show progress and stop between batches. The best weights (by validation accuracy) are
    written to ``config.out`` whenever they improve, so a stopped run still leaves a model; the
    card is rewritten at the end with the whole run's history and time.
    """
    run = _Run(config, invocation)
    report = _epoch_report(on_epoch)
    stopped_early = cancelled = False
    for epoch in range(run.state.epoch + 1, config.epochs + 1):
        report(run.epoch(epoch, on_batch, cancel))
        cancelled = bool(cancel and cancel())
        stopped_early = epoch - run.state.best_epoch >= config.patience
        if cancelled or stopped_early:
            break
    state = run.state
    if not state.best_state:
        raise TrainingError("nothing to train: the checkpoint already reached the requested epochs")
    meta = run.save_best()
    return TrainResult(
        Path(config.out), meta, state.best_acc, state.best_epoch, state.epoch, state.history,
        stopped_early and not cancelled, cancelled,
    )  # fmt: skip


def _epoch_report(on_epoch: Callable[[EpochStats], None] | None) -> Callable[[EpochStats], None]:
    """``print`` gets the formatted line; any other callback the stats object."""
    if on_epoch is None:
        return lambda stats: None
    if on_epoch is print:
        return lambda stats: print(stats.line(), flush=True)
    return on_epoch


def _invocation(argv: Sequence[str] | None = None) -> str:
    """The command line as a person would type it again."""
    argv = list(sys.argv if argv is None else argv)
    head = "python -m core.train" if argv and argv[0].endswith("train.py") else Path(argv[0]).name
    return " ".join([head, shlex.join(argv[1:])]).strip() if argv else ""


# --------------------------------------------------------------------------- command line


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    names = TrainConfig.__dataclass_fields__
    return TrainConfig(**{k: v for k, v in vars(args).items() if k in names})


def _print_batches(done: int, total: int) -> None:
    """A terminal heartbeat every ~5 % of an epoch (epochs on a CPU can take many minutes)."""
    if done % max(total // 20, 1) == 0 or done == total:
        print(f"  batch {done}/{total}", file=sys.stderr, flush=True)


def run_train(args: argparse.Namespace) -> int:
    """``reslens-cli train``: 0 when a model was written, 2 on a usage or data error."""
    try:
        result = train(
            config_from_args(args), on_batch=_print_batches, invocation=getattr(args, "invocation", None)
        )
    except TrainingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    how = " (early stop)" if result.stopped_early else ""
    print(f"best val acc {result.best_val_acc:.2%} at epoch {result.best_epoch}{how}; saved {result.path}")
    return 0


def run_generate(args: argparse.Namespace) -> int:
    """``reslens-cli generate-shapes``: render the symbol dataset for a seed."""
    from core.shapes import CLASSES, DEFAULT_SIZE, write_dataset

    if args.size is None:  # left open by the parser, which does not import numpy for --help
        args.size = DEFAULT_SIZE

    start = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} images", end="", file=sys.stderr, flush=True)

    n = write_dataset(args.out, args.seed, args.per_class, args.size, workers=args.workers, ext=args.ext,
                      progress=progress)  # fmt: skip
    print(file=sys.stderr)
    print(f"wrote {n} images of {len(CLASSES)} classes to {args.out} in {time.perf_counter() - start:.0f}s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.train", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="subcommand", required=True)
    train_parser = sub.add_parser("train", help="train or fine-tune a ResNet on an image folder")
    add_train_arguments(train_parser)
    train_parser.set_defaults(run=run_train)
    gen_parser = sub.add_parser("generate-shapes", help="render the symbol dataset")
    add_generate_arguments(gen_parser)
    gen_parser.set_defaults(run=run_generate)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
