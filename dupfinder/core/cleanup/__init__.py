"""The cleanup safety perimeter: everything that moves a user's file or decides that it may be moved.

plan.py      what may go (keepers, protected folders by identity, one real file once)
checks.py    the checks just before a move: unchanged since the scan, still alike to a copy that stays
lock.py      one cleanup or undo at a time
actionlog.py the journal of every move, written before and after it
freedesktop.py which trash folder a file may go to, .trashinfo files, finding entries
mover.py     the only module that renames a user's file (into the trash or DIR, and back)
destination.py whether DIR (--move-duplicates-to) may be used, and where in it each file goes
trash.py     trash_files() and move_files(): a cleanup, in that order
undo.py      undo_last_cleanup(), classify_session()
"""

from dupfinder.core.cleanup.destination import destination_problem
from dupfinder.core.cleanup.plan import NotTrashed
from dupfinder.core.cleanup.trash import TrashedFile, TrashReport, move_files, trash_files
from dupfinder.core.cleanup.undo import FileLocation, FileState, UndoReport, classify_session, undo_last_cleanup

__all__ = [
    "FileLocation",
    "FileState",
    "NotTrashed",
    "TrashReport",
    "TrashedFile",
    "UndoReport",
    "classify_session",
    "destination_problem",
    "move_files",
    "trash_files",
    "undo_last_cleanup",
]
