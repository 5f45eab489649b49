"""The app's language: Qt translators for dupfinder's own catalogue and Qt's (file dialogs, message box buttons),
and the same language for the gettext text shared with the CLI (dupfinder.i18n, used by dupfinder.formatting).

Widgets translate with `self.tr(...)` (the context is the class, as pyside6-lupdate extracts it). Code outside a
QObject subclass (the window's mixins, module functions) uses a context class: `class ScanActions(Tr)` and
`ScanActions.tr(...)` — lupdate takes the context from the class name before `.tr(`, and so does Tr at run time
(a mixin's own `self.tr` would use the window's class name at run time, which lupdate cannot know).
Plurals: `tr("%Ln photo(s)", "", n)`, Qt's numerus forms (Russian three, Chinese one); %Ln writes the count grouped
as the language does (1,204 / 1 204).
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from dupfinder import i18n

log = logging.getLogger(__name__)

# The choices of the Language menu: the setting's value and the language's own name (never translated).
LANGUAGE_CHOICES = (("en", "English"), ("zh_CN", "简体中文"), ("ru", "Русский"))
_installed: list[QTranslator] = []


class Tr:
    """Base of a translation context: `Foo.tr(text, disambiguation, n)` translates in context 'Foo'."""

    @classmethod
    def tr(cls, text: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QCoreApplication.translate(cls.__name__, text, disambiguation, n)


def system_language() -> str:
    """The shipped language nearest the system's UI languages (QLocale.system()); English when none is shipped."""
    for name in [*QLocale.system().uiLanguages(), QLocale.system().name()]:
        found = i18n.supported(name)
        if found:
            return found
    return "en"


def resolve_language(setting: str | None) -> str:
    """The setting when it names a shipped language; else DUPFINDER_LANG when set; else the system's language."""
    if setting in i18n.LANGUAGES:
        return setting
    override = os.environ.get("DUPFINDER_LANG", "").strip()
    if override and override != "system":
        return i18n.supported(override) or "en"
    return system_language()


def translations_dir() -> str:
    return str(i18n.resource_dir() / "translations")


def install_translators(app: QCoreApplication, language: str) -> str:
    """Translate the app into `language` (en, zh_CN or ru; anything else: English) from now on: widgets made after
    this call show the translated text. Replaces the translators a previous call installed. Returns the language."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = i18n.set_language(language)
    # %Ln in the messages: counts grouped as the language writes them (1,204 / 1 204).
    QLocale.setDefault(QLocale({"zh_CN": "zh_CN", "ru": "ru_RU"}.get(language, "en_US")))
    names = [(f"dupfinder_{language}", translations_dir())]  # English too: its plural forms ("1 file", "2 files")
    if language != "en":
        names.insert(0, (f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)))
    for name, folder in names:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.info("no translation %s in %s", name, folder)
    return language
