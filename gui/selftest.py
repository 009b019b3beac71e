"""``reslens --self-test``: check an installation end to end and print one line of JSON.

Full edition: runs :func:`core.selftest.run_selftest` (bundled model on the best device, the
bundled samples, the architecture tree), teaches a tiny model in a process of its own as Train
New Model does (:func:`_train_in_a_process`), then opens and closes the main window, offscreen
when there is no display.

Lite edition (no torch installed, or ``RESLENS_EDITION=lite``): :func:`core.selftest.run_lite_selftest`
(the bundled Lite model file with ONNX Runtime, the samples, the tree stored in the file), a quick
head taught from two classes of the samples in a spawned process (:func:`_lite_teach_in_a_process`),
the same window, and ``torch_imported``: whether torch was imported here or in the child
(:func:`core.edition.torch_imported`), which must be false.

Prints ``{"version", "edition", "device", "samples_right", "samples_total", "arch_params",
"trained", "seconds", "ok"}`` (Lite adds ``torch_imported``; ``wrong`` and ``errors`` are added
when something failed) and exits 0 only when everything worked and every sample was right.

The window uses throw-away settings in a temporary folder: the self-test starts from the
defaults (the bundled model) and leaves the user's settings alone.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RESULT_FILE = "reslens-selftest.json"  # where the line goes when there is no stdout (Windows GUI exe)
SHOW_TIMEOUT_S = 30.0
TRAIN_TIMEOUT_S = 180.0  # the longest wait for one word from the training process
TRAIN_CLASSES = ("circle", "square")  # two of the bundled samples' classes, both of their pictures
SUMMARY_KEYS = ("version", "edition", "device", "samples_right", "samples_total", "arch_params")


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _open_and_close_window(argv: Sequence[str]) -> None:
    """Build the main window as the app does, wait until it is on screen, close it."""
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings

    from gui.app import create_application
    from gui.main_window import MainWindow
    from gui.settings import Settings

    app, _ = create_application(argv)
    with tempfile.TemporaryDirectory(prefix="reslens-selftest-") as tmp:
        store = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Settings(store))
        window.show()
        deadline = time.monotonic() + SHOW_TIMEOUT_S
        handle = window.windowHandle()
        while not (handle is not None and handle.isExposed()) and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
            handle = window.windowHandle()
        exposed = handle is not None and handle.isExposed()
        app.processEvents()
        # No event processing after close(): signals the worker queued before it stopped would
        # reach a closed window (and could start its threads again).
        closed = window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        del window, store
    if not exposed:
        raise RuntimeError(f"the main window was not shown within {SHOW_TIMEOUT_S:.0f} s")
    if not closed:
        raise RuntimeError("the main window refused to close")


def _train_in_a_process() -> Path:
    """Teach a two-class model from the bundled samples in a spawned process, the way the
    training window does (:mod:`gui.teach.train_process`), and return where it was saved.

    In a PyInstaller bundle this starts the frozen executable again as a multiprocessing child:
    that works only when ``packaging/entry.py`` calls ``freeze_support()`` first and the training
    code is in the bundle, which nothing else the self-test does would show.
    """
    from core.dataset import from_class_files
    from core.paths import asset
    from core.train import plan_training
    from gui.teach.train_process import start_training

    samples = asset("samples")
    training_set = from_class_files(
        {name: [samples / f"{name}.jpg", samples / f"{name}-drawn.jpg"] for name in TRAIN_CLASSES}
    )
    plan = plan_training(
        training_set, input_size=32, resize_size=32, epochs=1, head_epochs=2, batch_size=4, seed=0
    )
    out = Path(tempfile.mkdtemp(prefix="reslens-selftest-")) / "selftest.safetensors"
    run = start_training(training_set, plan, out)
    process, receive = run.process, run.receive
    try:
        while True:
            if not receive.poll(TRAIN_TIMEOUT_S):
                raise RuntimeError(f"no word from the training process in {TRAIN_TIMEOUT_S:.0f} s")
            kind, value = receive.recv()
            if kind == "failed":
                raise RuntimeError(value)
            if kind == "done":
                break
    except EOFError:
        process.join(10)
        code = process.exitcode
        raise RuntimeError(f"the training process ended without a result (exit code {code})") from None
    finally:
        receive.close()
        process.join(30)
        if process.is_alive():
            process.kill()
    if value.weights is None or not Path(value.weights).is_file():
        raise RuntimeError("the training process reported no saved model")
    return Path(value.weights)


def _lite_teach_child(send: Any, data: str, out: str) -> None:
    """The spawned process of :func:`_lite_teach_in_a_process`: apply the edition (the Lite
    bundle has no torch; ``RESLENS_EDITION=lite`` blocks it here as in the parent), teach, and
    send ``("done", (right, total, torch_imported))`` or ``("failed", text)``."""
    from core import edition

    edition.enforce()
    try:
        from core.selftest import lite_teach_check

        right, total = lite_teach_check(Path(data), Path(out))
        send.send(("done", (right, total, edition.torch_imported())))
    except Exception as exc:  # noqa: BLE001 - crosses the pipe as text, reported in the JSON line
        from core.errors import describe

        send.send(("failed", describe(exc)))
    finally:
        send.close()


def _lite_teach_in_a_process() -> bool:
    """Teach a quick head on two classes of the bundled samples in a spawned process; returns
    whether torch was imported there. Raises when the head was not made or sorts its own
    training pictures wrongly.

    A process of its own, not a call here, although the quick head takes a second: the frozen
    Lite executable must be able to start itself as a multiprocessing child (``freeze_support``
    in ``packaging/entry.py``) for any work the window hands to a process, and only a real child
    shows that; it also shows that teaching, in a fresh interpreter, never pulls torch in.
    Starting the child costs about a second in the Lite bundle (no torch to import).
    """
    import multiprocessing

    from core.paths import asset

    work = Path(tempfile.mkdtemp(prefix="reslens-selftest-"))
    try:
        for name in TRAIN_CLASSES:
            folder = work / "data" / name
            folder.mkdir(parents=True)
            for picture in (f"{name}.jpg", f"{name}-drawn.jpg"):
                shutil.copyfile(asset("samples", picture), folder / picture)
        context = multiprocessing.get_context("spawn")
        receive, send = context.Pipe(duplex=False)
        args = (send, str(work / "data"), str(work / "quick.onnx"))
        process = context.Process(target=_lite_teach_child, args=args, daemon=True)
        process.start()
        send.close()
        try:
            if not receive.poll(TRAIN_TIMEOUT_S):
                raise RuntimeError(f"no word from the teaching process in {TRAIN_TIMEOUT_S:.0f} s")
            kind, value = receive.recv()
        except EOFError:
            process.join(10)
            code = process.exitcode
            raise RuntimeError(f"the teaching process ended without a result (exit code {code})") from None
        finally:
            receive.close()
            process.join(30)
            if process.is_alive():
                process.kill()
        if kind == "failed":
            raise RuntimeError(value)
        right, total, torch_imported = value
        if total == 0 or right != total:
            raise RuntimeError(f"the taught model sorted {right} of its {total} training pictures")
        return bool(torch_imported)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _emit(line: str) -> None:
    """One line on stdout; a windowed Windows executable has none, so a file in %TEMP% then."""
    if sys.stdout is not None:
        print(line, flush=True)
    else:
        (Path(tempfile.gettempdir()) / RESULT_FILE).write_text(line + "\n", encoding="utf-8")


def run(argv: Sequence[str] = ()) -> dict[str, Any]:
    """The self-test's summary as a dict (what :func:`main` prints), for the edition installed."""
    if not _has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication exists
    from core import edition

    edition.enforce()
    return _run_full(argv) if edition.has_torch() else _run_lite(argv)


