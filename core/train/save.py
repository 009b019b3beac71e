"""What a run leaves behind: the best model so far, resumable checkpoints, the evaluation of the
best model on the validation pictures, and the saved weights with their card."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from core.errors import ResLensError, describe_message
from core.export import escape_text, printable, written_form
from core.messages import QT_TRANSLATE_NOOP, english, kind
from core.metadata import save_model
from core.sources import DEFAULT
from core.train.config import Evaluation, TrainingError
from core.train.start import hardware_info
from core.train_args import reproduce_command
from core.weights import MAX_UNPACKED_BYTES

CANNOT_RESUME = kind("train.error.resume", QT_TRANSLATE_NOOP("Messages", "cannot resume from %1: %2"))
NOT_A_CHECKPOINT = kind(
    "train.error.not-checkpoint",
    QT_TRANSLATE_NOOP(
        "Messages",
        "it is not a training checkpoint ResLens wrote (reslens-cli train --checkpoint FILE writes one)",
    ),
)
OTHER_CLASSES = kind(
    "train.error.resume-classes", QT_TRANSLATE_NOOP("Messages", "%1 was trained on other classes: %2")
)


@dataclass
class _Best:
    score: tuple[float, float] = (-math.inf, 0.0)  # (-val loss, val acc): higher is better
    state: dict[str, Tensor] | None = None
    stage: str = ""
    epoch: int = 0
    val_acc: float = float("nan")
    val_loss: float = float("nan")


def save_checkpoint(
    run: Any, path: Path, optimizer: torch.optim.Optimizer, schedule: Any, epoch: int
) -> None:
    """Fine-tuning state, plain tensors and numbers only (loadable with ``weights_only=True``)."""
    from core.export import replace_atomically

    path.parent.mkdir(parents=True, exist_ok=True)
    best = run.best
    blob = {
        "model": run.model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "schedule": schedule.state_dict(),
        "classes": list(run.classes),
        "epoch": epoch,
        "best_state": best.state or {},
        "best": [best.score[0], best.score[1], best.stage, best.epoch, best.val_acc, best.val_loss],
        "history": run.history,
        "elapsed": run.clock.elapsed(),
    }
    replace_atomically(path, lambda tmp: torch.save(blob, tmp))


def check_resume_file(path: Path) -> None:
    """Before any work: ``--resume`` names a file that can be a checkpoint (torch writes a zip)."""
    import zipfile

    try:
        ours = zipfile.is_zipfile(path)
    except OSError:
        ours = False
    if not ours:
        raise TrainingError(CANNOT_RESUME(printable(str(path)), NOT_A_CHECKPOINT()))


def load_checkpoint(run: Any, path: Path, optimizer: torch.optim.Optimizer, schedule: Any) -> int:
    """The run's state from a checkpoint :func:`save_checkpoint` wrote; the next epoch's number.

    Anything else (a picture, a model, a pickle with code) is refused in our words: torch's own
    error would advise ``weights_only=False``, which is exactly what must never be done with a
    file of unknown origin.
    """
    import pickle

    from core.weights import check_unpacked_size

    check_resume_file(path)
    try:
        check_unpacked_size(path, 4 * MAX_UNPACKED_BYTES)  # weights, two Adam moments, the best copy
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise TrainingError(CANNOT_RESUME(printable(str(path)), NOT_A_CHECKPOINT())) from None
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the same error for the user
        why = exc.message if isinstance(exc, ResLensError) else describe_message(exc)
        raise TrainingError(CANNOT_RESUME(printable(str(path)), why)) from None
    if not isinstance(ckpt, dict) or not {"model", "optimizer", "schedule", "best"} <= set(ckpt):
        raise TrainingError(CANNOT_RESUME(printable(str(path)), NOT_A_CHECKPOINT()))
    if tuple(ckpt.get("classes", ())) != run.classes:
        raise TrainingError(OTHER_CLASSES(str(path), str(ckpt.get("classes"))))
    run.model.load_state_dict(ckpt["model"])
    optimizer.load_state_dict(ckpt["optimizer"])
    schedule.load_state_dict(ckpt["schedule"])
    acc, neg_loss, stage, epoch, val_acc, val_loss = ckpt["best"]
    run.best = _Best((acc, neg_loss), ckpt["best_state"] or None, stage, int(epoch), val_acc, val_loss)
    run.history = list(ckpt["history"])
    run.clock.offset = float(ckpt["elapsed"])
    return int(ckpt["epoch"]) + 1


# -- after


def evaluate(run: Any) -> Evaluation | None:
    """The best model on the validation split: confusion, precision, recall, the mistakes."""
    if len(run.val_pictures) == 0:
        return None
    run.model.eval()
    n = len(run.classes)
    confusion = [[0] * n for _ in range(n)]
    mistakes = []
    loader = run.loader(run.val_pictures, shuffle=False)
    total_loss, index = 0.0, 0
    with torch.no_grad():
        for images, targets in loader:
            images, targets = run.to_device(images, targets)
            logits = run.model(images)
            total_loss += run.criterion(logits, targets).item() * len(targets)
            for t, p in zip(targets.tolist(), logits.argmax(1).tolist(), strict=True):
                confusion[t][p] += 1
                if t != p:
                    mistakes.append((run.val_pictures.samples[index][0], t, p))
                index += 1
    precision = tuple(
        confusion[c][c] / col if (col := sum(row[c] for row in confusion)) else 0.0 for c in range(n)
    )
    recall = tuple(confusion[c][c] / sum(confusion[c]) if sum(confusion[c]) else 0.0 for c in range(n))
    accuracy = sum(confusion[c][c] for c in range(n)) / max(index, 1)
    return Evaluation(
        run.classes, tuple(map(tuple, confusion)), precision, recall, accuracy, tuple(mistakes),
        total_loss / max(index, 1),
    )  # fmt: skip


def model_card(run: Any, evaluation: Evaluation | None, stopped: bool, early: bool) -> dict[str, Any]:
    """The card as it is written (:func:`written_form`): what the run learnt, from what, how."""
    return written_form(_card_fields(run, evaluation, stopped, early))


def _card_fields(run: Any, evaluation: Evaluation | None, stopped: bool, early: bool) -> dict[str, Any]:
    config, best = run.config, run.best
    counts = run.ts.counts()
    return {
        "architecture": run.meta.arch,
        "classes": list(run.classes),
        "input_size": run.meta.crop_size,
        "val_accuracy": None if math.isnan(best.val_acc) else round(best.val_acc, 5),
        "val_loss": None if math.isnan(best.val_loss) else round(best.val_loss, 5),
        "best_stage": best.stage,
        # The new head on the frozen start network, not fine-tuned (stopped, or no better).
        "head_only": best.stage == "head",
        "best_epoch": best.epoch,
        "epochs_run": sum(1 for h in run.history if h["stage"] == "fine-tune"),
        "stopped": "by the user" if stopped else ("early (no improvement)" if early else "planned end"),
        "command": reproduce_command(
            run.ts.origin,
            str(run.out),
            None if config.start == DEFAULT else config.start,
            asdict(config),
            run.plan.overrides,
        ),
        "seed": config.seed,
        "deployment": deployment_card(),
        "training_time_s": round(run.clock.elapsed(), 1),
        "hardware": hardware_info(run.device),
        "start": {"from": config.start, "init": run.start.note},
        "init": run.start.note,
        "data": {
            "folder": run.ts.origin,
            "train": run.ts.origin,
            "val": config.val_data or f"{config.val_split:.0%} of each class (seed {config.seed})",
            "class_counts": counts,
            "train_images": len(run.train_pictures),
            "val_images": len(run.val_pictures),
            "unreadable": [[str(p), english(why)] for p, why in run.ts.unreadable],
        },
        "evaluation": evaluation.to_card() if evaluation else None,
        "plan": {"reasons": list(run.plan.reasons), "overrides": list(run.plan.overrides)},
        "config": {k: v for k, v in asdict(config).items() if k not in ("checkpoint", "resume")},
        "history": run.history,
        # Epochs never kept because their figures were not finite (a learning rate too large).
        "diverged": list(getattr(run, "diverged", [])),
    }


def save(run: Any, card: dict[str, Any]) -> Path:
    """Write the best weights and the card, each atomically (complete or absent)."""
    meta = replace(run.meta, card=written_form(card), name=escape_text(run.meta.name))
    save_model(run.best.state or run.model.state_dict(), meta, run.out, fp16=run.config.fp16)
    return run.out


def deployment_card() -> dict[str, Any]:
    """How to export the model as ONNX (fp32, int8) and run it with onnxruntime alone (issue 26)."""
    from core.deploy import card_section

    return card_section()
