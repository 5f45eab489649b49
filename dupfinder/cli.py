"""Command line: `dupfinder scan FOLDER...` for servers, NAS boxes and dataset clean-up; `dupfinder` opens the app.

A thin front end over dupfinder.core: it parses, prints and asks; the engine decides.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import threading
import unicodedata
from collections.abc import Sequence

from dupfinder import __version__, cli_library
from dupfinder.core import report
from dupfinder.core.cache import check_cache_path
from dupfinder.core.distributed import DaskUnavailable
from dupfinder.core.grouping import regroup
from dupfinder.core.matching.differences import difference
from dupfinder.core.models import Group, ScanResult
from dupfinder.core.options import DEFAULT_EXTENSIONS, DEFAULT_HASH, HashKind, Preset, ScanOptions, preset_distance
from dupfinder.core.progress import CancelToken, ProgressEvent, ScanCancelled
from dupfinder.core.report_files import (
    CSV,
    JSON,
    PATH_LIST,
    ReportPathRefused,
    ReportTarget,
    check_report_path,
    write_report,
)
from dupfinder.core.scanner import run_scan
from dupfinder.core.selection import keep_best_marks
from dupfinder.formatting import (
    core_message,
    difference_text,
    human_bytes,
    human_count,
    human_duration,
    problem_reason,
    progress_text,
)
from dupfinder.i18n import _, ngettext

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMANDS = ("scan", "undo", "gui", *cli_library.COMMANDS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dupfinder",
        description=_("Find duplicate and near-duplicate photos. Without a command, opens the desktop app."),
    )
    parser.add_argument("--version", action="version", version=f"dupfinder {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser("scan", help=_("scan folders and print the duplicate groups"))
    scan.add_argument("folders", nargs="+", metavar="FOLDER", help=_("folders to scan (recursively)"))
    scan.add_argument(
        "--protect", action="append", default=[], metavar="FOLDER",
        help=_("a folder whose files are always kept (may repeat; it is scanned too)"),
    )  # fmt: skip
    how = scan.add_argument_group(_("how alike is alike"))
    how.add_argument(
        "--preset", choices=[p.value for p in Preset], default=Preset.NORMAL.value,
        help=_("strict: the same picture resized/recompressed; normal: also edited, mirrored, turned, cropped, "
               "stickered copies, each confirmed by a second measure; loose: also trusts the hash alone where that "
               "measure found nothing to compare (default: %(default)s)"),
    )  # fmt: skip
    how.add_argument(
        "--max-distance", type=int, metavar="BITS", help=_("maximum Hamming distance (overrides --preset)")
    )
    how.add_argument(
        "--hash", choices=[h.value for h in HashKind], default=DEFAULT_HASH.value,
        help=_("fingerprint used to compare images (default: %(default)s; the others decide by the hash alone)"),
    )  # fmt: skip
    how.add_argument(
        "--hash-only", action="store_true",
        help=_("decide by the hash alone, without the second measure: no mirrored, turned or cropped copies, and "
               "merely alike pictures at loose settings (as before matching existed; the default confirms every "
               "candidate on a small decode of both pictures)"),
    )  # fmt: skip
    which = scan.add_argument_group(_("which files"))
    which.add_argument(
        "--ext", metavar="LIST",
        help=_("comma-separated extensions to consider (default: {extensions})").format(
            extensions=",".join(sorted(e[1:] for e in DEFAULT_EXTENSIONS))),
    )  # fmt: skip
    which.add_argument("--min-size", type=parse_size, default=0, metavar="SIZE",
                       help=_("skip files smaller (e.g. 20k)"))  # fmt: skip
    out = scan.add_argument_group(_("output"))
    out.add_argument("--json", metavar="FILE", help=_("also write the results as JSON"))
    out.add_argument("--csv", metavar="FILE", help=_("also write the results as CSV (one row per file)"))
    out.add_argument(
        "--keep-list", metavar="FILE",
        help=_("write the path of every image that is kept (not a duplicate to drop), one per line, e.g. for training"),
    )  # fmt: skip
    out.add_argument(
        "--drop-list", metavar="FILE", help=_("write the path of every duplicate that would be trashed, one per line")
    )
    out.add_argument("-q", "--quiet", action="store_true", help=_("print only the summary"))
    out.add_argument("--no-progress", action="store_true", help=_("no progress bar on stderr"))
    act = scan.add_argument_group(_("clean up"))
    act.add_argument(
        "--trash-duplicates", action="store_true",
        help=_("move every copy but the best-resolution one of each group to the system trash"),
    )  # fmt: skip
    act.add_argument(
        "--move-duplicates-to", metavar="DIR",
        help=_("instead of the trash, move those copies into DIR, under their path relative to the scanned folder "
               "(for servers without a desktop trash; same checks, undone by `dupfinder undo`)"),
    )  # fmt: skip
    act.add_argument(
        "--dry-run",
        action="store_true",
        help=_("with --trash-duplicates or --move-duplicates-to: show what would move"),
    )
    act.add_argument(
        "--yes", action="store_true", help=_("with --trash-duplicates or --move-duplicates-to: do not ask first")
    )
    perf = scan.add_argument_group(_("performance"))
    perf.add_argument("--no-cache", action="store_true", help=_("do not read or write the fingerprint cache"))
    perf.add_argument("--cache", metavar="FILE", help=_("fingerprint cache file (default: in the user cache folder)"))
    perf.add_argument("--workers", type=int, metavar="N", help=_("parallel decoders (default: every core)"))
    perf.add_argument(
        "--dask", metavar="ADDRESS",
        help=_('fingerprint on a Dask cluster (scheduler address, or "local" for one on this machine); needs '
               'pip install "dupfinder[dask]" and workers that see the same paths'),
    )  # fmt: skip
    cli_library.add_scan_arguments(scan)  # --exclude, --no-default-excludes, --save

    undo = commands.add_parser(
        "undo",
        help=_("restore the files moved by the last cleanup (from the trash or the --move-duplicates-to folder)"),
    )
    undo.add_argument(
        "--list",
        action="store_true",
        help=_("only show where each file of the last cleanup is now (after a crash, too)"),
    )
    gui = commands.add_parser("gui", help=_("open the desktop app (the default; `dupfinder FOLDER...` works too)"))
    gui.add_argument("folders", nargs="*", metavar="FOLDER", help=_("folders to put in the folder list"))
    cli_library.add_commands(commands)  # find, index, ignore, open
    return parser


def parse_size(text: str) -> int:
    """'500', '20k', '1.5MB', '2 GiB' -> bytes (binary multiples)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*", text.lower())
    if not match:
        raise argparse.ArgumentTypeError(_("not a size: {text} (use e.g. 500, 20k, 1.5m)").format(text=repr(text)))
    return int(float(match.group(1)) * 1024 ** " kmg".index(match.group(2) or " "))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or not (argv[0] in COMMANDS or argv[0].startswith("-")):
        return open_app(argv)  # `dupfinder` or `dupfinder FOLDER...` (as the desktop launcher calls it)
    args = build_parser().parse_args(argv)
    if args.command == "gui":
        return open_app(args.folders)
    if args.command in cli_library.COMMANDS:
        return cli_library.run(args)
    try:
        if args.command == "undo":
            return list_last_cleanup() if args.list else undo_command()
        return scan_command(args)
    except BrokenPipeError:  # `dupfinder scan ... | head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def open_app(folders: Sequence[str]) -> int:
    from dupfinder.gui.app import main as gui_main  # Qt is only loaded for the app

    return gui_main(list(folders))


