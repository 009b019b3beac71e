"""Shared test set-up: keep torch to the machine's cores, Qt offscreen, the interface English and
a cache folder of the run's own.

``RESLENS_LANG=en`` pins the interface language whatever ``LANG`` the machine has (and is
inherited by the app when a test starts it in a subprocess); the tests of the Chinese interface
install its translators themselves.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["RESLENS_LANG"] = "en"
# A cache of this run's own (exported ONNX models, Auto's decisions): a choice measured earlier on
# this machine, in the user's cache, must not decide which backend a test's figures come from.
_CACHE = tempfile.mkdtemp(prefix="reslens-test-cache-")
os.environ["RESLENS_CACHE"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
