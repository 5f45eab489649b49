"""Human-readable text shared by the CLI and the GUI: sizes, counts, durations, progress lines (pure, no Qt).

Translated through gettext (dupfinder.i18n: the CLI's catalogue, whose language the app sets to its own), so the
progress line, the sizes and the labels of how a copy differs read the same in the window and in a terminal.
"""

from __future__ import annotations

import re
import time

from dupfinder.core.progress import ProgressEvent, ScanStage
from dupfinder.i18n import N_, _, ngettext

_UNITS = ("bytes", N_("KB"), N_("MB"), N_("GB"), N_("TB"))


def human_bytes(n: int) -> str:
    """Decimal units, as file managers show them: 3.1 MB, 940 KB, 12 bytes."""
    if n < 1000:
        return ngettext("{n} byte", "{n} bytes", n).format(n=n)
    value = float(n)
    for unit in _UNITS[1:]:
        value /= 1000
        if value < 999.95 or unit == _UNITS[-1]:
            return f"{value:.1f} {_(unit)}" if value < 100 else f"{value:.0f} {_(unit)}"
    raise AssertionError("unreachable")


def human_count(n: int) -> str:
    return f"{n:,}"


def human_duration(seconds: float) -> str:
    """0:07, 2:31, 1:02:03: a clock-style duration, rounded to whole seconds."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 photo', '1,204 photos': English only (no visible text of the app or the CLI uses it; use ngettext or
    Qt's numerus tr)."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def similarity_text(similarity: float, identical: bool) -> str:
    if identical:
        return _("identical bytes")
    return _("{percent} % alike").format(percent=f"{similarity:.0f}")


def difference_text(difference) -> str:
    """A matching.differences.Difference in one line: the label, then what confirmed it (in the current language)."""
    if difference is None:
        return ""
    label = difference_label(difference.label)
    if difference.evidence == "matched points":
        evidence = ngettext(
            "{n} matched point over {p} %", "{n} matched points over {p} %", difference.matched_points
        ).format(n=difference.matched_points, p=f"{100 * difference.matched_share:.0f}")
        return f"{label} · {evidence}"
    if difference.evidence == "pixels":
        return f"{label} · " + _("pixels agree")
    return label


def format_timestamp_ns(mtime_ns: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(mtime_ns / 1e9))


_STAGE_NAME = {
    ScanStage.DISCOVERING: N_("Finding files"),
    ScanStage.FINGERPRINTING: N_("Fingerprinting"),
    ScanStage.COMPARING: N_("Comparing"),
    ScanStage.CONFIRMING: N_("Confirming matches"),
    ScanStage.GROUPING: N_("Grouping"),
    ScanStage.TRASHING: N_("Moving to trash"),
}
# "{n} so far" and "{rate}/s" per unit: whole phrases, so each language can inflect the unit for the number.
_RATE = {"files": N_("{rate} files/s"), "photos": N_("{rate} photos/s")}
# None: the stage counts work of several kinds (files read for their digest, then rows of the hash tables), in no
# unit a person counts, so only its share done is shown.
_UNIT_PER_STAGE = {
    ScanStage.DISCOVERING: "files",
    ScanStage.FINGERPRINTING: "photos",
    ScanStage.COMPARING: None,
    ScanStage.CONFIRMING: "photos",
    ScanStage.GROUPING: "photos",
    ScanStage.TRASHING: "files",
}


def progress_text(event: ProgressEvent) -> str:
    """'Fingerprinting 1,204 / 2,200 · 48 photos/s · about 0:21 left', or 'Comparing · 40 % done · about 0:21 left'
    for a stage without a unit."""
    stage = _(_STAGE_NAME.get(event.stage, event.stage.value))
    unit = _UNIT_PER_STAGE.get(event.stage, "files")
    if unit is None:
        parts = [stage]
        if event.total:
            parts.append(_("{percent} % done").format(percent=min(100, 100 * event.done // event.total)))
    elif event.total is None:
        if unit == "photos":
            so_far = ngettext("{n} photo so far", "{n} photos so far", event.done)
        else:
            so_far = ngettext("{n} file so far", "{n} files so far", event.done)
        return f"{stage} · " + so_far.format(n=f"{event.done:,}")
    else:
        parts = [f"{stage} {event.done:,} / {event.total:,}"]
        if event.rate_per_s > 0:
            rate = f"{event.rate_per_s:.0f}" if event.rate_per_s >= 10 else f"{event.rate_per_s:.1f}"
            parts.append(_(_RATE[unit]).format(rate=rate))
    if event.eta_s is not None and event.total is not None and event.done < event.total:
        parts.append(_("about {time} left").format(time=human_duration(event.eta_s)))
    return " · ".join(parts)


# --- how a copy differs ---------------------------------------------------------------------------------------------
# The contract with the core (core/matching/differences.py, core/library/find.py): the core says how a copy differs
# in English, from a fixed vocabulary: labels joined by ", ", each one of the phrases below ("{p}" a whole number).
# The presentation layer shows `difference_text(label)`: each known phrase translated (numbers kept), unknown ones as
# the core wrote them. A phrase added to the core must be added here (and to the catalogues) to be translated.
_DIFFERENCE_PHRASES: tuple[tuple[str, str], ...] = (
    (r"identical bytes", N_("identical bytes")),
    (r"the same file", N_("the same file")),
    (r"same picture, re-encoded", N_("same picture, re-encoded")),
    (r"same picture by its hash", N_("same picture by its hash")),
    (r"reference", N_("reference")),
    (r"mirrored", N_("mirrored")),
    (r"turned 90° clockwise", N_("turned 90° clockwise")),
    (r"turned 90° anticlockwise", N_("turned 90° anticlockwise")),
    (r"turned 90°", N_("turned 90°")),
    (r"turned 180°", N_("turned 180°")),
    (r"turned 270°", N_("turned 270°")),
    (r"rotated (?P<p>\d+)°", N_("rotated {p}°")),
    (r"cropped \((?P<p>\d+) %\)", N_("cropped ({p} %)")),
    (r"more around the edges \((?P<p>\d+) %\)", N_("more around the edges ({p} %)")),
    (r"smaller \((?P<p>\d+) %\)", N_("smaller ({p} %)")),
    (r"larger \((?P<p>\d+) %\)", N_("larger ({p} %)")),
    (r"edited \(brightness\)", N_("edited (brightness)")),
    (r"edited \(contrast\)", N_("edited (contrast)")),
    (r"edited \(brightness, contrast\)", N_("edited (brightness, contrast)")),
    (r"partly covered", N_("partly covered")),
    (r"saved as (?P<f>[A-Za-z0-9]+)", N_("saved as {f}")),
    (r"similar \((?P<p>\d+) % alike\)", N_("similar ({p} % alike)")),
    (r"mirrored or turned \((?P<p>\d+) % alike\)", N_("mirrored or turned ({p} % alike)")),
    (r"(?P<p>\d+) % alike", N_("{p} % alike")),
)
_DIFFERENCE_RES = tuple((re.compile(pattern), message) for pattern, message in _DIFFERENCE_PHRASES)


def _split_label(label: str) -> list[str]:
    """'mirrored, edited (brightness, contrast)' -> ['mirrored', 'edited (brightness, contrast)']."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(label):
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and label.startswith(", ", i):
            parts.append(label[start:i])
            start = i + 2
    parts.append(label[start:])
    return parts


