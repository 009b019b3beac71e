"""The quick head: pooled layer2-4 features, standardised, and a multinomial logistic regression.

Used by both editions to teach new classes in seconds (the full edition then fine-tunes). The
penultimate layer of a network trained on 12 shapes knows little about letters (a head on it
reached 67.5 % on hidden glyph tasks), but the earlier stages hold general strokes and parts.
:data:`DEFAULT_FEATURES` is max pooling of layer2, layer3 and layer4 plus the average of layer4
(1,408 values for a ResNet-18), chosen on the letters task A-K by k-fold accuracy (``python
bench/quick_head.py --task letters --explore``; at 128 px: this set 92.5 % k-fold, DESIGN.md's
GAP of layer2-4 + max of layer3 92.2 %, GAP only 88.5 %); the average of layer4 is kept so that
a quick model still has a CAM at layer4 (:mod:`core.lite.cam`).

- :func:`pool_features` turns the graph's feature maps into one row per image;
- :func:`fit` standardises (mean and std of the training rows, stored with the head), then
  minimises the mean cross-entropy plus ``l2 / 2 * ||W||^2`` (bias not penalised) with
  :mod:`core.lite.lbfgs`;
- :func:`choose_l2` picks ``l2`` from the training data by stratified k-fold, never from a test
  set;
- a :class:`QuickHead` is plain arrays: :meth:`QuickHead.to_record` stores it in a Lite model
  file (:class:`core.lite.model_file.Head`), :meth:`QuickHead.save`/:meth:`QuickHead.load` as npz.

numpy only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.lite.blas import one_thread
from core.lite.lbfgs import minimize
from core.lite.model_file import Head

DEFAULT_FEATURES: tuple[str, ...] = ("max:layer2", "max:layer3", "max:layer4", "gap:layer4")
L2_GRID: tuple[float, ...] = (1e-3, 1e-2, 1e-1, 1.0)
FOLDS = 5
GTOL = 1e-4
MAX_ITER = 500
STD_FLOOR = 1e-6  # a feature constant over the training set is divided by this, not by zero
POOLS = {"gap": lambda a: a.mean(axis=(2, 3)), "max": lambda a: a.max(axis=(2, 3))}


def parse_feature(name: str) -> tuple[str, str]:
    """``"gap:layer3"`` -> ``("gap", "layer3")``; ``ValueError`` for another pooling or layer."""
    pool, _, layer = name.partition(":")
    if pool not in POOLS or layer not in ("layer2", "layer3", "layer4"):
        raise ValueError(f"unknown feature {name!r} (gap or max, then layer2, layer3 or layer4)")
    return pool, layer


def used_layers(features: Sequence[str]) -> tuple[str, ...]:
    """The graph outputs ``features`` read, each once, in order."""
    return tuple(dict.fromkeys(parse_feature(f)[1] for f in features))


def feature_widths(maps: Mapping[str, np.ndarray], features: Sequence[str]) -> np.ndarray:
    """How many values each of ``features`` adds to a row (the channels of its map)."""
    return np.array([maps[parse_feature(f)[1]].shape[1] for f in features], dtype=np.int64)


def pool_features(maps: Mapping[str, np.ndarray], features: Sequence[str]) -> np.ndarray:
    """One float64 row per image: each named pooling of each named map, concatenated."""
    parts = []
    for name in features:
        pool, layer = parse_feature(name)
        parts.append(POOLS[pool](np.asarray(maps[layer], dtype=np.float64)))
    return np.concatenate(parts, axis=1)


@dataclass(frozen=True, eq=False)
class QuickHead:
    """Standardisation plus a linear layer: ``softmax(((x - mean) / std) @ weight.T + bias)``."""

    mean: np.ndarray
    std: np.ndarray
    weight: np.ndarray  # classes x features
    bias: np.ndarray
    widths: np.ndarray | None = None  # the width of each feature block, in ``features`` order

    @property
    def num_classes(self) -> int:
        return int(self.weight.shape[0])

    def logits(self, features: np.ndarray) -> np.ndarray:
        z = (np.asarray(features, dtype=np.float64) - self.mean) / self.std
        return (z @ self.weight.T + self.bias).astype(np.float32)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        logits = self.logits(features).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, features: np.ndarray) -> np.ndarray:
        return np.argmax(self.logits(features), axis=1)

    def layer4_weights(self, features: Sequence[str]) -> np.ndarray:
        """``classes x channels`` weights of the GAP of layer4 in raw units (``W / std``), for
        the CAM. ``ValueError`` when the head does not read that average."""
        if self.widths is None or len(self.widths) != len(features):
            raise ValueError("this quick head does not record the width of each feature block")
        offset = 0
        for name, width in zip(features, self.widths, strict=True):
            if parse_feature(name) == ("gap", "layer4"):
                block = slice(offset, offset + int(width))
                return (self.weight[:, block] / self.std[block]).astype(np.float32)
            offset += int(width)
        raise ValueError("this quick head does not read layer4's average; it has no CAM at layer4")

    def to_record(self, features: Sequence[str]) -> Head:
        arrays = {"mean": self.mean, "std": self.std, "weight": self.weight, "bias": self.bias}
        stored = {k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()}
        if self.widths is not None:
            stored["widths"] = np.asarray(self.widths, dtype=np.int64)
        return Head("quick", stored, tuple(features))

    @classmethod
    def from_record(cls, head: Head) -> QuickHead:
        a = head.arrays
        arrays = (np.asarray(a[k], dtype=np.float64) for k in ("mean", "std", "weight", "bias"))
        return cls(*arrays, widths=a.get("widths"))

    def save(self, path: str | Path) -> None:
        widths = np.zeros(0, np.int64) if self.widths is None else np.asarray(self.widths, np.int64)
        np.savez(path, mean=self.mean, std=self.std, weight=self.weight, bias=self.bias, widths=widths)

    @classmethod
    def load(cls, path: str | Path) -> QuickHead:
        with np.load(path, allow_pickle=False) as data:
            arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "std", "weight", "bias")]
            widths = np.asarray(data["widths"], np.int64) if "widths" in data else None
        return cls(*arrays, widths=widths if widths is not None and widths.size else None)


def standardiser(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std (floored) of the training rows."""
    x = np.asarray(features, dtype=np.float64)
    return x.mean(axis=0), np.maximum(x.std(axis=0), STD_FLOOR)


