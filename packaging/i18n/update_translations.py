#!/usr/bin/env python3
"""Re-extract every translatable string and recompile the catalogues; run it after changing any visible text.

    packaging/i18n/update_translations.py            # from the repository root, with the dev venv's python

GUI (Qt): pyside6-lupdate over dupfinder/gui -> resources/translations/dupfinder_<lang>.ts (new strings come in as
unfinished, translations of unchanged strings are kept, vanished ones are dropped), then pyside6-lrelease -> .qm.
CLI and dupfinder/formatting.py (gettext): the messages of _(), N_() and ngettext() -> resources/locale/dupfinder.pot,
merged into resources/locale/<lang>/LC_MESSAGES/dupfinder.po, compiled to dupfinder.mo (packaging/i18n/pocatalog.py).
Translate what is new (Qt Linguist or any editor for the .ts; any .po editor), then run this again to compile.
`--check` only reports untranslated messages (exit 1 if any).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pocatalog  # noqa: E402

LANGUAGES = ("zh_CN", "ru")
QT_LANGUAGES = ("en", *LANGUAGES)  # en: only the plural forms of the %Ln messages (lupdate -pluralonly)
TS_DIR = ROOT / "resources" / "translations"
LOCALE_DIR = ROOT / "resources" / "locale"
GETTEXT_SOURCES = ("dupfinder/cli.py", "dupfinder/cli_library.py", "dupfinder/formatting.py")
_COMMON = "Project-Id-Version: dupfinder\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
_COMMON += "Content-Transfer-Encoding: 8bit\n"
PO_HEADERS = {
    "zh_CN": _COMMON + "Language: zh_CN\nPlural-Forms: nplurals=1; plural=0;\n",
    "ru": _COMMON + "Language: ru\nPlural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);\n",
}


def qt_tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease next to this python (a venv), else on PATH."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 (pip install PySide6-Essentials) in this python")
    return found


def gui_sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "dupfinder" / "gui").glob("*.py"))


def update_qt() -> None:
    TS_DIR.mkdir(parents=True, exist_ok=True)
    for lang in QT_LANGUAGES:
        ts = TS_DIR / f"dupfinder_{lang}.ts"
        cmd = [qt_tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", "-target-language", lang]
        cmd += ["-pluralonly"] if lang == "en" else []
        subprocess.run([*cmd, *gui_sources(), "-ts", str(ts.relative_to(ROOT))], cwd=ROOT, check=True)
        compile_qt(ts, ts.with_suffix(".qm"))


def compile_qt(ts: Path, qm: Path) -> None:
    subprocess.run([qt_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


def gettext_template() -> list[pocatalog.Entry]:
    return pocatalog.extract([ROOT / name for name in GETTEXT_SOURCES], ROOT)


def update_gettext() -> None:
    template = gettext_template()
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    pocatalog.write_po(LOCALE_DIR / "dupfinder.pot", "Content-Type: text/plain; charset=UTF-8\n", template)
    for lang in LANGUAGES:
        po = LOCALE_DIR / lang / "LC_MESSAGES" / "dupfinder.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        old = pocatalog.read_po(po)[1] if po.exists() else []
        header = PO_HEADERS[lang]
        entries = pocatalog.merge(template, old, pocatalog.nplurals(header))
        pocatalog.write_po(po, header, entries)
        po.with_suffix(".mo").write_bytes(pocatalog.compile_mo(header, entries))


def untranslated() -> list[str]:
    missing = []
    for lang in QT_LANGUAGES:
        text = (TS_DIR / f"dupfinder_{lang}.ts").read_text(encoding="utf-8")
        unfinished = text.count('type="unfinished"')
        missing += [f"{lang}.ts: {unfinished} unfinished"] if unfinished else []
    for lang in LANGUAGES:
        _, entries = pocatalog.read_po(LOCALE_DIR / lang / "LC_MESSAGES" / "dupfinder.po")
        missing += [f"{lang}.po: {e.msgid!r}" for e in entries if not e.translated]
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list the untranslated messages")
    args = parser.parse_args()
    if not args.check:
        update_qt()
        update_gettext()
    missing = untranslated()
    for line in missing:
        print("untranslated:", line)
    return 1 if missing and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
