"""Train plain and residual nets side by side, on the same batches from the same seed.

Side by side means step by step: one batch is drawn, then every net takes its step on it, so the
curves grow together (the window plots them live) and a stop leaves every net at the same point.
Each net starts from its own seeded initialisation and has its own optimiser; what they share is
the images and the order of the batches, so the nets' differences are the architectures' alone.

Training follows the paper's CIFAR recipe, shortened: SGD with momentum 0.9, weight decay 1e-4,
a constant learning rate (0.1), no augmentation. Per step the loss and training error of the
step's batch are reported (measured in training mode, before the update, as training sees them);
after the last step every net is measured in evaluation mode on all the training images (the
paper's "training error") and on the held-out ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import torch
from torch import Tensor, nn

from core.degradation import ExperimentConfig, ExperimentResult, NetResult, StepReport
from core.degradation.data import ImageSets, read_folder, render_shapes
from core.degradation.nets import build_net

MOMENTUM = 0.9
WEIGHT_DECAY = 1e-4
EVAL_BATCH = 500

Report = Callable[[StepReport], None]


def batch_order(n: int, batch_size: int, steps: int, seed: int) -> Iterator[Tensor]:
    """The index tensors of ``steps`` batches: shuffled epochs of ``n`` images, from ``seed`` alone
    (a generator of its own, so building the nets cannot change the order)."""
    generator = torch.Generator().manual_seed(seed)
    batch_size = min(batch_size, n)
    order, at = torch.randperm(n, generator=generator), 0
    for _ in range(steps):
        if at + batch_size > n:  # a new epoch; the short remainder of the old one is skipped
            order, at = torch.randperm(n, generator=generator), 0
        yield order[at : at + batch_size]
        at += batch_size


def prepare_images(
    config: ExperimentConfig, on_report: Report | None = None, should_stop: Callable[[], bool] = lambda: False
) -> ImageSets | None:
    """The rendered shapes, or the configured folder; None when stopped while preparing."""

    def progress(done: int, total: int) -> None:
        if on_report is not None:
            on_report(StepReport("data", done, total))

    if config.data is not None:
        return read_folder(config.data, config.size, config.seed, progress, should_stop)
    return render_shapes(
        config.classes,
        config.per_class,
        config.val_per_class,
        config.size,
        config.seed,
        progress,
        should_stop,
    )


@torch.no_grad()
def error_rate(net: nn.Module, x: Tensor, y: Tensor) -> float | None:
    """Share of ``x`` the net misclassifies in evaluation mode (None for no images)."""
    if len(x) == 0:
        return None
    net.eval()
    wrong = 0
    for start in range(0, len(x), EVAL_BATCH):
        logits = net(x[start : start + EVAL_BATCH])
        wrong += int((logits.argmax(1) != y[start : start + EVAL_BATCH]).sum())
    return wrong / len(x)


def run_experiment(
    config: ExperimentConfig,
    on_report: Report | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    images: ImageSets | None = None,
) -> ExperimentResult:
    """Train every net of ``config`` side by side and measure them; ``should_stop`` (an event's
    ``is_set``) is asked before every net's step, and a stopped run returns its curves so far.

    ``images`` skips preparing them (a benchmark reuses one set for several configurations).
    """
    from core.devices import resolve_device

    started = time.perf_counter()
    device = resolve_device(config.device)
    nets = [NetResult(depth, residual) for depth, residual in config.nets()]
    if images is None:
        images = prepare_images(config, on_report, should_stop)
    if images is None:
        return ExperimentResult(nets, stopped=True, seconds=time.perf_counter() - started)
    train_x, train_y = images.train_x.to(device), images.train_y.to(device)
    models = [build_net(r.depth, r.residual, len(images.classes), config.seed).to(device) for r in nets]
    optimisers = [
        torch.optim.SGD(m.parameters(), lr=config.lr, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
        for m in models
    ]
    loss_fn = nn.CrossEntropyLoss()
    stopped = False
    for step, index in enumerate(batch_order(len(train_x), config.batch_size, config.steps, config.seed), 1):
        x, y = train_x[index.to(device)], train_y[index.to(device)]
        for result, model, optimiser in zip(nets, models, optimisers, strict=True):
            if should_stop():
                stopped = True
                break
            t0 = time.perf_counter()
            model.train()
            logits = model(x)
            loss = loss_fn(logits, y)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            result.loss.append(float(loss.detach()))
            result.error.append(float((logits.detach().argmax(1) != y).float().mean()))
            result.steps = step
            result.seconds += time.perf_counter() - t0
        if stopped:
            break
        if on_report is not None:
            on_report(
                StepReport(
                    "train",
                    step,
                    config.steps,
                    tuple(r.loss[-1] for r in nets),
                    tuple(r.error[-1] for r in nets),
                )
            )
    if not stopped:
        val_x, val_y = images.val_x.to(device), images.val_y.to(device)
        for i, (result, model) in enumerate(zip(nets, models, strict=True)):
            if on_report is not None:
                on_report(StepReport("evaluate", i, len(nets)))
            result.train_error = error_rate(model, train_x, train_y)
            result.val_error = error_rate(model, val_x, val_y)
    return ExperimentResult(
        nets,
        stopped=stopped,
        classes=images.classes,
        train_images=len(images.train_x),
        val_images=len(images.val_x),
        seconds=time.perf_counter() - started,
    )