def fit(
    features: np.ndarray,
    labels: Sequence[int] | np.ndarray,
    l2: float = 1e-2,
    classes: int | None = None,
    widths: np.ndarray | None = None,
    start: QuickHead | None = None,
    gtol: float = GTOL,
) -> QuickHead:
    """The head that minimises mean cross-entropy + ``l2 / 2 * ||W||^2`` on standardised rows.

    ``start`` (a head fitted on the same rows with another penalty) warm-starts L-BFGS: along a
    path of decreasing penalties each fit then needs a fraction of the iterations. ``gtol`` stops
    at a gradient that small relative to the first: far below what changes a prediction.
    """
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if x.ndim != 2 or len(x) != len(y) or len(x) == 0:
        raise ValueError("fit needs one row of features per label")
    k = int(classes if classes is not None else y.max() + 1)
    mean, std = standardiser(x)
    z = (x - mean) / std
    n, d = z.shape
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[: k * d].reshape(k, d), theta[k * d :]
        logits = z @ w.T + b
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        total = exp.sum(axis=1, keepdims=True)
        p = exp / total
        loss = float(-(onehot * (logits - np.log(total))).sum() / n + 0.5 * l2 * (w * w).sum())
        residual = (p - onehot) / n
        grad_w = residual.T @ z + l2 * w
        return loss, np.concatenate([grad_w.ravel(), residual.sum(axis=0)])

    theta0 = np.zeros(k * d + k) if start is None else np.concatenate([start.weight.ravel(), start.bias])
    with one_thread():  # small products: OpenBLAS's threads only spin (core.lite.blas)
        solution = minimize(objective, theta0, max_iter=MAX_ITER, gtol=gtol)
    theta = solution.x
    return QuickHead(mean, std, theta[: k * d].reshape(k, d), theta[k * d :], widths)


def stratified_folds(labels: np.ndarray, folds: int = FOLDS, seed: int = 0) -> list[np.ndarray]:
    """``folds`` disjoint index sets, each with about the same share of every class."""
    rng = np.random.default_rng(seed)
    parts: list[list[int]] = [[] for _ in range(folds)]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        for i, index in enumerate(members):
            parts[i % folds].append(int(index))
    return [np.array(sorted(p), dtype=np.int64) for p in parts if p]


def path_accuracy(
    features: np.ndarray,
    labels: np.ndarray,
    grid: Sequence[float],
    folds: int = FOLDS,
    classes: int | None = None,
) -> dict[float, float]:
    """Held-out accuracy of :func:`fit` for each penalty of ``grid``, over stratified folds of
    the training data; in each fold the penalties run from large to small, each fit warm-started
    from the previous one."""
    y = np.asarray(labels)
    k = int(classes if classes is not None else y.max() + 1)
    correct = dict.fromkeys((float(v) for v in grid), 0)
    for held in stratified_folds(y, folds):
        train = np.setdiff1d(np.arange(len(y)), held)
        head = None
        for l2 in sorted(correct, reverse=True):
            head = fit(features[train], y[train], l2, k, start=head)
            correct[l2] += int((head.predict(features[held]) == y[held]).sum())
    return {l2: hits / len(y) for l2, hits in correct.items()}


def choose_l2(
    features: np.ndarray, labels: np.ndarray, grid: Sequence[float] = L2_GRID, folds: int = FOLDS
) -> tuple[float, dict[float, float]]:
    """The ``l2`` of ``grid`` with the best k-fold accuracy (ties: the larger, the simpler
    model), and every score. With fewer than two images of a class there are no folds: the
    middle of the grid is taken."""
    y = np.asarray(labels)
    counts = np.bincount(y)
    folds = min(folds, int(counts[counts > 0].min()))
    if folds < 2:
        return float(grid[len(grid) // 2]), {}
    scores = path_accuracy(features, y, grid, folds, int(y.max() + 1))
    best = max(scores, key=lambda l2: (round(scores[l2], 9), l2))
    return best, scores
