"""ResLens Lite's model file: written by the full edition, read without torch, equal results.

The committed ``assets/models/reslens-shapes-r18.onnx`` is the bundled model as
``reslens-cli export`` writes it; classifying the 24 samples with it must give the full
edition's torch results (same top-1, every probability within 1e-4), and its CAM at layer4 must
be our Grad-CAM at layer4.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import OutputError, WeightsError
from core.lite import model_file
from core.lite.cli import bundled_lite_path
from core.lite.model_file import METADATA_KEY, OUTPUTS, read_metadata, with_metadata
from core.lite.runtime import LiteModel
from core.paths import samples_dir

SAMPLES = sorted(samples_dir().glob("*.jpg"))


@pytest.fixture(scope="module")
def loaded():
    from core.weights import load_weights

    return load_weights(None)


@pytest.fixture(scope="module")
def lite() -> LiteModel:
    return LiteModel(bundled_lite_path())


def test_the_samples_are_there() -> None:
    assert len(SAMPLES) == 24


def test_lite_results_equal_the_full_editions_torch_path(loaded, lite) -> None:
    from core.inference import Classifier

    classes = loaded.meta.num_classes
    full = Classifier.from_loaded(loaded).classify([str(p) for p in SAMPLES], top_k=classes)
    ours = lite.classify([str(p) for p in SAMPLES], top_k=classes)
    assert len(full) == len(ours) == 24
    worst = 0.0
    for a, b in zip(full, ours, strict=True):
        assert a.ok and b.ok and a.source == b.source
        assert a.top.label == b.top.label, a.source
        pa = {p.index: p.probability for p in a.predictions}
        pb = {p.index: p.probability for p in b.predictions}
        worst = max(worst, max(abs(pa[i] - pb[i]) for i in range(classes)))
        assert (a.width, a.height, a.model, a.unknown) == (b.width, b.height, b.model, b.unknown)
    assert worst < 1e-4, worst
    assert {r.backend for r in ours} == {"onnx"}


def test_the_committed_file_is_what_export_writes(loaded, lite, tmp_path: Path) -> None:
    from core.lite.export import export_lite

    out = export_lite(loaded, tmp_path / "fresh.onnx")
    fresh = LiteModel(out)
    assert json.loads(fresh.record.to_json()) == json.loads(lite.record.to_json())
    assert out.stat().st_size == bundled_lite_path().stat().st_size
    assert out.stat().st_size <= 25_000_000
    batch = np.random.default_rng(0).normal(size=(3, 3, 64, 64)).astype(np.float32)
    for name in OUTPUTS:
        np.testing.assert_array_equal(fresh.run(batch, (name,))[name], lite.run(batch, (name,))[name])


def test_the_record_holds_what_the_window_needs(lite, loaded) -> None:
    from core.summary import summarize

    record = lite.record
    assert record.meta == loaded.meta
    assert record.unknown_threshold == pytest.approx(0.39)
    assert record.weights_hash == loaded.weights_hash
    assert record.model_tag == loaded.identity.tag
    assert record.meta.categories_in("zh_CN")[0] == "箭头"
    tree = summarize(loaded.model, loaded.meta.crop_size).root
    assert lite.tree["params"] == tree.params and lite.tree["macs"] == tree.macs
    stages = {child["name"]: child for child in lite.tree["children"]}
    assert stages["layer4"]["output_shape"] == [1, 512, 2, 2]
    np.testing.assert_array_equal(record.head.arrays["weight"], loaded.model.fc.weight.detach().numpy())


def test_dynamic_batch_and_sides(lite) -> None:
    out = lite.run(np.zeros((5, 3, 96, 96), np.float32), OUTPUTS)
    assert out["logits"].shape == (5, 12)
    assert out["layer2"].shape == (5, 128, 12, 12)
    assert out["layer3"].shape == (5, 256, 6, 6)
    assert out["layer4"].shape == (5, 512, 3, 3)


def test_bad_files_become_error_results(lite, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    red = Image.new("RGB", (40, 90), "red")
    results = lite.classify([str(broken), red, ("named", red)], top_k=3)
    assert not results[0].ok and results[0].error
    assert results[1].ok and results[1].source == "image-1" and len(results[1].predictions) == 3
    assert results[2].source == "named"


# --------------------------------------------------------------------------- validation


def _rewrite(tmp_path: Path, change) -> Path:
    data = bundled_lite_path().read_bytes()
    record = json.loads(read_metadata(data)[METADATA_KEY])
    change(record)
    path = tmp_path / "changed.onnx"
    path.write_bytes(with_metadata(data, {METADATA_KEY: json.dumps(record)}))
    return path


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda r: r.update(format_version=99), "format 99"),
        (lambda r: r.pop("format_version"), "format None"),
        (
            lambda r: r.update(categories=r["categories"][:-1], localized_categories={}),
            "do not fit 11 classes",
        ),
        (lambda r: r.update(std=[0.2, 0.0, 0.2]), "std must be positive"),
        (lambda r: r.update(crop_size=100_000), "crop_size"),
        (lambda r: r.update(interpolation="sinc"), "sinc"),
        (lambda r: r["localized_categories"].update(zh_CN=["x"]), "localized"),
        (lambda r: r["head"]["weight"].update(data="!!"), "head.weight"),
        (lambda r: r.update(format="other"), "without ResLens metadata"),
    ],
)
def test_a_wrong_record_is_refused_in_one_sentence(tmp_path: Path, change, words: str) -> None:
    with pytest.raises(WeightsError, match=words):
        LiteModel(_rewrite(tmp_path, change))


def test_category_count_must_match_the_logits(tmp_path: Path) -> None:
    def fewer(record: dict) -> None:
        record["categories"], record["localized_categories"] = record["categories"][:-1], {}
        head = record["head"]
        weight = model_file.decode_array(head["weight"], "w")[:-1]
        head["weight"], head["bias"] = model_file.encode_array(weight), model_file.encode_array(weight[:, 0])

    with pytest.raises(WeightsError, match="names 11 classes but the model gives 12 scores"):
        LiteModel(_rewrite(tmp_path, fewer))


def test_wrong_outputs_no_record_and_not_onnx(tmp_path: Path) -> None:
    import onnx

    model = onnx.load(str(bundled_lite_path()))
    model.graph.output[1].name = "features"  # a dangling output name: still a loadable graph?
    model.graph.output.pop(1)
    changed = tmp_path / "three.onnx"
    changed.write_bytes(model.SerializeToString())
    with pytest.raises(WeightsError, match="the graph's outputs are logits, layer3, layer4"):
        LiteModel(changed)
    bare = tmp_path / "bare.onnx"
    bare.write_bytes(with_metadata(bundled_lite_path().read_bytes(), {}))
    with pytest.raises(WeightsError, match="without ResLens metadata"):
        LiteModel(bare)
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x00\x01junk")
    with pytest.raises(WeightsError, match="cannot be opened as an ONNX model"):
        LiteModel(junk)


def test_metadata_rewrite_keeps_the_graph_and_matches_onnx(tmp_path: Path) -> None:
    import onnx

    data = bundled_lite_path().read_bytes()
    new = with_metadata(data, {"a": "1", METADATA_KEY: "x"})
    parsed = onnx.load_from_string(new)
    assert {p.key: p.value for p in parsed.metadata_props} == {"a": "1", METADATA_KEY: "x"}
    assert parsed.graph == onnx.load_from_string(data).graph
    assert read_metadata(new) == {"a": "1", METADATA_KEY: "x"}


def test_export_refuses_to_replace_what_is_not_a_model(loaded, tmp_path: Path) -> None:
    from core.cli import main

    precious = tmp_path / "notes.onnx"
    precious.write_text("my notes")
    assert main(["export", "--out", str(precious)]) == 2
    assert precious.read_text() == "my notes"
    with pytest.raises(OutputError):
        model_file.check_target(tmp_path, force=True)
    out = tmp_path / "model.onnx"
    assert main(["export", "--out", str(out)]) == 0
    assert main(["export", "--out", str(out)]) == 0  # a ResLens model may be replaced
    assert main(["export", "--out", str(precious), "--force"]) == 0
    assert LiteModel(precious).meta.num_classes == 12
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_lite_preprocessing_is_torchvisions(lite) -> None:
    """Lite runs core.preprocess.EvalTransform (Pillow + numpy): torchvision's tensors to 1e-6."""
    from core.images import build_transform, load_rgb

    torch_transform = build_transform(lite.meta)
    for path in SAMPLES[:6]:
        image = load_rgb(path)
        np.testing.assert_allclose(lite.preprocess(image), torch_transform(image).numpy(), atol=1e-6, rtol=0)
