<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>CleanupActions</name>
    <message numerus="yes">
        <source>Marked %Ln file(s) for the trash.</source>
        <translation>
            <numerusform>Marked %Ln file for the trash.</numerusform>
            <numerusform>Marked %Ln files for the trash.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CleanupDialogs</name>
    <message numerus="yes">
        <source>Move %Ln file(s) ({size}) to the Trash?

Each group keeps at least one photo. You can put them back with “Undo last cleanup”.</source>
        <translation>
            <numerusform>Move %Ln file ({size}) to the Trash?

Each group keeps at least one photo. You can put them back with “Undo last cleanup”.</numerusform>
            <numerusform>Move %Ln files ({size}) to the Trash?

Each group keeps at least one photo. You can put them back with “Undo last cleanup”.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln file(s) ({size}) to the Trash.</source>
        <translation>
            <numerusform>Moved %Ln file ({size}) to the Trash.</numerusform>
            <numerusform>Moved %Ln files ({size}) to the Trash.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) stayed where they were:</source>
        <translation>
            <numerusform>%Ln file stayed where they were:</numerusform>
            <numerusform>%Ln files stayed where they were:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FindCopiesDialog</name>
    <message numerus="yes">
        <source>%Ln copy(s) of {path} in {folders}, best match first.</source>
        <translation>
            <numerusform>%Ln copy of {path} in {folders}, best match first.</numerusform>
            <numerusform>%Ln copies of {path} in {folders}, best match first.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GroupDelegate</name>
    <message numerus="yes">
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln to trash</source>
        <translation>
            <numerusform>%Ln to trash</numerusform>
            <numerusform>%Ln to trash</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GroupsModel</name>
    <message numerus="yes">
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IgnoredPairsDialog</name>
    <message numerus="yes">
        <source>%Ln photo(s):</source>
        <translation>
            <numerusform>%Ln photo:</numerusform>
            <numerusform>%Ln photos:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LibraryActions</name>
    <message numerus="yes">
        <source>Found %Ln copy(s) of {name}.</source>
        <translation>
            <numerusform>Found %Ln copy of {name}.</numerusform>
            <numerusform>Found %Ln copies of {name}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved %Ln group(s) to {path}.</source>
        <translation>
            <numerusform>Saved %Ln group to {path}.</numerusform>
            <numerusform>Saved %Ln groups to {path}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) changed or vanished since: listed under the files that could not be read, and never moved.</source>
        <translation>
            <numerusform>%Ln file changed or vanished since: listed under the files that could not be read, and never moved.</numerusform>
            <numerusform>%Ln files changed or vanished since: listed under the files that could not be read, and never moved.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Added %Ln folder(s). Press Scan to look for duplicates.</source>
        <translation>
            <numerusform>Added %Ln folder. Press Scan to look for duplicates.</numerusform>
            <numerusform>Added %Ln folders. Press Scan to look for duplicates.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln group(s) to {path}.</source>
        <translation>
            <numerusform>Exported %Ln group to {path}.</numerusform>
            <numerusform>Exported %Ln groups to {path}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln file(s) ({size}) to Trash…</source>
        <translation>
            <numerusform>Move %Ln file ({size}) to Trash…</numerusform>
            <numerusform>Move %Ln files ({size}) to Trash…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProblemsDialog</name>
    <message numerus="yes">
        <source>%Ln file(s) could not be read and were left out of the scan.</source>
        <translation>
            <numerusform>%Ln file could not be read and were left out of the scan.</numerusform>
            <numerusform>%Ln files could not be read and were left out of the scan.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewWidget</name>
    <message numerus="yes">
        <source>Group {number} of {count} — %Ln photo(s), {size} reclaimable</source>
        <translation>
            <numerusform>Group {number} of {count} — %Ln photo, {size} reclaimable</numerusform>
            <numerusform>Group {number} of {count} — %Ln photos, {size} reclaimable</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln group(s)</source>
        <translation>
            <numerusform>%Ln group</numerusform>
            <numerusform>%Ln groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln copy(s)</source>
        <translation>
            <numerusform>%Ln copy</numerusform>
            <numerusform>%Ln copies</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScanActions</name>
    <message numerus="yes">
        <source>%Ln file(s) could not be read</source>
        <translation>
            <numerusform>%Ln file could not be read</numerusform>
            <numerusform>%Ln files could not be read</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Scanned %Ln photo(s) in {seconds} s ({cached} from the cache).</source>
        <translation>
            <numerusform>Scanned %Ln photo in {seconds} s ({cached} from the cache).</numerusform>
            <numerusform>Scanned %Ln photos in {seconds} s ({cached} from the cache).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No duplicates among %Ln photo(s) at this similarity. Move the slider towards Loose to find looser matches, or scan other folders.</source>
        <translation>
            <numerusform>No duplicates among %Ln photo at this similarity. Move the slider towards Loose to find looser matches, or scan other folders.</numerusform>
            <numerusform>No duplicates among %Ln photos at this similarity. Move the slider towards Loose to find looser matches, or scan other folders.</numerusform>
        </translation>
    </message>
</context>
</TS>
