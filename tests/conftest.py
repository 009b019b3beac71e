"""Shared test set-up: keep torch to the machine's cores, Qt offscreen and the interface English.

``RESLENS_LANG=en`` pins the interface language whatever ``LANG`` the machine has (and is
inherited by the app when a test starts it in a subprocess); the tests of the Chinese interface
install its translators themselves.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["RESLENS_LANG"] = "en"
