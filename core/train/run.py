"""One training run: data, start model, the three stages (features, head, fine-tune), stop and
early stopping; :func:`train_model` is its entry point."""

from __future__ import annotations

import copy
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from core.dataset import TrainingSet, scan_class_folder
from core.messages import QT_TRANSLATE_NOOP, kind
from core.preprocess import aspect_limit
from core.resnet import ARCHITECTURES
from core.train.config import (
    LOSS_TOLERANCE,
    MEMORY_BUDGET,
    SCRATCH,
    DivergedError,
    TrainingError,
    TrainOutcome,
    TrainPlan,
    TrainProgress,
)
from core.train.data import Augmented, Pictures, stratified_split, train_transforms
from core.train.save import (
    _Best,
    check_resume_file,
    evaluate,
    load_checkpoint,
    model_card,
    save,
    save_checkpoint,
)
from core.train.start import (
    StatusCallback,
    _output_meta,
    _resolve_device,
    backbone_features,
    frozen_modules,
    load_start,
    make_optimizer,
    make_schedule,
)

COMPUTING_FEATURES = kind("train.status.features", QT_TRANSLATE_NOOP("Messages", "Computing features"))
FITTING_HEAD = kind("train.status.head", QT_TRANSLATE_NOOP("Messages", "Fitting the new head"))
FINE_TUNING = kind("train.status.fine-tune", QT_TRANSLATE_NOOP("Messages", "Fine-tuning"))
UNKNOWN_ARCH = kind(
    "train.error.arch", QT_TRANSLATE_NOOP("Messages", "unknown architecture %1; choose one of %2")
)
OTHER_VAL_CLASSES = kind(
    "train.error.val-classes",
    QT_TRANSLATE_NOOP("Messages", "validation classes %1 differ from training classes %2"),
)
ALL_DIVERGED = kind(
    "train.error.diverged",
    QT_TRANSLATE_NOOP(
        "Messages",
        "every epoch diverged (its loss was not a finite number), so no model was saved; try a smaller "
        "learning rate (--lr)",
    ),
)
HEAD_KEPT = kind(
    "train.status.diverged-head",
    QT_TRANSLATE_NOOP(
        "Messages",
        "fine-tuning diverged (its loss was not a finite number): the model saved is the head fitted on "
        "the frozen network; a smaller learning rate (--lr) may fine-tune it",
    ),
)
DIVERGED_AT = kind(
    "train.status.diverged-at",
    QT_TRANSLATE_NOOP(
        "Messages",
        "fine-tuning diverged at epoch %1 (its loss was not a finite number); the best epoch before it "
        "is kept",
    ),
)
NOT_SAFETENSORS = kind(
    "train.error.out-suffix", QT_TRANSLATE_NOOP("Messages", "%1: the output must be a .safetensors file")
)

# --------------------------------------------------------------------------- feature cache

_FEATURE_CACHE: dict[tuple[str, str, int, int, tuple[tuple[str, int, int], ...]], Tensor] = {}
_FEATURE_CACHE_MAX = 4


def _file_keys(samples: Sequence[tuple[Path, int]]) -> tuple[tuple[str, int, int], ...]:
    keys = []
    for path, _ in samples:
        try:
            st = os.stat(path)
            keys.append((str(Path(path).absolute()), st.st_mtime_ns, st.st_size))
        except OSError:
            keys.append((str(path), 0, 0))
    return tuple(keys)


# --------------------------------------------------------------------------- the run


def _score(val_loss: float, val_acc: float) -> tuple[float, float]:
    """How good a model is on the validation pictures: lower loss first (a small validation set
    moves its accuracy in coarse steps, one picture at a time, while its loss keeps showing
    progress), then accuracy. Losses within ``LOSS_TOLERANCE`` count as equal, so the later,
    further-annealed model wins a tie only when its accuracy is at least as good."""
    return (-round(val_loss / LOSS_TOLERANCE) * LOSS_TOLERANCE, val_acc)


class _Stopped(Exception):
    """should_stop() said so."""


@dataclass
class _Clock:
    """Elapsed time and a whole-run ETA from the measured cost of a unit of work."""

    start: float = field(default_factory=time.perf_counter)
    units_total: float = 1.0
    units_done: float = 0.0
    offset: float = 0.0

    def elapsed(self) -> float:
        return self.offset + time.perf_counter() - self.start

    def eta(self) -> float | None:
        if self.units_done <= 0:
            return None
        rate = (time.perf_counter() - self.start) / self.units_done
        return max(0.0, (self.units_total - self.units_done) * rate)


