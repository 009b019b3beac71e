"""``reslens-cli``: the headless face of ResLens, for scripts and tests.

Each sub-command lives in the module that owns its logic; this file only wires them into one
``argparse`` parser. Heavy imports (torch) happen inside the commands, so ``--help`` is instant.

Exit codes: 0 success, 1 some inputs failed, 2 usage or weights errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from core import __version__
from core.resnet import ARCHITECTURES

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _add_summary(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="print the architecture as a table (shapes, params, MACs)")
    p.add_argument("--arch", choices=list(ARCHITECTURES), default="resnet50")
    p.add_argument(
        "--input-size",
        type=int,
        nargs="+",
        default=[224],
        metavar="PX",
        help="side, or height and width, of the input image (default 224)",
    )
    p.add_argument("--num-classes", type=int, default=1000)
    p.add_argument(
        "--depth",
        type=int,
        default=2,
        help="how many levels of the tree to print (0 = totals only, -1 = all)",
    )
    p.set_defaults(run=_run_summary)


def _run_summary(args: argparse.Namespace) -> int:
    from core.resnet import build_resnet
    from core.summary import format_table, summarize

    if len(args.input_size) > 2 or min(args.input_size) < 32:
        print("error: --input-size takes one or two sides of at least 32 px", file=sys.stderr)
        return EXIT_USAGE
    size = args.input_size[0] if len(args.input_size) == 1 else tuple(args.input_size)
    model = build_resnet(args.arch, num_classes=args.num_classes)
    depth = None if args.depth < 0 else args.depth
    print(format_table(summarize(model, size), max_depth=depth))
    return EXIT_OK


# Sub-command registrars, in the order ``--help`` lists them.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_summary]


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
