"""Entry point of the frozen app (PyInstaller runs this file as ``__main__``).

``multiprocessing.freeze_support()`` must come first: a frozen executable re-launched as a
multiprocessing child (DataLoader workers, process pools) has to run the child's code and exit
instead of opening a second window.

Started under a name ending in ``-cli`` it is the CLI: on Linux the Lite bundle's
``reslens-lite-cli`` is a link to ``reslens-lite`` (``build.spec``), which saves a second copy of
the 7 MB archive every PyInstaller executable carries. Windows and macOS get a console
executable of their own instead (``entry_cli.py``).
"""

import multiprocessing

multiprocessing.freeze_support()

import os  # noqa: E402
import sys  # noqa: E402


def _started_as_cli() -> bool:
    name = os.path.basename(sys.argv[0] if sys.argv else "")
    return name.removesuffix(".exe").endswith("-cli")


if __name__ == "__main__":
    if _started_as_cli():
        from core.cli import main  # applies the edition itself (core.edition.enforce)
    else:
        from gui.app import main  # handles --self-test too

    sys.exit(main())
