<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CleanupActions</name>
    <message numerus="yes">
        <source>Marked %Ln file(s) for the trash.</source>
        <translation>
            <numerusform>已将 %Ln 个文件标记为移到回收站。</numerusform>
        </translation>
    </message>
    <message>
        <source>Moving to the Trash…</source>
        <translation>正在移到回收站…</translation>
    </message>
    <message>
        <source>Stopped moving files to the Trash.</source>
        <translation>已停止将文件移到回收站。</translation>
    </message>
    <message>
        <source>Moving to the Trash failed</source>
        <translation>移到回收站失败</translation>
    </message>
    <message>
        <source>All duplicates are cleaned up. Undo puts the files back if you need them.</source>
        <translation>所有重复项都已清理。如有需要，可用“撤销”把文件放回原处。</translation>
    </message>
    <message>
        <source>Putting files back…</source>
        <translation>正在放回文件…</translation>
    </message>
    <message>
        <source>Undo failed</source>
        <translation>撤销失败</translation>
    </message>
</context>
<context>
    <name>CleanupDialogs</name>
    <message>
        <source>Move to Trash</source>
        <translation>移到回收站</translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln file(s) ({size}) to the Trash?

Each group keeps at least one photo. You can put them back with “Undo last cleanup”.</source>
        <translation>
            <numerusform>将 %Ln 个文件（{size}）移到回收站？

每组至少保留一张照片。可用“撤销上次清理”把它们放回原处。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln file(s) ({size}) to the Trash.</source>
        <translation>
            <numerusform>已将 %Ln 个文件（{size}）移到回收站。</numerusform>
        </translation>
    </message>
    <message>
        <source>Some files were not moved</source>
        <translation>部分文件未移动</translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) stayed where they were:</source>
        <translation>
            <numerusform>%Ln 个文件留在原处：</numerusform>
        </translation>
    </message>
    <message>
        <source>Some files stayed in the Trash</source>
        <translation>部分文件仍在回收站中</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>No preview</source>
        <translation>无预览</translation>
    </message>
