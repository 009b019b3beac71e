"""``reslens-cli``: the headless face of ResLens, for scripts and tests.

This file only wires the sub-commands (``core.cli_commands``, ``core.train``) into one
``argparse`` parser.

Exit codes: 0 success, 1 some inputs failed, 2 usage or weights errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from core import __version__, cli_batch, cli_commands, cli_explain

# Sub-command registrars, in the order ``--help`` lists them.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    cli_commands.add_classify,
    cli_explain.add_explain,
    cli_commands.add_summary,
    cli_commands.add_devices,
    cli_commands.add_weights,
    cli_commands.add_train,
    cli_commands.add_generate_shapes,
    cli_batch.add_batch,
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
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
