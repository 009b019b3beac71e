"""ResLens Lite's packaging, checked without building: the spec, the requirements, the torch check.

A Lite build takes a minute and a venv of its own (``packaging/build-linux.sh --lite``); these
checks take a second. ``build.spec`` runs here with stand-ins for PyInstaller's classes, so what
is asserted is what the real build would be given: its excludes, executables and data.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
NOT_IN_LITE = {"torch", "torchvision", "onnx"}  # core.edition.NOT_IN_LITE


def _rules() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("reslens_bundle_rules", PACKAGING / "bundle_rules.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


# --------------------------------------------------------------------------- the spec, run with stand-ins


class _Recorder:
    """Stand-ins for PyInstaller's spec classes, recording what the spec passes them."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist
        self.analysis: dict[str, Any] = {}
        self.exes: list[dict[str, Any]] = []
        self.collect: dict[str, Any] = {}

    def namespace(self) -> dict[str, Any]:
        recorder = self

        class Analysis:
            def __init__(self, scripts: list[str], **kwargs: Any) -> None:
                recorder.analysis = {"scripts": scripts, **kwargs}
                self.scripts = [("pyi_rth_pkgutil", "/rth.py", "PYSOURCE"), ("entry", scripts[0], "PYSOURCE")]
                self.pure: list[Any] = []
                self.binaries = [
                    ("PySide6/Qt/lib/libQt6Core.so.6", "/x", "BINARY"),
                    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/x", "BINARY"),
                    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x", "BINARY"),
                    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "/x", "BINARY"),
                    ("PySide6/Qt/plugins/platforms/libqvnc.so", "/x", "BINARY"),
                    ("PySide6/Qt/lib/libQt6Network.so.6", "/x", "BINARY"),
                ]
                self.datas = [
                    ("assets/models/reslens-shapes-r18.onnx", "/x", "DATA"),
                    ("assets/models/reslens-shapes-r18.safetensors", "/x", "DATA"),
                    ("assets/models/reslens-shapes-r18-int8.onnx", "/x", "DATA"),
                    ("assets/samples/star.jpg", "/x", "DATA"),
                    ("PySide6/Qt/translations/qtbase_zh_CN.qm", "/x", "DATA"),
                    ("PySide6/Qt/translations/qtbase_de.qm", "/x", "DATA"),
                ]

        def exe(pyz: Any, scripts: list[Any], *_args: Any, **kwargs: Any) -> str:
            recorder.exes.append({"scripts": scripts, **kwargs})
            return kwargs["name"]

        def collect(*args: Any, **kwargs: Any) -> None:
            recorder.collect = {"args": args, **kwargs}
            (recorder.dist / kwargs["name"]).mkdir(parents=True)

        return {
            "Analysis": Analysis,
            "PYZ": lambda pure: "pyz",
            "EXE": exe,
            "COLLECT": collect,
            "BUNDLE": lambda *a, **k: None,
            "SPECPATH": str(ROOT),
            "DISTPATH": str(self.dist),
            "workpath": "/nonexistent/work",
        }


def _run_spec(spec: str, monkeypatch: pytest.MonkeyPatch, dist: Path | None = None) -> _Recorder:
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package: [f"{package}.stand_in"]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda dist: [(f"/site/{dist}.dist-info", f"{dist}.dist-info")]  # type: ignore[attr-defined]
    for name, module in (
        ("PyInstaller", types.ModuleType("PyInstaller")),
        ("PyInstaller.utils", types.ModuleType("PyInstaller.utils")),
        ("PyInstaller.utils.hooks", hooks),
    ):
        monkeypatch.setitem(sys.modules, name, module)
    recorder = _Recorder(dist or Path(tempfile.mkdtemp(prefix="reslens-spec-")))
    path = ROOT / spec
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), recorder.namespace())  # noqa: S102
    return recorder


def test_lite_spec_excludes_torch_cuda_and_onnx(monkeypatch: pytest.MonkeyPatch) -> None:
    built = _run_spec("build-lite.spec", monkeypatch)
    excludes = set(built.analysis["excludes"])
    assert {"torch", "torchvision", "onnx", "nvidia", "triton", "ray", "pyarrow", "captum"} <= excludes
    hidden = built.analysis["hiddenimports"]
    assert not [h for h in hidden if h.split(".")[0] in NOT_IN_LITE], hidden
    assert "onnxruntime" in hidden and "core.stand_in" in hidden and "gui.stand_in" in hidden
    assert built.analysis["binaries"] == []  # no torchvision ops