def difference_phrase(phrase: str) -> str:
    """One phrase of the core's vocabulary, translated; an unknown phrase as it is."""
    for pattern, message in _DIFFERENCE_RES:
        match = pattern.fullmatch(phrase)
        if match:
            return _(message).format(**match.groupdict())
    return phrase


def difference_label(label: str) -> str:
    """The core's English label of how a copy differs ('mirrored, smaller (50 %)'), in the current language."""
    if not label:
        return label
    parts = _split_label(label)
    phrases: list[str] = []
    for part in parts:  # a phrase with a comma of its own ("same picture, re-encoded") was split: join it again
        if phrases and any(p.fullmatch(f"{phrases[-1]}, {part}") for p, _m in _DIFFERENCE_RES):
            phrases[-1] = f"{phrases[-1]}, {part}"
        else:
            phrases.append(part)
    return _(", ").join(difference_phrase(phrase) for phrase in phrases)


# --- other text the core writes -------------------------------------------------------------------------------------
# The same contract as the difference labels: the core writes English; what the user reads goes through these. A
# file's problem is its kind (translated) and the detail (an OS or decoder message, as it came).
_PROBLEM_KINDS = {
    "empty file": N_("empty file"),
    "not an image": N_("not an image"),
    "unsupported format": N_("unsupported format"),
    "corrupt or truncated": N_("corrupt or truncated"),
    "too large to decode safely": N_("too large to decode safely"),
    "permission denied": N_("permission denied"),
    "cannot be read": N_("cannot be read"),
    "folder cannot be read": N_("folder cannot be read"),
    "symlink loop": N_("symlink loop"),
    "missing": N_("missing"),
    "took too long to decode": N_("took too long to decode"),
}


