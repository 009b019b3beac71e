"""The training engine on a tiny generated set: plan, stages, stop, discard, what it writes and where."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from core.dataset import TrainingSet, scan_class_folder
from core.errors import OutputError, ResLensError
from core.images import build_transform, decode_for_model
from core.messages import english
from core.metadata import read_safetensors_meta
from core.shapes import write_dataset
from core.train import (
    Pictures,
    TrainingError,
    TrainProgress,
    plan_training,
    stratified_split,
    train_model,
)
from core.weights import load_weights_file

CLASSES = ("circle", "square", "star")
FAST = dict(input_size=32, resize_size=32, epochs=2, head_epochs=8, batch_size=8, seed=0)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shapes") / "train"
    write_dataset(root, seed=3, per_class=8, size=32, classes=CLASSES, ext="png")
    return root


@pytest.fixture(scope="module")
def ts(data: Path) -> TrainingSet:
    return scan_class_folder(data)


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def trained(ts: TrainingSet, data: Path, tmp_path_factory: pytest.TempPathFactory):
    before = _listing(data)
    out = tmp_path_factory.mktemp("run") / "tiny.safetensors"
    reports: list[TrainProgress] = []
    statuses: list[str] = []  # what the run says it is doing, in the CLI's English
    outcome = train_model(
        ts,
        plan_training(ts, **FAST),
        out,
        on_progress=reports.append,
        on_status=lambda message: statuses.append(english(message)),
    )
    assert _listing(data) == before  # nothing written into (or touched in) the data folder
    return outcome, reports, statuses


# --------------------------------------------------------------------------- plan


def test_plan_from_the_bundled_model_suits_small_data(ts: TrainingSet) -> None:
    plan = plan_training(ts)
    config = plan.config
    assert (config.start, config.arch, config.input_size, config.resize_size) == (
        "default",  # the weight registry's name of the bundled model
        "resnet18",
        64,
        64,
    )
    assert config.hflip is False and config.min_scale >= 0.8
    assert config.head_epochs > 0 and config.epochs >= 8 and config.patience >= 3
    assert config.lr >= 1e-3
    assert plan.overrides == ()
    assert any("80%" in r for r in plan.reasons) and any("mirror" in r for r in plan.reasons)


def test_bundled_is_still_accepted_as_the_registry_default(ts: TrainingSet) -> None:
    """Saved window settings and older cards say "bundled": it names the registry's "default"."""
    from core.sources import DEFAULT
    from core.train import START_CHOICES, describe_start

    assert START_CHOICES[0] == DEFAULT == "default"
    assert plan_training(ts, "bundled") == plan_training(ts, DEFAULT) == plan_training(ts)
    assert describe_start("bundled").key == describe_start(DEFAULT).key == DEFAULT


def test_plan_overrides_win_and_are_recorded(ts: TrainingSet) -> None:
    plan = plan_training(ts, epochs=3, hflip=True, lr=None)
    assert plan.config.epochs == 3 and plan.config.hflip is True
    assert plan.overrides == ("epochs", "hflip")
    assert any("up to 3 epochs" in r for r in plan.reasons)
    with pytest.raises(TrainingError, match="unknown training setting"):
        plan_training(ts, colour=True)


def test_plan_from_scratch_skips_the_feature_stage(ts: TrainingSet) -> None:
    config = plan_training(ts, "scratch").config
    assert config.head_epochs == 0 and config.epochs > plan_training(ts).config.epochs


def test_plan_follows_imagenet_sources_without_downloading(ts: TrainingSet) -> None:
    v2 = plan_training(ts, "imagenet-v2").config
    assert (v2.arch, v2.input_size, v2.resize_size) == ("resnet50", 224, 232)
    with pytest.raises(TrainingError, match="not one of"):
        plan_training(ts, "no-such-start")


# --------------------------------------------------------------------------- data


def test_stratified_split_is_seeded_and_holds_out_every_class(ts: TrainingSet) -> None:
    train_part, val_part = stratified_split(ts.samples, 0.25, seed=1)
    assert sorted(train_part + val_part) == sorted(ts.samples)
    assert sorted(c for _, c in val_part) == [0, 0, 1, 1, 2, 2]
    assert stratified_split(ts.samples, 0.25, seed=1) == (train_part, val_part)
    assert stratified_split(ts.samples, 0.25, seed=2) != (train_part, val_part)
    single = [(Path("a"), 0), (Path("b"), 1), (Path("c"), 1)]
    train_part, val_part = stratified_split(single, 0.5, 0)
    assert (Path("a"), 0) in train_part  # a class of one keeps its picture for training
    assert len(val_part) == 1 and val_part[0][1] == 1


