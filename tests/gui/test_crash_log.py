"""A crash leaves every thread's stack in crash.log (faulthandler), and the next start says so."""

from __future__ import annotations

import faulthandler
import os
import subprocess
import sys
from pathlib import Path

from gui.app import CRASH_LOG, enable_crash_log

CRASH = """
import faulthandler, sys, threading
from gui.app import enable_crash_log
enable_crash_log(__import__("pathlib").Path(sys.argv[1]))
t = threading.Thread(target=faulthandler._sigsegv, name="reslens-inference")
t.start(); t.join()
"""


def test_a_segfault_is_logged_and_reported_at_the_next_start(tmp_path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-c", CRASH, str(tmp_path)]
    done = subprocess.run(command, env=env, capture_output=True, timeout=60)
    assert done.returncode != 0
    log = (tmp_path / CRASH_LOG).read_text()
    assert "--- ResLens" in log and "Fatal Python error: Segmentation fault" in log
    assert "_sigsegv" in log or "Current thread" in log
    try:
        path, crashed = enable_crash_log(tmp_path)
        assert path == tmp_path / CRASH_LOG and crashed
        _, crashed_again = enable_crash_log(tmp_path)  # that start ended without a crash
        assert not crashed_again
    finally:
        faulthandler.enable(sys.__stderr__)  # back to pytest's own report


NO_TRITON = """
import sys
from gui.worker import ClassifierWorker
worker = ClassifierWorker()
worker.prepare()  # imports torch, torchvision and core as the inference thread does
maps = open("/proc/self/maps").read()
print("torch" in sys.modules, sys.modules.get("triton", "absent"), "libtriton" in maps)
"""


def test_the_worker_keeps_triton_and_its_llvm_out_of_the_process(tmp_path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env["QT_QPA_PLATFORM"] = "offscreen"
    command = [sys.executable, "-c", NO_TRITON]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["True", "None", "False"], done.stderr[-2000:]