def problem_reason(problem) -> str:
    """A Problem's reason in the current language: 'corrupt or truncated: <detail>'."""
    kind = _(_PROBLEM_KINDS.get(problem.kind.value, problem.kind.value))
    return f"{kind}: {problem.detail}" if problem.detail else kind


# Why the cleanup kept or could not move a file (core/cleanup: plan.py, checks.py, trash.py, mover.py), and the
# saved results' notes; {detail} and {path} are shown as they came.
_CORE_PHRASES: tuple[tuple[str, str], ...] = (
    (r"not in any duplicate group", N_("not in any duplicate group")),
    (r"it is the copy kept for its group", N_("it is the copy kept for its group")),
    (r"it is in a protected folder", N_("it is in a protected folder")),
    (r"it is the same file as the kept copy (?P<path>.+)", N_("it is the same file as the kept copy {path}")),
    (r"it is the same file as (?P<path>.+), moved once", N_("it is the same file as {path}, moved once")),
    (r"moved or deleted since the scan", N_("moved or deleted since the scan")),
    (r"cannot be checked: (?P<detail>.+)", N_("cannot be checked: {detail}")),
    (r"it is a symbolic link; only real files are moved to the trash",
     N_("it is a symbolic link; only real files are moved to the trash")),
    (r"it is no longer a regular file", N_("it is no longer a regular file")),
    (r"replaced by another file since the scan", N_("replaced by another file since the scan")),
    (r"changed since the scan \(size differs\)", N_("changed since the scan (size differs)")),
    (r"changed since the scan \(modification time differs\)", N_("changed since the scan (modification time differs)")),
    (r"changed since the scan \(content differs\)", N_("changed since the scan (content differs)")),
    (r"changed since the scan \(rewritten, relinked or its permissions changed\)",
     N_("changed since the scan (rewritten, relinked or its permissions changed)")),
    (r"cannot be read to check it: (?P<detail>.+)", N_("cannot be read to check it: {detail}")),
    (r"cannot be decoded to compare it afresh \((?P<detail>.+)\)",
     N_("cannot be decoded to compare it afresh ({detail})")),
    (r"its bytes no longer equal those of (?P<path>.+)", N_("its bytes no longer equal those of {path}")),
    (r"a fresh look finds it (?P<n>\d+) bits from (?P<path>.+) \(the groups allow (?P<limit>\d+)\)",
     N_("a fresh look finds it {n} bits from {path} (the groups allow {limit})")),
    (r"no copy that stays is still alike to it: (?P<detail>.+)",
     N_("no copy that stays is still alike to it: {detail}")),
    (r"no other copy of this photo is still in place unchanged \(kept: (?P<path>.+)\)",
     N_("no other copy of this photo is still in place unchanged (kept: {path})")),
    (r"not attempted: the action log cannot be written \((?P<detail>.+)\)",
     N_("not attempted: the action log cannot be written ({detail})")),
    (r"not attempted: (?P<detail>.+)", N_("not attempted: {detail}")),
    (r"a fresh look finds it (?P<n>\d+) bits from (?P<path>.+) \(nor does the second measure confirm it\)",
     N_("a fresh look finds it {n} bits from {path} (nor does the second measure confirm it)")),
    (r"it is on another device than (?P<path>.+); files are renamed, never copied",
     N_("it is on another device than {path}; files are renamed, never copied")),
    (r"it is under none of the scanned folders, so it has no place in the destination folder",
     N_("it is under none of the scanned folders, so it has no place in the destination folder")),
    (r"cannot move it to (?P<path>.+?): (?P<detail>.+)", N_("cannot move it to {path}: {detail}")),
    (r"it was replaced while being moved; what was moved is at (?P<path>.+)",
     N_("it was replaced while being moved; what was moved is at {path}")),
    (r"it was replaced while being moved; put back and left in place",
     N_("it was replaced while being moved; put back and left in place")),
    (r"not moved: (?P<detail>.+) \(and it is no longer in place: look in (?P<path>.+)\)",
     N_("not moved: {detail} (and it is no longer in place: look in {path})")),
    (r"not moved: (?P<detail>.+)", N_("not moved: {detail}")),
    (r"the trash refused it: (?P<detail>.+) \(and it is no longer in place: look in the trash\)",
     N_("the trash refused it: {detail} (and it is no longer in place: look in the trash)")),
    (r"the trash refused it: (?P<detail>.+)", N_("the trash refused it: {detail}")),
    (r"the trash cannot record it: (?P<detail>.+)", N_("the trash cannot record it: {detail}")),
    (r"no free name in the trash", N_("no free name in the trash")),
    (r"it changed just before the move; left in place", N_("it changed just before the move; left in place")),
    (r"changed since saved", N_("changed since saved")),
    (r"missing", N_("missing")),
)  # fmt: skip
_CORE_RES = tuple((re.compile(pattern, re.DOTALL), message) for pattern, message in _CORE_PHRASES)


