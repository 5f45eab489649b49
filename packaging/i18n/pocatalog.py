"""The CLI's gettext catalogues without GNU gettext: extract the messages from the source (ast), merge them into the
.po files (translations kept by msgid), read a .po and compile it to a .mo byte for byte the same on every machine.

Only what dupfinder's catalogues use: `_("...")`, `N_("...")` and `ngettext("...", "...", n)` with literal strings,
msgid / msgid_plural / msgstr / msgstr[N] entries, `#:` references and `#,` flags. No msgctxt.
"""

from __future__ import annotations

import ast
import struct
from dataclasses import dataclass, field
from pathlib import Path

KEYWORDS = {"_": 1, "N_": 1, "ngettext": 2}


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def translated(self) -> bool:
        return all(self.msgstr) and "fuzzy" not in self.flags


def extract(files: list[Path], root: Path) -> list[Entry]:
    """The messages of `files` in order of first appearance, each with where it is used."""
    found: dict[tuple[str, str | None], Entry] = {}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEYWORDS):
                continue
            count = KEYWORDS[node.func.id]
            args = node.args[:count]
            if len(args) < count or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
                continue
            msgid = args[0].value
            plural = args[1].value if count == 2 else None
            entry = found.setdefault((msgid, plural), Entry(msgid, plural, ["", ""] if plural else [""]))
            entry.references.append(f"{path.relative_to(root).as_posix()}:{node.lineno}")
    return sorted(found.values(), key=lambda e: (e.references[0].split(":")[0], int(e.references[0].split(":")[1])))


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def read_po(path: Path) -> tuple[str, list[Entry]]:
    """(header msgstr, entries) of a .po file."""
    header = ""
    entries: list[Entry] = []
    current: Entry | None = None
    refs: list[str] = []
    flags: list[str] = []
    key = None

    def finish() -> None:
        nonlocal current, header
        if current is not None:
            if current.msgid == "":
                header = current.msgstr[0]
            else:
                entries.append(current)
        current = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#:"):
            if current is not None and key != "comment":
                finish()
            refs.extend(line[2:].split())
            continue
        if line.startswith("#,"):
            if current is not None:
                finish()
            flags.extend(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith("msgid "):
            finish()
            current = Entry(_unquote(line[6:]), None, [], refs, flags)
            refs, flags, key = [], [], "msgid"
        elif line.startswith("msgid_plural "):
            current.msgid_plural = _unquote(line[13:])
            key = "msgid_plural"
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            current.msgstr.append(_unquote(line[line.index("]") + 1 :].strip()))
            key = ("msgstr", index)
        elif line.startswith("msgstr "):
            current.msgstr.append(_unquote(line[7:]))
            key = ("msgstr", 0)
        elif line.startswith('"'):
            value = _unquote(line)
            if key == "msgid":
                current.msgid += value
            elif key == "msgid_plural":
                current.msgid_plural += value
            else:
                current.msgstr[-1] += value
    finish()
    return header, entries


def nplurals(header: str) -> int:
    for line in header.splitlines():
        if line.lower().startswith("plural-forms:"):
            return int(line.split("nplurals=")[1].split(";")[0])
    return 2


def write_po(path: Path, header: str, entries: list[Entry]) -> None:
    lines = ['msgid ""', "msgstr " + _quote("")]
    lines += [_quote(h + "\n") for h in header.rstrip("\n").split("\n")]
    for entry in entries:
        lines.append("")
        lines.append("#: " + " ".join(entry.references))
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        lines.append("msgid " + _quote(entry.msgid))
        if entry.msgid_plural is not None:
            lines.append("msgid_plural " + _quote(entry.msgid_plural))
            lines += [f"msgstr[{i}] " + _quote(text) for i, text in enumerate(entry.msgstr)]
        else:
            lines.append("msgstr " + _quote(entry.msgstr[0]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def merge(template: list[Entry], old: list[Entry], forms: int) -> list[Entry]:
    """The template's messages with the old translations of the same msgid (and plural); obsolete ones dropped."""
    known = {(e.msgid, e.msgid_plural): e for e in old}
    merged = []
    for entry in template:
        previous = known.get((entry.msgid, entry.msgid_plural))
        if entry.msgid_plural is None:
            msgstr = previous.msgstr[:1] if previous else [""]
        else:
            msgstr = (previous.msgstr if previous else [])[:forms]
            msgstr += [""] * (forms - len(msgstr))
        merged.append(
            Entry(entry.msgid, entry.msgid_plural, msgstr, entry.references, previous.flags if previous else [])
        )
    return merged


def compile_mo(header: str, entries: list[Entry]) -> bytes:
    """The GNU .mo file of the translated entries (untranslated and fuzzy ones are left out: gettext falls back to
    the English), sorted by msgid, without a hash table (Python's gettext does not use one)."""
    pairs = {"": header}
    for entry in entries:
        if not entry.translated:
            continue
        key = entry.msgid if entry.msgid_plural is None else entry.msgid + "\0" + entry.msgid_plural
        pairs[key] = "\0".join(entry.msgstr)
    keys = sorted(pairs)
    ids = [k.encode("utf-8") for k in keys]
    strs = [pairs[k].encode("utf-8") for k in keys]
    count = len(keys)
    ids_start = 7 * 4 + 16 * count
    strs_start = ids_start + sum(len(i) + 1 for i in ids)
    table_ids, table_strs = [], []
    offset = ids_start
    for item in ids:
        table_ids += [len(item), offset]
        offset += len(item) + 1
    offset = strs_start
    for item in strs:
        table_strs += [len(item), offset]
        offset += len(item) + 1
    out = struct.pack("<7I", 0x950412DE, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, 0)
    out += struct.pack(f"<{2 * count}I", *table_ids) + struct.pack(f"<{2 * count}I", *table_strs)
    out += b"".join(i + b"\0" for i in ids) + b"".join(s + b"\0" for s in strs)
    return out