def _exif_rotated_jpeg(path: Path) -> Path:
    """16 x 8 stored, orientation 6: upright it is 8 x 16 (left half red, right half blue)."""
    upright = Image.new("RGB", (8, 16), "red")
    upright.paste((0, 0, 255), (0, 8, 8, 16))
    exif = Image.Exif()
    exif[0x0112] = 6
    upright.transpose(Image.Transpose.ROTATE_90).save(path, quality=95, exif=exif)
    return path


def test_pictures_are_read_exactly_as_inference_reads_them(tmp_path: Path) -> None:
    from core.metadata import ModelMeta

    jpeg = _exif_rotated_jpeg(tmp_path / "rotated.jpg")
    png = tmp_path / "clear.png"
    Image.new("RGBA", (12, 12), (0, 0, 0, 0)).save(png)  # fully transparent: white at inference
    big = tmp_path / "big.jpg"
    Image.effect_mandelbrot((300, 200), (-2, -1, 1, 1), 50).convert("RGB").save(big)
    meta = ModelMeta("resnet18", ("a",), crop_size=16, resize_size=18)
    pictures = Pictures([(jpeg, 0), (png, 0), (big, 0)], meta, keep=True)
    transform = build_transform(meta)
    for i, path in enumerate((jpeg, png, big)):
        inference = transform(decode_for_model(path, 2 * max(meta.resize_size, meta.crop_size))[0])
        assert torch.allclose(pictures[i][0], inference, atol=1e-6), path.name
    assert pictures.picture(0).size == (8, 16)  # upright: taller than wide (EXIF applied)
    white = (1 - torch.tensor(meta.mean)) / torch.tensor(meta.std)
    assert torch.allclose(pictures[1][0][:, 8, 8], white)


# --------------------------------------------------------------------------- a run


def test_run_reports_every_stage_and_saves_a_loadable_model(trained) -> None:
    outcome, reports, statuses = trained
    assert [s for s in ("features", "head", "fine-tune") if any(r.stage == s for r in reports)] == [
        "features",
        "head",
        "fine-tune",
    ]
    fine = [r for r in reports if r.stage == "fine-tune"]
    assert any(r.step < r.steps for r in fine)  # within an epoch, not only at its end
    ends = [r for r in fine if r.epoch_end]
    assert [r.epoch for r in ends] == [1, 2] and all(r.val_acc is not None for r in ends)
    assert all(r.eta_s is None or r.eta_s >= 0 for r in reports)
    assert "Fine-tuning" in statuses
    assert outcome.weights is not None and outcome.weights.is_file() and not outcome.stopped
    meta = read_safetensors_meta(outcome.weights)
    assert meta is not None and meta.categories == CLASSES and (meta.crop_size, meta.resize_size) == (32, 32)
    loaded = load_weights_file(outcome.weights)
    with torch.no_grad():
        assert loaded.model(torch.zeros(1, 3, 32, 32)).shape == (1, 3)
    assert sorted(p.name for p in outcome.weights.parent.iterdir()) == ["tiny.json", "tiny.safetensors"]


def test_card_records_data_metrics_start_plan_and_command(trained, data: Path) -> None:
    outcome, _, _ = trained
    card = outcome.card
    assert card == read_safetensors_meta(outcome.weights).card
    assert card["data"]["folder"] == str(data)
    assert card["data"]["class_counts"] == {"circle": 8, "square": 8, "star": 8}
    assert card["start"]["from"] == "default" and "new 3-class head" in card["start"]["init"]
    assert card["plan"]["reasons"] and set(card["plan"]["overrides"]) == set(FAST)
    per_class = card["evaluation"]["per_class"]
    assert set(per_class) == set(CLASSES) and all(0 <= v["recall"] <= 1 for v in per_class.values())
    assert card["command"].startswith(f"reslens-cli train {data} --out {outcome.weights}")
    assert "--input-size 32" in card["command"] and "--epochs 2" in card["command"]
    ev = outcome.evaluation
    assert ev is not None and sum(map(sum, ev.confusion)) == card["data"]["val_images"] == 6
    assert ev.accuracy == sum(ev.confusion[i][i] for i in range(3)) / 6
    assert len(ev.mistakes) == 6 - sum(ev.confusion[i][i] for i in range(3))


