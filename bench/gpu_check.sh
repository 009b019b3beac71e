#!/usr/bin/env bash
# The GPU path end to end, on a machine with an NVIDIA GPU, in well under 5 minutes (issue 15):
#   1. reslens-cli devices;
#   2. the samples classified on CUDA (fp32, fp16, bf16) give the CPU's top-1;
#   3. ResNet-50 img/s at batch 64: torch fp32 vs bf16 autocast vs ONNX Runtime's CUDA provider
#      (if onnxruntime-gpu is installed), forward only, interleaved rounds;
#   4. backend Auto on CUDA (issue 27): what it picks among fp32, fp16 and bf16 autocast for the
#      bundled model and for ResNet-50, with its speed-up and agreement, and that the cached choice
#      is then used by `classify` with no backend flag.
# Usage, from the repository root:  bash bench/gpu_check.sh   (PYTHON=... to pick the interpreter)
set -euo pipefail
PYTHON=${PYTHON:-python}
export PYTHONPATH="${PYTHONPATH:-}:$(pwd)"
export RESLENS_CACHE=${RESLENS_CACHE:-$(mktemp -d)}

echo "== reslens-cli devices"
"$PYTHON" -m core.cli devices

# Without CUDA nothing below means anything: stop here, loudly, with a non-zero exit status.
if ! "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
    echo "FAIL: torch sees no CUDA device (torch $("$PYTHON" -c 'import torch; print(torch.__version__, "CUDA build:", torch.version.cuda)'))." >&2
    command -v nvidia-smi >/dev/null && nvidia-smi -L >&2 || echo "      (no nvidia-smi on PATH either)" >&2
    echo "      This check needs an NVIDIA GPU and a CUDA build of torch." >&2
    exit 1
fi
"$PYTHON" -c 'import torch; print("CUDA", torch.version.cuda, "|", torch.cuda.get_device_name(0))'

echo "== samples: CUDA top-1 against CPU top-1"
"$PYTHON" - <<'PY'
import sys
import torch
from core.inference import Classifier
from core.paths import samples_dir
from core.weights import load_weights

if not torch.cuda.is_available():
    sys.exit("no CUDA device: this check needs an NVIDIA GPU")
cpu = [r.top.label for r in Classifier.from_loaded(load_weights(None)).classify(samples_dir(), top_k=1)]
loaded = load_weights(None, device="cuda")
for precision in ("fp32", "fp16", "bf16"):
    results = Classifier.from_loaded(loaded, precision=precision).classify(samples_dir(), top_k=1)
    same = sum(r.top.label == c for r, c in zip(results, cpu, strict=True))
    print(f"cuda {precision}: {same}/{len(cpu)} equal to the CPU's top-1")
    if precision == "fp32" and same != len(cpu):
        sys.exit("FAIL: CUDA fp32 disagrees with the CPU")
PY

echo "== ResNet-50, batch 64, img/s (forward only, median of 5 interleaved rounds)"
"$PYTHON" - <<'PY'
import statistics, time
import torch
from core.metadata import ModelMeta
from core.inference import Classifier
from core.resnet import resnet50

torch.manual_seed(0)
meta = ModelMeta(arch="resnet50", categories=tuple(f"class {i}" for i in range(1000)))
model = resnet50().eval()
runs = {p: Classifier(model, meta, "cuda", precision=p) for p in ("fp32", "bf16", "fp16")}
try:
    import onnxruntime as ort
    if "CUDAExecutionProvider" in ort.get_available_providers():
        runs["onnx-cuda"] = Classifier(model, meta, "cuda", backend="onnx")
    else:
        print("(onnxruntime has no CUDA provider: install onnxruntime-gpu to compare it)")
except ImportError:
    print("(onnxruntime not installed)")
batch = torch.randn(64, 3, 224, 224)
for c in runs.values():
    c._probabilities(batch)  # warm-up, cuDNN autotune
rates = {name: [] for name in runs}
for _ in range(5):
    for name, c in runs.items():
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(5):
            c._probabilities(batch)  # includes the pinned host->device copy and softmax back
        torch.cuda.synchronize()
        rates[name].append(5 * 64 / (time.perf_counter() - start))
base = statistics.median(rates["fp32"])
for name, values in rates.items():
    m = statistics.median(values)
    print(f"{name:<10} {m:9.1f} img/s  ({m / base:.2f} x fp32)")
PY
echo "== Auto on CUDA: the fastest of fp32 / fp16 / bf16 autocast that agrees with fp32"
"$PYTHON" - <<'PY'
import json, time
import torch
from core.inference import Classifier
from core.messages import english
from core.metadata import ModelMeta
from core.resnet import resnet50
from core.weights import load_weights

def pick(name, classifier):
    start = time.perf_counter()
    decision = classifier.measure_auto()
    print(f"{name}: {english(decision.describe())}  ({time.perf_counter() - start:.1f} s to measure)")
    for t in decision.trials:
        print(f"    {t.name:<11} {t.images_per_s:9.1f} img/s  agreement {t.agreement:.3f}  "
              f"max |dp| {t.max_difference:.2e} {t.error}")
    return decision

bundled = load_weights(None, device="cuda")
pick("bundled ResNet-18", Classifier.from_loaded(bundled, backend="auto"))
torch.manual_seed(0)
meta = ModelMeta(arch="resnet50", categories=tuple(f"class {i}" for i in range(1000)))
decision = pick("ResNet-50 (random weights)", Classifier(resnet50().eval(), meta, "cuda", backend="auto"))
print(json.dumps(decision.to_json()))
PY
echo "== classify with no backend flag uses the cached choice"
"$PYTHON" -m core.cli classify assets/samples --device cuda --json --top-k 1 2>/dev/null \
    | "$PYTHON" -c 'import json, sys; d = json.load(sys.stdin); print({r["backend"] for r in d}, d[0]["auto"])'
echo "== done"
