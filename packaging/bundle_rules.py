"""What each edition's bundle holds, and the check that the Lite bundle holds no torch or CUDA.

One owner for these facts: ``build.spec`` (both editions; ``build-lite.spec`` only names Lite)
reads :data:`EDITIONS`, ``packaging/build-linux.sh --lite`` runs this file as a script on the
finished bundle, and ``tests/test_lite_packaging.py`` checks both without building anything.

    python3 packaging/bundle_rules.py dist/reslens-lite    # exit 1, and the list, if torch is inside

Why a check after the build and not only ``excludes``: PyInstaller's excludes stop *modules*;
a hook, a stray ``import torch`` in a dependency or a shared library pulled in by ``ldd`` can
still drop ``libtorch_cpu.so`` or ``libcudnn.so`` (gigabytes) into the folder. The Lite edition
exists to be about 100 MB, so its build fails instead.

Standard library only: it runs with the system's ``python3`` and inside PyInstaller.
"""

from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass
from pathlib import Path

# Packages that import torch, CUDA or onnx, or serve only the full edition's cluster/dev extras.
NOT_IN_LITE_PACKAGES = (
    "torch",
    "torchvision",
    "torchaudio",
    "functorch",
    "torchgen",
    "onnx",
    "onnxscript",
    "nvidia",
    "triton",
    "cuda",
    "ray",
    "pyarrow",
    "captum",
    "pillow_heif",  # HEIC: 26 MB (an HEVC encoder among it) that Lite's size budget has no room for
    # Python's TLS and OpenSSL hashes (6 MB with libssl/libcrypto): Lite downloads nothing, and
    # hashlib's sha256/blake2b are built in. readline serves only the interactive prompt.
    "ssl",
    "_ssl",
    "_hashlib",
    "readline",
    "safetensors.torch",
    "onnxruntime.quantization",  # imports onnx; Lite runs models, it does not quantise them
    "onnxruntime.transformers",
    "onnxruntime.tools",
    "sympy",
    "mpmath",
    "networkx",
    "jinja2",
    "fsspec",
)

# A bundle's file is forbidden in Lite when a folder on its path has one of these names, or its
# file name starts with one of the library prefixes (case-insensitive: Windows' cudnn64_9.dll).
FORBIDDEN_FOLDERS = frozenset(
    {"torch", "torchvision", "torchaudio", "functorch", "torchgen", "nvidia", "triton", "onnx", "cuda"}
)
FORBIDDEN_PREFIXES = (
    "libtorch",
    "torch_",
    "libc10",
    "c10",
    "libcudnn",
    "cudnn",
    "libcublas",
    "cublas",
    "libcudart",
    "cudart",
    "libcufft",
    "cufft",
    "libcurand",
    "curand",
    "libcusparse",
    "cusparse",
    "libcusolver",
    "cusolver",
    "libnccl",
    "libnvrtc",
    "nvrtc",
    "libnvjitlink",
    "libnvtoolsext",
    "libcupti",
    "libcuda",
    "libtriton",
)
FORBIDDEN_DIST_INFO = ("torch-", "torchvision-", "onnx-", "nvidia_", "triton-")  # *.dist-info folders


@dataclass(frozen=True)
class Edition:
    """One edition's bundle: its folder and executables, what stays out, what must be in.

    ``model_glob`` names the model file(s) of ``assets/models/`` the edition runs (the build
    refuses to make a bundle without one); ``drop`` are globs of bundle paths it never loads.
    ``strip_python``: drop the debug sections of the build host's own Python (libpython and
    lib-dynload; a pyenv or other source build keeps them: libpython 23 MB -> 6.5 MB). Not the
    wheels' libraries: auditwheel rewrote those with patchelf, and ``strip`` then breaks them
    (numpy's OpenBLAS: "ELF load command address/offset not page-aligned", measured here).
    """

    name: str
    app: str  # dist/<app>/ and the window's executable
    cli: str | None  # the CLI's executable in the same folder, if the edition has one
    title: str  # the macOS .app and the installers' name
    bundle_id: str
    model_glob: str
    drop: tuple[str, ...]
    excludes: tuple[str, ...]
    hiddenimports: tuple[str, ...]
    metadata: tuple[str, ...]  # distributions whose metadata is read at run time (About, checks)
    torch_free: bool
    strip_python: bool


