<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>CleanupActions</name>
    <message numerus="yes">
        <source>Marked %n file(s) for the trash.</source>
        <translation>
            <numerusform>Marked %n file for the trash.</numerusform>
            <numerusform>Marked %n files for the trash.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CleanupDialogs</name>
    <message numerus="yes">
        <source>Move %n file(s) ({size}) to the Trash?

Each group keeps at least one photo. You can put them back with “Undo last cleanup”.</source>
        <translation>
            <numerusform>Move %n file ({size}) to the Trash?

Each group keeps at least one photo. You can put them back with “Undo last cleanup”.</numerusform>
            <numerusform>Move %n files ({size}) to the Trash?

Each group keeps at least one photo. You can put them back with “Undo last cleanup”.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %n file(s) ({size}) to the Trash.</source>
        <translation>
            <numerusform>Moved %n file ({size}) to the Trash.</numerusform>
            <numerusform>Moved %n files ({size}) to the Trash.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) stayed where they were:</source>
        <translation>
            <numerusform>%n file stayed where they were:</numerusform>
            <numerusform>%n files stayed where they were:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FindCopiesDialog</name>
    <message numerus="yes">
        <source>%n copy(s) of {path} in {folders}, best match first.</source>
        <translation>
            <numerusform>%n copy of {path} in {folders}, best match first.</numerusform>
            <numerusform>%n copies of {path} in {folders}, best match first.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GroupDelegate</name>
    <message numerus="yes">
        <source>%n photo(s)</source>
        <translation>
            <numerusform>%n photo</numerusform>
            <numerusform>%n photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n to trash</source>
        <translation>
            <numerusform>%n to trash</numerusform>
            <numerusform>%n to trash</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GroupsModel</name>
    <message numerus="yes">
        <source>%n photo(s)</source>
        <translation>
            <numerusform>%n photo</numerusform>
            <numerusform>%n photos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IgnoredPairsDialog</name>
    <message numerus="yes">
        <source>%n photo(s):</source>
        <translation>
            <numerusform>%n photo:</numerusform>
            <numerusform>%n photos:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LibraryActions</name>
    <message numerus="yes">
        <source>Found %n copy(s) of {name}.</source>
        <translation>
            <numerusform>Found %n copy of {name}.</numerusform>
            <numerusform>Found %n copies of {name}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved %n group(s) to {path}.</source>
        <translation>
            <numerusform>Saved %n group to {path}.</numerusform>
            <numerusform>Saved %n groups to {path}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) changed or vanished since: listed under the files that could not be read, and never moved.</source>
        <translation>
            <numerusform>%n file changed or vanished since: listed under the files that could not be read, and never moved.</numerusform>
            <numerusform>%n files changed or vanished since: listed under the files that could not be read, and never moved.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Added %n folder(s). Press Scan to look for duplicates.</source>
        <translation>
            <numerusform>Added %n folder. Press Scan to look for duplicates.</numerusform>
            <numerusform>Added %n folders. Press Scan to look for duplicates.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n group(s) to {path}.</source>
        <translation>
            <numerusform>Exported %n group to {path}.</numerusform>
            <numerusform>Exported %n groups to {path}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n file(s) ({size}) to Trash…</source>
        <translation>
            <numerusform>Move %n file ({size}) to Trash…</numerusform>
            <numerusform>Move %n files ({size}) to Trash…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProblemsDialog</name>
    <message numerus="yes">
        <source>%n file(s) could not be read and were left out of the scan.</source>
        <translation>
            <numerusform>%n file could not be read and were left out of the scan.</numerusform>
            <numerusform>%n files could not be read and were left out of the scan.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewWidget</name>
    <message numerus="yes">
        <source>Group {number} of {count} — %n photo(s), {size} reclaimable</source>
        <translation>
            <numerusform>Group {number} of {count} — %n photo, {size} reclaimable</numerusform>
            <numerusform>Group {number} of {count} — %n photos, {size} reclaimable</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n group</numerusform>
            <numerusform>%n groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n copy(s)</source>
        <translation>
            <numerusform>%n copy</numerusform>
            <numerusform>%n copies</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScanActions</name>
    <message numerus="yes">
        <source>%n file(s) could not be read</source>
        <translation>
            <numerusform>%n file could not be read</numerusform>
            <numerusform>%n files could not be read</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Scanned %n photo(s) in {seconds} s ({cached} from the cache).</source>
        <translation>
            <numerusform>Scanned %n photo in {seconds} s ({cached} from the cache).</numerusform>
            <numerusform>Scanned %n photos in {seconds} s ({cached} from the cache).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No duplicates among %n photo(s) at this similarity. Move the slider towards Loose to find looser matches, or scan other folders.</source>
        <translation>
            <numerusform>No duplicates among %n photo at this similarity. Move the slider towards Loose to find looser matches, or scan other folders.</numerusform>
            <numerusform>No duplicates among %n photos at this similarity. Move the slider towards Loose to find looser matches, or scan other folders.</numerusform>
        </translation>
    </message>
</context>
</TS>
