"""core.evaluate: folder matching, and the figures against hand-computed values and against an
independent computation (a numpy confusion matrix, then precision/recall/F1 by formula)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from core.errors import UsageError
from core.evaluate import ScoredImage, find_labelled, match_folders, score, scored_image
from core.evaluate_report import format_report, to_dict, to_json, write_csv_to
from core.messages import english
from core.results import ClassificationResult, Prediction

CLASSES = ("cat", "dog", "owl")


def _image(true: int, predicted: int, p: float = 0.9, unknown: bool = False, name: str = "") -> ScoredImage:
    return ScoredImage(name or f"{true}-{predicted}-{p}", true, predicted, p, unknown)


def test_hand_computed_figures() -> None:
    # true cat: cat, cat, dog; true dog: dog, cat; true owl: unknown (top-1 owl), owl
    images = [
        _image(0, 0),
        _image(0, 0),
        _image(0, 1, 0.6, name="cat-as-dog.jpg"),
        _image(1, 1),
        _image(1, 0, 0.7),
        _image(2, 2, 0.2, unknown=True),
        _image(2, 2),
        ScoredImage("broken.jpg", 1, error="not an image"),
    ]
    ev = score(images, CLASSES, threshold=0.3)
    assert ev.with_unknown
    assert ev.confusion.tolist() == [[2, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]]
    assert ev.accuracy == pytest.approx(4 / 7)
    assert ev.unknown_rate == pytest.approx(1 / 7)
    cat, dog, owl = ev.per_class
    assert (cat.precision, cat.recall, cat.support) == (pytest.approx(2 / 3), pytest.approx(2 / 3), 3)
    assert cat.f1 == pytest.approx(2 / 3)
    assert (dog.precision, dog.recall, dog.f1) == (0.5, 0.5, 0.5)
    assert (owl.precision, owl.recall, owl.support) == (1.0, 0.5, 2)
    assert owl.f1 == pytest.approx(2 / 3)
    assert [i.source for i in ev.misclassified] == ["cat-as-dog.jpg", "1-0-0.7", "2-2-0.2"]
    assert [i.source for i in ev.failed] == ["broken.jpg"]
    assert [i.source for i in ev.cell(2, 3)] == ["2-2-0.2"]  # the unknown column
    assert [i.source for i in ev.cell(0, 1)] == ["cat-as-dog.jpg"]


def test_no_predictions_and_no_images_are_null_not_nan() -> None:
    ev = score([_image(0, 0), _image(0, 1)], CLASSES)
    assert not ev.with_unknown and ev.confusion.shape == (3, 3)
    owl = ev.per_class[2]
    assert (owl.precision, owl.recall, owl.f1, owl.support) == (None, None, None, 0)
    dog = ev.per_class[1]
    assert (dog.precision, dog.recall, dog.f1) == (0.0, None, None)  # taken for, but has no images
    data = json.loads(to_json(ev))
    assert data["per_class"][2] == {
        "class": "owl",
        "precision": None,
        "recall": None,
        "f1": None,
        "support": 0,
    }
    assert data["unknown_rate"] is None and data["columns"] == list(CLASSES)


def test_against_an_independent_computation() -> None:
    rng = np.random.default_rng(7)
    n, count, threshold = 5, 400, 0.35
    true = rng.integers(0, n, count)
    # a model that is right 60 % of the time, else guesses; class 4 is never predicted
    predicted = np.where(rng.random(count) < 0.6, true, rng.integers(0, n, count))
    predicted = np.where(predicted == 4, 3, predicted)
    probability = rng.random(count)
    unknown = probability < threshold
    names = tuple(f"c{i}" for i in range(n))
    images = [
        ScoredImage(f"f{k}.jpg", int(t), int(p), float(q), bool(u))
        for k, (t, p, q, u) in enumerate(zip(true, predicted, probability, unknown, strict=True))
    ]
    ev = score(images, names, threshold)

    expected = np.zeros((n, n + 1), dtype=int)
    np.add.at(expected, (true, np.where(unknown, n, predicted)), 1)
    assert np.array_equal(ev.confusion, expected)
    known = ~unknown
    assert ev.accuracy == pytest.approx(np.mean(known & (true == predicted)))
    assert ev.unknown_rate == pytest.approx(unknown.mean())
    for c, s in enumerate(ev.per_class):
        tp = np.sum(known & (predicted == c) & (true == c))
        taken = np.sum(known & (predicted == c))
        support = np.sum(true == c)
        assert s.support == support
        if taken == 0:
            assert s.precision is None and s.f1 is None and c == 4
            continue
        p, r = tp / taken, tp / support
        assert s.precision == pytest.approx(p) and s.recall == pytest.approx(r)
        assert s.f1 == pytest.approx(2 * p * r / (p + r) if p + r else 0.0)
    assert len(ev.misclassified) == count - int(np.sum(known & (true == predicted)))
    assert sum(len(ev.cell(t, c)) for t in range(n) for c in range(n + 1)) == count


def test_match_folders_exact_then_ignoring_case() -> None:
    classes = ["star", "Cat", "cat", "Ring"]
    got = match_folders(["star", "STAR", "Cat", "CAT", "ring", "zebra"], classes)
    # CAT equals both Cat and cat ignoring case: it names neither
    assert got == {"star": 0, "STAR": 0, "Cat": 1, "ring": 3}


def test_find_labelled_reports_both_sides(tmp_path) -> None:
    for name in ("Cat", "dog", "zebra", ".hidden"):
        (tmp_path / name).mkdir()
    (tmp_path / "loose.jpg").write_bytes(b"x")
    data = find_labelled(tmp_path, CLASSES)
    assert [(f.path.name, f.class_index) for f in data.folders] == [("Cat", 0), ("dog", 1)]
    assert data.unmatched_folders == ("zebra",) and data.missing_classes == ("owl",)
    assert data.loose_files == 1
    assert data.true_class(str(tmp_path / "Cat" / "sub" / "x.jpg")) == 0
    assert data.true_class(str(tmp_path / "Catalogue" / "x.jpg")) is None  # a prefix is not a folder
    with pytest.raises(UsageError, match="no sub-folder"):
        find_labelled(tmp_path / "zebra", CLASSES)
    with pytest.raises(UsageError, match="not a folder"):
        find_labelled(tmp_path / "loose.jpg", CLASSES)


def test_scored_image_from_results_and_reports() -> None:
    good = ClassificationResult("a/x.jpg", (Prediction(1, "dog", 0.8),))
    doubt = ClassificationResult("a/y.jpg", (Prediction(2, "owl", 0.2),), unknown=True)
    bad = ClassificationResult("=cmd.jpg", error="not an image")
    images = [scored_image(0, good), scored_image(2, doubt), scored_image(1, bad)]
    assert images[0] == ScoredImage("a/x.jpg", 0, 1, 0.8, False)
    assert images[2].error == "not an image" and not images[2].correct
    ev = score(images, CLASSES, 0.5, model="m")
    data = to_dict(ev)
    assert set(data) >= {"accuracy", "classes", "confusion", "per_class", "misclassified", "unknown_rate"}
    assert data["misclassified"][0] == {
        "file": "a/x.jpg",
        "true": "cat",
        "predicted": "dog",
        "probability": 0.8,
        "unknown": False,
    }
    assert data["columns"][-1] == "unknown" and data["failed"] == [
        {"file": "=cmd.jpg", "error": "not an image"}
    ]
    assert not any(isinstance(v, float) and math.isnan(v) for v in _floats(data))
    import io

    stream = io.StringIO()
    write_csv_to(ev, stream)
    rows = stream.getvalue().splitlines()
    assert rows[0] == "file,true,predicted,probability,correct,unknown,error"
    assert rows[1] == "a/x.jpg,cat,dog,0.800000,false,false,"
    assert rows[3].startswith("'=cmd.jpg,dog,,,false")  # a formula-looking name is defused
    text = format_report(ev, english)
    assert "Accuracy 0.0%: 0 of 2 images taken for their class" in text
    assert "a/x.jpg (a cat) taken for dog at 80.0%" in text


def _floats(value):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)
    elif isinstance(value, list):
        for v in value:
            yield from _floats(v)


def test_the_figures_import_without_torch() -> None:
    """The metrics are for the torch-free edition too: they import with torch blocked."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import core.evaluate, core.evaluate_report\n"
        "assert 'torch' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
