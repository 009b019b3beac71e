"""core.model_store: the folder of trained models (list, unique names, rename, delete, export)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import UsageError
from core.model_store import ModelStore, safe_name


def save(path: Path, classes: list[str], accuracy: float | None = 0.75) -> Path:
    """A stand-in model: any bytes as weights, and a card like train_model's."""
    path.write_bytes(b"weights of " + path.stem.encode())
    card = {"classes": classes, "architecture": "resnet18"}
    if accuracy is not None:
        card["val_accuracy"] = accuracy
    path.with_suffix(".json").write_text(json.dumps(card))
    return path


def test_empty_or_missing_folder_lists_nothing_and_is_not_created(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models")
    assert store.list() == []
    assert not (tmp_path / "models").exists()


def test_new_path_is_unique_and_safe(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models")
    first = store.new_path("Plants")
    assert first == tmp_path / "models" / "Plants.safetensors"
    save(first, ["a", "b"])
    assert store.new_path("plants").name == "plants 2.safetensors"  # taken whatever the case
    # a card alone also takes the name: a new model never overwrites another's card
    (tmp_path / "models" / "coins.json").write_text("{}")
    assert store.new_path("coins").name == "coins 2.safetensors"
    assert store.new_path("../a/b:c").parent == tmp_path / "models"
    assert safe_name("../a/b:c") == "-a-b-c"
    assert safe_name("  ...  ") == "model"


def test_list_reads_the_cards(tmp_path: Path) -> None:
    store = ModelStore(tmp_path)
    save(tmp_path / "zeta.safetensors", ["x", "y", "z"], 0.5)
    save(tmp_path / "Alpha.safetensors", ["cat", "dog"], None)
    # a model record holding the card (arch and categories outside, the training card inside)
    record = {"arch": "resnet34", "categories": ["p", "q"], "card": {"evaluation": {"accuracy": 0.9}}}
    (tmp_path / "nested.safetensors").write_bytes(b"w")
    (tmp_path / "nested.json").write_text(json.dumps(record))
    (tmp_path / "bare.safetensors").write_bytes(b"no card")
    (tmp_path / ".hidden.safetensors").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not a model")
    models = store.list()
    assert [m.name for m in models] == ["Alpha", "bare", "nested", "zeta"]
    alpha, bare, nested, zeta = models
    assert (nested.classes, nested.accuracy, nested.architecture) == (("p", "q"), 0.9, "resnet34")
    assert alpha.classes == ("cat", "dog") and alpha.accuracy is None
    assert bare.classes == () and bare.accuracy is None and bare.architecture == ""
    assert zeta.accuracy == 0.5 and zeta.architecture == "resnet18" and not zeta.lite


def test_rename_moves_weights_card_and_checkpoint(tmp_path: Path) -> None:
    store = ModelStore(tmp_path)
    old = save(tmp_path / "old.safetensors", ["a", "b"])
    (tmp_path / "old.ckpt.pt").write_bytes(b"ckpt")
    new = store.rename(old, "new name")
    assert new == tmp_path / "new name.safetensors"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "new name.ckpt.pt",
        "new name.json",
        "new name.safetensors",
    ]
    assert new.read_bytes() == b"weights of old"
    assert store.rename(new, "new name") == new  # same name: nothing to do
    save(tmp_path / "other.safetensors", ["c"])
    with pytest.raises(UsageError, match="There is already a model called “OTHER”"):
        store.rename(new, "OTHER")
    assert new.is_file()


def test_delete_removes_every_file_of_the_model_and_only_those(tmp_path: Path) -> None:
    store = ModelStore(tmp_path)
    gone = save(tmp_path / "gone.safetensors", ["a"])
    kept = save(tmp_path / "kept.safetensors", ["a"])
    store.delete(gone)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json", "kept.safetensors"]
    with pytest.raises(UsageError, match="gone"):
        store.delete(gone)
    outside = save(tmp_path.parent / f"{tmp_path.name}-outside.safetensors", ["a"])
    with pytest.raises(UsageError, match="not a model of"):
        store.delete(outside)  # never a file outside the store
    assert outside.is_file() and kept.is_file()


def test_export_copies_weights_and_card(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models")
    (tmp_path / "models").mkdir()
    model = save(tmp_path / "models" / "m.safetensors", ["a", "b"])
    target = tmp_path / "out"
    target.mkdir()
    copied = store.export(model, target)
    assert copied == target / "m.safetensors"
    assert copied.read_bytes() == model.read_bytes()
    assert json.loads(copied.with_suffix(".json").read_text())["classes"] == ["a", "b"]
    named = store.export(model, target / "shared")  # the suffix is added
    assert named == target / "shared.safetensors" and named.with_suffix(".json").is_file()
    assert model.is_file()
    with pytest.raises(UsageError):
        store.export(model, model)


def test_export_never_replaces_a_json_file_of_the_persons_beside_the_target(tmp_path: Path) -> None:
    """The save dialog asked about ``notes.safetensors``, not ``notes.json``: a JSON file that is
    not a ResLens card is refused before anything is copied; an earlier export's card is replaced."""
    from core.errors import OutputError
    from core.metadata import ModelMeta

    store = ModelStore(tmp_path / "models")
    (tmp_path / "models").mkdir()
    model = tmp_path / "models" / "m.safetensors"
    model.write_bytes(b"weights")
    model.with_suffix(".json").write_text(ModelMeta("resnet18", ("a", "b")).to_json())
    theirs = tmp_path / "notes.json"
    theirs.write_text('{"shopping": ["milk"]}')
    with pytest.raises(OutputError, match="notes.json"):
        store.export(model, tmp_path / "notes.safetensors")
    assert theirs.read_text() == '{"shopping": ["milk"]}' and not (tmp_path / "notes.safetensors").exists()
    first = store.export(model, tmp_path / "shared.safetensors")
    again = store.export(model, first)  # over its own earlier export: allowed
    assert again == first and json.loads(first.with_suffix(".json").read_text())["categories"] == ["a", "b"]


COINS = tuple(f"coin {i}" for i in range(12))


def quick_model(path: Path, classes: tuple[str, ...], cv_accuracy: float) -> Path:
    """A real ResLens Lite file (the bundled model's graph) whose record names ``classes`` and
    carries a quick head's card, as ``core.lite.quick_train`` writes one."""
    from dataclasses import replace

    from core.lite import model_file
    from core.sources import bundled_lite_path

    data = bundled_lite_path().read_bytes()
    record = model_file.parse_record(model_file.read_metadata(data)[model_file.METADATA_KEY], "bundled")
    assert len(classes) == record.num_classes  # the graph's own head: new names, same count
    meta = replace(record.meta, categories=classes, card={"quick_head": {"cv_accuracy": cv_accuracy}})
    stored = replace(record, meta=meta)
    path.write_bytes(model_file.with_metadata(data, {model_file.METADATA_KEY: stored.to_json()}))
    return path


def test_quick_models_are_listed_with_the_record_inside_them(tmp_path: Path) -> None:
    """A quick model is one Lite file: its classes, cross-validated accuracy and architecture
    come from the record in it; an .onnx file that is not one is listed by its name."""
    store = ModelStore(tmp_path)
    save(tmp_path / "coins.safetensors", ["a", "b"], 0.8)
    quick_model(tmp_path / "coins (quick).onnx", COINS, 0.925)
    (tmp_path / "stray.onnx").write_bytes(b"not a protobuf")
    coins, quick, stray = store.list()
    assert (coins.name, coins.lite) == ("coins", False)
    assert (quick.name, quick.lite, quick.path) == ("coins (quick)", True, tmp_path / "coins (quick).onnx")
    assert (quick.classes, quick.accuracy, quick.architecture) == (COINS, 0.925, "resnet18")
    assert (stray.name, stray.lite, stray.classes, stray.accuracy) == ("stray", True, (), None)


def test_a_quick_model_is_renamed_exported_and_deleted_as_itself(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models")
    store.folder.mkdir()
    quick = quick_model(store.folder / "coins (quick).onnx", COINS, 0.9)
    assert store.new_path("coins (quick)").name == "coins (quick) 2.safetensors"  # the .onnx takes it
    renamed = store.rename(quick, "money")
    assert renamed == store.folder / "money.onnx" and not quick.exists()
    assert store.list()[0].classes == COINS  # the record moved with the file
    out = tmp_path / "out"
    out.mkdir()
    assert store.export(renamed, out / "shared") == out / "shared.onnx"
    assert (out / "shared.onnx").read_bytes() == renamed.read_bytes()
    store.delete(renamed)
    assert store.list() == []
    with pytest.raises(UsageError, match="not a model of"):
        store.delete(out / "shared.onnx")