def _run_full(argv: Sequence[str]) -> dict[str, Any]:
    start = time.perf_counter()

    from core.errors import describe
    from core.selftest import run_selftest

    report = run_selftest("auto")
    trained = False
    try:
        weights = _train_in_a_process()
        trained = True
        shutil.rmtree(weights.parent, ignore_errors=True)
    except Exception as exc:  # noqa: BLE001 - reported in the JSON line, exit code 1
        report.errors.append(f"training: {describe(exc)}")
    _window(argv, report.errors)
    return _summary(report, trained, start)


def _run_lite(argv: Sequence[str]) -> dict[str, Any]:
    start = time.perf_counter()

    from core import edition
    from core.errors import describe
    from core.selftest import run_lite_selftest

    report = run_lite_selftest()
    trained, child_torch = False, False
    try:
        child_torch = _lite_teach_in_a_process()
        trained = True
    except Exception as exc:  # noqa: BLE001 - reported in the JSON line, exit code 1
        report.errors.append(f"teaching: {describe(exc)}")
    _window(argv, report.errors)
    torch_imported = edition.torch_imported() or child_torch
    if torch_imported:
        report.errors.append("torch was imported: ResLens Lite must run without it")
    return _summary(report, trained, start, {"torch_imported": torch_imported})


def _window(argv: Sequence[str], errors: list[str]) -> None:
    """Open and close the main window; a failure goes to ``errors``."""
    from core.errors import describe

    try:
        _open_and_close_window(argv)
    except Exception as exc:  # noqa: BLE001 - reported in the JSON line, exit code 1
        errors.append(f"window: {describe(exc)}")


def _summary(report: Any, trained: bool, start: float, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON line's fields from ``report`` (``wrong`` and ``errors`` only after a failure)."""
    data = report.to_dict()
    summary = {key: data[key] for key in SUMMARY_KEYS}
    summary["trained"] = trained
    summary.update(extra or {})
    summary["seconds"] = round(time.perf_counter() - start, 2)
    summary["ok"] = report.ok and trained
    if not summary["ok"]:
        summary["wrong"] = data["wrong"]
        summary["errors"] = data["errors"]
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    """Run the self-test, print its one-line JSON summary, return 0 only if all was right."""
    argv = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--self-test"]
    summary = run(argv)
    _emit(json.dumps(summary))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
