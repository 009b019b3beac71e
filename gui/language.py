"""The interface language: which one to use, and Qt's translators that make it so.

ResLens speaks English (the source strings, and ``translations/reslens_en.qm`` for their plural
forms) and Simplified Chinese (``translations/reslens_zh_CN.qm``), both made by
``tools/update_translations.py``. The language follows the system
locale unless View ▸ Language chose one (the ``ui/language`` setting); ``$RESLENS_LANG`` beats
both, so the test suite and scripts can pin English whatever ``LANG`` the machine has.

Translators are installed once, before the first widget is made: a widget translates its
strings when it is built, so a change of language takes effect at the next start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGE_ENV = "RESLENS_LANG"
SYSTEM, ENGLISH, CHINESE = "system", "en", "zh_CN"
CHOICES = (SYSTEM, ENGLISH, CHINESE)  # what View ▸ Language offers, in its order
CATALOG = "reslens"  # translations/reslens_<language>.qm
QT_CATALOG = "qtbase"  # Qt's own strings: file dialogs, OK/Cancel, context menus

_installed: list[QTranslator] = []  # kept alive: Qt does not own an installed translator
_current = ENGLISH  # the language the translators installed speak


def normalised(choice: object) -> str:
    """A saved choice as one of :data:`CHOICES`; anything else (an older or foreign value)
    reads as ``system``."""
    text = str(choice or "").strip()
    return text if text in CHOICES else SYSTEM


def ui_language(choice: object, system: QLocale | None = None, env: str | None = None) -> str:
    """The language to show: ``en`` or ``zh_CN``.

    ``env`` (``$RESLENS_LANG`` when not given) wins over ``choice`` (the setting); ``system``
    picks Simplified Chinese for a Chinese locale written in Simplified characters (zh_CN, zh_SG,
    or plain ``zh``) and English for every other one: Traditional Chinese readers (zh_TW, zh_HK)
    get English rather than a script they did not ask for.
    """
    env = os.environ.get(LANGUAGE_ENV, "") if env is None else env
    wanted = normalised(env) if env.strip() in CHOICES else normalised(choice)
    if wanted != SYSTEM:
        return wanted
    locale = system if system is not None else QLocale.system()
    simplified = locale.script() in (QLocale.Script.SimplifiedHanScript, QLocale.Script.AnyScript)
    return CHINESE if locale.language() == QLocale.Language.Chinese and simplified else ENGLISH


def translations_dir() -> Path:
    """ResLens' ``translations/`` folder: in a PyInstaller bundle beside ``assets/``, from source
    beside the ``gui`` package."""
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        return Path(bundle_root) / "translations"
    return Path(__file__).resolve().parent.parent / "translations"


def qt_translations_dirs() -> list[Path]:
    """Where Qt's own ``qtbase_*.qm`` may be: PySide6's translations folder and, in a bundle,
    the copy PyInstaller made of it (``PySide6/Qt/translations``)."""
    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        folders.insert(0, Path(bundle_root) / "PySide6" / "Qt" / "translations")
    return folders


def install_translators(app: QCoreApplication, language: str) -> list[str]:
    """Install the translators for ``language`` on ``app``; returns the catalogues loaded, so a
    missing one can be reported. Translators installed before by this function are removed.

    English too has a catalogue, ``reslens_en.qm``: only the plural forms ("%n image(s)" ->
    "1 image", "2 images"), as Qt's plural handling expects of the source language."""
    global _current
    remove_translators(app)
    _current = language
    loaded = []
    ours = QTranslator(app)
    if ours.load(f"{CATALOG}_{language}", str(translations_dir())):
        loaded.append(ours.filePath())
        _install(app, ours)
    if language == ENGLISH:  # English is the source text; its catalogue holds only plural forms
        QLocale.setDefault(QLocale.system())  # as before any translator: numbers as the system writes them
        return loaded
    QLocale.setDefault(QLocale(language))  # dates, numbers and Qt's dialogs in that locale
    for folder in qt_translations_dirs():
        qt = QTranslator(app)
        if qt.load(f"{QT_CATALOG}_{language}", str(folder)):
            loaded.append(qt.filePath())
            _install(app, qt)
            break
    return loaded


def _install(app: QCoreApplication, translator: QTranslator) -> None:
    app.installTranslator(translator)
    _installed.append(translator)


def current_language() -> str:
    """The interface language in use: ``en`` until :func:`install_translators` chose another."""
    return _current


def remove_translators(app: QCoreApplication) -> None:
    """Take back every translator :func:`install_translators` installed (tests switch back)."""
    while _installed:
        app.removeTranslator(_installed.pop())


def language_name(choice: str) -> str:
    """The menu text of a choice: each language in its own name, ``System`` translated."""
    if choice == CHINESE:
        return "简体中文"
    if choice == ENGLISH:
        return "English"
    return QCoreApplication.translate("Language", "&System Language")


def missing_font_message() -> str:
    """What to install when no font can draw Simplified Chinese (else ""). In English on purpose:
    without such a font Chinese text would be boxes."""
    from PySide6.QtGui import QFontDatabase

    if QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        return ""
    return (
        "No font for Chinese text was found, so the Chinese interface shows boxes. Install one "
        "(Debian and Ubuntu: sudo apt install fonts-noto-cjk; Fedora: google-noto-sans-cjk-fonts) "
        "and restart, or choose View > Language > English."
    )
