"""Entry point of the frozen app (PyInstaller runs this file as ``__main__``).

``multiprocessing.freeze_support()`` must come first: a frozen executable re-launched as a
multiprocessing child (DataLoader workers, process pools) has to run the child's code and exit
instead of opening a second window.
"""

import multiprocessing

multiprocessing.freeze_support()

import sys  # noqa: E402

if __name__ == "__main__":
    from gui.app import main  # handles --self-test too

    sys.exit(main())