def scan_command(args: argparse.Namespace) -> int:
    hash_kind = HashKind(args.hash)
    try:
        check_folders([*args.folders, *args.protect])
        check_move_destination(args)
        targets = report_targets(args)
        cli_library.check_save_target(args.save)
        options = ScanOptions(
            roots=tuple(args.folders) + tuple(args.protect),
            protected_roots=tuple(args.protect),
            extensions=parse_extensions(args.ext),
            min_size_bytes=args.min_size,
            hash_kind=hash_kind,
            max_distance_bits=args.max_distance,
            use_cache=not args.no_cache,
            cache_path=args.cache,
            workers=args.workers,
            confirm=not args.hash_only,
            exclude=cli_library.exclude_patterns(args),
            dask_scheduler=args.dask,
        )
        if args.cache and not args.no_cache:
            check_cache_path(args.cache)  # NotACacheError (a ValueError): never write over a file not ours
    except (ValueError, ReportPathRefused) as exc:
        print(f"dupfinder: {exc}", file=sys.stderr)
        return EXIT_USAGE
    threshold = args.max_distance if args.max_distance is not None else preset_distance(Preset(args.preset), hash_kind)
    bar = ProgressBar(enabled=sys.stderr.isatty() and not args.no_progress)
    try:
        result = run_in_thread(options, bar)
    except ScanCancelled:
        bar.clear()
        print(
            "dupfinder: " + _("scan interrupted; fingerprints so far are cached, the next scan resumes."),
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except DaskUnavailable as exc:
        bar.clear()
        print(f"dupfinder: {exc}", file=sys.stderr)
        return EXIT_USAGE
    bar.clear()
    groups = regroup(result, threshold)
    marks = keep_best_marks(groups, result.images)
    preset = None if args.max_distance is not None else args.preset
    # Files first: they must not depend on stdout staying open (`| head`).
    written = write_reports(targets, result, groups, marks, threshold=threshold, preset=preset)
    written &= cli_library.save_after_scan(args.save, result, groups, marks, threshold=threshold, preset=preset)
    if not args.quiet:
        print_groups(result, groups, marks)
    print_summary(result, groups, marks, threshold)
    if args.trash_duplicates:
        status = trash_command(result, groups, marks, threshold, dry_run=args.dry_run, assume_yes=args.yes)
        return status if status != EXIT_OK else (EXIT_OK if written else EXIT_PROBLEM)
    if args.move_duplicates_to is not None:
        status = move_command(
            result, groups, marks, threshold, args.move_duplicates_to, dry_run=args.dry_run, assume_yes=args.yes
        )
        return status if status != EXIT_OK else (EXIT_OK if written else EXIT_PROBLEM)
    return EXIT_OK if written else EXIT_PROBLEM


def check_folders(folders: Sequence[str]) -> None:
    """Every folder given must be named and exist: an empty name would mean the current folder, silently."""
    for folder in folders:
        if not folder.strip():
            raise ValueError(_("an empty folder name was given (use . for the current folder)"))
        if not os.path.lexists(os.path.expanduser(folder)):
            raise ValueError(_("no such folder: {path}").format(path=printable(folder)))


def check_move_destination(args: argparse.Namespace) -> None:
    """--move-duplicates-to: not with --trash-duplicates, and a folder that may receive the copies (not a symlink,
    not inside a scanned folder nor holding one), checked before scanning."""
    if args.move_duplicates_to is None:
        return
    if args.trash_duplicates:
        raise ValueError(_("--trash-duplicates and --move-duplicates-to cannot be used together"))
    from dupfinder.core.cleanup import destination_problem

    problem = destination_problem(args.move_duplicates_to, [*args.folders, *args.protect])
    if problem is not None:
        raise ValueError(f"--move-duplicates-to: {printable(problem)}")


def parse_extensions(text: str | None) -> frozenset[str]:
    """'jpg, .PNG' -> {'jpg', '.PNG'} (ScanOptions normalises); None -> the defaults; an empty list is an error."""
    if text is None:
        return DEFAULT_EXTENSIONS
    extensions = frozenset(e.strip() for e in text.split(",") if e.strip().strip("."))
    if not extensions:
        raise ValueError(
            _("--ext needs at least one extension, e.g. --ext jpg,png (got {text})").format(text=repr(text))
        )
    return extensions


REPORT_OPTIONS = {"json": JSON, "csv": CSV, "keep_list": PATH_LIST, "drop_list": PATH_LIST}


def report_targets(args: argparse.Namespace) -> dict[str, ReportTarget]:
    """The output files asked for (--json, --csv, --keep-list, --drop-list), checked before scanning so that a
    refused path costs no scan."""
    targets = {
        name: check_report_path(getattr(args, name), kind)
        for name, kind in REPORT_OPTIONS.items()
        if getattr(args, name) is not None
    }
    real = [os.path.realpath(target.path) for target in targets.values()]
    if len(set(real)) < len(real):
        raise ValueError(_("two of --json, --csv, --keep-list and --drop-list name the same file"))
    return targets


def write_reports(targets: dict[str, ReportTarget], result: ScanResult, groups, marks, *, threshold, preset) -> bool:
    """Write each requested output; a failure is reported on stderr (the results are still printed). True if all
    were written."""
    scanned = result.images.files.identities()
    ok = True
    for name, target in targets.items():
        option = "--" + name.replace("_", "-")
        if name == "json":
            data = report.to_json_dict(result, groups, marks, threshold_bits=threshold, preset=preset)
            content: str | bytes = report.json_text(data)
        elif name == "csv":
            content = report.csv_text(result, groups, marks)
        else:
            chosen = [i for i in range(len(result.images)) if (i in marks) == (name == "drop_list")]
            content, left_out = report.path_list_bytes(result.images.path(i) for i in chosen)
            if left_out:
                message = ngettext(
                    "{option}: {n} name contains a line break and was left out",
                    "{option}: {n} names contain a line break and were left out", left_out,
                ).format(option=option, n=left_out)  # fmt: skip
                print(f"dupfinder: {message}", file=sys.stderr)
                ok = False
        try:
            write_report(target, content, scanned)
        except OSError as exc:
            detail = str(exc) if isinstance(exc, ReportPathRefused) else f"{target.path}: {exc.strerror or exc}"
            print(
                "dupfinder: " + _("{option} was not written: {detail}").format(option=option, detail=detail),
                file=sys.stderr,
            )
            ok = False
    return ok


def run_in_thread(options: ScanOptions, bar: ProgressBar) -> ScanResult:
    """Scan on a worker thread so Ctrl+C cancels cleanly (the cache is flushed) instead of tearing the scan down.

    The main thread waits on an Event the worker sets last, never on Thread.join: on Python 3.11/3.12 a Ctrl+C
    inside join() can leave the thread marked finished while it still runs (no result, and the process would exit
    before the cache is flushed). Further Ctrl+C while the scan winds down are ignored: it stops within a second."""
    cancel = CancelToken()
    finished = threading.Event()
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["result"] = run_scan(options, progress=bar.update, cancel=cancel)
        except BaseException as exc:  # handed to the main thread, which re-raises it
            outcome["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=work, name="dupfinder-scan", daemon=True).start()
    while not finished.is_set():
        try:
            finished.wait(0.2)
        except KeyboardInterrupt:
            cancel.cancel()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


class ProgressBar:
    """One self-overwriting status line on stderr: phase, count, rate, ETA."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._shown = False

    def update(self, event: ProgressEvent) -> None:
        if not self.enabled:
            return
        width = shutil.get_terminal_size((80, 20)).columns
        text = progress_text(event)
        if event.total:
            filled = int(20 * min(event.done, event.total) / event.total)
            text = "█" * filled + "░" * (20 - filled) + " " + text
        sys.stderr.write("\r" + text[: width - 1].ljust(width - 1))
        sys.stderr.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            width = shutil.get_terminal_size((80, 20)).columns
            sys.stderr.write("\r" + " " * (width - 1) + "\r")
            sys.stderr.flush()
            self._shown = False


def print_groups(result: ScanResult, groups: Sequence[Group], marks, notes: dict[int, str] | None = None) -> None:
    for number, group in enumerate(groups, 1):
        size = human_bytes(report.reclaimable_bytes(result, [group], marks))
        count = len(group.members)
        print(
            ngettext("Group {number} · {count} file · {size} reclaimable",
                     "Group {number} · {count} files · {size} reclaimable", count).format(
                number=number, count=count, size=size)
        )  # fmt: skip
        keep, trash = _("keep"), _("trash")
        width = max(columns(keep), columns(trash))
        for member in group.members:
            image = result.images[member.image]
            fp = image.fingerprint
            action = pad(keep if member.image not in marks else trash, width)
            alike = pad(_("identical") if member.identical else f"{member.similarity:5.1f} %", 9, right=True)
            tags = " ★ " + _("best") if member.image == group.keeper else ""
            tags += " (" + _("protected") + ")" if image.file.protected else ""
            tags += f" ({core_message(notes[member.image])})" if notes and member.image in notes else ""  # reopened
            how = difference_text(difference(result, group.reference, member.image)) or _("reference")
            print(
                f"  {action}  {fp.width:>5}×{fp.height:<5} {human_bytes(image.file.size_bytes):>9}  {alike}  "
                f"{printable(image.path)}{tags}"
            )
            print(f"{'':>38}{how}")
        print()


def print_summary(result: ScanResult, groups: Sequence[Group], marks, threshold: int) -> None:
    stats = result.stats
    duplicates = sum(len(g.members) - 1 for g in groups)
    print(
        _("Files seen: {seen} · fingerprinted: {fingerprinted} ({cached} from cache) · skipped: {skipped}").format(
            seen=human_count(stats.files_seen),
            fingerprinted=human_count(stats.images_fingerprinted + stats.images_from_cache),
            cached=human_count(stats.images_from_cache),
            skipped=human_count(stats.skipped),
        )
    )
    print(
        _(
            "Groups: {groups} · duplicates: {duplicates} · reclaimable: {size} · threshold: {threshold} of {bits} "
            "bits ({hash}) · time: {time}"
        ).format(
            groups=human_count(len(groups)),
            duplicates=human_count(duplicates),
            size=human_bytes(report.reclaimable_bytes(result, groups, marks)),
            threshold=threshold,
            bits=result.hash_bits,
            hash=result.hash_name,
            time=elapsed_text(stats.elapsed_s),
        )
    )
    if result.problems:
        count = len(result.problems)
        print(ngettext("Skipped {n} file:", "Skipped {n} files:", count).format(n=count))
        for problem in result.problems:
            print(f"  {printable(problem.path)}: {problem_reason(problem)}")
    for warning in result.warnings:
        print(_("Warning: {warning}").format(warning=warning), file=sys.stderr)


def columns(text: str) -> int:
    """How many terminal columns `text` takes: Chinese characters take two."""
    return len(text) + sum(1 for char in text if unicodedata.east_asian_width(char) in "WF")


def pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded with spaces to `width` terminal columns (left-aligned, or right-aligned)."""
    spaces = " " * max(0, width - columns(text))
    return spaces + text if right else text + spaces


def elapsed_text(seconds: float) -> str:
    return _("{seconds} s").format(seconds=f"{seconds:.1f}") if seconds < 60 else human_duration(seconds)


def printable(path: str) -> str:
    """A path the terminal can show, even when the name is not valid UTF-8."""
    return path.encode("utf-8", "backslashreplace").decode("utf-8")


def refusal(question: str) -> int | None:
    """Ask `question`; None when the answer is yes, else the exit status (2 without a terminal to ask on)."""
    if not sys.stdin.isatty():
        print("dupfinder: " + _("not asking without a terminal; add --yes to move the files."), file=sys.stderr)
        return EXIT_USAGE
    answer = input(question)
    # "y"/"yes" always; and the language's own yes ("д"/"да", "是"), listed in the catalogue.
    if answer.strip().lower() in {"y", "yes", *_("y|yes").lower().split("|")}:
        return None
    print(_("Nothing was moved."))
    return EXIT_OK


def trash_command(
    result: ScanResult, groups: Sequence[Group], marks, threshold: int, *, dry_run: bool, assume_yes: bool
) -> int:
    from dupfinder.core.cleanup import trash_files

    if not marks:
        print(_("Nothing to move to the trash."))
        return EXIT_OK
    count, size = len(marks), human_bytes(report.reclaimable_bytes(result, groups, marks))
    if not dry_run and not assume_yes:
        question = ngettext("Move {n} file ({size}) to the trash? [y/N] ",
                            "Move {n} files ({size}) to the trash? [y/N] ", count)  # fmt: skip
        refused = refusal(question.format(n=count, size=size))
        if refused is not None:
            return refused
    outcome = trash_files(result, groups, marks, max_distance_bits=threshold, dry_run=dry_run)
    moved = len(outcome.moved)
    if dry_run:
        done = ngettext(
            "Would move {n} file ({size}) to the trash.", "Would move {n} files ({size}) to the trash.", moved
        )
    else:
        done = ngettext("Moved {n} file ({size}) to the trash.", "Moved {n} files ({size}) to the trash.", moved)
    print(done.format(n=moved, size=human_bytes(outcome.bytes_moved)))
    for item in outcome.refused:
        print("  " + _("kept {path}: {reason}").format(path=printable(item.path), reason=core_message(item.reason)))
    for item in outcome.failed:
        failed = _("could not move {path}: {reason}")
        print("  " + failed.format(path=printable(item.path), reason=core_message(item.reason)), file=sys.stderr)
    if not dry_run and outcome.moved:
        print(_("Undo with: dupfinder undo"))
    return EXIT_PROBLEM if outcome.failed else EXIT_OK


def move_command(
    result: ScanResult, groups: Sequence[Group], marks, threshold: int, folder: str, *, dry_run: bool, assume_yes: bool
) -> int:
    """--move-duplicates-to DIR: as trash_command, into DIR/<path relative to its scanned folder>."""
    from dupfinder.core.cleanup import move_files

    folder = os.path.abspath(os.path.expanduser(folder))
    shown = printable(folder)
    if not marks:
        print(_("Nothing to move to {folder}.").format(folder=shown))
        return EXIT_OK
    count, size = len(marks), human_bytes(report.reclaimable_bytes(result, groups, marks))
    if not dry_run and not assume_yes:
        question = ngettext("Move {n} file ({size}) to {folder}? [y/N] ",
                            "Move {n} files ({size}) to {folder}? [y/N] ", count)  # fmt: skip
        refused = refusal(question.format(n=count, size=size, folder=shown))
        if refused is not None:
            return refused
    outcome = move_files(result, groups, marks, destination_dir=folder, max_distance_bits=threshold, dry_run=dry_run)
    moved = len(outcome.moved)
    if dry_run:
        done = ngettext(
            "Would move {n} file ({size}) to {folder}.", "Would move {n} files ({size}) to {folder}.", moved
        )
    else:
        done = ngettext("Moved {n} file ({size}) to {folder}.", "Moved {n} files ({size}) to {folder}.", moved)
    print(done.format(n=moved, size=human_bytes(outcome.bytes_moved), folder=shown))
    for item in outcome.refused:
        print("  " + _("kept {path}: {reason}").format(path=printable(item.path), reason=core_message(item.reason)))
    for item in outcome.failed:
        failed = _("could not move {path}: {reason}")
        print("  " + failed.format(path=printable(item.path), reason=printable(core_message(item.reason))),
              file=sys.stderr)  # fmt: skip
    if not dry_run and outcome.moved:
        print(_("Undo with: dupfinder undo"))
    return EXIT_PROBLEM if outcome.failed else EXIT_OK


def undo_command() -> int:
    from dupfinder.core.cleanup import undo_last_cleanup

    outcome = undo_last_cleanup()
    print(core_message(outcome.message))
    if outcome.supported:
        for path, reason in outcome.not_restored:
            print("  " + _("not restored {path}: {reason}").format(path=printable(path), reason=reason))
    return EXIT_PROBLEM if outcome.not_restored or outcome.log_problem else EXIT_OK


def list_last_cleanup() -> int:
    from dupfinder.core.cleanup import classify_session

    try:
        locations = classify_session()
    except OSError as exc:
        print(
            "dupfinder: " + _("the action log cannot be read: {reason}").format(reason=exc.strerror or exc),
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    if not locations:
        print(_("There is no cleanup in the action log."))
    for location in locations:
        place = location.trash_file or location.moved_to
        where = f": {printable(place)}" if place else ""
        print(f"{printable(location.path)} — {location.state.value}{where}")
    return EXIT_OK
