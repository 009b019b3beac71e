"""The packaging recipes hang together: spec, entry point, .deb template, desktop entry, icons.

The builds themselves take minutes and gigabytes (``packaging/check-bundle.sh``); these checks
take a second and catch the edits that would break them.
"""

from __future__ import annotations

import ast
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import core

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "assets" / "icons"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
QT_DEPENDS = (
    "libxcb-cursor0",
    "libxkbcommon-x11-0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
    "libglib2.0-0",
)
SCRIPTS = ("build-linux.sh", "check-bundle.sh", "make-icons.sh", "macos/make-dmg.sh")


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_spec_is_python_and_names_the_pieces() -> None:
    text = (ROOT / "build.spec").read_text(encoding="utf-8")
    ast.parse(text, filename="build.spec")
    # The editions' names and exclusions are data in packaging/bundle_rules.py, read by the spec.
    text += (PACKAGING / "bundle_rules.py").read_text(encoding="utf-8")
    names = ('"reslens"', '"ResLens"', '.app"', "entry.py", '"assets"', "torchvision", "_C_stable", "triton")
    for needed in names:
        assert needed in text, needed
    assert "console=False" in text  # windowed
    assert "exclude_binaries=True" in text  # one-folder (COLLECT), not one-file


def test_spec_icons_exist() -> None:
    text = (ROOT / "build.spec").read_text(encoding="utf-8")
    for name in re.findall(r'"(reslens\.(?:ico|icns))"', text):
        assert (ICONS / name).is_file(), name


def test_entry_point_calls_freeze_support_before_importing_the_app() -> None:
    tree = ast.parse((PACKAGING / "entry.py").read_text(encoding="utf-8"))
    freeze = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and ast.unparse(n.func) == "multiprocessing.freeze_support"
    ]
    app_imports = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] in ("gui", "core")
    ]
    assert freeze and app_imports
    assert min(freeze) < min(app_imports)
    assert any((n.module or "") == "gui.app" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom))


def test_deb_control_template_lists_qt_system_libraries() -> None:
    text = (PACKAGING / "linux" / "control.in").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", text, re.MULTILINE))
    depends = {alt.split()[0] for dep in fields["Depends"].split(",") for alt in dep.split("|")}
    assert set(QT_DEPENDS) <= depends, set(QT_DEPENDS) - depends
    for key in ("Package", "Version", "Architecture", "Installed-Size", "Maintainer"):
        assert key in fields, key
    assert fields["Package"] == "@PACKAGE@"  # reslens or reslens-lite; each appends its Description
    assert "Description" not in fields


def test_desktop_entry_is_valid() -> None:
    path = PACKAGING / "linux" / "reslens.desktop"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^Exec=reslens( |$)", text, re.MULTILINE)
    assert re.search(r"^Icon=reslens$", text, re.MULTILINE)
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate not installed (Debian: desktop-file-utils)")
    result = subprocess.run([validator, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_png_sizes(size: int) -> None:
    assert _png_size(ICONS / f"reslens-{size}.png") == (size, size)


def test_icon_svg_ico_icns() -> None:
    root = ET.parse(ICONS / "reslens.svg").getroot()
    assert root.tag.endswith("svg") and root.get("viewBox") == "0 0 512 512"
    ico = (ICONS / "reslens.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 5
    sizes = {ico[6 + 16 * i] or 256 for i in range(count)}  # a width byte of 0 means 256
    assert {16, 32, 48, 256} <= sizes
    assert (ICONS / "reslens.icns").read_bytes()[:4] == b"icns"


def test_inno_setup_script_matches_the_spec() -> None:
    text = (PACKAGING / "windows" / "reslens.iss").read_text(encoding="utf-8")
    assert f'#define AppVersion "{core.__version__}"' in text
    # Both editions from one script (iscc /DLite for ResLens Lite), named as packaging/bundle_rules.py
    assert '#define Bundle "reslens"' in text and '#define Bundle "reslens-lite"' in text
    assert r'Source: "{#Root}\dist\{#Bundle}\*"' in text and '#define AppExe Bundle + ".exe"' in text
    guids = re.findall(r'#define AppGuid "\{\{([0-9A-F-]+)\}"', text)
    assert len(guids) == 2 and guids[0] != guids[1]  # installed side by side
    assert r"assets\icons\reslens.ico" in text
    assert "{autodesktop}" in text and "{group}" in text  # desktop and Start-menu shortcuts


@pytest.mark.parametrize("script", SCRIPTS)
def test_shell_scripts_parse_and_are_executable(script: str) -> None:
    path = PACKAGING / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    result = subprocess.run([bash, "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_build_outputs_are_ignored_by_git() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    for pattern in ("build/", "dist/", "*.deb"):
        assert pattern in ignored, pattern
