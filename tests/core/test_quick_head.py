"""The quick head: L-BFGS, the regularised logistic regression, k-fold, files, quick-train."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from core.lite.cli import bundled_lite_path
from core.lite.lbfgs import minimize
from core.lite.quick_head import (
    DEFAULT_FEATURES,
    QuickHead,
    choose_l2,
    fit,
    pool_features,
    stratified_folds,
    used_layers,
)
from core.lite.runtime import LiteModel


def test_lbfgs_solves_a_quadratic() -> None:
    rng = np.random.default_rng(0)
    m = rng.normal(size=(30, 30))
    a = m @ m.T + 0.5 * np.eye(30)
    b = rng.normal(size=30)
    solution = minimize(lambda x: (0.5 * x @ a @ x - b @ x, a @ x - b), np.zeros(30), gtol=1e-10, ftol=0)
    assert solution.converged
    np.testing.assert_allclose(solution.x, np.linalg.solve(a, b), rtol=1e-5, atol=1e-6)


def test_lbfgs_on_rosenbrock() -> None:
    def rosen(x: np.ndarray) -> tuple[float, np.ndarray]:
        value = 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2
        grad = np.array([-400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200 * (x[1] - x[0] ** 2)])
        return value, grad

    solution = minimize(rosen, np.array([-1.2, 1.0]), gtol=1e-9, ftol=0)
    np.testing.assert_allclose(solution.x, [1.0, 1.0], atol=1e-4)


def _blobs(n: int, d: int, k: int, seed: int, spread: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(k, d))
    y = np.arange(n) % k
    return (centres[y] + rng.normal(scale=spread, size=(n, d))) * 5 + 10, y


def test_fit_reaches_the_optimum_of_its_objective() -> None:
    x, y = _blobs(120, 8, 3, 1, spread=1.5)
    l2 = 0.05
    head = fit(x, y, l2, 3)
    z = (x - head.mean) / head.std
    p = head.predict_proba(x)
    onehot = np.eye(3)[y]
    grad_w = (p - onehot).T @ z / len(y) + l2 * head.weight
    grad_b = (p - onehot).sum(axis=0) / len(y)
    assert np.abs(grad_w).max() < 1e-4 and np.abs(grad_b).max() < 1e-4
    assert (head.predict(x) == y).mean() > 0.8
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_a_larger_penalty_gives_smaller_weights() -> None:
    x, y = _blobs(90, 6, 3, 2)
    small, large = fit(x, y, 1e-3, 3), fit(x, y, 1.0, 3)
    assert np.linalg.norm(large.weight) < np.linalg.norm(small.weight)


def test_folds_are_stratified_and_disjoint() -> None:
    y = np.repeat(np.arange(4), 10)
    folds = stratified_folds(y, 5)
    assert sorted(np.concatenate(folds).tolist()) == list(range(40))
    for held in folds:
        assert np.bincount(y[held], minlength=4).tolist() == [2, 2, 2, 2]


def test_choose_l2_picks_from_the_grid() -> None:
    x, y = _blobs(60, 5, 3, 3)
    l2, scores = choose_l2(x, y, (1e-3, 1e-1))
    assert l2 in (1e-3, 1e-1) and set(scores) == {1e-3, 1e-1}
    assert choose_l2(x[:4], np.array([0, 1, 2, 2]), (1e-3, 1e-2, 1e-1)) == (1e-2, {})


def test_pooling_features_and_widths() -> None:
    rng = np.random.default_rng(0)
    maps = {
        name: rng.normal(size=(2, c, s, s))
        for name, c, s in (("layer2", 4, 4), ("layer3", 6, 2), ("layer4", 8, 1))
    }
    features = ("gap:layer2", "gap:layer3", "gap:layer4", "max:layer3")
    rows = pool_features(maps, features)
    assert rows.shape == (2, 4 + 6 + 8 + 6)
    np.testing.assert_allclose(rows[:, :4], maps["layer2"].mean(axis=(2, 3)))
    np.testing.assert_allclose(rows[:, -6:], maps["layer3"].max(axis=(2, 3)))
    assert used_layers(DEFAULT_FEATURES) == ("layer2", "layer3", "layer4")
    with pytest.raises(ValueError):
        used_layers(("avg:layer2",))


def test_save_load_and_record_round_trip(tmp_path: Path) -> None:
    from core.lite.model_file import Head

    x, y = _blobs(30, 4, 3, 4)
    head = fit(x, y, 0.1, 3, widths=np.array([1, 1, 2]))
    head.save(tmp_path / "head.npz")
    again = QuickHead.load(tmp_path / "head.npz")
    np.testing.assert_allclose(again.logits(x), head.logits(x))
    record = Head.from_dict(
        json.loads(json.dumps(head.to_record(("gap:layer2", "gap:layer3", "gap:layer4")).to_dict()))
    )
    back = QuickHead.from_record(record)
    np.testing.assert_allclose(back.logits(x), head.logits(x), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        back.layer4_weights(record.features), head.weight[:, 2:4] / head.std[2:4], rtol=1e-6
    )


# --------------------------------------------------------------------------- quick-train


def draw_classes(root: Path, per_class: int = 10, seed: int = 0) -> list[str]:
    """Three drawn classes (disc, bar, cross) at random places and colours."""
    rng = np.random.default_rng(seed)
    names = ["disc", "bar", "cross"]
    for name in names:
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            image = Image.new("RGB", (80, 80), tuple(int(v) for v in rng.integers(0, 90, 3)))
            draw = ImageDraw.Draw(image)
            x, y, r = (int(v) for v in (*rng.integers(22, 58, 2), rng.integers(12, 20)))
            ink = tuple(int(v) for v in rng.integers(160, 256, 3))
            if name == "disc":
                draw.ellipse((x - r, y - r, x + r, y + r), fill=ink)
            elif name == "bar":
                draw.rectangle((x - r, y - 3, x + r, y + 3), fill=ink)
            else:
                draw.rectangle((x - r, y - 3, x + r, y + 3), fill=ink)
                draw.rectangle((x - 3, y - r, x + 3, y + r), fill=ink)
            image.save(root / name / f"{i}.png")
    return names


def test_quick_train_writes_a_model_both_editions_open(tmp_path: Path) -> None:
    from core.lite.cam import LiteCam
    from core.lite.quick_train import quick_train

    names = draw_classes(tmp_path / "data")
    outcome = quick_train(tmp_path / "data", bundled_lite_path(), tmp_path / "quick.onnx", input_size=64)
    assert outcome.classes == tuple(sorted(names)) and outcome.images == 30
    model = LiteModel(outcome.path)
    assert model.meta.categories == tuple(sorted(names)) and model.meta.crop_size == 64
    assert model.record.head.kind == "quick" and model.unknown_threshold is None
    results = model.classify(tmp_path / "data", top_k=1)
    right = sum(Path(r.source).parent.name == r.top.label for r in results)
    assert right >= 27
    cam = LiteCam(model).explain(next((tmp_path / "data" / "disc").iterdir()))
    assert cam.grid.shape == (2, 2) and cam.label in names
    card = model.meta.card["quick_head"]
    assert card["l2"] == outcome.l2 and card["features"] == list(DEFAULT_FEATURES)


def test_quick_train_cli(tmp_path: Path, capsys) -> None:
    from core.cli import main

    draw_classes(tmp_path / "data", per_class=6)
    out = tmp_path / "q.onnx"
    assert main(["quick-train", str(tmp_path / "data"), "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["classes"] == ["bar", "cross", "disc"] and report["input_size"] == 128
    assert main(["quick-train", str(tmp_path / "data" / "bar"), "--out", str(out)]) == 2
    assert "at least two sub-folders" in capsys.readouterr().err