class _Run:
    """One training run: data, model, the three stages; ``run()`` drives it."""

    def __init__(
        self,
        ts: TrainingSet,
        plan: TrainPlan,
        out: Path,
        on_progress: Callable[[TrainProgress], None] | None,
        should_stop: Callable[[], bool] | None,
        on_status: StatusCallback | None,
    ) -> None:
        self.ts, self.plan, self.config, self.out = ts, plan, plan.config, out
        self.on_progress = on_progress or (lambda p: None)
        self.should_stop = should_stop or (lambda: False)
        self.on_status = on_status or (lambda message: None)
        self.best = _Best()
        self.history: list[dict[str, Any]] = []
        self.diverged: list[dict[str, Any]] = []  # epochs never kept: their figures were not finite
        self.clock = _Clock()

    # -- helpers

    def check_stop(self) -> None:
        if self.should_stop():
            raise _Stopped

    def report(self, **values: Any) -> None:
        self.on_progress(TrainProgress(elapsed_s=self.clock.elapsed(), eta_s=self.clock.eta(), **values))

    # -- set-up

    def prepare(self) -> None:
        config, ts = self.config, self.ts
        if config.arch is not None and config.arch not in ARCHITECTURES:
            known = ", ".join(ARCHITECTURES)
            raise TrainingError(UNKNOWN_ARCH(repr(config.arch), known))
        if config.threads:
            torch.set_num_threads(config.threads)
        torch.manual_seed(config.seed)
        self.device = _resolve_device(config.device)
        self.classes = ts.classes
        self.start = load_start(config, self.classes, self.on_status)
        self.model = self.start.model
        name = config.name or self.out.stem
        self.meta = _output_meta(config, self.start, self.classes, name)
        if config.val_data:
            val_ts = scan_class_folder(Path(config.val_data))
            if val_ts.classes != self.classes:
                raise TrainingError(OTHER_VAL_CLASSES(", ".join(val_ts.classes), ", ".join(self.classes)))
            train_samples, val_samples = list(ts.samples), list(val_ts.samples)
        else:
            train_samples, val_samples = stratified_split(ts.samples, config.val_split, config.seed)
        per_image = 3 * self.meta.resize_size * self.meta.resize_size * aspect_limit(self.meta)
        keep = per_image * len(train_samples) < MEMORY_BUDGET
        self.train_pictures = Pictures(train_samples, self.meta, keep)
        self.val_pictures = Pictures(val_samples, self.meta, keep)
        self.has_val = len(val_samples) > 0
        self.keep = keep
        self.model.to(self.device)
        if config.channels_last:
            self.model.to(memory_format=torch.channels_last)
        self.criterion = nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)
        self.do_head = (
            config.head_epochs > 0
            and not self.start.head_kept
            and self.start.identity != SCRATCH
            and not config.resume
        )
        batches = math.ceil(len(train_samples) / config.batch_size)
        val_batches = math.ceil(len(val_samples) / config.batch_size)
        # Units of work for the ETA: one forward+backward batch = 3, a forward-only batch = 1.
        feature_units = (batches + val_batches) if self.do_head else 0
        self.clock.units_total = feature_units + config.epochs * (3 * batches + val_batches)

    def loader(
        self, dataset: torch.utils.data.Dataset, shuffle: bool, seed: int = 0
    ) -> torch.utils.data.DataLoader:
        generator = torch.Generator().manual_seed(seed)
        workers = 0 if self.keep else self.config.workers
        return torch.utils.data.DataLoader(
            dataset,
            batch_size=self.config.batch_size,
            shuffle=shuffle,
            num_workers=workers,
            generator=generator,
            drop_last=shuffle and len(dataset) > self.config.batch_size,
        )

    def to_device(self, images: Tensor, targets: Tensor) -> tuple[Tensor, Tensor]:
        images, targets = images.to(self.device), targets.to(self.device)
        if self.config.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        return images, targets

    # -- stage 1 and 2: features, head

    def features(self, pictures: Pictures, part: str) -> tuple[Tensor, Tensor]:
        """Frozen-backbone features of every picture (eval mode), from the cache when possible."""
        key = (
            self.start.identity,
            part,
            self.meta.crop_size,
            self.meta.resize_size,
            _file_keys(pictures.samples),
        )
        targets = torch.tensor([c for _, c in pictures.samples], dtype=torch.long)
        if key in _FEATURE_CACHE:
            self.clock.units_done += math.ceil(len(pictures) / self.config.batch_size)
            return _FEATURE_CACHE[key], targets
        self.model.eval()
        loader = self.loader(pictures, shuffle=False)
        chunks = []
        with torch.no_grad():
            for step, (images, _) in enumerate(loader, 1):
                images, _ = self.to_device(images, torch.zeros(0))
                chunks.append(backbone_features(self.model, images).float().cpu())
                self.clock.units_done += 1
                self.report(stage="features", epoch=1, epochs=1, step=step, steps=len(loader))
                self.check_stop()
        feats = torch.cat(chunks) if chunks else torch.zeros(0, self.model.fc.in_features)
        if len(_FEATURE_CACHE) >= _FEATURE_CACHE_MAX:
            _FEATURE_CACHE.pop(next(iter(_FEATURE_CACHE)))
        _FEATURE_CACHE[key] = feats
        return feats, targets

    def fit_head(self) -> None:
        """A new linear head on cached features: full-batch AdamW, a second or two on a CPU."""
        config = self.config
        self.on_status(COMPUTING_FEATURES())
        train_x, train_y = self.features(self.train_pictures, "train")
        val_x, val_y = self.features(self.val_pictures, "val")
        self.on_status(FITTING_HEAD())
        head = nn.Linear(train_x.shape[1], len(self.classes))
        torch.manual_seed(config.seed)
        nn.init.zeros_(head.weight)
        nn.init.zeros_(head.bias)
        optimizer = torch.optim.AdamW(head.parameters(), lr=config.head_lr, weight_decay=config.weight_decay)
        schedule = make_schedule(optimizer, 0, config.head_epochs)
        criterion = nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)
        best_state, best_score, best_epoch, best_val = None, (-math.inf, 0.0), 0, (math.nan, math.nan)
        try:
            for epoch in range(1, config.head_epochs + 1):
                head.train()
                logits = head(train_x)
                loss = criterion(logits, train_y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                schedule.step()
                train_acc = (logits.argmax(1) == train_y).float().mean().item()
                with torch.no_grad():
                    val_loss, val_acc = self._val_scores(head(val_x), val_y, criterion)
                # Only finite figures count (a diverged step is never the best head); without
                # validation pictures the latest finite step is the best.
                finite = _finite(val_loss, val_acc) if self.has_val else _finite(loss.item())
                score = _score(val_loss, val_acc) if self.has_val else (float(epoch), 0.0)
                if finite and _finite_state(head) and (best_state is None or score > best_score):
                    best_score, best_state, best_epoch = score, copy.deepcopy(head.state_dict()), epoch
                    best_val = (val_loss, val_acc)
                self.report(
                    stage="head", epoch=epoch, epochs=config.head_epochs, step=1, steps=1,
                    train_loss=loss.item(), train_acc=train_acc, val_loss=val_loss, val_acc=val_acc,
                )  # fmt: skip
                self.check_stop()
        except _Stopped:  # the best head so far is the best model so far: Stop keeps it
            if best_state is not None:
                self._keep_head(head, best_state, best_val, best_epoch)
            raise
        if best_state is None:  # every step diverged: fine-tuning starts from the start model's head
            self.diverged.append({"stage": "head", "epoch": config.head_epochs})
            return
        self._keep_head(head, best_state, best_val, config.head_epochs)

    def _keep_head(
        self, head: nn.Linear, state: dict[str, Tensor], val: tuple[float, float], epoch: int
    ) -> None:
        """Put the fitted head on the network and offer it as the best model so far."""
        head.load_state_dict(state)
        with torch.no_grad():
            self.model.fc.weight.copy_(head.weight)
            self.model.fc.bias.copy_(head.bias)
        val_loss, val_acc = val
        self.history.append({"stage": "head", "epoch": epoch, "val_loss": val_loss, "val_acc": val_acc})
        self.consider("head", epoch, val_acc, val_loss)

    @staticmethod
    def _val_scores(logits: Tensor, targets: Tensor, criterion: nn.Module) -> tuple[float, float]:
        if len(targets) == 0:
            return float("nan"), float("nan")
        return criterion(logits, targets).item(), (logits.argmax(1) == targets).float().mean().item()

    def consider(
        self, stage: str, epoch: int, val_acc: float, val_loss: float, train_loss: float | None = None
    ) -> bool:
        """Keep the model if it is the best so far (no validation set: the latest is the best);
        True only when it is strictly better (what early stopping counts).

        A model whose figures are not finite (a diverged epoch: ``--lr 100``) is never kept, however
        it compares: NaN is not "no validation set", and a NaN model answers NaN for every picture.
        """
        finite = _finite(val_loss, val_acc) if self.has_val else train_loss is None or _finite(train_loss)
        if not (finite and _finite_state(self.model)):
            self.diverged.append({"stage": stage, "epoch": epoch})
            return False
        score = _score(val_loss, val_acc) if self.has_val else (float(len(self.history)), 0.0)
        better = score > self.best.score
        if better or (score == self.best.score and self.best.state is not None):  # a tie: the later one
            self.best = _Best(score, copy.deepcopy(self.model.state_dict()), stage, epoch, val_acc, val_loss)
        return better

    # -- stage 3: fine-tune

    def fine_tune(self) -> bool:
        """Train the network from ``fine_tune_from`` on; True when early stopping ended it."""
        config = self.config
        if config.epochs <= 0:
            return False
        self.on_status(FINE_TUNING())
        aug = train_transforms(self.meta, config)
        train_loader = self.loader(Augmented(self.train_pictures, aug), shuffle=True, seed=config.seed)
        val_loader = self.loader(self.val_pictures, shuffle=False)
        steps = len(train_loader)
        frozen = frozen_modules(self.model, config.fine_tune_from)
        for module in frozen:
            module.requires_grad_(False)
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        optimizer = make_optimizer(trainable, config, config.lr)
        schedule = make_schedule(optimizer, int(config.warmup_epochs * steps), config.epochs * steps)
        first = 1
        if config.resume:
            first = load_checkpoint(self, Path(config.resume), optimizer, schedule)
        since_best = 0
        for epoch in range(first, config.epochs + 1):
            train_loader.generator.manual_seed(config.seed * 1000 + epoch)
            torch.manual_seed(config.seed * 1000 + epoch)  # augmentation draws: repeatable per epoch
            self.model.train()
            for module in frozen:  # frozen layers keep their BatchNorm statistics too
                module.eval()
            total_loss, correct, seen = 0.0, 0, 0
            for step, (images, targets) in enumerate(train_loader, 1):
                images, targets = self.to_device(images, targets)
                logits = self.model(images)
                loss = self.criterion(logits, targets)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                schedule.step()
                total_loss += loss.item() * len(targets)
                correct += (logits.argmax(1) == targets).sum().item()
                seen += len(targets)
                self.clock.units_done += 3
                if step < steps:
                    self.report(
                        stage="fine-tune", epoch=epoch, epochs=config.epochs, step=step, steps=steps,
                        train_loss=total_loss / seen, train_acc=correct / seen,
                    )  # fmt: skip
                    self.check_stop()
            val_loss, val_acc = self.validate(val_loader)
            train_loss, train_acc = total_loss / max(seen, 1), correct / max(seen, 1)
            lr = schedule.get_last_lr()[0]
            self.history.append(
                {"stage": "fine-tune", "epoch": epoch, "train_loss": train_loss, "train_acc": train_acc,
                 "val_loss": val_loss, "val_acc": val_acc, "lr": lr}
            )  # fmt: skip
            improved = self.consider("fine-tune", epoch, val_acc, val_loss, train_loss)
            since_best = 0 if improved else since_best + 1
            if not _finite_state(self.model):  # NaN weights never recover: the later epochs would be lost too
                self.report(
                    stage="fine-tune", epoch=epoch, epochs=config.epochs, step=steps, steps=steps,
                    train_loss=train_loss, train_acc=train_acc, val_loss=val_loss, val_acc=val_acc,
                )  # fmt: skip
                return False
            if config.checkpoint:
                save_checkpoint(self, Path(config.checkpoint), optimizer, schedule, epoch)
            self.report(
                stage="fine-tune", epoch=epoch, epochs=config.epochs, step=steps, steps=steps,
                train_loss=train_loss, train_acc=train_acc, val_loss=val_loss, val_acc=val_acc,
            )  # fmt: skip
            self.check_stop()
            if since_best >= config.patience and not math.isnan(val_acc):
                return True
        return False

    def validate(self, loader: torch.utils.data.DataLoader) -> tuple[float, float]:
        self.model.eval()
        total_loss, correct, seen = 0.0, 0, 0
        with torch.no_grad():
            for images, targets in loader:
                images, targets = self.to_device(images, targets)
                logits = self.model(images)
                total_loss += self.criterion(logits, targets).item() * len(targets)
                correct += (logits.argmax(1) == targets).sum().item()
                seen += len(targets)
                self.clock.units_done += 1
        if seen == 0:
            return float("nan"), float("nan")
        return total_loss / seen, correct / seen

    def run(self, discard_on_stop: bool) -> TrainOutcome:
        stopped = early = False
        try:
            self.prepare()
            self.check_stop()  # Stop while the start model loaded: nothing was trained
            if self.do_head:
                self.fit_head()
            early = self.fine_tune()
        except _Stopped:
            stopped = True
        if stopped and (discard_on_stop or self.best.state is None):
            return TrainOutcome(None, {}, None, True)
        if self.best.state is None and not self.diverged:  # no epoch ran (--epochs 0): keep what we have
            self.consider("fine-tune", self.config.epochs, float("nan"), float("nan"))
        if self.best.state is None:
            raise DivergedError(ALL_DIVERGED())
        self.say_divergence()
        self.model.load_state_dict(self.best.state)
        evaluation = evaluate(self)
        card = model_card(self, evaluation, stopped, early)
        save(self, card)
        return TrainOutcome(self.out, card, evaluation, stopped)

    def say_divergence(self) -> None:
        """What the saved model is when fine-tuning diverged: the head, or the last good epoch."""
        tuned = [d["epoch"] for d in self.diverged if d["stage"] == "fine-tune"]
        if not tuned:
            return
        self.on_status(HEAD_KEPT() if self.best.stage == "head" else DIVERGED_AT(tuned[0]))


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def _finite_state(module: nn.Module) -> bool:
    """Whether every parameter and buffer is a finite number (a diverged step leaves NaN or inf)."""
    with torch.no_grad():
        return all(
            bool(torch.isfinite(t).all()) for t in module.state_dict().values() if t.is_floating_point()
        )


def train_model(
    ts: TrainingSet,
    plan: TrainPlan,
    out: Path | str,
    *,
    on_progress: Callable[[TrainProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_status: StatusCallback | None = None,
    discard_on_stop: bool = False,
) -> TrainOutcome:
    """Train on ``ts`` as ``plan`` says and save the best model to ``out`` (+ its card beside it).

    ``on_progress`` hears after every batch and at every epoch's end; ``should_stop`` is asked
    after every batch: when it says yes the best model so far is saved (``stopped=True``), or
    nothing at all with ``discard_on_stop`` (a window closed mid-run). ``on_status`` hears what
    is happening as a :class:`~core.messages.Message` ("Downloading ImageNet V1 weights for
    resnet18: 40%" in English), which the CLI prints and the window renders in its language.
    The output is written atomically and never into the data folders (``out`` inside one is
    refused).
    """
    out = Path(out)
    if out.suffix.lower() != ".safetensors":
        raise TrainingError(NOT_SAFETENSORS(out.name))
    claim_outputs(out, plan.config.checkpoint, ts)
    if plan.config.resume:
        check_resume_file(Path(plan.config.resume))
    return _Run(ts, plan, out, on_progress, should_stop, on_status).run(discard_on_stop)


def claim_outputs(out: Path, checkpoint: str | None, ts: TrainingSet) -> None:
    """Before any work: the model, its card and the checkpoint may be written where asked, never
    into the person's image folders (also through a link), never over a file ResLens did not
    write, never into a missing or read-only folder (found now, not after the run)."""
    from core.metadata import card_path
    from core.outputs import Output, OutputRules, claim

    folders = {Path(ts.origin)} if ts.origin else set()
    folders |= {Path(p).parent for p, _ in ts.samples}
    rules = OutputRules(data_folders=tuple(sorted(folders)))
    claim(out, Output.MODEL, rules)
    claim(card_path(out), Output.MODEL, rules)
    if checkpoint:
        claim(checkpoint, Output.FILE, rules)
