"""The bundled model: present, small, described by its card, and right on the sample images.

Classification here is plain torch + Pillow with the preprocessing the metadata prescribes, so
this checks the model file itself, independent of the inference pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from core.metadata import ModelMeta, read_safetensors_meta
from core.paths import models_dir, samples_dir
from core.resnet import build_resnet

MODEL = models_dir() / "reslens-shapes-r18.safetensors"


@pytest.fixture(scope="module")
def meta() -> ModelMeta:
    assert MODEL.is_file(), f"bundled model missing: {MODEL}"
    found = read_safetensors_meta(MODEL)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def model(meta: ModelMeta) -> torch.nn.Module:
    tensors = {k: v.float() if v.is_floating_point() else v for k, v in load_file(str(MODEL)).items()}
    net = build_resnet(meta.arch, num_classes=meta.num_classes)
    net.load_state_dict(tensors, strict=True)
    return net.eval()


def _preprocess(path: Path, meta: ModelMeta) -> torch.Tensor:
    """Shorter side to resize_size, centre crop crop_size, scale to [0, 1], normalise."""
    img = Image.open(path).convert("RGB")
    scale = meta.resize_size / min(img.size)
    size = (max(int(img.width * scale), meta.resize_size), max(int(img.height * scale), meta.resize_size))
    img = img.resize(size, Image.Resampling[meta.interpolation.upper()])
    left, top = (img.width - meta.crop_size) // 2, (img.height - meta.crop_size) // 2
    img = img.crop((left, top, left + meta.crop_size, top + meta.crop_size))
    x = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).view(meta.crop_size, meta.crop_size, 3)
    x = x.permute(2, 0, 1).float() / 255
    return (x - torch.tensor(meta.mean).view(3, 1, 1)) / torch.tensor(meta.std).view(3, 1, 1)


def test_file_is_small_fp16_resnet18(meta: ModelMeta) -> None:
    assert MODEL.stat().st_size <= 25 * 1024 * 1024
    assert meta.arch == "resnet18"
    tensors = load_file(str(MODEL))
    assert tensors["conv1.weight"].dtype == torch.float16


def test_card_beside_the_file_agrees_and_says_how_it_was_made(meta: ModelMeta) -> None:
    card_meta = ModelMeta.from_dict(json.loads(MODEL.with_suffix(".json").read_text(encoding="utf-8")))
    assert card_meta == meta
    assert len(meta.categories) >= 12
    card = meta.card
    for key in ("command", "seed", "training_time_s", "hardware", "val_accuracy", "heldout", "samples"):
        assert key in card, key
    assert card["input_size"] == meta.crop_size
    assert card["heldout"]["seed"] not in (card["seed"], 1, 2)  # never a training/validation seed
    assert card["heldout"]["top1"] >= 0.97


def test_at_least_ten_of_twelve_samples_right(meta: ModelMeta, model: torch.nn.Module) -> None:
    files = sorted(p for p in samples_dir().iterdir() if p.suffix in (".jpg", ".png") and "-" not in p.stem)
    assert len(files) >= 12
    batch = torch.stack([_preprocess(p, meta) for p in files])
    with torch.no_grad():
        predicted = [meta.categories[i] for i in model(batch).argmax(1).tolist()]
    truth = [p.stem for p in files]
    wrong = {t: p for t, p in zip(truth, predicted, strict=True) if t != p}
    assert len(files) - len(wrong) >= 10, f"misclassified: {wrong}"


def test_second_label_set_names_the_classes_in_chinese(meta: ModelMeta) -> None:
    """The interface's Chinese names come with the model (header and card alike), in its order."""
    zh = (
        "箭头",
        "圆",
        "新月",
        "十字",
        "心形",
        "六边形",
        "闪电",
        "五边形",
        "圆环",
        "正方形",
        "五角星",
        "三角形",
    )
    assert meta.categories_in("zh_CN") == zh
    assert dict(zip(meta.categories, zh, strict=True))["lightning"] == "闪电"
    assert meta.categories_in("fr") == meta.categories  # no set for a language: the canonical names


def test_a_label_set_of_the_wrong_length_is_refused(meta: ModelMeta) -> None:
    from core.errors import WeightsError
    from core.validate import check_meta

    data = json.loads(meta.to_json())
    data["localized_categories"] = {"zh_CN": ["箭头", "圆"]}
    with pytest.raises(WeightsError, match="2 class names in localized_categories"):
        check_meta(data, "x.safetensors")
    data["localized_categories"] = {"zh_CN": "箭头"}
    with pytest.raises(WeightsError, match="not a list of names"):
        check_meta(data, "x.safetensors")


def test_a_label_file_replaces_the_second_label_set_too(tmp_path: Path) -> None:
    """Names from Load Labels rename the classes; the Chinese set named the old ones and goes."""
    from core.weights import load_weights

    names = tmp_path / "mine.txt"
    names.write_text("".join(f"thing {i}\n" for i in range(12)), encoding="utf-8")
    bundled = load_weights(None)
    assert bundled.meta.categories_in("zh_CN")[0] == "箭头"
    for loaded in (load_weights(None, labels=names), load_weights(None, bundled.path, labels=names)):
        assert loaded.meta.categories[0] == "thing 0"
        assert loaded.meta.categories_in("zh_CN") == loaded.meta.categories