def test_lite_spec_makes_the_cli_a_link_to_the_window_on_linux(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One executable (one 7 MB archive); packaging/entry.py runs the CLI under the -cli name."""
    monkeypatch.setattr(sys, "platform", "linux")
    built = _run_spec("build-lite.spec", monkeypatch, tmp_path)
    assert [(e["name"], e["console"]) for e in built.exes] == [("reslens-lite", False)]
    assert built.collect["name"] == "reslens-lite" and built.collect["args"][0] == "reslens-lite"
    link = tmp_path / "reslens-lite" / "reslens-lite-cli"
    assert link.is_symlink() and str(link.readlink()) == "reslens-lite"  # relative: the folder moves


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_lite_spec_makes_a_console_cli_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platform: str
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    built = _run_spec("build-lite.spec", monkeypatch, tmp_path)
    made = [(e["name"], e["console"]) for e in built.exes]
    assert made == [("reslens-lite", False), ("reslens-lite-cli", True)]
    window, cli = (e["scripts"] for e in built.exes)
    assert Path(window[-1][1]).name == "entry.py" and Path(cli[-1][1]).name == "entry_cli.py"
    assert window[:-1] == cli[:-1]  # the same bootstrap and runtime hooks
    assert built.collect["args"][:2] == ("reslens-lite", "reslens-lite-cli")
    assert not (tmp_path / "reslens-lite" / "reslens-lite-cli").exists()


def test_entry_point_runs_the_cli_under_a_cli_name(tmp_path: Path) -> None:
    """packaging/entry.py as the frozen app runs it, started under each name (``--help``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    entry = str(PACKAGING / "entry.py")
    for name, usage in (
        ("/opt/reslens-lite/reslens-lite-cli", "usage: reslens-cli "),
        ("reslens-lite", "usage: reslens ["),
    ):
        # As the bootloader runs it: __main__, with argv[0] the name it was started under (runpy
        # would put the file's path there).
        run = f"exec(compile(open({entry!r}).read(), {entry!r}, 'exec'), {{'__name__': '__main__'}})"
        code = f"import sys; sys.argv = [{name!r}, '--help']; {run}"
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(usage), (name, done.stdout[:200])


def test_lite_spec_ships_the_onnx_model_not_the_torch_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    built = _run_spec("build-lite.spec", monkeypatch)
    datas = [dest for dest, *_ in built.collect["args"][-1]]
    assert "assets/models/reslens-shapes-r18.onnx" in datas
    assert "assets/models/reslens-shapes-r18.safetensors" not in datas
    assert "assets/models/reslens-shapes-r18-int8.onnx" not in datas  # 11.4 MB over the 250 MB budget
    assert "PySide6/Qt/translations/qtbase_zh_CN.qm" in datas
    assert "PySide6/Qt/translations/qtbase_de.qm" not in datas
    assert ("/site/torch.dist-info", "torch.dist-info") not in built.analysis["datas"]


def test_lite_spec_leaves_out_the_embedded_linux_qt_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    lite = [dest for dest, *_ in _run_spec("build-lite.spec", monkeypatch).collect["args"][-2]]
    assert lite == [
        "PySide6/Qt/lib/libQt6Core.so.6",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",  # the self-test's platform
    ]
    excludes = _run_spec("build-lite.spec", monkeypatch).analysis["excludes"]
    assert {"ssl", "_ssl", "_hashlib", "pillow_heif"} <= set(excludes)


def test_full_spec_is_unchanged_by_the_lite_edition(monkeypatch: pytest.MonkeyPatch) -> None:
    if importlib.util.find_spec("torchvision") is None:
        pytest.skip("the full spec looks for torchvision's compiled ops")
    built = _run_spec("build.spec", monkeypatch)
    assert [(e["name"], e["console"]) for e in built.exes] == [("reslens", False)]
    assert not {"torch", "torchvision", "onnx"} & set(built.analysis["excludes"])
    assert {"triton", "ray"} <= set(built.analysis["excludes"])
    assert {"onnx", "safetensors.torch", "pillow_heif"} <= set(built.analysis["hiddenimports"])
    datas = [dest for dest, *_ in built.collect["args"][2]]
    assert "assets/models/reslens-shapes-r18.safetensors" in datas
    binaries = [dest for dest, *_ in built.collect["args"][1]]
    assert "PySide6/Qt/plugins/platforms/libqvnc.so" in binaries  # the full edition is as it was
    assert "PySide6/Qt/plugins/platformthemes/libqgtk3.so" not in binaries


def test_lite_spec_is_build_spec_with_the_lite_edition() -> None:
    tree = ast.parse((ROOT / "build-lite.spec").read_text(encoding="utf-8"))
    assigned = {
        n.targets[0].id: n.value.value
        for n in tree.body
        if isinstance(n, ast.Assign)
        and isinstance(n.targets[0], ast.Name)
        and isinstance(n.value, ast.Constant)
    }
    assert assigned["EDITION"] == "lite"
    assert "build.spec" in (ROOT / "build-lite.spec").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- requirements


def test_requirements_lite_has_no_torch_and_the_ranges_of_pyproject() -> None:
    lines = [
        line.strip()
        for line in (PACKAGING / "requirements-lite.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    names = {_name(line) for line in lines}
    assert not names & NOT_IN_LITE, names & NOT_IN_LITE
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    known = [*project["dependencies"], *project["optional-dependencies"]["packaging"]]
    for line in lines:
        assert line in known, f"{line!r}: not the range pyproject.toml gives"
    # Every run-time dependency is either in Lite or deliberately out of it.
    left_out = NOT_IN_LITE | {"pillow-heif"}
    assert {_name(d) for d in project["dependencies"]} - names == left_out


# --------------------------------------------------------------------------- the torch check on a bundle


def _fake_bundle(root: Path, files: list[str]) -> Path:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x7fELF")
    return root


CLEAN = [
    "reslens-lite",
    "reslens-lite-cli",
    "_internal/onnxruntime/capi/onnxruntime_pybind11_state.cpython-311-x86_64-linux-gnu.so",
    "_internal/onnxruntime-1.32.0.dist-info/METADATA",
    "_internal/PySide6/Qt/lib/libQt6Core.so.6",
    "_internal/numpy.libs/libscipy_openblas64_-32a4b2a6.so",
    "_internal/assets/models/reslens-shapes-r18.onnx",
    "_internal/core/torch_free.txt",
]


@pytest.mark.parametrize(
    "bad",
    [
        "_internal/torch/__init__.pyc",
        "_internal/torch/lib/libtorch_cpu.so",
        "_internal/libtorch_cuda.so",
        "_internal/libc10.so",
        "_internal/nvidia/cublas/lib/libcublasLt.so.12",
        "_internal/libcudnn_ops.so.9",
        "_internal/triton/_C/libtriton.so",
        "_internal/onnx/onnx_cpp2py_export.so",
        "_internal/torch-2.14.1.dist-info/METADATA",
        "_internal/cudnn64_9.dll",
    ],
)
def test_bundle_check_flags_a_torch_or_cuda_file(tmp_path: Path, bad: str) -> None:
    bundle = _fake_bundle(tmp_path / "reslens-lite", [*CLEAN, bad])
    assert [str(p) for p in _rules().forbidden_files(bundle)] == [bad]
    done = subprocess.run(
        [sys.executable, str(PACKAGING / "bundle_rules.py"), str(bundle)], capture_output=True, text=True
    )
    assert done.returncode == 1 and bad in done.stderr


def test_bundle_check_passes_a_clean_bundle(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path / "reslens-lite", CLEAN)
    done = subprocess.run(
        [sys.executable, str(PACKAGING / "bundle_rules.py"), str(bundle)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert f"among the {len(CLEAN)} files" in done.stdout


# --------------------------------------------------------------------------- the build script and the .deb


@pytest.fixture
def bash() -> str:
    found = shutil.which("bash")
    if found is None:
        pytest.skip("no bash")
    return found


def test_build_script_documents_and_checks_lite(bash: str) -> None:
    script = str(PACKAGING / "build-linux.sh")
    shown = subprocess.run([bash, script, "--help"], capture_output=True, text=True)
    assert shown.returncode == 0
    assert "--lite" in shown.stdout and "dist/reslens-lite/" in shown.stdout
    assert "set -euo" not in shown.stdout  # the comment block only
    refused = subprocess.run([bash, script, "--lite", "--torch-index", "x"], capture_output=True, text=True)
    assert refused.returncode == 2 and "Lite has no torch" in refused.stderr
    text = Path(script).read_text(encoding="utf-8")
    assert "make_deb reslens-lite reslens-lite reslens-lite-cli" in text
    assert 'python3 packaging/bundle_rules.py "dist/$app"' in text
    assert text.count("dpkg-deb --root-owner-group") == 1  # one .deb recipe for both editions


@pytest.mark.parametrize("package", ["reslens", "reslens-lite"])
def test_each_package_has_its_desktop_entry_and_description(package: str) -> None:
    desktop = (PACKAGING / "linux" / f"{package}.desktop").read_text(encoding="utf-8")
    assert re.search(rf"^Exec={package} %F$", desktop, re.MULTILINE)
    assert re.search(rf"^Icon={package}$", desktop, re.MULTILINE)
    description = (PACKAGING / "linux" / f"description-{package}.txt").read_text(encoding="utf-8")
    assert description.startswith("Description: ")
    assert all(line.startswith(" ") for line in description.splitlines()[1:])  # deb822 continuation
    assert f"{package} --self-test" in description
    validator = shutil.which("desktop-file-validate")
    if validator is not None:
        entry = PACKAGING / "linux" / f"{package}.desktop"
        done = subprocess.run([validator, str(entry)], capture_output=True)
        assert done.returncode == 0, done.stdout
