"""Entry point of the frozen CLI (``reslens-lite-cli``; PyInstaller runs this file as ``__main__``).

A console executable beside the window's in the same folder, sharing its libraries (one
``Analysis`` in ``build.spec``). ``freeze_support()`` first, as in ``entry.py``: a process the CLI
spawns re-launches this executable, which must then run the child's code and exit.
"""

import multiprocessing

multiprocessing.freeze_support()

import sys  # noqa: E402

if __name__ == "__main__":
    from core.cli import main  # applies the edition itself (core.edition.enforce)

    sys.exit(main())
