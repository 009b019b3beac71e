"""The model session's state machine, without a window: unavailable, fallback, cancel, labels."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

import pytest
import torch
import torchvision

from core.backends import BUILDING_FP32
from core.inference import Classifier
from core.messages import english, plain
from core.paths import samples_dir
from core.session import (
    BROKEN,
    NOT_DOWNLOADED,
    Fix,
    LoadJob,
    ModelSession,
    State,
    View,
    execute,
    run_on_backend,
)
from core.sources import DEFAULT, ModelChoice
from tests.weights_server import STALL_AFTER, WeightsServer, resnet18_file, serve


@pytest.fixture(autouse=True)
def hub_cache(tmp_path, monkeypatch) -> Path:
    """Nothing is downloaded or cached for real: each test has its own empty torch.hub cache."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    return tmp_path / "torch-home" / "hub" / "checkpoints"


class Host:
    """Runs the session's jobs at once, in this thread, with core's real loader."""

    def __init__(self) -> None:
        self.views: list[View] = []
        self.jobs: list[LoadJob] = []
        self.loaded = None
        self.hold = False  # keep jobs for the test to run
        self.session = ModelSession(self.run, self.views.append)

    def run(self, job: LoadJob) -> None:
        self.jobs.append(job)
        if not self.hold:
            self.finish(job)

    def finish(self, job: LoadJob) -> None:
        outcome, loaded = execute(job, lambda d, t: self.session.progress(job.job_id, d, t))
        if loaded is not None:
            self.loaded = loaded
        self.session.finished(outcome)


BUNDLED = ModelChoice.bundled()
R152 = ModelChoice("resnet152", "imagenet-v2")


def test_a_request_that_cannot_be_had_at_start_falls_back_to_the_bundled_model() -> None:
    host = Host()
    host.session.start(ModelChoice("resnet50", "imagenet-v1"))
    view = host.session.view
    assert view.state is State.UNAVAILABLE
    assert view.model is not None and view.model.name == "ResNet-18 · bundled"
    assert english(view.message) == "ResNet-50 ImageNet V1 is not downloaded"
    assert view.fixes == (Fix.DOWNLOAD, Fix.KEEP)
    assert view.requested == ModelChoice("resnet50", "imagenet-v1")  # the request is kept
    assert host.jobs[0].attempts == (ModelChoice("resnet50", "imagenet-v1"), BUNDLED)
    results = Classifier.from_loaded(host.loaded).classify([samples_dir()], top_k=1)
    assert results and {r.model for r in results} == {view.model.identity.tag}


def test_start_falls_back_to_the_last_good_model_first(tmp_path) -> None:
    torch.manual_seed(0)
    mine = tmp_path / "mine.pth"
    torch.save(torchvision.models.resnet34(weights=None, num_classes=3).state_dict(), mine)
    host = Host()
    host.session.start(R152, last_good=ModelChoice("resnet34", str(mine)))
    view = host.session.view
    assert view.state is State.UNAVAILABLE and view.model.name == "ResNet-34 · mine.pth"
    assert view.model.identity.weights_hash == hashlib.sha256(mine.read_bytes()).hexdigest()[:8]


def test_a_broken_last_good_file_still_ends_with_the_bundled_model(tmp_path) -> None:
    host = Host()
    host.session.start(ModelChoice("resnet50", str(tmp_path / "gone.pth")), last_good=R152)
    view = host.session.view
    assert view.state is State.FAILED and "no such file" in english(view.message)
    assert view.model.name == "ResNet-18 · bundled"
    assert view.fixes == (Fix.LOAD_FILE, Fix.KEEP)  # the bundled model is the one in use already


def test_switching_to_an_unavailable_model_keeps_the_one_in_use_and_keep_accepts_it() -> None:
    host = Host()
    host.session.start(BUNDLED)
    in_use = host.session.model
    assert host.session.view.state is State.READY
    host.session.request(R152)
    view = host.session.view
    assert view.state is State.UNAVAILABLE and view.model is in_use
    assert english(view.message) == "ResNet-152 ImageNet V2 is not downloaded"
    host.session.keep()
    assert host.session.view.state is State.READY and host.session.requested == in_use.choice
    assert len(host.jobs) == 2  # keeping loaded nothing


def test_a_file_of_another_architecture_switches_with_a_notice(tmp_path) -> None:
    mine = tmp_path / "r34.pth"
    torch.save(torchvision.models.resnet34(weights=None, num_classes=3).state_dict(), mine)
    host = Host()
    host.session.start(BUNDLED)
    host.session.request(ModelChoice("resnet50", str(mine)))
    view = host.session.view
    assert view.state is State.READY and view.model.choice.arch == "resnet34"
    assert english(view.notice) == "This file holds a ResNet-34: switched to ResNet-34."
    assert view.requested.arch == "resnet34"


