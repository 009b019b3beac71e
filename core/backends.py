"""Where the forward pass runs: torch (default), ONNX Runtime fp32, or ONNX Runtime int8.

The inference pipeline (:class:`core.inference.Classifier`) decodes, batches, cancels, reports
per-file errors and takes the top-k the same way for every backend; a backend only turns a batch
of preprocessed images (N x 3 x H x W, float32) into logits.

The ONNX models are built from the loaded weights on first use and cached under
:func:`core.paths.cache_dir`, in a folder keyed by the architecture, the weights' hash, the input
size and the onnxruntime version, so other weights, another input size or an upgraded runtime get
a fresh model. Every file is written to a temporary name and renamed into place: a crash while
building leaves nothing that a later run would trust. What is read back is still checked (a disk
can truncate a file, a person can replace it): a cached model that ONNX Runtime cannot open, or
whose output is not one row of ``num_classes`` per image, is deleted and built again once, saying
so. A cache folder that cannot be written (read-only, or ``RESLENS_CACHE`` naming a file) gives
way to a folder under the system's temporary folder, also said once (:func:`writable_cache`).

``auto`` (:mod:`core.auto_backend`) is no runner of its own: it measures the others and uses the
fastest that agrees with fp32.

int8 is static quantization (:mod:`core.int8_recipe`: QDQ, per-channel weights; the first convolution and the
classifier stay float32) calibrated on a deterministic set:
images rendered by :mod:`core.shapes` (the bundled model's world) or images of a user's folder
(``--calibrate DIR``). The quantized model is then checked against fp32 on a held-out set: other
rendered images, or, with a folder, every :data:`HOLDOUT_EVERY`-th image of it (sorted by path),
which calibration never sees, so a user's own model is checked on images like the user's. The
agreement and what it was measured on are stored beside the model, and a model below
:data:`MIN_INT8_AGREEMENT` is refused.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import UsageError
from core.export import replace_atomically
from core.int8_recipe import INT8_RECIPE, quantize_to
from core.messages import QT_TRANSLATE_NOOP, Message, kind, translate
from core.paths import cache_dir

if TYPE_CHECKING:
    import numpy as np
    import torch
    from PIL import Image

    from core.metadata import ModelMeta

AUTO_BACKEND = "auto"
BACKENDS: tuple[str, ...] = (AUTO_BACKEND, "torch", "onnx", "onnx-int8")
DEFAULT_BACKEND = "torch"
"""The exact path: the Python API's default, and what a backend that cannot be had gives way to.
The CLI and the window default to :data:`AUTO_BACKEND`."""
BACKEND_LABELS: dict[str, str] = {
    AUTO_BACKEND: "Auto",
    "torch": "PyTorch",
    "onnx": "ONNX Runtime fp32",
    "onnx-int8": "ONNX Runtime int8",
}
"""How menus and the status bar name each backend."""
MIN_INT8_AGREEMENT = 0.98
CALIBRATION_IMAGES = 100
HOLDOUT_IMAGES = 500
CALIBRATION_SEED = 15_001  # rendered calibration and held-out sets never share an image
HOLDOUT_SEED = 15_002
HOLDOUT_EVERY = 4  # --calibrate DIR: the 4th, 8th, ... image (sorted) checks int8 instead
OPSET = 17
log = logging.getLogger(__name__)
INSTALL_HINT = "pip install onnxruntime"

StatusCallback = Callable[[Message], None]

BUILDING_FP32 = kind(
    "backend.building-onnx", QT_TRANSLATE_NOOP("Messages", "Building the ONNX model once (cached in %1)…")
)
BUILDING_INT8 = kind(
    "backend.building-int8",
    QT_TRANSLATE_NOOP("Messages", "Building the int8 model once, calibrated on %1 (cached in %2)…"),
)
INT8_AGREES = kind(
    "backend.int8-agrees",
    translate("Messages", "int8: agrees with fp32 on %1 % of %n image(s)", None, 0),
)
INT8_AGREES_HELD_OUT = kind(
    "backend.int8-agrees-held-out",
    translate(
        "Messages",
        "int8: agrees with fp32 on %1 % of %n image(s) held out from %2 (not used to calibrate)",
        None,
        0,
    ),
)
INT8_AGREES_RENDERED = kind(
    "backend.int8-agrees-rendered",
    translate(
        "Messages",
        "int8: agrees with fp32 on %1 % of %n image(s) rendered shapes "
        "(%2 has too few images to hold some out)",
        None,
        0,
    ),
)
CACHE_REBUILT = kind(
    "backend.cache-rebuilt",
    QT_TRANSLATE_NOOP("Messages", "The cached model %1 could not be used (%2): building it again…"),
)
CACHE_FALLBACK = kind(
    "backend.cache-fallback",
    QT_TRANSLATE_NOOP("Messages", "The cache folder %1 cannot be written (%2): using %3 for this run"),
)
CACHE_BROKEN = kind(
    "backend.cache-broken",
    QT_TRANSLATE_NOOP(
        "Messages", "The ONNX model built in %1 cannot be used either (%2); use the torch backend"
    ),
)
INT8_UNTRUSTED = kind(
    "backend.int8-untrusted",
    QT_TRANSLATE_NOOP(
        "Messages",
        "%1, below the %2% needed to trust it; use the onnx (fp32) backend, or calibrate int8 on "
        "images like yours (--calibrate FOLDER)",
    ),
)


def check_backend(name: str) -> str:
    if name not in BACKENDS:
        raise UsageError(f"unknown backend {name!r}; choose one of: {', '.join(BACKENDS)}")
    return name


def backend_label(name: str) -> str:
    """ "ONNX Runtime int8"; a name Auto chose that has no menu entry ("torch-bf16") as "PyTorch bf16"."""
    if name not in BACKEND_LABELS and name.startswith("torch-"):
        return f"{BACKEND_LABELS['torch']} {name.removeprefix('torch-')}"
    return BACKEND_LABELS.get(name, name)


def import_onnxruntime() -> Any:
    """``onnxruntime``, or a :class:`UsageError` that says how to get it (torch keeps working)."""
    try:
        import onnxruntime
    except ImportError:
        raise UsageError(
            f"the ONNX backends need ONNX Runtime, which is not installed: run '{INSTALL_HINT}' "
            "(or use the torch backend, which needs nothing more)"
        ) from None
    return onnxruntime


@dataclass(frozen=True)
class Int8Check:
    """How often the int8 model's top-1 equals the fp32 model's on a held-out set."""

    agreement: float
    images: int
    calibration: str
    holdout: str = ""  # the folder the held-out images came from ("" = rendered shapes)
    held_out: bool = False  # False with a folder: it had too few images, rendered shapes checked

    def describe(self) -> Message:
        percent = f"{self.agreement * 100:.1f}"
        if not self.holdout:
            return INT8_AGREES(percent, n=self.images)
        held = INT8_AGREES_HELD_OUT if self.held_out else INT8_AGREES_RENDERED
        return held(percent, self.holdout, n=self.images)


class OnnxRunner:
    """An ONNX Runtime session that maps a float32 NCHW batch to logits.

    :meth:`run` takes and gives numpy arrays and needs no torch (what an edition without torch
    runs); calling the runner takes and gives torch tensors, for the torch pipeline.
    """

    def __init__(self, path: Path, device_type: str = "cpu", name: str = "onnx") -> None:
        ort = import_onnxruntime()
        providers = ["CPUExecutionProvider"]
        if device_type == "cuda" and "CUDAExecutionProvider" in ort.get_available_providers():
            providers.insert(0, "CUDAExecutionProvider")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle worker threads sleep instead of spinning: the decode pool needs those cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=providers)
        self.input_name = self.session.get_inputs()[0].name
        self.path, self.name = path, name
        self.note: Message | str = ""

    def run(self, batch: np.ndarray) -> np.ndarray:
        """Logits of a float32 ``N x 3 x H x W`` array, as a numpy array."""
        import numpy as np  # here: the CLI's parser and usage errors import no numpy

        array = np.ascontiguousarray(batch, dtype=np.float32)
        return self.session.run(None, {self.input_name: array})[0]

    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        import torch

        return torch.from_numpy(self.run(batch.detach().to("cpu", torch.float32).numpy()))


# --------------------------------------------------------------------------- the cache


_fallbacks: dict[str, Path] = {}  # an unwritable cache folder -> the temporary one used instead


def writable_cache(on_status: StatusCallback | None = None) -> Path:
    """:func:`core.paths.cache_dir` when it can be written, else a private folder under the
    system's temporary folder (said through ``on_status``; the same one for the whole process),
    so an unwritable ``RESLENS_CACHE`` costs a rebuild, never the run."""
    import os
    import tempfile

    wanted = cache_dir()
    key = str(wanted)
    if key in _fallbacks:
        return _fallbacks[key]
    try:
        wanted.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=wanted, prefix=".write-test-"):
            pass
        return wanted
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
    uid = os.getuid() if hasattr(os, "getuid") else None
    fallback = Path(tempfile.gettempdir()) / f"reslens-cache-{uid or 0}"
    try:
        fallback.mkdir(mode=0o700, parents=True, exist_ok=True)
        ours = not fallback.is_symlink() and (uid is None or fallback.stat().st_uid == uid)
    except OSError:
        ours = False
    if not ours:  # someone else's folder (a shared /tmp), or a link: a fresh one of our own
        fallback = Path(tempfile.mkdtemp(prefix="reslens-cache-"))
    _fallbacks[key] = fallback
    log.warning("cache folder %s cannot be written (%s); using %s", wanted, reason, fallback)
    if on_status is not None:
        on_status(CACHE_FALLBACK(key, reason, str(fallback)))
    return fallback


def model_folder(
    arch: str, weights_hash: str, input_size: int, ort_version: str, root: Path | None = None
) -> Path:
    """The cache folder of one (weights, architecture, input size, runtime) combination, under
    ``root`` (default: :func:`core.paths.cache_dir`)."""
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in f"{arch}-{weights_hash}")
    return (root or cache_dir()) / "onnx" / f"{safe}-{input_size}px-ort{ort_version}"


def state_hash(model: torch.nn.Module) -> str:
    """A short hash of the model's tensors, for models that did not come from a weights file."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:8]


