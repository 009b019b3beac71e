"""Take docs/screenshot-zh.png: bench/gui_screenshot.py's picture with the interface in Chinese.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tools/screenshot_zh.py docs/screenshot-zh.png
    xvfb-run -a -s "-screen 0 800x500x24" .venv/bin/python tools/screenshot_zh.py small.png --fill

It starts the app with ``$RESLENS_LANG=zh_CN`` (as a Chinese system or View ▸ Language ▸ 简体中文
would); the rest (samples classified, the architecture
panel on a block, the capture) is bench/gui_screenshot.py's. Needs a CJK font (Debian:
fonts-noto-cjk).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    from bench.gui_screenshot import main as screenshot
    from gui.app import create_application
    from gui.language import CHINESE, LANGUAGE_ENV, missing_font_message

    os.environ[LANGUAGE_ENV] = CHINESE  # read by gui.app.create_application, which installs it
    create_application([])  # the one the screenshot uses (it reuses an existing QApplication)
    if missing_font_message():
        raise SystemExit(missing_font_message())
    out = Path(argv[0]) if argv and not argv[0].startswith("--") else ROOT / "docs" / "screenshot-zh.png"
    return screenshot(out, fill="--fill" in argv)


if __name__ == "__main__":
    if not os.environ.get("DISPLAY"):
        raise SystemExit("run under an X server, e.g. xvfb-run (see the docstring)")
    sys.exit(main(sys.argv[1:]))
