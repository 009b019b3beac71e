"""The translations are complete and what the code asks for (issue 16).

* every string ``pyside6-lupdate`` extracts from ``gui/`` today is in the committed
  ``translations/reslens_zh_CN.ts`` with a finished Chinese translation that keeps its
  placeholders, mnemonic and file patterns, and is not the English left as it was (names and units
  excepted);
* lupdate's Python reader misses nothing: every literal in a ``tr()``/``translate()``/
  ``QT_TRANSLATE_NOOP`` call of ``gui/`` is among what it extracted (it silently drops, e.g.,
  ``translate(ctx, text, "", n)`` with a computed ``n``);
* every plural has its English forms (``reslens_en.ts``);
* the committed ``.qm`` files are what ``pyside6-lrelease`` makes of the committed ``.ts``.
"""

from __future__ import annotations

import ast
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import update_translations as ut  # noqa: E402

PLACEHOLDERS = re.compile(r"%[1-9n]|\{[^{}]*\}")  # Qt's %1..%9 and %n; {name} in older strings
MNEMONIC = re.compile(r"&(\w)")
FILE_PATTERN = re.compile(r"\*(?:\.\w+)?")
# Left as written in every language: names, units, formats (the glossary's list).
NAMES = re.compile(
    r"ResNet|ResLens|Grad-CAM|PyTorch|ONNX Runtime|ImageNet|torchvision|CUDA|CPU|MPS|int8|fp32|"
    r"GiB|MB|ms|px|CSV|JSON|PNG|SHA-256|MIT|Esc|Ctrl\+\w|Top-k|\d+"
)

try:
    ut.tool("lupdate")
    HAVE_TOOLS = True
except SystemExit:
    HAVE_TOOLS = False
needs_tools = pytest.mark.skipif(not HAVE_TOOLS, reason="pyside6-lupdate/lrelease not installed")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], ET.Element]:
    """What lupdate finds in gui/ now, in a fresh .ts."""
    ts = tmp_path_factory.mktemp("lupdate") / "fresh.ts"
    ut.lupdate(ts, language="zh_CN")
    return dict(ut.messages(ET.parse(ts)))


@pytest.fixture(scope="module")
def committed() -> dict[tuple[str, str, str], ET.Element]:
    return dict(ut.messages(ET.parse(ut.MAIN_TS)))


def _texts(message: ET.Element) -> list[str]:
    translation = message.find("translation")
    forms = translation.findall("numerusform")
    return [f.text or "" for f in forms] if forms else [translation.text or ""]


def _only_names(text: str) -> bool:
    """Whether ``text`` holds nothing to translate: placeholders, names, units, punctuation."""
    return not re.search(r"[A-Za-z]", NAMES.sub("", PLACEHOLDERS.sub("", text)))


@needs_tools
def test_every_gui_string_has_a_finished_chinese_translation(extracted, committed) -> None:
    problems = []
    for key, fresh in extracted.items():
        context, source, _ = key
        where = f"[{context}] {source!r}"
        message = committed.get(key)
        if message is None:
            problems.append(f"{where}: not in {ut.MAIN_TS.name} (run tools/update_translations.py)")
            continue
        if not ut.finished(message):
            problems.append(f"{where}: unfinished or empty")
            continue
        if (fresh.get("numerus") == "yes") != (message.get("numerus") == "yes"):
            problems.append(f"{where}: plural in one file, not in the other")
        for text in _texts(message):
            if text == source and not _only_names(source):
                problems.append(f"{where}: left in English")
            if sorted(PLACEHOLDERS.findall(text)) != sorted(PLACEHOLDERS.findall(source)):
                problems.append(f"{where}: placeholders {PLACEHOLDERS.findall(text)} in {text!r}")
            if MNEMONIC.findall(source) and [m.upper() for m in MNEMONIC.findall(text)] != [
                m.upper() for m in MNEMONIC.findall(source)
            ]:
                problems.append(f"{where}: the mnemonic &{MNEMONIC.findall(source)} is lost in {text!r}")
            if ";;" in source and FILE_PATTERN.findall(text) != FILE_PATTERN.findall(source):
                problems.append(f"{where}: the file patterns changed in {text!r}")
            if re.search(r"[\u4e00-\u9fff]", text) is None and not _only_names(source):
                problems.append(f"{where}: no Chinese in {text!r}")
    assert not problems, "\n".join(problems)


