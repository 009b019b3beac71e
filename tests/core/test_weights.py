"""Weights from every source: download into the hub cache, user files, and refusals with reasons."""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import os
import pickle
import threading
from pathlib import Path

import pytest
import torch
import torchvision
from safetensors.torch import save_file

from core import weights as weights_module
from core.download import DownloadError, cache_path, download_to_cache
from core.weights import WeightsError, detect_arch, load_weights, load_weights_file, read_labels


@pytest.fixture(autouse=True)
def hub_cache(tmp_path, monkeypatch) -> Path:
    """Each test gets its own torch.hub cache, so nothing real is read or written."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    return tmp_path / "torch-home" / "hub" / "checkpoints"


class _Server:
    """A static file server on 127.0.0.1 that counts the requests it answers."""

    def __init__(self, root: Path) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self):  # noqa: N802 - http.server's naming
                server.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    srv = _Server(root)
    srv.root = root
    yield srv
    srv.close()


def _hashed_copy(data: bytes, root: Path, stem: str) -> tuple[str, str]:
    """Save ``data`` under torchvision's naming scheme ``<stem>-<sha256 prefix>.pth``."""
    prefix = hashlib.sha256(data).hexdigest()[:8]
    name = f"{stem}-{prefix}.pth"
    (root / name).write_bytes(data)
    return name, prefix


@pytest.fixture(scope="module")
def reference_resnet18():
    torch.manual_seed(0)
    return torchvision.models.resnet18(weights=None, num_classes=4).eval()


def _logits(model, seed: int = 0) -> torch.Tensor:
    torch.manual_seed(seed)
    with torch.inference_mode():
        return model(torch.randn(2, 3, 64, 64))


# --- download ---


def test_download_reports_progress_verifies_hash_and_caches(server, hub_cache) -> None:
    name, prefix = _hashed_copy(os.urandom(300_000), server.root, "blob")
    progress: list[tuple[int, int]] = []
    path = download_to_cache(server.url(name), prefix, on_progress=lambda d, t: progress.append((d, t)))
    assert path == hub_cache / name and path.read_bytes() == (server.root / name).read_bytes()
    assert progress[-1] == (300_000, 300_000) and len(progress) > 1
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert download_to_cache(server.url(name), prefix) == path
    assert len(server.requests) == 1  # the second load came from the cache


def test_download_with_wrong_hash_is_refused_and_not_cached(server, hub_cache) -> None:
    name, _ = _hashed_copy(b"not the published bytes" * 1000, server.root, "blob")
    with pytest.raises(DownloadError, match="corrupt"):
        download_to_cache(server.url(name), "deadbeef")
    assert not (hub_cache / name).exists()
    assert list(hub_cache.iterdir()) == []  # no partial file left behind


def test_download_cancel_leaves_nothing(server, hub_cache) -> None:
    name, prefix = _hashed_copy(os.urandom(1_000_000), server.root, "blob")
    cancel = threading.Event()
    with pytest.raises(DownloadError, match="cancelled"):
        download_to_cache(server.url(name), prefix, on_progress=lambda d, t: cancel.set(), cancel=cancel)
    assert list(hub_cache.iterdir()) == []


def test_offline_error_says_where_to_place_the_file(hub_cache) -> None:
    url = "http://127.0.0.1:9/resnet18-f37072fd.pth"  # discard port: connection refused
    with pytest.raises(DownloadError) as info:
        download_to_cache(url, "f37072fd", timeout=2)
    message = str(info.value)
    assert "no network" in message and str(cache_path(url)) in message


def test_imagenet_source_downloads_through_the_same_path(server, monkeypatch, reference_resnet18) -> None:
    full = torchvision.models.resnet18(weights=None).eval()
    path = server.root / "tmp.pth"
    torch.save(full.state_dict(), path)
    name, _ = _hashed_copy(path.read_bytes(), server.root, "resnet18")
    real = weights_module.imagenet_weights

    def local_entry(arch, source):
        return dataclasses.replace(real(arch, source), url=server.url(name))

    monkeypatch.setattr(weights_module, "imagenet_weights", local_entry)
    assert not weights_module.is_cached("resnet18", "imagenet-v1")
    seen = []
    loaded = load_weights("resnet18", "imagenet-v1", on_progress=lambda d, t: seen.append(d))
    assert seen and weights_module.is_cached("resnet18", "imagenet-v1")
    assert loaded.meta.categories[0] == "tench" and loaded.meta.num_classes == 1000
    assert (loaded.meta.crop_size, loaded.meta.resize_size) == (224, 256)
    torch.testing.assert_close(_logits(loaded.model), _logits(full), rtol=0, atol=1e-4)
    load_weights("resnet18", "imagenet-v1")
    assert len(server.requests) == 1