def write_cache_file(path: Path, write: Callable[[Path], None]) -> None:
    """Into the (created on demand) cache folder, through core's one atomic writer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(path, write)


def export_onnx(model: torch.nn.Module, input_size: int, path: Path) -> None:
    """Export ``model`` (BN folded, fp32, CPU) with a dynamic batch dimension, atomically.

    The TorchScript exporter (``dynamo=False``) needs only the ``onnx`` package and works offline;
    the torch.export-based one would add ``onnxscript`` for a ResNet that gains nothing from it.
    """
    import torch

    from core.optimize import fuse_conv_bn

    fused = fuse_conv_bn(model).to("cpu", torch.float32).eval()
    example = torch.zeros(2, 3, input_size, input_size)

    def write(tmp: Path) -> None:
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                fused,
                (example,),
                str(tmp),
                input_names=["input"],
                output_names=["logits"],
                dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,
            )

    write_cache_file(path, write)


# --------------------------------------------------------------------------- int8


def rendered_images(seed: int, count: int, size: int) -> list[Image.Image]:
    """``count`` images rendered by :mod:`core.shapes`, every class in turn, reproducibly."""
    from core.shapes import CLASSES, iter_samples

    per_class = math.ceil(count / len(CLASSES))
    images = [image for image, _ in iter_samples(seed, per_class, size=size)]
    return images[:count]


def split_folder(files: list[Path], calibration: int, holdout: int) -> tuple[list[Path], list[Path]]:
    """(calibration files, held-out files) of a sorted file list, disjoint and deterministic:
    every :data:`HOLDOUT_EVERY`-th file is held out; each part is thinned evenly to its count."""
    held = files[HOLDOUT_EVERY - 1 :: HOLDOUT_EVERY]
    rest = [path for index, path in enumerate(files) if (index + 1) % HOLDOUT_EVERY]
    return _spread(rest, calibration), _spread(held, holdout)


def _spread(files: list[Path], count: int) -> list[Path]:
    return files[:: max(1, len(files) // count)][:count] if count > 0 else []


def folder_images(
    folder: Path, count: int, holdout: int = 0, min_side: int | None = None
) -> tuple[list[Image.Image], list[Image.Image], str]:
    """Up to ``count`` calibration images and up to ``holdout`` held-out images of ``folder``
    (see :func:`split_folder`), decoded as the pipeline decodes them (``min_side``), and an id
    of that choice (paths, sizes, times) for the cache."""
    from core.images import decode_for_model, iter_image_files

    files = list(iter_image_files([folder]))
    if not files:
        raise UsageError(f"--calibrate: no images found in {folder}")
    digest = hashlib.sha256()

    def read(paths: list[Path], part: str) -> list[Image.Image]:
        images = []
        for path in paths:
            try:
                info = path.stat()
                images.append(decode_for_model(path, min_side)[0])
            except Exception:  # noqa: BLE001 - an unreadable file is skipped
                continue
            digest.update(f"{part}\0{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
        return images

    calibration_files, holdout_files = split_folder(files, count, holdout)
    images = read(calibration_files, "calibration")
    held = read(holdout_files, "holdout")
    if not images:
        raise UsageError(f"--calibrate: none of the images in {folder} could be read")
    return images, held, f"dir-{digest.hexdigest()[:8]}"


def transformed_batches(
    images: Iterable[Image.Image], transform: Callable, size: int = 16
) -> Iterator[np.ndarray]:
    """``images`` through ``transform`` (numpy arrays or CPU tensors), stacked ``size`` at a time."""
    import numpy as np

    chunk: list[Any] = []
    for image in images:
        chunk.append(np.asarray(transform(image), dtype=np.float32))
        if len(chunk) == size:
            yield np.stack(chunk)
            chunk = []
    if chunk:
        yield np.stack(chunk)


def quantize_int8(fp32_path: Path, out_path: Path, calibration: list[Any]) -> None:
    """``fp32_path`` quantised to int8 by :mod:`core.int8_recipe` (recipe :data:`INT8_RECIPE`),
    calibrated on ``calibration`` (batches of preprocessed pictures), written atomically."""
    import_onnxruntime()
    write_cache_file(out_path, lambda tmp: quantize_to(fp32_path, tmp, calibration))


def measure_agreement(fp32: OnnxRunner, int8: OnnxRunner, batches: Iterable[Any]) -> tuple[int, int]:
    """(equal top-1 count, image count) of two runners over ``batches`` of arrays."""
    same = total = 0
    for batch in batches:
        same += int((fp32.run(batch).argmax(1) == int8.run(batch).argmax(1)).sum())
        total += len(batch)
    return same, total


# --------------------------------------------------------------------------- building runners


@dataclass
class BackendRequest:
    """What a classifier needs to get its ONNX runner: the model and where it came from."""

    backend: str
    model: torch.nn.Module
    meta: ModelMeta
    weights_hash: str = ""
    device_type: str = "cpu"
    calibrate: Path | None = None
    on_status: StatusCallback | None = None

    def status(self, message: Message) -> None:
        if self.on_status is not None:
            self.on_status(message)


def build_runner(request: BackendRequest) -> OnnxRunner:
    """The ONNX Runtime runner for ``request.backend``, building and caching its model if needed.

    Raises :class:`UsageError` for an unknown backend, a missing onnxruntime, a model that cannot
    be built or an int8 model that disagrees with fp32 too often.
    """
    check_backend(request.backend)
    if request.backend in ("torch", AUTO_BACKEND):
        raise ValueError(f"the {request.backend} backend has no ONNX runner")
    ort = import_onnxruntime()
    meta = request.meta
    folder = model_folder(
        meta.arch,
        request.weights_hash or state_hash(request.model),
        meta.crop_size,
        ort.__version__,
        writable_cache(request.on_status),
    )
    fp32_path = folder / "model.onnx"

    def build() -> None:
        request.status(BUILDING_FP32(str(folder)))
        export_onnx(request.model, meta.crop_size, fp32_path)

    fp32 = _open_cached(request, fp32_path, "onnx", build)
    if request.backend == "onnx":
        return fp32
    return _int8_runner(request, folder, fp32)


def _open_cached(
    request: BackendRequest, path: Path, name: str, build: Callable[[], None], also: Path | None = None
) -> OnnxRunner:
    """A runner of the cached model at ``path``: built when missing; when it cannot be opened or
    gives the wrong shape, deleted (with ``also``, its check) and built again once, saying so."""
    if not path.is_file():
        build()
        return _checked_runner(request, path, name, rebuilt=True)
    try:
        return _checked_runner(request, path, name)
    except UsageError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever a broken file raises, it is rebuilt
        reason = _first_line(exc)
        log.warning("cached ONNX model %s unusable (%s): rebuilding", path, reason)
        request.status(CACHE_REBUILT(str(path), reason))
        for stale in (path, also):
            if stale is not None:
                stale.unlink(missing_ok=True)
        build()
        return _checked_runner(request, path, name, rebuilt=True)


def _checked_runner(request: BackendRequest, path: Path, name: str, rebuilt: bool = False) -> OnnxRunner:
    """Open ``path`` and run one blank image: the output must be 1 x ``num_classes``, finite."""
    import numpy as np

    try:
        runner = OnnxRunner(path, request.device_type, name)
        side = request.meta.crop_size
        out = runner.run(np.zeros((1, 3, side, side), dtype=np.float32))
        if out.shape != (1, request.meta.num_classes) or not np.isfinite(out).all():
            raise ValueError(f"output of shape {tuple(out.shape)}, expected (1, {request.meta.num_classes})")
    except Exception as exc:
        if rebuilt:  # built just now and still unusable: no second rebuild, say what to do
            raise UsageError(CACHE_BROKEN(str(path.parent), _first_line(exc))) from exc
        raise
    return runner


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


def _int8_runner(request: BackendRequest, folder: Path, fp32: OnnxRunner) -> OnnxRunner:
    from core.preprocess import EvalTransform, decode_side

    meta = request.meta
    transform = EvalTransform(meta)  # equal to core.images.build_transform, without torch
    render_size = max(meta.resize_size, meta.crop_size)
    holdout_images: list[Image.Image] = []
    if request.calibrate is not None:
        calibration_images, holdout_images, calibration_id = folder_images(
            request.calibrate,
            CALIBRATION_IMAGES,
            HOLDOUT_IMAGES,
            decode_side(meta),  # as classify
        )
    else:
        calibration_images, calibration_id = None, "shapes"
    int8_path = int8_model_path(folder, calibration_id)
    check_path = int8_path.with_suffix(".json")
    check = _read_check(check_path) if int8_path.is_file() else None

    def build() -> None:
        nonlocal check
        request.status(BUILDING_INT8(calibration_id, str(folder)))
        images = calibration_images or rendered_images(CALIBRATION_SEED, CALIBRATION_IMAGES, render_size)
        check_path.unlink(missing_ok=True)  # no check may outlive the model it was made on
        quantize_int8(fp32.path, int8_path, list(transformed_batches(images, transform)))
        int8 = _checked_runner(request, int8_path, "onnx-int8", rebuilt=True)
        where = str(request.calibrate) if request.calibrate is not None else ""
        holdout = holdout_images or rendered_images(HOLDOUT_SEED, HOLDOUT_IMAGES, render_size)
        same, total = measure_agreement(fp32, int8, transformed_batches(holdout, transform, 32))
        check = Int8Check(same / total, total, calibration_id, where, bool(holdout_images))
        text = json.dumps(asdict(check)) + "\n"
        write_cache_file(check_path, lambda tmp: tmp.write_text(text))

    if check is None:
        int8_path.unlink(missing_ok=True)  # a model without its check is measured again
    int8 = _open_cached(request, int8_path, "onnx-int8", build, also=check_path)
    assert check is not None  # read from the cache, or measured by build()
    if check.agreement < MIN_INT8_AGREEMENT:
        raise UsageError(INT8_UNTRUSTED(check.describe(), f"{MIN_INT8_AGREEMENT * 100:.0f}"))
    int8.note = check.describe()
    return int8


def int8_model_path(folder: Path, calibration_id: str) -> Path:
    """Where the int8 model of ``folder``'s fp32 model, calibrated on ``calibration_id``, is
    cached (its check beside it, ``.json``); the name carries :data:`INT8_RECIPE`."""
    return folder / f"model-int8-r{INT8_RECIPE}-{calibration_id}.onnx"


def _read_check(path: Path) -> Int8Check | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        holdout, held_out = str(data.get("holdout", "")), bool(data.get("held_out", False))
        if holdout and "held_out" not in data:  # written as a sentence by an older version: measure again
            return None
        return Int8Check(
            float(data["agreement"]), int(data["images"]), str(data["calibration"]), holdout, held_out
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
