"""The shipped catalogues, read for the translation tests: source texts and patterns that match them once filled."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TS_DIR = ROOT / "resources" / "translations"
LOCALE_DIR = ROOT / "resources" / "locale"
sys.path.insert(0, str(ROOT / "packaging" / "i18n"))

import pocatalog  # noqa: E402

LANGUAGES = ("zh_CN", "ru")
NUMERUS_FORMS = {"en": 2, "zh_CN": 1, "ru": 3}
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%L?n|%\(default\)s")


def ts_messages(lang: str) -> list[ET.Element]:
    return list(ET.parse(TS_DIR / f"dupfinder_{lang}.ts").getroot().iter("message"))


def po_entries(lang: str) -> tuple[str, list[pocatalog.Entry]]:
    return pocatalog.read_po(LOCALE_DIR / lang / "LC_MESSAGES" / "dupfinder.po")


def english_sources() -> list[str]:
    """Every English source text of both systems (Qt's with the & of mnemonics removed)."""
    texts = [m.findtext("source").replace("&", "") for m in ts_messages("ru")]
    for entry in po_entries("ru")[1]:
        texts += [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    return texts


def source_pattern(text: str) -> re.Pattern:
    """A source text as a regex: its placeholders ({name}, %n) match anything."""
    parts = PLACEHOLDER.split(text)
    return re.compile(".+".join(re.escape(part) for part in parts), re.DOTALL)