def test_superseded_loads_never_leave_the_session_naming_another_model(tmp_path) -> None:
    host = Host()
    host.session.start(BUNDLED)
    host.hold = True
    mine = tmp_path / "r34.pth"
    torch.save(torchvision.models.resnet34(weights=None, num_classes=3).state_dict(), mine)
    host.session.request(ModelChoice("resnet34", str(mine)))
    first = host.jobs[-1]
    host.session.request(R152)  # supersedes (cancels) the file's load
    assert first.cancel.is_set()
    host.finish(first)
    assert host.session.model.name == "ResNet-18 · bundled"  # the cancelled load swapped nothing
    host.finish(host.jobs[-1])
    assert host.session.view.state is State.UNAVAILABLE


# --- labels apply to every source ---


def _labels(tmp_path: Path, count: int) -> Path:
    path = tmp_path / f"labels{count}.txt"
    path.write_text("".join(f"name{i}\n" for i in range(count)))
    return path


def test_labels_rename_the_bundled_model_and_files(tmp_path) -> None:
    host = Host()
    host.session.start(BUNDLED.with_labels(str(_labels(tmp_path, 12))))
    view = host.session.view
    assert view.state is State.READY and view.model.meta.categories[0] == "name0"
    assert view.model.name == "ResNet-18 · bundled · labels labels12.txt"
    host.session.request(BUNDLED.with_labels(str(_labels(tmp_path, 5))))
    assert host.session.view.state is State.FAILED and "names 5 classes" in english(host.session.view.message)
    assert host.session.model.meta.categories[0] == "name0"


# --- downloads, from a server on 127.0.0.1 ---


@pytest.fixture(scope="module")
def imagenet_like(tmp_path_factory) -> tuple[bytes, str]:
    return resnet18_file(tmp_path_factory.mktemp("served"))


def test_download_reports_bytes_then_imagenet_labels_apply_too(monkeypatch, tmp_path, imagenet_like) -> None:
    data, name = imagenet_like
    server = WeightsServer(data)
    try:
        serve(monkeypatch, server, name)
        host = Host()
        seen: list[tuple[int, int]] = []
        host.session.listen(lambda v: v.state is State.DOWNLOADING and seen.append((v.done, v.total)))
        host.session.start(BUNDLED)
        r18 = ModelChoice("resnet18", "imagenet-v1")
        host.session.request(r18)
        assert host.session.view.state is State.UNAVAILABLE
        host.session.download()
        view = host.session.view
        assert view.state is State.READY and view.model.name == "ResNet-18 · ImageNet V1"
        assert seen[-1] == (len(data), len(data)) and len(seen) > 2
        assert view.model.identity.weights_hash == name[9:17]
        host.session.request(r18.with_labels(str(_labels(tmp_path, 1000))))  # cached now: no download
        view = host.session.view
        assert view.state is State.READY and view.model.meta.categories[:2] == ("name0", "name1")
        assert view.model.description.endswith("labels from labels1000.txt")
    finally:
        server.close()


def test_cancel_stops_a_stalled_download_within_a_second(monkeypatch, hub_cache, imagenet_like) -> None:
    data, name = imagenet_like
    server = WeightsServer(data, stall=True)
    try:
        serve(monkeypatch, server, name)
        host = Host()
        host.session.start(BUNDLED)
        host.hold = True
        host.session.request(ModelChoice("resnet18", "imagenet-v1"), allow_download=True)
        job = host.jobs[-1]
        runner = threading.Thread(target=host.finish, args=(job,))
        runner.start()
        deadline = time.monotonic() + 20
        while host.session.view.state is not State.DOWNLOADING and time.monotonic() < deadline:
            time.sleep(0.02)
        assert host.session.view.done == STALL_AFTER and host.session.view.total == len(data)
        time.sleep(0.5)  # the server sends nothing more
        started = time.monotonic()
        host.session.cancel()
        runner.join(5)
        assert time.monotonic() - started < 1.0 and not runner.is_alive()
        view = host.session.view
        assert view.state is State.UNAVAILABLE and "cancelled" in english(view.message)
        assert view.model.name == "ResNet-18 · bundled" and view.fixes == (Fix.DOWNLOAD, Fix.KEEP)
    finally:
        server.close()
    time.sleep(0.3)  # the abandoned download sees the closed connection and removes its part file
    assert not any(hub_cache.glob("resnet18-*.pth")) if hub_cache.exists() else True


def test_execute_reports_each_attempt(tmp_path) -> None:
    job = LoadJob(7, (R152, ModelChoice("resnet18", str(tmp_path / "gone.pth")), BUNDLED))
    outcome, loaded = execute(job)
    assert [p.kind for p in outcome.problems] == [NOT_DOWNLOADED, BROKEN]
    assert outcome.loaded.choice.weights == DEFAULT and loaded.meta.num_classes == 12