def test_stop_keeps_the_best_model_so_far(ts: TrainingSet, tmp_path: Path) -> None:
    reports: list[TrainProgress] = []
    out = tmp_path / "stopped.safetensors"

    def stop() -> bool:  # press Stop in the middle of the first fine-tuning epoch
        return any(r.stage == "fine-tune" for r in reports)

    plan = plan_training(ts, **{**FAST, "epochs": 5})
    outcome = train_model(ts, plan, out, on_progress=reports.append, should_stop=stop)
    assert outcome.stopped and outcome.weights == out and out.is_file()
    assert outcome.card["best_stage"] == "head"  # the fitted head: the best model that existed
    assert outcome.card["stopped"] == "by the user" and outcome.card["epochs_run"] == 0
    assert max(r.epoch for r in reports if r.stage == "fine-tune") == 1


def test_stop_during_the_head_fit_keeps_the_best_head_so_far(ts: TrainingSet, tmp_path: Path) -> None:
    reports: list[TrainProgress] = []
    out = tmp_path / "head.safetensors"

    def stop() -> bool:  # press Stop after the fifth of the head's 60 steps
        return sum(r.stage == "head" for r in reports) >= 5

    outcome = train_model(ts, plan_training(ts, **FAST), out, on_progress=reports.append, should_stop=stop)
    assert outcome.stopped and outcome.weights == out and out.is_file()
    assert [r.epoch for r in reports if r.stage == "head"] == [1, 2, 3, 4, 5]
    assert not any(r.stage == "fine-tune" for r in reports)
    card = outcome.card
    assert card["best_stage"] == "head" and card["head_only"] is True and card["epochs_run"] == 0
    assert 1 <= card["best_epoch"] <= 5
    val_losses = [r.val_loss for r in reports if r.stage == "head"]
    assert card["val_loss"] == pytest.approx(min(val_losses), abs=2e-3)  # the best of the 5 steps
    assert outcome.evaluation is not None and sum(map(sum, outcome.evaluation.confusion)) == 6
    loaded = load_weights_file(out)  # a whole network: the start model with the new head
    assert loaded.meta.categories == CLASSES


def test_discard_on_stop_writes_nothing(ts: TrainingSet, tmp_path: Path) -> None:
    reports: list[TrainProgress] = []
    out = tmp_path / "discarded.safetensors"
    outcome = train_model(
        ts,
        plan_training(ts, **FAST),
        out,
        on_progress=reports.append,
        should_stop=lambda: any(r.stage == "fine-tune" and r.epoch_end for r in reports),
        discard_on_stop=True,
    )
    assert outcome.stopped and outcome.weights is None and outcome.evaluation is None
    assert list(tmp_path.iterdir()) == []


def test_stop_before_any_model_writes_nothing(ts: TrainingSet, tmp_path: Path) -> None:
    outcome = train_model(ts, plan_training(ts, **FAST), tmp_path / "m.safetensors", should_stop=lambda: True)
    assert outcome.stopped and outcome.weights is None and list(tmp_path.iterdir()) == []


