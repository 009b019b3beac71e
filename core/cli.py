"""``reslens-cli``: the headless face of ResLens, for scripts and tests.

This file wires the sub-commands (``core.cli_commands``, ``core.cli_train``...) into one ``argparse``
parser and maps what escapes them to exit codes, once:

- 0 success; 1 some inputs failed (each listed on stderr);
- 2 usage, weights, download or output errors (:class:`~core.errors.ResLensError`), one line;
- 3 an internal error (a bug): one line, the traceback only with ``RESLENS_DEBUG=1``;
- 130 interrupted; 141 stdout closed early (``reslens-cli classify … --json | head -1``), quietly.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from core import (
    __version__,
    cli_batch,
    cli_commands,
    cli_degradation,
    cli_evaluate,
    cli_explain,
    cli_train,
    edition,
)
from core.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, ResLensError, describe
from core.export import printable
from core.lite import cli as lite_cli
from core.lite import refusals

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader went away
DEBUG_ENV = "RESLENS_DEBUG"

# Sub-command registrars, in the order ``--help`` lists them.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    cli_commands.add_classify,
    cli_explain.add_explain,
    cli_evaluate.add_evaluate,
    cli_commands.add_summary,
    cli_commands.add_devices,
    cli_commands.add_weights,
    cli_train.add_train,
    cli_train.add_generate_shapes,
    cli_batch.add_batch,
    cli_degradation.add_degradation,
    lite_cli.add_export,
    lite_cli.add_quick_train,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reslens-cli", description="ResLens: classify images with a ResNet, headless."
    )
    parser.add_argument("--version", action="version", version=f"ResLens {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    edition.enforce()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        refusals.check_command(args)  # Lite: a command that needs torch throughout says so first
        code = args.run(args)
        sys.stdout.flush()  # a closed pipe shows up here, inside the handler, not at exit
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ResLensError as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001 - a bug: say so in one line, distinct exit code
        if os.environ.get(DEBUG_ENV):
            traceback.print_exc()
        print(
            f"internal error: {printable(describe(exc))} "
            f"(a bug in ResLens; run with {DEBUG_ENV}=1 for the traceback and please report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _tolerant_streams() -> None:
    """Never crash on a character the terminal's encoding lacks: escape it instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a detached or closed stream
                reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