def test_the_cli_stamps_the_model_and_labels_every_source(monkeypatch, tmp_path, capsys, imagenet_like):
    from core.cli import main

    assert main(["classify", str(samples_dir() / "arrow.jpg"), "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["model"].startswith("ResNet-18 · bundled · ")
    data, name = imagenet_like
    server = WeightsServer(data)
    try:
        serve(monkeypatch, server, name)
        labels = str(_labels(tmp_path, 1000))
        args = ["classify", str(samples_dir() / "arrow.jpg"), "--weights", "imagenet-v1", "--labels", labels]
        assert main([*args, "--json"]) == 0
    finally:
        server.close()
    (row,) = json.loads(capsys.readouterr().out)
    assert row["model"] == f"ResNet-18 · ImageNet V1 · labels labels1000.txt · {name[9:17]}"
    assert row["predictions"][0]["label"].startswith("name")  # --labels counts for ImageNet too


def test_a_saved_device_this_machine_lacks_keeps_the_request_and_its_banner() -> None:
    """A returning user's settings from a GPU machine: the device becomes Auto while the load is
    in flight, and the unavailable request must still be named, not replaced by the fallback."""
    host = Host()
    host.hold = True
    host.session.start(ModelChoice("resnet152", "imagenet-v2", device="cuda:0"))
    assert host.session.drop_missing_device({"cpu"}) == "cuda:0"
    assert host.session.drop_missing_device({"cpu"}) is None  # once
    job = host.jobs[0]
    outcome, _ = execute(job, lambda d, t: None, {"cpu": "CPU"})  # the worker's devices, as it passes them
    host.session.finished(outcome)
    view = host.session.view
    assert view.state is State.UNAVAILABLE
    assert english(view.message) == "ResNet-152 ImageNet V2 is not downloaded"
    assert view.requested == ModelChoice("resnet152", "imagenet-v2", device="auto")
    assert view.model is not None and view.model.name == "ResNet-18 · bundled"


def test_a_backend_change_reloads_and_an_unavailable_backend_gives_way_to_torch() -> None:
    """The backend is part of the request; one that cannot be built falls back to torch, said
    once as a warning, and the model in use (and the request) name the backend that runs."""
    from core.errors import UsageError

    built: list[str] = []

    def build(backend: str) -> str:
        built.append(backend)
        if backend == "onnx-int8":
            raise UsageError("int8: agrees with fp32 on 90.0 % of 500 images, below the 98% needed")
        return backend

    host = Host()
    host.finish = lambda job: host.session.finished(run_on_backend(execute(job)[0], build)[0])
    host.session.start(BUNDLED)
    assert host.session.model.backend == "torch" and built == ["torch"]

    host.session.request(host.session.requested.with_backend("onnx"))
    assert len(host.jobs) == 2 and host.jobs[1].attempts == (BUNDLED.with_backend("onnx"),)
    view = host.session.view
    assert view.state is State.READY and view.model.backend == "onnx" and not view.warning

    host.session.request(host.session.requested.with_backend("onnx-int8"))
    view = host.session.view
    assert built == ["torch", "onnx", "onnx-int8", "torch"]
    assert view.state is State.READY and view.warning
    assert view.model.backend == "torch" and view.requested.backend == "torch"
    notice = english(view.notice)
    assert notice.startswith("ONNX Runtime int8 could not be used, so PyTorch classifies: int8: agrees")

    host.session.request(host.session.requested.with_backend("torch"))  # already in use: no job
    assert len(host.jobs) == 3


def test_fallback_models_keep_the_requested_backend(tmp_path) -> None:
    host = Host()
    host.hold = True
    host.session.start(ModelChoice("resnet50", "imagenet-v1", backend="onnx"))
    assert [c.backend for c in host.jobs[0].attempts] == ["onnx", "onnx"]


def test_build_messages_reach_the_session_for_the_job_in_flight() -> None:
    heard: list[tuple[int, str]] = []
    host = Host()
    host.session = ModelSession(host.run, host.views.append, on_status=lambda i, m: heard.append((i, m)))
    host.hold = True
    host.session.start(BUNDLED.with_backend("onnx"))
    job = host.jobs[0]
    building = BUILDING_FP32("/cache/onnx")
    job.on_status(building)
    assert heard == [(job.job_id, building)]
    host.session.building(job.job_id, building)
    assert host.session.view.state is State.LOADING
    assert english(host.session.view.message) == "Building the ONNX model once (cached in /cache/onnx)…"
    host.session.building(job.job_id + 7, plain("an old job"))  # not the job in flight: ignored
    assert english(host.session.view.message) == "Building the ONNX model once (cached in /cache/onnx)…"
