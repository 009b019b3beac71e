"""Shared test set-up: keep torch to the machine's cores and Qt offscreen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
