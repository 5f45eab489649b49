"""Which language dupfinder speaks, and the gettext catalogue of the text shared by the CLI and the GUI (no Qt).

The command line and `dupfinder.formatting` translate through gettext (`_`, `ngettext` below) with the catalogues in
`resources/locale/<lang>/LC_MESSAGES/dupfinder.mo`; the desktop app translates its own widgets with Qt's system
(`dupfinder/gui/translation.py`) and sets this module's language to the same one, so the shared text (progress
lines, sizes, how a copy differs) matches the window's language.

The language: `DUPFINDER_LANG` when set (`en`, `zh_CN`, `ru`, or `system`), else the usual environment (LANGUAGE,
LC_ALL, LC_MESSAGES, LANG); the app passes its setting or the system locale instead.
"""

from __future__ import annotations

import gettext
import os
from importlib import resources
from pathlib import Path

DOMAIN = "dupfinder"
LANGUAGES = ("en", "zh_CN", "ru")  # English is the source language: no catalogue
_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def resource_dir() -> Path:
    """The shipped resources: `dupfinder/resources` in a wheel, else the repo's `resources/` (a checkout)."""
    try:
        shipped = Path(str(resources.files("dupfinder") / "resources"))
        if shipped.is_dir():
            return shipped
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - a frozen or unusual install
        pass
    return Path(__file__).resolve().parents[1] / "resources"


def locale_dir() -> Path:
    return resource_dir() / "locale"


def supported(name: str | None) -> str | None:
    """The shipped language for a locale name ('ru_RU.UTF-8' -> 'ru', 'zh_CN' / 'zh-Hans' -> 'zh_CN', 'en_GB' ->
    'en'), or None when dupfinder has no catalogue for it."""
    if not name:
        return None
    base = name.split(".")[0].split("@")[0].replace("-", "_")
    lang = base.split("_")[0].lower()
    if lang in ("en", "c", "posix"):
        return "en"
    if lang == "ru":
        return "ru"
    if lang == "zh" and not any(tag in base for tag in ("TW", "HK", "MO", "Hant")):
        return "zh_CN"  # Simplified Chinese; Traditional has no catalogue yet
    return None


def language_from_environment(environ=os.environ) -> str:
    """DUPFINDER_LANG, then the first of LANGUAGE (a colon list), LC_ALL, LC_MESSAGES, LANG that is set."""
    override = environ.get("DUPFINDER_LANG", "").strip()
    if override and override != "system":
        return supported(override) or "en"
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "")
        if not value:
            continue
        if var == "LANGUAGE":
            for item in value.split(":"):
                if supported(item):
                    return supported(item) or "en"
            continue
        return supported(value) or "en"
    return "en"


def set_language(language: str) -> str:
    """Use the catalogue of `language` (one of LANGUAGES; anything else means English). Returns the language used."""
    global _translation, _language
    language = language if language in LANGUAGES else "en"
    if language == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, str(locale_dir()), [language], fallback=True)
    _language = language
    return language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for n in the current language (Russian has three, Chinese one); format it with `n` afterwards."""
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; translate it with `_` where it is shown."""
    return message


set_language(language_from_environment())