def test_output_inside_the_data_folder_is_refused(ts: TrainingSet, data: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is inside the data folder"):
        train_model(ts, plan_training(ts, **FAST), data / "circle" / "m.safetensors")
    link = tmp_path / "link"
    link.symlink_to(data)  # the data folder reached through a link is still the data folder
    with pytest.raises(OutputError, match="is inside the data folder"):
        train_model(ts, plan_training(ts, **FAST), link / "m.safetensors")
    with pytest.raises(TrainingError, match=".safetensors"):
        train_model(ts, plan_training(ts, **FAST), data.parent / "m.pt")


def test_every_output_is_checked_before_any_work(ts: TrainingSet, tmp_path: Path) -> None:
    """A missing folder, a folder as --out, a picture in the card's place and a checkpoint in a
    missing folder: each refused at once (issue 24: found only after training before)."""
    fast = plan_training(ts, **FAST)
    started: list[object] = []
    cases = [
        (tmp_path / "missing" / "m.safetensors", fast, "does not exist"),
        (tmp_path, fast, ".safetensors"),
        (tmp_path / "dir.safetensors", fast, "is a folder"),
        (tmp_path / "pic.safetensors", fast, "pic.json already exists and is an image"),
        (
            tmp_path / "ok.safetensors",
            plan_training(ts, **FAST, checkpoint=str(tmp_path / "no" / "c.pt")),
            "does not exist",
        ),
    ]
    (tmp_path / "dir.safetensors").mkdir()
    Image.new("RGB", (4, 4)).save(tmp_path / "pic.json", format="PNG")
    for out, plan, message in cases:
        with pytest.raises(ResLensError, match=message):
            train_model(ts, plan, out, on_progress=started.append)
    assert started == []


def test_start_from_a_file_follows_its_architecture_or_says_why_not(trained, tmp_path: Path) -> None:
    outcome, _, _ = trained
    two = tmp_path / "two"
    write_dataset(two, seed=4, per_class=4, size=32, classes=("ring", "star"), ext="png")
    ts2 = scan_class_folder(two)
    plan = plan_training(ts2, str(outcome.weights), epochs=1, head_epochs=4, batch_size=8, fp16=True)
    assert (plan.config.arch, plan.config.input_size) == ("resnet18", 32)  # from the file's card
    result = train_model(ts2, plan, tmp_path / "ft.safetensors")
    tensors = load_file(str(result.weights))
    assert tensors["fc.weight"].shape == (2, 512) and tensors["fc.weight"].dtype == torch.float16
    assert "all but the head from tiny.safetensors" in result.card["init"]
    assert f"--from {outcome.weights}" in result.card["command"]
    with pytest.raises(TrainingError, match="holds a resnet18, not a resnet34"):
        train_model(ts2, plan.with_overrides(arch="resnet34"), tmp_path / "bad.safetensors")
    assert not (tmp_path / "bad.safetensors").exists()


def test_same_classes_keep_the_head_and_the_run_is_repeatable(
    trained, ts: TrainingSet, tmp_path: Path
) -> None:
    outcome, _, _ = trained
    plan = plan_training(ts, str(outcome.weights), epochs=1, batch_size=8, threads=torch.get_num_threads())
    a = train_model(ts, plan, tmp_path / "a.safetensors")
    b = train_model(ts, plan, tmp_path / "b.safetensors")
    assert a.card["init"].startswith("all layers from")  # same classes: nothing new to fit
    assert not any(h["stage"] == "head" for h in a.card["history"])
    wa, wb = load_file(str(a.weights)), load_file(str(b.weights))
    assert all(torch.equal(wa[k], wb[k]) for k in wa)


def test_checkpoint_and_resume(ts: TrainingSet, tmp_path: Path) -> None:
    ckpt = tmp_path / "state.ckpt.pt"
    quick = {**FAST, "epochs": 1}
    first = train_model(ts, plan_training(ts, **quick, checkpoint=str(ckpt)), tmp_path / "m.safetensors")
    assert ckpt.is_file()
    resumed = train_model(
        ts, plan_training(ts, **{**quick, "epochs": 2}, resume=str(ckpt)), tmp_path / "r.safetensors"
    )
    history = [h for h in resumed.card["history"] if h["stage"] == "fine-tune"]
    assert [h["epoch"] for h in history] == [1, 2]
    assert history[:1] == [h for h in first.card["history"] if h["stage"] == "fine-tune"]


def test_nothing_is_written_beside_the_pictures(trained, data: Path) -> None:
    assert not [p for p in data.rglob("*") if p.suffix in (".json", ".safetensors", ".pt", ".tmp")]
    assert sorted(os.listdir(data)) == list(CLASSES)


def test_input_size_follows_the_start_model_and_grows_only_for_larger_pictures() -> None:
    from core.train import input_size_for

    def sized(side: int) -> TrainingSet:
        return TrainingSet(("a", "b"), ((Path("x"), 0), (Path("y"), 1)), sizes=((side, side + 10),) * 2)

    assert input_size_for(sized(32), 64) == 64  # never below the start model's
    assert input_size_for(sized(70), 64) == 64  # a multiple of 8, at most the pictures' side
    assert input_size_for(sized(96), 64) == 96
    assert input_size_for(sized(500), 64) == 96  # at most 1.5x the start model's
    assert input_size_for(sized(500), 224) == 224  # large models keep their size on a CPU
    assert input_size_for(TrainingSet(("a", "b"), ()), 64) == 64  # sizes unknown
    plan = plan_training(sized(96))
    assert (plan.config.input_size, plan.config.resize_size) == (96, 96)  # the bundled 1:1 ratio kept
    assert any("96 px instead of the start model's 64" in r for r in plan.reasons)


def test_what_training_says_crosses_a_pipe_as_data(ts: TrainingSet) -> None:
    """The window's training process pickles its plan, progress and errors: messages stay data."""
    import pickle

    from core.messages import Message

    plan = plan_training(ts)
    again = pickle.loads(pickle.dumps(plan))
    assert again == plan and all(isinstance(m, Message) for m in again.why)
    report = TrainProgress("fine-tune", 1, 2, 3, 4, 5.0, 6.0, train_loss=0.5, train_acc=0.25)
    assert english(pickle.loads(pickle.dumps(report)).message) == report.line()
    assert report.line() == "fine-tune 1/2  train loss 0.5000 acc 25.0%  5s (about 6s left)"
    with pytest.raises(TrainingError) as caught:
        plan_training(ts, "no-such-start")
    error = pickle.loads(pickle.dumps(caught.value))
    assert error.message == caught.value.message and "cannot start from 'no-such-start'" in str(error)