def core_message(message: str) -> str:
    """A message of the core's cleanup (undo's report, a refused mark, why a file was kept or not moved) in the
    current language; others as they are."""
    for pattern, template in _CORE_RES:
        match = pattern.fullmatch(message)
        if match:
            return _(template).format(**match.groupdict())
    fixed = {
        "This photo is in a protected folder: it is always kept.": _(
            "This photo is in a protected folder: it is always kept."
        ),
        "Nothing to undo: the last cleanup has already been undone.": _(
            "Nothing to undo: the last cleanup has already been undone."
        ),
        "Nothing to undo: the last cleanup moved no files to the trash.": _(
            "Nothing to undo: the last cleanup moved no files to the trash."
        ),
    }
    if message in fixed:
        return fixed[message]
    pattern = r"Restored (\d+) files? from the trash\.(?: (\d+) could not be restored and stay in the trash\.)?"
    match = re.fullmatch(pattern + r"(?P<rest>.*)", message, re.DOTALL)
    if match is None:
        return message
    restored = int(match.group(1))
    text = ngettext("Restored {n} file from the trash.", "Restored {n} files from the trash.", restored).format(
        n=restored
    )
    if match.group(2):
        failed = int(match.group(2))
        text += " " + ngettext(
            "{n} could not be restored and stays in the trash.",
            "{n} could not be restored and stay in the trash.",
            failed,
        ).format(n=failed)
    return text + match.group("rest")