def test_imagenet_metadata_comes_from_torchvision() -> None:
    entry = weights_module.imagenet_weights("resnet50", "imagenet-v2")
    reference = torchvision.models.ResNet50_Weights.IMAGENET1K_V2
    assert entry.url == reference.url and entry.hash_prefix == "11ad3fa6"
    assert entry.meta.categories == tuple(reference.meta["categories"])
    assert entry.meta.resize_size == 232
    with pytest.raises(WeightsError, match="no imagenet-v2 weights for ResNet-18"):
        weights_module.imagenet_weights("resnet18", "imagenet-v2")


# --- user files ---


def test_pth_checkpoint_and_safetensors_give_identical_logits(tmp_path, reference_resnet18) -> None:
    state = reference_resnet18.state_dict()
    torch.save(state, tmp_path / "plain.pth")
    torch.save({"epoch": 3, "state_dict": {f"module.{k}": v for k, v in state.items()}}, tmp_path / "ckpt.pt")
    save_file({k: v.contiguous() for k, v in state.items()}, str(tmp_path / "weights.safetensors"))
    expected = _logits(reference_resnet18)
    for name in ("plain.pth", "ckpt.pt", "weights.safetensors"):
        loaded = load_weights_file(tmp_path / name)
        assert loaded.meta.arch == "resnet18" and loaded.meta.num_classes == 4
        assert loaded.meta.categories == ("class 0", "class 1", "class 2", "class 3")
        torch.testing.assert_close(_logits(loaded.model), expected, rtol=0, atol=1e-5)


def test_labels_from_sidecar_and_argument(tmp_path, reference_resnet18) -> None:
    torch.save(reference_resnet18.state_dict(), tmp_path / "pets.pth")
    (tmp_path / "labels.txt").write_text("cat\ndog\n\nbird\nfish\n")
    assert load_weights_file(tmp_path / "pets.pth").meta.categories == ("cat", "dog", "bird", "fish")
    other = tmp_path / "other.json"
    other.write_text('{"0": "a", "1": "b", "2": "c", "3": "d"}')
    assert load_weights_file(tmp_path / "pets.pth", labels=other).meta.categories == ("a", "b", "c", "d")
    wrong = tmp_path / "three.txt"
    wrong.write_text("a\nb\nc\n")
    with pytest.raises(WeightsError, match="names 3 classes but the weights have 4"):
        load_weights_file(tmp_path / "pets.pth", labels=wrong)
    assert read_labels(other) == ("a", "b", "c", "d")


def test_wrong_architecture_names_the_right_one(tmp_path, reference_resnet18) -> None:
    torch.save(reference_resnet18.state_dict(), tmp_path / "r18.pth")
    with pytest.raises(WeightsError, match="this file holds a ResNet-18; you chose ResNet-50") as info:
        load_weights_file(tmp_path / "r18.pth", arch="resnet50")
    assert info.value.suggested_arch == "resnet18"


@pytest.mark.parametrize("arch", ["resnet34", "resnet50", "resnet101"])
def test_detect_arch_from_keys(arch: str) -> None:
    with torch.device("meta"):
        state = getattr(torchvision.models, arch)(weights=None).state_dict()
    assert detect_arch(state) == arch


def test_truncated_and_text_files_get_clear_errors(tmp_path, reference_resnet18) -> None:
    torch.save(reference_resnet18.state_dict(), tmp_path / "full.pth")
    data = (tmp_path / "full.pth").read_bytes()
    (tmp_path / "truncated.pth").write_bytes(data[: len(data) // 2])
    (tmp_path / "notes.pth").write_text("these are my notes, not weights\n")
    (tmp_path / "empty.safetensors").write_bytes(b"")
    save_file({"fc.weight": torch.zeros(2, 2)}, str(tmp_path / "half.safetensors"))
    half = (tmp_path / "half.safetensors").read_bytes()
    (tmp_path / "half.safetensors").write_bytes(half[:-5])
    torch.save({"not": "tensors"}, tmp_path / "dict.pth")
    cases = {
        "truncated.pth": "truncated or corrupt",
        "notes.pth": "text file, not a weights file",
        "empty.safetensors": "empty",
        "half.safetensors": "truncated or corrupt",
        "dict.pth": "holds no tensors",
    }
    for name, reason in cases.items():
        with pytest.raises(WeightsError, match=reason):
            load_weights_file(tmp_path / name)


class _Exploit:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_pickle_that_would_run_code_is_refused(tmp_path) -> None:
    marker = tmp_path / "pwned"
    torch.save({"fc.weight": torch.zeros(2, 2), "payload": _Exploit(marker)}, tmp_path / "evil.pth")
    with (tmp_path / "evil.pt").open("wb") as f:
        pickle.dump(_Exploit(marker), f)
    for name in ("evil.pth", "evil.pt"):
        with pytest.raises(WeightsError, match="refused .*Python objects other than tensors"):
            load_weights_file(tmp_path / name)
    assert not marker.exists()


def test_non_resnet_weights_are_refused(tmp_path) -> None:
    torch.save(torch.nn.Linear(3, 2).state_dict(), tmp_path / "linear.pth")
    with pytest.raises(WeightsError, match="does not hold ResNet weights"):
        load_weights_file(tmp_path / "linear.pth")
