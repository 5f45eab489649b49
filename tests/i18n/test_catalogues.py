"""The catalogues are complete, keep every placeholder, pick the right plural forms, are compiled from what is
committed, and hold every message of the source (a string added to the code without a re-extraction fails here)."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from i18n_catalogues import (
    LANGUAGES,
    LOCALE_DIR,
    NUMERUS_FORMS,
    PLACEHOLDER,
    ROOT,
    TS_DIR,
    po_entries,
    pocatalog,
    ts_messages,
)

LRELEASE = Path(sys.executable).parent / "pyside6-lrelease"
LUPDATE = Path(sys.executable).parent / "pyside6-lupdate"
needs_qt_tools = pytest.mark.skipif(not LRELEASE.exists(), reason="pyside6-lrelease is not installed with this python")


@pytest.mark.parametrize("lang", ["en", *LANGUAGES])
def test_every_qt_message_is_translated_with_its_placeholders(lang):
    messages = ts_messages(lang)
    assert messages
    for message in messages:
        source = message.findtext("source")
        translation = message.find("translation")
        assert translation.get("type") is None, f"{lang}: {source!r} is {translation.get('type')}"
        if message.get("numerus") == "yes":
            forms = [f.text or "" for f in translation.findall("numerusform")]
            assert len(forms) == NUMERUS_FORMS[lang], (lang, source)
        else:
            assert lang != "en", "the English catalogue holds plural forms only"
            forms = [translation.text or ""]
        for form in forms:
            assert form.strip(), (lang, source)
            assert Counter(PLACEHOLDER.findall(form)) == Counter(PLACEHOLDER.findall(source)), (lang, source, form)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_gettext_message_is_translated_with_its_placeholders(lang):
    header, entries = po_entries(lang)
    assert pocatalog.nplurals(header) == NUMERUS_FORMS[lang]
    assert entries
    for entry in entries:
        assert entry.translated, (lang, entry.msgid)
        assert len(entry.msgstr) == (1 if entry.msgid_plural is None else NUMERUS_FORMS[lang]), (lang, entry.msgid)
        for form in entry.msgstr:
            assert Counter(PLACEHOLDER.findall(form)) == Counter(PLACEHOLDER.findall(entry.msgid)), (lang, form)


@needs_qt_tools
@pytest.mark.parametrize("lang", ["en", *LANGUAGES])
def test_committed_qm_is_what_lrelease_makes(lang, tmp_path):
    ts, qm = TS_DIR / f"dupfinder_{lang}.ts", TS_DIR / f"dupfinder_{lang}.qm"
    subprocess.run([str(LRELEASE), "-silent", str(ts), "-qm", str(tmp_path / "fresh.qm")], check=True)
    assert (tmp_path / "fresh.qm").read_bytes() == qm.read_bytes(), "run packaging/i18n/update_translations.py"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_committed_mo_is_what_the_po_compiles_to(lang):
    header, entries = po_entries(lang)
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / "dupfinder.mo"
    assert pocatalog.compile_mo(header, entries) == mo.read_bytes(), "run packaging/i18n/update_translations.py"


def test_gettext_catalogue_holds_every_message_of_the_source():
    sys.path.insert(0, str(ROOT / "packaging" / "i18n"))
    import update_translations

    template = {(e.msgid, e.msgid_plural) for e in update_translations.gettext_template()}
    for lang in LANGUAGES:
        assert {(e.msgid, e.msgid_plural) for e in po_entries(lang)[1]} == template, "re-extract the messages"


@needs_qt_tools
def test_qt_catalogue_holds_every_message_of_the_source(tmp_path):
    """lupdate over the GUI code into a copy of the catalogue finds nothing new (and nothing vanished)."""
    copy = tmp_path / "dupfinder_ru.ts"
    shutil.copy(TS_DIR / "dupfinder_ru.ts", copy)
    sources = sorted(str(p) for p in (ROOT / "dupfinder" / "gui").glob("*.py"))
    subprocess.run([str(LUPDATE), "-silent", "-no-obsolete", "-locations", "none", *sources, "-ts", str(copy)],
                   check=True, capture_output=True)  # fmt: skip
    assert 'type="unfinished"' not in copy.read_text(encoding="utf-8"), "run packaging/i18n/update_translations.py"
    before = sorted(m.findtext("source") for m in ts_messages("ru"))
    import xml.etree.ElementTree as ET

    after = sorted(m.findtext("source") for m in ET.parse(copy).getroot().iter("message"))
    assert after == before


@pytest.mark.parametrize(
    ("n", "form"), [(1, "файл"), (2, "файла"), (4, "файла"), (5, "файлов"), (11, "файлов"), (21, "файл"), (22, "файла")]
)
def test_russian_gettext_plural_forms(n, form):
    translation = gettext.translation("dupfinder", str(LOCALE_DIR), ["ru"])
    text = translation.ngettext("Moved {n} file ({size}) to the trash.", "Moved {n} files ({size}) to the trash.", n)
    assert text.format(n=n, size="1 МБ").startswith(f"{n} {form} ")


def test_chinese_has_one_form():
    translation = gettext.translation("dupfinder", str(LOCALE_DIR), ["zh_CN"])
    one = translation.ngettext("{n} byte", "{n} bytes", 1)
    assert one == translation.ngettext("{n} byte", "{n} bytes", 7) == "{n} 字节"


def test_pocatalog_mo_reads_back_with_gettext(tmp_path):
    entries = [
        pocatalog.Entry("Hello", None, ["Привет"]),
        pocatalog.Entry("{n} file", "{n} files", ["{n} файл", "{n} файла", "{n} файлов"]),
        pocatalog.Entry("Untranslated", None, [""]),
    ]
    header = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : " \
             "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"  # fmt: skip
    (tmp_path / "t.mo").write_bytes(pocatalog.compile_mo(header, entries))
    with open(tmp_path / "t.mo", "rb") as fp:
        translation = gettext.GNUTranslations(fp)
    assert translation.gettext("Hello") == "Привет"
    assert translation.gettext("Untranslated") == "Untranslated"
    assert [translation.ngettext("{n} file", "{n} files", n) for n in (1, 3, 5)] == [
        "{n} файл",
        "{n} файла",
        "{n} файлов",
    ]
