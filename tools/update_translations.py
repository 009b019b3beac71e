"""Extract the interface's strings and build the translations: the one script of the Qt Linguist
workflow.

    python tools/update_translations.py                       # lupdate gui/ -> .ts, lrelease -> .qm
    python tools/update_translations.py --merge part_zh_CN.ts # first copy a part's translations in

1. ``pyside6-lupdate`` reads every ``tr()``/``translate()``/``QT_TRANSLATE_NOOP`` in ``gui/``
   and ``core/`` (core's messages are marked there: see ``core.messages``) into
   ``translations/reslens_zh_CN.ts`` (new strings come in unfinished, strings
   gone from the code are dropped) and the plural-only ``translations/reslens_en.ts``.
2. ``--merge PART.ts``: the finished translations of a part file (another branch's work on some
   of the strings) are copied into the main ``.ts`` where context, source and comment match.
3. English plural forms are filled from the source's own spelling: ``%n image(s)`` -> ``%n
   image`` / ``%n images``, ``%n class(es)`` -> ``%n class`` / ``%n classes``.
4. ``pyside6-lrelease`` compiles both into ``.qm`` files beside them, which are committed: an
   editable install (``pip install -e .``) has no build step, and the bundle copies them as
   they are. ``tests/test_translations.py`` checks the committed ``.qm`` are what this makes.

Translate in Qt Linguist (``pyside6-linguist translations/reslens_zh_CN.ts``) or any editor,
then run this script again.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core.messages import english_plural  # noqa: E402 - the CLI's plural rule, one owner

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "gui", ROOT / "core")
FOLDER = ROOT / "translations"
MAIN_TS = FOLDER / "reslens_zh_CN.ts"
ENGLISH_TS = FOLDER / "reslens_en.ts"


def tool(name: str) -> str:
    """``pyside6-<name>`` beside this Python (a venv's bin/), else on PATH."""
    for candidate in (Path(sys.executable).parent / f"pyside6-{name}", shutil.which(f"pyside6-{name}")):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    raise SystemExit(f"pyside6-{name} not found: install PySide6 (pip install -e .)")


def source_files(folders: tuple[Path, ...] = SOURCES) -> list[str]:
    files = (p for folder in folders for p in sorted(folder.rglob("*.py")))
    return [str(p) for p in files if "__pycache__" not in p.parts]


def lupdate(
    ts: Path, *, language: str, plural_only: bool = False, sources: tuple[Path, ...] = SOURCES
) -> None:
    """Bring ``ts`` up to date with the strings in ``sources`` (created when missing)."""
    ts.parent.mkdir(parents=True, exist_ok=True)
    args = [tool("lupdate"), *source_files(sources), "-ts", str(ts), "-no-obsolete", "-locations", "none"]
    args += ["-target-language", language, "-source-language", "en"]
    if plural_only:
        args.append("-pluralonly")
    subprocess.run(args, check=True, capture_output=True, text=True)


def lrelease(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    subprocess.run([tool("lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True, text=True)
    return qm


def key(context: ET.Element, message: ET.Element) -> tuple[str, str, str]:
    """What identifies a message: its context, source text and disambiguation comment."""
    return (
        context.findtext("name") or "",
        message.findtext("source") or "",
        message.findtext("comment") or "",
    )


def messages(tree: ET.ElementTree) -> list[tuple[tuple[str, str, str], ET.Element]]:
    return [(key(c, m), m) for c in tree.getroot().iter("context") for m in c.iter("message")]


def finished(message: ET.Element) -> bool:
    """A translation that is neither marked unfinished nor empty (every plural form filled)."""
    translation = message.find("translation")
    if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
        return False
    forms = translation.findall("numerusform")
    texts = [f.text for f in forms] if forms else [translation.text]
    return all(text and text.strip() for text in texts)


def merge(part: Path, into: Path) -> int:
    """Copy the finished translations of ``part`` into ``into``; returns how many were copied."""
    done = {k: m.find("translation") for k, m in messages(ET.parse(part)) if finished(m)}
    tree = ET.parse(into)
    copied = 0
    for k, message in messages(tree):
        source = done.get(k)
        if source is None:
            continue
        old = message.find("translation")
        if old is not None:
            message.remove(old)
        message.append(_copy(source))
        copied += 1
    _write(tree, into)
    return copied


def fill_english_plurals(ts: Path) -> int:
    """Give every English plural message its two forms, from ``(s)``/``(es)`` in the source."""
    tree = ET.parse(ts)
    filled = 0
    for _, message in messages(tree):
        if message.get("numerus") != "yes" or finished(message):
            continue
        source = message.findtext("source") or ""
        one, many = english_plural(source, 1), english_plural(source, 2)
        old = message.find("translation")
        if old is not None:
            message.remove(old)
        translation = ET.SubElement(message, "translation")
        for text in (one, many):
            ET.SubElement(translation, "numerusform").text = text
        filled += 1
    _write(tree, ts)
    return filled


def _copy(element: ET.Element) -> ET.Element:
    return ET.fromstring(ET.tostring(element, encoding="unicode"))


def _write(tree: ET.ElementTree, path: Path) -> None:
    """Written back as lupdate writes it (its next run keeps the layout)."""
    body = ET.tostring(tree.getroot(), encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--merge",
        metavar="PART.ts",
        type=Path,
        action="append",
        default=[],
        help="copy the finished translations of a part .ts into the main one first",
    )
    args = parser.parse_args(argv)
    lupdate(MAIN_TS, language="zh_CN")
    for part in args.merge:
        print(f"{part}: {merge(part, MAIN_TS)} translation(s) merged into {MAIN_TS.name}")
    lupdate(MAIN_TS, language="zh_CN")  # lupdate's own layout again after a merge
    lupdate(ENGLISH_TS, language="en", plural_only=True)
    fill_english_plurals(ENGLISH_TS)
    lupdate(ENGLISH_TS, language="en", plural_only=True)
    for ts in (MAIN_TS, ENGLISH_TS):
        tree = ET.parse(ts)
        todo = [k for k, m in messages(tree) if not finished(m)]
        qm = lrelease(ts)
        print(f"{ts.relative_to(ROOT)}: {len(messages(tree))} messages, {len(todo)} unfinished -> {qm.name}")
        for context, source, _ in todo[:20]:
            print(f"  unfinished: [{context}] {source[:70]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