def _literal_calls(tree: ast.AST) -> list[str]:
    """The source text of every tr()/translate()/QT_TRANSLATE_NOOP call with literal text."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        position = {"tr": 0, "translate": 1, "QT_TRANSLATE_NOOP": 1, "QT_TR_NOOP": 0}.get(name)
        if position is None or len(node.args) <= position:
            continue
        text = node.args[position]
        if isinstance(text, ast.Constant) and isinstance(text.value, str):
            found.append(text.value)
    return found


@needs_tools
def test_lupdate_extracts_every_literal_the_code_translates(extracted) -> None:
    sources = {source for _, source, _ in extracted}
    missed = []
    for path in sorted((ROOT / "gui").rglob("*.py")):
        for text in _literal_calls(ast.parse(path.read_text(encoding="utf-8"))):
            if text not in sources:
                missed.append(f"{path.relative_to(ROOT)}: {text!r}")
    assert not missed, "lupdate did not extract:\n" + "\n".join(missed)


@needs_tools
def test_every_plural_has_its_english_forms(extracted) -> None:
    english = dict(ut.messages(ET.parse(ut.ENGLISH_TS)))
    plurals = [key for key, message in extracted.items() if message.get("numerus") == "yes"]
    assert plurals, "no plural strings found: the test would prove nothing"
    for key in plurals:
        assert key in english and ut.finished(english[key]), key
        one, many = _texts(english[key])
        assert "%n" in one and "%n" in many and "(s)" not in one + many, (key, one, many)


@needs_tools
@pytest.mark.parametrize("ts", [ut.MAIN_TS, ut.ENGLISH_TS], ids=lambda p: p.name)
def test_committed_qm_is_what_lrelease_makes_of_the_ts(ts: Path, tmp_path: Path) -> None:
    copy = tmp_path / ts.name
    shutil.copy(ts, copy)
    made = ut.lrelease(copy)
    assert made.read_bytes() == ts.with_suffix(".qm").read_bytes(), (
        f"{ts.with_suffix('.qm').name} is stale: run tools/update_translations.py"
    )


def test_merge_copies_finished_translations_only(tmp_path: Path) -> None:
    """``--merge``: a part's finished translations replace the main file's, matched by context
    and source; its unfinished ones do not."""
    main = tmp_path / "main.ts"
    part = tmp_path / "part.ts"
    header = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="zh_CN">'
    main.write_text(
        f"{header}<context><name>A</name>"
        '<message><source>One</source><translation type="unfinished"></translation></message>'
        '<message><source>Two</source><translation type="unfinished"></translation></message>'
        "</context></TS>",
        encoding="utf-8",
    )
    part.write_text(
        f"{header}<context><name>A</name>"
        "<message><source>One</source><translation>一</translation></message>"
        '<message><source>Two</source><translation type="unfinished">二</translation></message>'
        "</context><context><name>B</name>"
        "<message><source>One</source><translation>壹</translation></message>"
        "</context></TS>",
        encoding="utf-8",
    )
    assert ut.merge(part, main) == 1
    merged = dict(ut.messages(ET.parse(main)))
    assert merged[("A", "One", "")].findtext("translation") == "一"
    assert not ut.finished(merged[("A", "Two", "")])


def test_the_bundle_keeps_the_translations_it_uses() -> None:
    """build.spec: ours go to translations/, Qt's qtbase_zh_CN.qm stays, Qt's others go."""
    tree = ast.parse((ROOT / "build.spec").read_text(encoding="utf-8"))
    wanted = {"GTK_ONLY", "QT_TRANSLATIONS_KEPT", "_unwanted"}
    nodes = [
        n
        for n in tree.body
        if (isinstance(n, ast.FunctionDef) and n.name in wanted)
        or (isinstance(n, ast.Assign | ast.AugAssign) and ast.unparse(n).split()[0] in wanted)
    ]
    namespace: dict = {"Path": Path}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), "build.spec", "exec"), namespace)
    unwanted = namespace["_unwanted"]
    assert not unwanted("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert unwanted("PySide6/Qt/translations/qtbase_de.qm")
    assert unwanted("PySide6/Qt/translations/qtdeclarative_zh_CN.qm")
    assert not unwanted("translations/reslens_zh_CN.qm")
    assert '(str(qm), "translations")' in (ROOT / "build.spec").read_text(encoding="utf-8")
    assert ut.MAIN_TS.with_suffix(".qm").is_file() and ut.ENGLISH_TS.with_suffix(".qm").is_file()


def test_the_deb_recommends_a_cjk_font() -> None:
    control = (ROOT / "packaging" / "linux" / "control.in").read_text(encoding="utf-8")
    recommends = next(line for line in control.splitlines() if line.startswith("Recommends:"))
    assert "fonts-noto-cjk" in recommends


def _all_core_kinds() -> dict[str, object]:
    """Every message kind core defines: each core module imported, so each ``kind()`` has run."""
    import importlib
    import pkgutil

    import core
    from core.messages import KINDS

    for module in pkgutil.walk_packages(core.__path__, "core."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    return {code: k for code, k in KINDS.items() if not code.startswith("test.")}


def test_every_core_message_is_in_the_catalogue_and_its_plurals_are_numerus(committed) -> None:
    """A kind's template is the key of its translation: it must be there, finished, and a template
    with %n must be a numerus message (lupdate reads ``translate(ctx, text, None, 0)`` so only
    with a literal count)."""
    kinds = _all_core_kinds()
    assert len(kinds) > 10
    by_source = {source: m for (context, source, _), m in committed.items() if context == "Messages"}
    for code, kind in kinds.items():
        message = by_source.get(kind.template)
        assert message is not None, f"{code}: {kind.template!r} is not in {ut.MAIN_TS.name}"
        assert (message.get("numerus") == "yes") == kind.plural, f"{code}: numerus should be {kind.plural}"
        assert all(_texts(message)), f"{code}: not translated"
