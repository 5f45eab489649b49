"""The command line's library commands: `find`, `index`, `ignore`, `open`, and the scan options `--save`,
`--exclude` and `--no-default-excludes`. cli.py hands these over; like it, this only parses, prints and asks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from dupfinder import __version__
from dupfinder.core.exclusions import DEFAULT_EXCLUDES, check_pattern, effective_patterns
from dupfinder.core.options import DEFAULT_HASH, HashKind, Preset, ScanOptions, preset_distance
from dupfinder.formatting import difference_label, human_bytes, human_count, problem_reason
from dupfinder.i18n import _, ngettext

COMMANDS = ("find", "index", "ignore", "open")
EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


# -- parsers -----------------------------------------------------------------------------------------------------
def add_exclude_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="PATTERN",
        help=_("skip folders and files matching PATTERN: a name (@eaDir, *.tmp) or a path below the folder "
               "(*/.thumbnails/*); may repeat"),
    )  # fmt: skip
    parser.add_argument(
        "--no-default-excludes", action="store_true",
        help=_("also look in thumbnail caches and system folders skipped by default ({folders}, …)").format(
            folders=", ".join(DEFAULT_EXCLUDES[:6])),
    )  # fmt: skip


def add_scan_arguments(scan: argparse.ArgumentParser) -> None:
    """The scan options this module owns (added to `dupfinder scan`)."""
    add_exclude_arguments(scan.add_argument_group(_("exclusions")))
    scan.add_argument(
        "--save", metavar="FILE",
        help=_("also save the results (groups, marks, threshold) to reopen later with `dupfinder open FILE` or the "
               "app"),
    )  # fmt: skip


def _add_matching_arguments(parser: argparse.ArgumentParser) -> None:
    how = parser.add_argument_group(_("how alike is alike (as for scan)"))
    how.add_argument("--preset", choices=[p.value for p in Preset], default=Preset.NORMAL.value,
                     help=_("strict, normal or loose (default: %(default)s)"))  # fmt: skip
    how.add_argument(
        "--max-distance", type=int, metavar="BITS", help=_("maximum Hamming distance (overrides --preset)")
    )
    how.add_argument("--hash", choices=[h.value for h in HashKind], default=DEFAULT_HASH.value,
                     help=_("fingerprint used to compare images (default: %(default)s)"))  # fmt: skip
    how.add_argument("--turned", action="store_true", help=_("also find mirrored and turned copies (phash/dhash only)"))


def _add_cache_arguments(parser: argparse.ArgumentParser) -> None:
    perf = parser.add_argument_group(_("performance"))
    perf.add_argument("--no-cache", action="store_true", help=_("do not read or write the fingerprint cache"))
    perf.add_argument("--cache", metavar="FILE", help=_("fingerprint cache file (default: in the user cache folder)"))
    perf.add_argument("--workers", type=int, metavar="N", help=_("parallel decoders (default: every core)"))


def add_commands(commands) -> None:
    find = commands.add_parser(
        "find", help=_("is this photo already here? list the copies of photos in folders or a library"),
        description=_("For each PHOTO, list its copies in the folders (--in) or the library (--db), best match "
                      "first. Exit status: 0 when every photo has a copy, 1 when some has none, 2 on bad arguments."),
        epilog=_("examples:") + " dupfinder find new/*.jpg --in ~/Pictures || echo 'some are new'; "
        "dupfinder find photo.jpg --db photos.dflib --json",
    )  # fmt: skip
    find.add_argument("photos", nargs="+", metavar="PHOTO", help=_("photos to look for"))
    where = find.add_mutually_exclusive_group(required=True)
    where.add_argument("--in", dest="folders", nargs="+", metavar="FOLDER",
                       help=_("look in these folders (fingerprinted through the cache)"))  # fmt: skip
    where.add_argument("--db", metavar="LIB", help=_("look in this fingerprint library (see `dupfinder index`)"))
    find.add_argument("--json", action="store_true", help=_("print the results as JSON (for scripts)"))
    _add_matching_arguments(find)
    add_exclude_arguments(find.add_argument_group(_("exclusions (with --in)")))
    _add_cache_arguments(find)

    index = commands.add_parser(
        "index", help=_("build or update a fingerprint library for `find --db`"),
        description=_("Fingerprint the FOLDERs into the library LIB: new and changed files are added, removed ones "
                      "are dropped, unchanged ones cost nothing. Without FOLDER, the library's own folders are "
                      "updated."),
    )  # fmt: skip
    index.add_argument("folders", nargs="*", metavar="FOLDER", help=_("folders to index (default: the library's)"))
    index.add_argument("--db", required=True, metavar="LIB", help=_("the library file (created if missing)"))
    index.add_argument("--no-progress", action="store_true", help=_("no progress bar on stderr"))
    add_exclude_arguments(index.add_argument_group(_("exclusions")))
    _add_cache_arguments(index)

    ignore = commands.add_parser(
        "ignore", help=_('"not a duplicate": never group these photos together again'),
        description=_("Remember that the given photos (every pair of them) are not duplicates. The decision is kept "
                      "by content, so it holds after renames, moves and copies. Photos are only read."),
    )  # fmt: skip
    ignore.add_argument("photos", nargs="*", metavar="PHOTO", help=_("two or more photos that are not duplicates"))
    ignore.add_argument("--list", action="store_true", help=_("list the remembered decisions, numbered"))
    ignore.add_argument("--remove", type=int, nargs="+", metavar="N", help=_("forget decision N (see --list)"))

    reopen = commands.add_parser(
        "open", help=_("reopen results saved with `scan --save` (or the app's Save results)"),
        description=_("Print the saved groups with their marks. Files changed or gone since are shown as such and "
                      "are never trashed on the strength of the old scan: --trash-duplicates checks every file "
                      "again."),
    )  # fmt: skip
    reopen.add_argument("file", metavar="FILE", help=_("a saved-results file"))
    reopen.add_argument("--max-distance", type=int, metavar="BITS", help=_("regroup at this distance instead"))
    reopen.add_argument("-q", "--quiet", action="store_true", help=_("print only the summary"))
    act = reopen.add_argument_group(_("clean up"))
    act.add_argument("--trash-duplicates", action="store_true", help=_("move the marked copies to the system trash"))
    act.add_argument("--dry-run", action="store_true", help=_("with --trash-duplicates: show what would be moved"))
    act.add_argument("--yes", action="store_true", help=_("with --trash-duplicates: do not ask for confirmation"))


# -- shared helpers ----------------------------------------------------------------------------------------------
def exclude_patterns(args: argparse.Namespace) -> tuple[str, ...]:
    """The exclusion patterns for a scan/find/index; raises ValueError for an unusable pattern."""
    extra = [check_pattern(p) for p in getattr(args, "exclude", [])]
    return effective_patterns(extra, defaults=not getattr(args, "no_default_excludes", False))


def _threshold(args: argparse.Namespace, hash_kind: HashKind) -> int:
    if args.max_distance is None:
        return preset_distance(Preset(args.preset), hash_kind)
    if not 0 <= args.max_distance <= hash_kind.bits:
        raise ValueError(_("--max-distance must be between 0 and {bits} bits").format(bits=hash_kind.bits))
    return args.max_distance


def _err(message: object) -> None:
    print(f"dupfinder: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "find":
            return find_command(args)
        if args.command == "index":
            return index_command(args)
        if args.command == "ignore":
            return ignore_command(args)
        return open_command(args)
    except KeyboardInterrupt:
        _err(_("interrupted"))
        return EXIT_INTERRUPTED


# -- find --------------------------------------------------------------------------------------------------------
def find_command(args: argparse.Namespace) -> int:
    from dupfinder.cli import check_folders, printable
    from dupfinder.core.library.find import find_in_folders, find_in_library
    from dupfinder.core.library.store import LibraryError

    hash_kind = HashKind(args.hash)
    try:
        threshold = _threshold(args, hash_kind)
        for photo in args.photos:
            if not photo.strip() or not os.path.lexists(photo):
                raise ValueError(_("no such photo: {path}").format(path=printable(photo)))
            if os.path.isdir(photo):
                raise ValueError(_("{path} is a folder; give photos to look for").format(path=printable(photo)))
        if args.turned and not set(hash_kind.parts) <= {"phash", "dhash"}:
            raise ValueError(_("mirrored and turned copies can be matched with phash, dhash or phash+dhash only"))
        if args.folders is not None:
            check_folders(args.folders)
            options = ScanOptions(
                roots=tuple(args.folders), hash_kind=hash_kind, use_cache=not args.no_cache, cache_path=args.cache,
                workers=args.workers, match_turned=args.turned, exclude=exclude_patterns(args),
            )  # fmt: skip
            report = find_in_folders(args.photos, options, threshold)
        else:
            report = find_in_library(args.photos, args.db, hash_kind, threshold, turned=args.turned)
    except (ValueError, LibraryError) as exc:
        _err(exc)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(find_json(report), ensure_ascii=True, indent=1))
    else:
        print_find(report)
    return EXIT_OK if report.all_found else EXIT_PROBLEM


def find_json(report) -> dict:
    return {
        "schema_version": 1,
        "tool": f"dupfinder {__version__}",
        "kind": "find",
        "searched": report.source,
        "fingerprints_searched": report.searched,
        "hash": report.hash_name,
        "threshold_bits": report.threshold_bits,
        "all_found": report.all_found,
        "queries": [
            {
                "path": q.path,
                "found": bool(q.matches),
                "problem": q.problem.reason if q.problem else None,
                "matches": [
                    {
                        "path": m.path,
                        "similarity": round(m.similarity, 2),
                        "distance_bits": m.distance_bits,
                        "identical": m.identical,
                        "differs": m.differs,
                        "width": m.width,
                        "height": m.height,
                        "size_bytes": m.size_bytes,
                        "format": m.format,
                    }
                    for m in q.matches
                ],
            }
            for q in report.queries
        ],
        "summary": {
            "decoded": report.decoded,
            "from_cache": report.from_cache,
            "elapsed_s": round(report.elapsed_s, 3),
        },
        "problems": [{"path": p.path, "reason": p.reason} for p in report.problems],
        "warnings": list(report.warnings),
    }


def print_find(report) -> None:
    from dupfinder.cli import elapsed_text, pad, printable

    for query in report.queries:
        if query.problem is not None:
            message = _("{path}: cannot be read ({reason}); no copy found")
            print(message.format(path=printable(query.path), reason=problem_reason(query.problem)))
        elif not query.matches:
            print(_("{path}: no copy found").format(path=printable(query.path)))
        else:
            count = len(query.matches)
            print(ngettext("{path}: {n} copy", "{path}: {n} copies", count).format(path=printable(query.path), n=count))
            for m in query.matches:
                print(f"  {m.similarity:5.1f} %  {pad(difference_label(m.differs), 24)}  {m.width:>5}×{m.height:<5} "
                      f"{human_bytes(m.size_bytes):>9}  {printable(m.path)}")  # fmt: skip
    cache = _(" ({decoded} decoded, {cached} from the cache)").format(
        decoded=human_count(report.decoded), cached=human_count(report.from_cache)
    )
    print(
        ngettext("Searched {n} photo in {source}{cache} · threshold {bits} bits ({hash}) · time: {time}",
                 "Searched {n} photos in {source}{cache} · threshold {bits} bits ({hash}) · time: {time}",
                 report.searched).format(
            n=human_count(report.searched), source=printable(report.source),
            cache=cache if report.from_cache or report.decoded else "", bits=report.threshold_bits,
            hash=report.hash_name, time=elapsed_text(report.elapsed_s),
        )
    )  # fmt: skip
    if report.problems:
        count = len(report.problems)
        print(ngettext("Skipped {n} file that could not be read.", "Skipped {n} files that could not be read.",
                       count).format(n=count))  # fmt: skip
    for warning in report.warnings:
        print(_("Warning: {warning}").format(warning=warning), file=sys.stderr)


# -- index -------------------------------------------------------------------------------------------------------
def index_command(args: argparse.Namespace) -> int:
    from dupfinder.cli import ProgressBar, check_folders, elapsed_text, printable
    from dupfinder.core.library.find import index_folders, library_roots
    from dupfinder.core.library.store import LibraryError
    from dupfinder.core.progress import ScanCancelled

    try:
        folders = list(args.folders)
        if not folders:
            folders = library_roots(args.db) if os.path.lexists(args.db) else []
            if not folders:
                raise ValueError(_("name the folders to index (the library has none yet)"))
        check_folders(folders)
        options = ScanOptions(
            roots=tuple(folders), use_cache=not args.no_cache, cache_path=args.cache, workers=args.workers,
            exclude=exclude_patterns(args),
        )  # fmt: skip
        bar = ProgressBar(enabled=sys.stderr.isatty() and not args.no_progress)
        try:
            report = index_folders(args.db, options, progress=bar.update)
        finally:
            bar.clear()
    except (ValueError, LibraryError) as exc:
        _err(exc)
        return EXIT_USAGE
    except (KeyboardInterrupt, ScanCancelled):
        _err(_("interrupted; the library was not changed"))
        return EXIT_INTERRUPTED
    print(
        _("Library {library}: {total} photos · {added} added, {updated} updated, {removed} removed, {unchanged} "
          "unchanged · skipped: {skipped} · time: {time}").format(
            library=printable(report.library), total=human_count(report.total), added=human_count(report.added),
            updated=human_count(report.updated), removed=human_count(report.removed),
            unchanged=human_count(report.unchanged), skipped=len(report.problems), time=elapsed_text(report.elapsed_s),
        )
    )  # fmt: skip
    for problem in report.problems:
        print(f"  {printable(problem.path)}: {problem_reason(problem)}")
    for warning in report.warnings:
        print(_("Warning: {warning}").format(warning=warning), file=sys.stderr)
    return EXIT_OK


# -- ignore ------------------------------------------------------------------------------------------------------
def ignore_command(args: argparse.Namespace) -> int:
    from dupfinder.cli import printable
    from dupfinder.core.fingerprint import FingerprintError
    from dupfinder.core.ignore import IgnoreList, IgnoreListError, photo_of_file

    try:
        ignore_list = IgnoreList.load()
        if args.list:
            if args.photos or args.remove:
                raise ValueError(_("--list takes no photos and no --remove"))
            print_ignore_list(ignore_list)
            return EXIT_OK
        if args.remove:
            if args.photos:
                raise ValueError(_("--remove takes decision numbers, not photos"))
            removed = ignore_list.remove(args.remove)
            ignore_list.save()
            print(ngettext("Forgot {n} decision; the next scan may group those photos again.",
                           "Forgot {n} decisions; the next scan may group those photos again.",
                           len(removed)).format(n=len(removed)))  # fmt: skip
            return EXIT_OK
        if len(args.photos) < 2:
            raise ValueError(_("name two or more photos that are not duplicates (or use --list / --remove N)"))
        photos = []
        for path in args.photos:
            if not os.path.isfile(path):
                raise ValueError(_("no such photo: {path}").format(path=printable(path)))
            try:
                photos.append(photo_of_file(os.path.abspath(path)))
            except FingerprintError as exc:
                message = _("{path} cannot be read as a photo: {reason}")
                raise ValueError(message.format(path=printable(path), reason=exc.kind.value)) from exc
            except OSError as exc:
                message = _("{path} cannot be read: {reason}")
                raise ValueError(message.format(path=printable(path), reason=exc.strerror or exc)) from exc
        decision = ignore_list.add(photos)
        ignore_list.save()
    except (ValueError, IgnoreListError) as exc:
        _err(exc)
        return EXIT_USAGE
    print(
        ngettext("Remembered: these {n} photos are not duplicates (decision {number}). Later scans will not group "
                 "them together.",
                 "Remembered: these {n} photos are not duplicates (decision {number}). Later scans will not group "
                 "them together.", len(decision.photos)).format(n=len(decision.photos),
                                                               number=len(ignore_list.decisions))
    )  # fmt: skip
    return EXIT_OK


def print_ignore_list(ignore_list) -> None:
    from dupfinder.cli import printable

    if not ignore_list.decisions:
        print(_("No photos are marked as not duplicates."))
        return
    for number, decision in enumerate(ignore_list.decisions, 1):
        count = len(decision.photos)
        photos = ngettext("{n} photos are not duplicates", "{n} photos are not duplicates", count).format(n=count)
        print(f"{number}. {decision.added} · {photos}")
        for photo in decision.photos:
            print(f"     {printable(photo.path)}")


# -- open --------------------------------------------------------------------------------------------------------
def open_command(args: argparse.Namespace) -> int:
    from dupfinder.cli import print_groups, print_summary, printable, trash_command
    from dupfinder.core import saved_results

    try:
        saved = saved_results.load(args.file)
        result, threshold = saved.result, saved.threshold_bits
        if args.max_distance is not None:
            if not 0 <= args.max_distance <= result.max_distance_bits:
                raise ValueError(_("--max-distance must be between 0 and {bits} for these results").format(
                    bits=result.max_distance_bits))  # fmt: skip
            threshold = args.max_distance
        result, groups, marks, ignore_warnings = saved_results.regroup_saved(saved, threshold)
    except (OSError, ValueError) as exc:
        _err(exc)
        return EXIT_USAGE
    folders = ", ".join(printable(r) for r in result.roots)
    print(_("Results saved {date} from {folders}").format(date=saved.saved_at, folders=folders))
    if not args.quiet:
        print_groups(result, groups, marks, notes=saved.stale)
    print_summary(result, groups, marks, threshold)
    for warning in ignore_warnings:
        print(_("Warning: {warning}").format(warning=warning), file=sys.stderr)
    if saved.stale:
        changed = sum(1 for s in saved.stale.values() if s == saved_results.CHANGED)
        missing = len(saved.stale) - changed
        text = ngettext("Since they were saved, {changed} file changed and {missing} are missing",
                        "Since they were saved, {changed} files changed and {missing} are missing",
                        changed).format(changed=changed, missing=missing)  # fmt: skip
        text += _(": they are never moved on the strength of these results")
        dropped = len(saved.dropped_marks)
        if dropped:
            text += " " + ngettext("({n} mark dropped)", "({n} marks dropped)", dropped).format(n=dropped)
        print(text + ".")
    if args.trash_duplicates:
        return trash_command(result, groups, marks, threshold, dry_run=args.dry_run, assume_yes=args.yes)
    return EXIT_OK


def save_after_scan(path: str | None, result, groups, marks, *, threshold: int, preset: str | None) -> bool:
    """`scan --save FILE`: write the results; a failure is reported on stderr. True if saved (or not asked)."""
    from dupfinder.core import saved_results

    if path is None:
        return True
    try:
        saved_results.save(path, result, threshold_bits=threshold, marks=marks, preset=preset)
    except OSError as exc:
        _err(_("the results were not saved: {reason}").format(reason=exc))
        return False
    return True


def check_save_target(path: str | None) -> None:
    """Refuse a --save path before scanning (raises ReportPathRefused, an OSError)."""
    if path is not None:
        from dupfinder.core.saved_results import check_save_path

        check_save_path(path)
