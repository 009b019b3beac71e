"""The modules an edition without torch stands on import, and work, with torch blocked.

DESIGN.md, "Two editions": the Lite edition ships ``gui/`` and the torch-free part of ``core/``
with ONNX Runtime, numpy and Pillow. The split is an import rule, checked here: each module below
is imported in a fresh interpreter whose import system refuses ``torch`` and ``torchvision`` (a
meta-path finder that raises ImportError), so a module that needs torch, even through another
module, fails this test instead of the Lite build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

TORCH_FREE = (
    "core.architectures",
    "core.auto_backend",  # Auto's measurement and cache, shared with Lite's Auto
    "core.cam_map",  # CAM results and drawing, both editions
    "core.class_names",
    "core.backends",  # the ONNX runner
    "core.cli_commands",
    "core.cli_progress",
    "core.errors",
    "core.export",
    "core.images",
    "core.labels",
    "core.lite.auto",  # Lite's Auto: its fp32 and int8 files measured
    "core.messages",
    "core.metadata",
    "core.opener",
    "core.options",
    "core.outputs",
    "core.paths",
    "core.preprocess",
    "core.results",
    "core.session",
    "core.shapes",  # rendered shapes: Auto's calibration set in Lite
    "core.sources",
    "core.summary",  # the tree, totals and table; summarize() itself needs torch
    "core.unknown",
)

BLOCK = """
import sys

class BlockTorch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "torchvision"):
            raise ImportError(f"torch is blocked in this test (import {name})")
        return None

sys.meta_path.insert(0, BlockTorch())
"""


def _run_blocked(code: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.run(
        [sys.executable, "-c", BLOCK + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_the_block_works() -> None:
    done = _run_blocked("import torch")
    assert done.returncode != 0 and "torch is blocked" in done.stderr


@pytest.mark.parametrize("module", TORCH_FREE)
def test_module_imports_without_torch(module: str) -> None:
    done = _run_blocked(f"import {module}")
    assert done.returncode == 0, f"{module} needs torch:\n{done.stderr[-2000:]}"


def test_preprocessing_and_tree_work_without_torch(tmp_path: Path) -> None:
    """Not only imports: decode a file, preprocess it, print an architecture table."""
    from PIL import Image

    picture = tmp_path / "p.png"
    Image.new("RGB", (50, 30), (200, 10, 10)).save(picture)
    done = _run_blocked(
        f"""
        from core.images import decode_for_model
        from core.metadata import ModelMeta
        from core.preprocess import EvalTransform, decode_side
        from core.summary import LayerNode, ModelSummary, format_table

        meta = ModelMeta("resnet18", ("a", "b"), crop_size=16, resize_size=18)
        image, size = decode_for_model({str(picture)!r}, decode_side(meta))
        array = EvalTransform(meta)(image)
        assert array.shape == (3, 16, 16) and size == (50, 30), (array.shape, size)
        root = LayerNode("", "ResNet", own_params=10, params=10, children=[])
        print(format_table(ModelSummary(root, (1, 3, 16, 16))).splitlines()[-2])
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Total params: 10" in done.stdout


def test_onnx_runner_works_without_torch(tmp_path: Path) -> None:
    """The ONNX runner of a tiny graph (global average pool, then a matrix product) on numpy."""
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    weight = np.arange(6, dtype=np.float32).reshape(3, 2)
    graph = helper.make_graph(
        [
            helper.make_node("GlobalAveragePool", ["input"], ["pooled"]),
            helper.make_node("Flatten", ["pooled"], ["flat"]),
            helper.make_node("MatMul", ["flat", "weight"], ["logits"]),
        ],
        "tiny",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 4, 4])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2])],
        [numpy_helper.from_array(weight, "weight")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = tmp_path / "tiny.onnx"
    onnx.save(model, str(path))
    done = _run_blocked(
        f"""
        import numpy as np
        from core.backends import OnnxRunner

        runner = OnnxRunner(__import__("pathlib").Path({str(path)!r}))
        logits = runner.run(np.ones((2, 3, 4, 4), dtype=np.float32))
        print(logits.tolist())
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str((np.ones((2, 3)) @ weight).tolist())