# Collected by PyInstaller's Qt hook but never loaded by a desktop app (Lite's budget, ~6 MB):
# the embedded-Linux platforms (framebuffer, EGLFS, VNC, Vulkan display) and input plugins, with the
# libraries only they link (QtNetwork for VNC and TUIO, and Kerberos, which QtNetwork links).
# Kept: xcb, wayland, offscreen (the self-test) and minimal.
LITE_DROP = (
    "assets/models/*.safetensors",  # the bundled model's torch weights: Lite runs its .onnx
    # The bundled model's int8 file (11.4 MB) would take the bundle to 258.7 MB, over the 250 MB
    # budget: Lite runs int8 from a file a person exports (reslens-cli export --precision int8).
    "assets/models/*-int8.onnx",
    *(f"PySide6/Qt/plugins/platforms/libq{name}.so" for name in ("vnc", "linuxfb", "eglfs", "minimalegl")),
    "PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so",
    "PySide6/Qt/plugins/egldeviceintegrations/*",
    "PySide6/Qt/plugins/generic/*",
    "PySide6/Qt/lib/libQt6Network.so*",
    "PySide6/Qt/lib/libQt6EglFS*",
    "libgssapi_krb5.so*",
    "libkrb5.so*",
    "libk5crypto.so*",
    "libkrb5support.so*",
    "libcom_err.so*",
    "libkeyutils.so*",
)

_COMMON_METADATA = ("reslens", "PySide6_Essentials", "pillow", "safetensors")

EDITIONS = {
    "full": Edition(
        name="full",
        app="reslens",
        cli=None,
        title="ResLens",
        bundle_id="org.reslens.ResLens",
        model_glob="*.safetensors",
        drop=(),
        excludes=("ray", "pyarrow", "captum", "triton"),
        # --backend onnx / onnx-int8 (issue 15): imported inside functions, named here to be sure.
        hiddenimports=("pillow_heif", "onnxruntime", "safetensors.torch", "onnxruntime.quantization", "onnx"),
        metadata=(*_COMMON_METADATA, "pillow_heif", "torch", "torchvision"),
        torch_free=False,
        strip_python=False,
    ),
    "lite": Edition(
        name="lite",
        app="reslens-lite",
        cli="reslens-lite-cli",
        title="ResLens Lite",
        bundle_id="org.reslens.ResLensLite",
        model_glob="*.onnx",
        drop=LITE_DROP,
        excludes=NOT_IN_LITE_PACKAGES,
        hiddenimports=("onnxruntime",),
        metadata=(*_COMMON_METADATA, "onnxruntime", "numpy"),
        torch_free=True,
        strip_python=True,
    ),
}


def dropped(edition: Edition, dest: str) -> bool:
    """Whether ``edition`` leaves the collected file ``dest`` (a bundle path) out."""
    return any(fnmatch.fnmatch(Path(dest).as_posix(), pattern) for pattern in edition.drop)


def is_forbidden(relative: Path) -> bool:
    """Whether a path inside a Lite bundle is part of torch, onnx or CUDA."""
    parts = [p.lower() for p in relative.parts]
    if any(p in FORBIDDEN_FOLDERS for p in parts[:-1]):
        return True
    if any(p.endswith(".dist-info") and p.startswith(FORBIDDEN_DIST_INFO) for p in parts):
        return True
    return parts[-1].startswith(FORBIDDEN_PREFIXES) and _is_library(parts[-1])


def _is_library(name: str) -> bool:
    return ".so" in name or name.endswith((".dll", ".dylib", ".pyd"))


def forbidden_files(bundle: Path) -> list[Path]:
    """Every file (or link) under ``bundle`` that a torch-free bundle must not have, sorted."""
    return sorted(
        p.relative_to(bundle)
        for p in bundle.rglob("*")
        if (p.is_file() or p.is_symlink()) and is_forbidden(p.relative_to(bundle))
    )


def main(argv: list[str] | None = None) -> int:
    """``bundle_rules.py BUNDLE``: exit 0 if BUNDLE has no torch/CUDA file, else list them, exit 1."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: bundle_rules.py BUNDLE_FOLDER", file=sys.stderr)
        return 2
    bundle = Path(args[0])
    found = forbidden_files(bundle)
    if found:
        print(f"bundle check: FAILED, {len(found)} torch/CUDA/onnx file(s) in {bundle}:", file=sys.stderr)
        for path in found[:20]:
            print(f"  {path}", file=sys.stderr)
        if len(found) > 20:
            print(f"  ... and {len(found) - 20} more", file=sys.stderr)
        return 1
    count = sum(1 for p in bundle.rglob("*") if p.is_file())
    print(f"bundle check: no torch, CUDA or onnx file among the {count} files of {bundle}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