</context>
<context>
    <name>ExclusionsDialog</name>
    <message>
        <source>Exclusions</source>
        <translation>排除项</translation>
    </message>
    <message>
        <source>Folders and files to skip, one pattern a line: a name (&lt;code&gt;@eaDir&lt;/code&gt;, &lt;code&gt;*.tmp&lt;/code&gt;) or a path below a scanned folder (&lt;code&gt;*/.thumbnails/*&lt;/code&gt;). Skipped folders are not even opened.</source>
        <translation>要跳过的文件夹和文件，每行一个模式：名称（&lt;code&gt;@eaDir&lt;/code&gt;、&lt;code&gt;*.tmp&lt;/code&gt;）或扫描文件夹下的路径（&lt;code&gt;*/.thumbnails/*&lt;/code&gt;）。跳过的文件夹根本不会被打开。</translation>
    </message>
    <message>
        <source>Also skip the thumbnail caches and system folders of common systems</source>
        <translation>同时跳过常见系统的缩略图缓存和系统文件夹</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>Export results as {kind}</source>
        <translation>将结果导出为 {kind}</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
</context>
<context>
    <name>FindCopiesDialog</name>
    <message>
        <source>Copies of {name}</source>
        <translation>{name} 的副本</translation>
    </message>
    <message>
        <source>{path} cannot be read: {reason}</source>
        <translation>无法读取 {path}：{reason}</translation>
    </message>
    <message numerus="yes">
        <source>%Ln copy(s) of {path} in {folders}, best match first.</source>
        <translation>
            <numerusform>在 {folders} 中找到 {path} 的 %Ln 个副本，最佳匹配在前。</numerusform>
        </translation>
    </message>
    <message>
        <source>No copy of {path} in {folders}: this photo is not there yet.</source>
        <translation>{folders} 中没有 {path} 的副本：这张照片还不在那里。</translation>
    </message>
</context>
<context>
    <name>GroupDelegate</name>
    <message>
        <source>identical</source>
        <translation>完全相同</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln 张照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln to trash</source>
        <translation>
            <numerusform>%Ln 张待删除</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GroupsModel</name>
    <message>
        <source>identical</source>
        <translation>完全相同</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln 张照片</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IgnoredPairsDialog</name>
    <message>
        <source>Photos that are not duplicates</source>
        <translation>不是重复项的照片</translation>
    </message>
    <message>
        <source>These photos are never grouped together, wherever they are moved or copied.</source>
        <translation>无论移动或复制到哪里，这些照片都不会再被归为一组。</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>移除所选</translation>
    </message>
    <message>
        <source>(unknown path)</source>
        <translation>（未知路径）</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photo(s):</source>
        <translation>
            <numerusform>%Ln 张照片：</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImageViewerDialog</name>
    <message>
        <source>wheel to zoom, drag to pan, Esc to close</source>
        <translation>滚轮缩放，拖动平移，Esc 关闭</translation>
    </message>
</context>
<context>
    <name>LibraryActions</name>
    <message>
        <source>dupfinder results (*.dupfinder.json *.json)</source>
        <translation>dupfinder 结果 (*.dupfinder.json *.json)</translation>
    </message>
    <message>
        <source>Photos ({patterns})</source>
        <translation>照片 ({patterns})</translation>
    </message>
    <message>
        <source>&amp;Find copies of a photo…</source>
        <translation>查找照片的副本(&amp;F)…</translation>
    </message>
    <message>
        <source>Sa&amp;ve results…</source>
        <translation>保存结果(&amp;V)…</translation>
    </message>
    <message>
        <source>&amp;Open results…</source>
        <translation>打开结果(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Not a duplicate (current photo)</source>
        <translation>不是重复项（当前照片）(&amp;N)</translation>
    </message>
    <message>
        <source>None of this &amp;group are duplicates</source>
        <translation>本组都不是重复项(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Ignored pairs…</source>
        <translation>已忽略的照片对(&amp;I)…</translation>
    </message>
    <message>
        <source>E&amp;xclusions…</source>
        <translation>排除项(&amp;X)…</translation>
    </message>
    <message>
        <source>Not a duplicate of the others (N)</source>
        <translation>不是其他照片的重复项 (N)</translation>
    </message>
    <message>
        <source>None of this group are duplicates</source>
        <translation>本组都不是重复项</translation>
    </message>
    <message>
        <source>Find copies of this photo…</source>
        <translation>查找这张照片的副本…</translation>
    </message>
    <message>
        <source>Exclusions saved; they apply from the next scan.</source>
        <translation>排除项已保存，从下次扫描起生效。</translation>
    </message>
    <message>
        <source>Find copies of a photo</source>
        <translation>查找照片的副本</translation>
    </message>
    <message>
        <source>Wait for the current task to finish.</source>
        <translation>请等待当前任务完成。</translation>
    </message>
    <message>
        <source>Add the folders to look in first.</source>
        <translation>请先添加要查找的文件夹。</translation>
    </message>
    <message>
        <source>Looking for copies of {name}…</source>
        <translation>正在查找 {name} 的副本…</translation>
    </message>
    <message>
        <source>Search cancelled.</source>
        <translation>搜索已取消。</translation>
    </message>
    <message>
        <source>Search failed</source>
        <translation>搜索失败</translation>
    </message>
    <message numerus="yes">
        <source>Found %Ln copy(s) of {name}.</source>
        <translation>
            <numerusform>找到 {name} 的 %Ln 个副本。</numerusform>
        </translation>
    </message>
    <message>
        <source>Found no copy of {name}.</source>
        <translation>未找到 {name} 的副本。</translation>
    </message>
    <message>
        <source>These photos have identical content: they are duplicates.</source>
        <translation>这些照片内容完全相同：它们是重复项。</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Remembered: not duplicates. They will not be grouped together again (Edit → Ignored pairs… to undo).</source>
        <translation>已记住：不是重复项。它们不会再被归为一组（可在“编辑 → 已忽略的照片对…”中撤销）。</translation>
    </message>
    <message>
        <source>Ignored pairs</source>
        <translation>已忽略的照片对</translation>
    </message>
    <message>
        <source>Removed; those photos can be grouped again from the next scan.</source>
        <translation>已移除；从下次扫描起，这些照片可以再次归为一组。</translation>
    </message>
    <message>
        <source>Save results</source>
        <translation>保存结果</translation>
    </message>
    <message>
        <source>Results not saved</source>
        <translation>结果未保存</translation>
    </message>
    <message numerus="yes">
        <source>Saved %Ln group(s) to {path}.</source>
        <translation>
            <numerusform>已将 %Ln 个组保存到 {path}。</numerusform>
        </translation>
    </message>
    <message>
        <source>Open results</source>
        <translation>打开结果</translation>
    </message>
    <message>
        <source>Cannot open results</source>
        <translation>无法打开结果</translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) changed or vanished since: listed under the files that could not be read, and never moved.</source>
        <translation>
            <numerusform>此后有 %Ln 个文件已更改或消失：它们列在无法读取的文件中，绝不会被移动。</numerusform>
        </translation>
    </message>
    <message>
        <source>Opened results saved {date}.</source>
        <translation>已打开保存于 {date} 的结果。</translation>
    </message>
    <message>
        <source>{state} (results saved {date})</source>
        <translation>{state}（结果保存于 {date}）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Duplicate photo finder</source>
        <translation>重复照片查找工具</translation>
    </message>
    <message>
        <source>Keep best resolution</source>
        <translation>保留最高分辨率</translation>
    </message>
    <message>
        <source>In every group, keep the best copy and mark the others for the trash</source>
        <translation>在每一组中保留最佳副本，并将其余的标记为移到回收站</translation>
    </message>
    <message>
        <source>Move to Trash…</source>
        <translation>移到回收站…</translation>
    </message>
    <message>
        <source>Undo last cleanup</source>
        <translation>撤销上次清理</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Add folder…</source>
        <translation>添加文件夹(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Scan</source>
        <translation>扫描(&amp;S)</translation>
    </message>
    <message>
        <source>Export results as &amp;CSV…</source>
        <translation>将结果导出为 &amp;CSV…</translation>
    </message>
    <message>
        <source>Export results as &amp;JSON…</source>
        <translation>将结果导出为 &amp;JSON…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Keep best resolution</source>
        <translation>保留最高分辨率(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Clear all marks</source>
        <translation>清除所有标记(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Move marked files to Trash…</source>
        <translation>将标记的文件移到回收站(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Undo last cleanup</source>
        <translation>撤销上次清理(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About dupfinder</source>
        <translation>关于 dupfinder(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>The language changes when dupfinder is started again.</source>
        <translation>语言将在 dupfinder 重新启动后更改。</translation>
    </message>
    <message>
        <source>Add the folders that hold your photos — with “Add folder…” or by dropping them here — then press Scan.</source>
        <translation>添加存放照片的文件夹（点击“添加文件夹…”或拖放到这里），然后点击“扫描”。</translation>
    </message>
    <message>
        <source>Add a folder to scan</source>
        <translation>添加要扫描的文件夹</translation>
    </message>
    <message>
        <source>Not a folder: {path}</source>
        <translation>不是文件夹：{path}</translation>
    </message>
    <message numerus="yes">
        <source>Added %Ln folder(s). Press Scan to look for duplicates.</source>
        <translation>
            <numerusform>已添加 %Ln 个文件夹。点击“扫描”查找重复项。</numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Could not write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln group(s) to {path}.</source>
        <translation>
            <numerusform>已将 %Ln 个组导出到 {path}。</numerusform>
        </translation>
    </message>
    <message>
        <source>About dupfinder</source>
        <translation>关于 dupfinder</translation>
    </message>
    <message>
        <source>Finds duplicate and near-duplicate photos and moves the extra copies to the Trash, safely: protected folders are never touched, each group keeps at least one photo, and the last cleanup can be undone.</source>
        <translation>查找重复和近似重复的照片，并安全地把多余的副本移到回收站：受保护的文件夹绝不会被改动，每组至少保留一张照片，上次清理可以撤销。</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>正在扫描…</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>扫描</translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln file(s) ({size}) to Trash…</source>
        <translation>
            <numerusform>将 %Ln 个文件（{size}）移到回收站…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PairCompare</name>
    <message>
        <source>One of the photos cannot be read.</source>
        <translation>其中一张照片无法读取。</translation>
    </message>
    <message>
        <source>aligned on shared points</source>
        <translation>已按共同特征点对齐</translation>
    </message>
    <message>
        <source>not aligned (too few shared points): resized</source>
        <translation>未对齐（共同特征点太少）：仅缩放</translation>
    </message>
    <message>
        <source>{share} of the picture differs</source>
        <translation>画面有 {share} 不同</translation>
    </message>
    <message>
        <source>{share} missing from the second copy</source>
        <translation>第二个副本缺少 {share}</translation>
    </message>
</context>
<context>
    <name>PairCompareDialog</name>
    <message>
        <source>Compare {first} and {second}</source>
        <translation>比较 {first} 和 {second}</translation>
    </message>
    <message>
        <source>{width} px wide</source>
        <translation>宽 {width} 像素</translation>
    </message>
    <message>
        <source>Show where they differ</source>
        <translation>显示不同之处</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Wheel to zoom, drag to pan: both sides follow.</source>
        <translation>滚轮缩放，拖动平移：两侧同步。</translation>
    </message>
</context>
<context>
    <name>PhotoCard</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>★ Best</source>
        <translation>★ 最佳</translation>
    </message>
    <message>
        <source>The copy this group keeps: the best resolution, a protected copy, or the one you chose</source>
        <translation>本组保留的副本：分辨率最高的、受保护的，或您选择的那一个</translation>
    </message>
    <message>
        <source>In a protected folder: always kept</source>
        <translation>位于受保护的文件夹中：始终保留</translation>
    </message>
    <message>
        <source>Protected</source>
        <translation>受保护</translation>
    </message>
    <message>
        <source>taken {date}</source>
        <translation>拍摄于 {date}</translation>
    </message>
    <message>
        <source>modified {date}</source>
        <translation>修改于 {date}</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>参照</translation>
    </message>
    <message>
        <source>Always kept</source>
        <translation>始终保留</translation>
    </message>
    <message>
        <source>✗ Trash</source>
        <translation>✗ 删除</translation>
    </message>
    <message>
        <source>✓ Keep</source>
        <translation>✓ 保留</translation>
    </message>
    <message>
        <source>Click (or Space) to switch between keep and trash</source>
        <translation>单击（或按空格键）在保留和删除之间切换</translation>
    </message>
</context>
<context>
    <name>PhotoMenu</name>
    <message>
        <source>Open with system viewer</source>
        <translation>用系统查看器打开</translation>
    </message>
    <message>
        <source>Reveal in file manager</source>
        <translation>在文件管理器中显示</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>Show large</source>
        <translation>放大显示</translation>
    </message>
    <message>
        <source>Compare with the kept copy (C)</source>
        <translation>与保留的副本比较 (C)</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Mark for trash</source>
        <translation>标记为删除</translation>
    </message>
</context>
<context>
    <name>ProblemsDialog</name>
    <message>
        <source>Files that could not be read</source>
        <translation>无法读取的文件</translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) could not be read and were left out of the scan.</source>
        <translation>
            <numerusform>%Ln 个文件无法读取，已从扫描中略过。</numerusform>
        </translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>ReviewWidget</name>
    <message>
        <source>Most space first</source>
        <translation>占用空间最多的在前</translation>
    </message>
    <message>
        <source>Most alike first</source>
        <translation>最相似的在前</translation>
    </message>
    <message>
        <source>Most photos first</source>
        <translation>照片最多的在前</translation>
    </message>
    <message>
        <source>Sort:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <source>Every photo of this group is marked: the core always keeps one, so the keeper stays in place.</source>
        <translation>本组每张照片都已标记：程序始终保留一张，因此保留的副本留在原处。</translation>
    </message>
    <message>
        <source>↑/↓ groups · ←/→ photos · Space keep/trash · Del trash · N not a duplicate · Enter large · right-click for more</source>
        <translation>↑/↓ 切换组 · ←/→ 切换照片 · 空格 保留/删除 · Del 删除 · N 不是重复项 · Enter 放大 · 右键查看更多</translation>
    </message>
    <message numerus="yes">
        <source>Group {number} of {count} — %Ln photo(s), {size} reclaimable</source>
        <translation>
            <numerusform>第 {number} 组，共 {count} 组 — %Ln 张照片，可释放 {size}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln group(s)</source>
        <translation>
            <numerusform>%Ln 个组</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln copy(s)</source>
        <translation>
            <numerusform>%Ln 个副本</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScanActions</name>
    <message>
        <source>Add a folder first.</source>
        <translation>请先添加文件夹。</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>正在扫描…</translation>
    </message>
    <message>
        <source>Looking for duplicates… the groups appear here when the scan is done.</source>
        <translation>正在查找重复项… 扫描完成后，各组将显示在这里。</translation>
    </message>
    <message>
        <source>Scan cancelled.</source>
        <translation>扫描已取消。</translation>
    </message>
    <message>
        <source>Scan failed</source>
        <translation>扫描失败</translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) could not be read</source>
        <translation>
            <numerusform>%Ln 个文件无法读取</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Scanned %Ln photo(s) in {seconds} s ({cached} from the cache).</source>
        <translation>
            <numerusform>已扫描 %Ln 张照片，用时 {seconds} 秒（{cached} 张来自缓存）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No duplicates among %Ln photo(s) at this similarity. Move the slider towards Loose to find looser matches, or scan other folders.</source>
        <translation>
            <numerusform>在此相似度下，%Ln 张照片中没有重复项。把滑块移向“宽松”可找到更宽松的匹配，或扫描其他文件夹。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScanBarWidget</name>
    <message>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>or drop folders here</source>
        <translation>或将文件夹拖放到这里</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>Strict</source>
        <translation>严格</translation>
    </message>
    <message>
        <source>Left: only the same picture (resized, recompressed). Right: also edited copies.</source>
        <translation>左：仅同一画面（缩放、重新压缩）。右：也包括编辑过的副本。</translation>
    </message>
    <message>
        <source>Loose</source>
        <translation>宽松</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>扫描</translation>
    </message>
</context>
<context>
    <name>TaskProgressWidget</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
</context>
<context>
    <name>Threshold</name>
    <message>
        <source>Strict</source>
        <translation>严格</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>Loose</source>
        <translation>宽松</translation>
    </message>
    <message>
        <source>{preset} · ≥ {percent} % alike</source>
        <translation>{preset} · 相似度 ≥ {percent} %</translation>
    </message>
</context>
<context>
    <name>_FolderRow</name>
    <message>
        <source>Protected</source>
        <translation>受保护</translation>
    </message>
    <message>
        <source>Files in this folder are always kept, never moved to the trash</source>
        <translation>此文件夹中的文件始终保留，绝不会被移到回收站</translation>
    </message>
    <message>
        <source>Remove this folder from the list</source>
        <translation>从列表中移除此文件夹</translation>
    </message>
</context>
</TS>
