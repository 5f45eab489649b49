<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>CleanupActions</name>
    <message numerus="yes">
        <source>Marked %Ln file(s) for the trash.</source>
        <translation>
            <numerusform>%Ln файл отмечен для корзины.</numerusform>
            <numerusform>%Ln файла отмечены для корзины.</numerusform>
            <numerusform>%Ln файлов отмечены для корзины.</numerusform>
        </translation>
    </message>
    <message>
        <source>Moving to the Trash…</source>
        <translation>Перемещение в корзину…</translation>
    </message>
    <message>
        <source>Stopped moving files to the Trash.</source>
        <translation>Перемещение файлов в корзину остановлено.</translation>
    </message>
    <message>
        <source>Moving to the Trash failed</source>
        <translation>Не удалось переместить в корзину</translation>
    </message>
    <message>
        <source>All duplicates are cleaned up. Undo puts the files back if you need them.</source>
        <translation>Все дубликаты убраны. Если файлы понадобятся, «Отменить» вернёт их на место.</translation>
    </message>
    <message>
        <source>Putting files back…</source>
        <translation>Возвращение файлов…</translation>
    </message>
    <message>
        <source>Undo failed</source>
        <translation>Не удалось отменить</translation>
    </message>
</context>
<context>
    <name>CleanupDialogs</name>
    <message>
        <source>Move to Trash</source>
        <translation>Переместить в корзину</translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln file(s) ({size}) to the Trash?

Each group keeps at least one photo. You can put them back with “Undo last cleanup”.</source>
        <translation>
            <numerusform>Переместить %Ln файл ({size}) в корзину?

В каждой группе остаётся хотя бы одна фотография. Вернуть файлы можно командой «Отменить последнюю очистку».</numerusform>
            <numerusform>Переместить %Ln файла ({size}) в корзину?

В каждой группе остаётся хотя бы одна фотография. Вернуть файлы можно командой «Отменить последнюю очистку».</numerusform>
            <numerusform>Переместить %Ln файлов ({size}) в корзину?

В каждой группе остаётся хотя бы одна фотография. Вернуть файлы можно командой «Отменить последнюю очистку».</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln file(s) ({size}) to the Trash.</source>
        <translation>
            <numerusform>%Ln файл ({size}) перемещён в корзину.</numerusform>
            <numerusform>%Ln файла ({size}) перемещены в корзину.</numerusform>
            <numerusform>%Ln файлов ({size}) перемещены в корзину.</numerusform>
        </translation>
    </message>
    <message>
        <source>Some files were not moved</source>
        <translation>Некоторые файлы не перемещены</translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) stayed where they were:</source>
        <translation>
            <numerusform>%Ln файл остался на месте:</numerusform>
            <numerusform>%Ln файла остались на месте:</numerusform>
            <numerusform>%Ln файлов остались на месте:</numerusform>
        </translation>
    </message>
    <message>
        <source>Some files stayed in the Trash</source>
        <translation>Некоторые файлы остались в корзине</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>No preview</source>
        <translation>Нет предпросмотра</translation>
    </message>
</context>
<context>
    <name>ExclusionsDialog</name>
    <message>
        <source>Exclusions</source>
        <translation>Исключения</translation>
    </message>
    <message>
        <source>Folders and files to skip, one pattern a line: a name (&lt;code&gt;@eaDir&lt;/code&gt;, &lt;code&gt;*.tmp&lt;/code&gt;) or a path below a scanned folder (&lt;code&gt;*/.thumbnails/*&lt;/code&gt;). Skipped folders are not even opened.</source>
        <translation>Папки и файлы, которые нужно пропускать, по одному шаблону в строке: имя (&lt;code&gt;@eaDir&lt;/code&gt;, &lt;code&gt;*.tmp&lt;/code&gt;) или путь внутри сканируемой папки (&lt;code&gt;*/.thumbnails/*&lt;/code&gt;). Пропущенные папки даже не открываются.</translation>
    </message>
    <message>
        <source>Also skip the thumbnail caches and system folders of common systems</source>
        <translation>Пропускать также кэши миниатюр и системные папки распространённых систем</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>Export results as {kind}</source>
        <translation>Экспорт результатов в {kind}</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Файлы CSV (*.csv)</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>Файлы JSON (*.json)</translation>
    </message>
</context>
<context>
    <name>FindCopiesDialog</name>
    <message>
        <source>Copies of {name}</source>
        <translation>Копии {name}</translation>
    </message>
    <message>
        <source>{path} cannot be read: {reason}</source>
        <translation>Не удаётся прочитать {path}: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>%Ln copy(s) of {path} in {folders}, best match first.</source>
        <translation>
            <numerusform>%Ln копия {path} в {folders}, сначала самые похожие.</numerusform>
            <numerusform>%Ln копии {path} в {folders}, сначала самые похожие.</numerusform>
            <numerusform>%Ln копий {path} в {folders}, сначала самые похожие.</numerusform>
        </translation>
    </message>
    <message>
        <source>No copy of {path} in {folders}: this photo is not there yet.</source>
        <translation>В {folders} нет копий {path}: этой фотографии там ещё нет.</translation>
    </message>
</context>
<context>
    <name>GroupDelegate</name>
    <message>
        <source>identical</source>
        <translation>идентичны</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln фотография</numerusform>
            <numerusform>%Ln фотографии</numerusform>
            <numerusform>%Ln фотографий</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln to trash</source>
        <translation>
            <numerusform>%Ln в корзину</numerusform>
            <numerusform>%Ln в корзину</numerusform>
            <numerusform>%Ln в корзину</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GroupsModel</name>
    <message>
        <source>identical</source>
        <translation>идентичны</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln фотография</numerusform>
            <numerusform>%Ln фотографии</numerusform>
            <numerusform>%Ln фотографий</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IgnoredPairsDialog</name>
    <message>
        <source>Photos that are not duplicates</source>
        <translation>Фотографии, которые не дубликаты</translation>
    </message>
    <message>
        <source>These photos are never grouped together, wherever they are moved or copied.</source>
        <translation>Эти фотографии никогда не объединяются в группу, куда бы их ни переместили или скопировали.</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>Удалить выбранные</translation>
    </message>
    <message>
        <source>(unknown path)</source>
        <translation>(путь неизвестен)</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photo(s):</source>
        <translation>
            <numerusform>%Ln фотография:</numerusform>
            <numerusform>%Ln фотографии:</numerusform>
            <numerusform>%Ln фотографий:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImageViewerDialog</name>
    <message>
        <source>wheel to zoom, drag to pan, Esc to close</source>
        <translation>колёсико — масштаб, перетаскивание — сдвиг, Esc — закрыть</translation>
    </message>
</context>
<context>
    <name>LibraryActions</name>
    <message>
        <source>dupfinder results (*.dupfinder.json *.json)</source>
        <translation>Результаты dupfinder (*.dupfinder.json *.json)</translation>
    </message>
    <message>
        <source>Photos ({patterns})</source>
        <translation>Фотографии ({patterns})</translation>
    </message>
    <message>
        <source>&amp;Find copies of a photo…</source>
        <translation>&amp;Найти копии фотографии…</translation>
    </message>
    <message>
        <source>Sa&amp;ve results…</source>
        <translation>Со&amp;хранить результаты…</translation>
    </message>
    <message>
        <source>&amp;Open results…</source>
        <translation>&amp;Открыть результаты…</translation>
    </message>
    <message>
        <source>&amp;Not a duplicate (current photo)</source>
        <translation>Н&amp;е дубликат (текущая фотография)</translation>
    </message>
    <message>
        <source>None of this &amp;group are duplicates</source>
        <translation>В этой &amp;группе нет дубликатов</translation>
    </message>
    <message>
        <source>&amp;Ignored pairs…</source>
        <translation>&amp;Игнорируемые пары…</translation>
    </message>
    <message>
        <source>E&amp;xclusions…</source>
        <translation>Ис&amp;ключения…</translation>
    </message>
    <message>
        <source>Not a duplicate of the others (N)</source>
        <translation>Не дубликат остальных (N)</translation>
    </message>
    <message>
        <source>None of this group are duplicates</source>
        <translation>В этой группе нет дубликатов</translation>
    </message>
    <message>
        <source>Find copies of this photo…</source>
        <translation>Найти копии этой фотографии…</translation>
    </message>
    <message>
        <source>Exclusions saved; they apply from the next scan.</source>
        <translation>Исключения сохранены; они действуют со следующего сканирования.</translation>
    </message>
    <message>
        <source>Find copies of a photo</source>
        <translation>Найти копии фотографии</translation>
    </message>
    <message>
        <source>Wait for the current task to finish.</source>
        <translation>Дождитесь окончания текущей задачи.</translation>
    </message>
    <message>
        <source>Add the folders to look in first.</source>
        <translation>Сначала добавьте папки для поиска.</translation>
    </message>
    <message>
        <source>Looking for copies of {name}…</source>
        <translation>Поиск копий {name}…</translation>
    </message>
    <message>
        <source>Search cancelled.</source>
        <translation>Поиск отменён.</translation>
    </message>
    <message>
        <source>Search failed</source>
        <translation>Поиск не удался</translation>
    </message>
    <message numerus="yes">
        <source>Found %Ln copy(s) of {name}.</source>
        <translation>
            <numerusform>Найдена %Ln копия {name}.</numerusform>
            <numerusform>Найдены %Ln копии {name}.</numerusform>
            <numerusform>Найдено %Ln копий {name}.</numerusform>
        </translation>
    </message>
    <message>
        <source>Found no copy of {name}.</source>
        <translation>Копий {name} не найдено.</translation>
    </message>
    <message>
        <source>These photos have identical content: they are duplicates.</source>
        <translation>У этих фотографий одинаковое содержимое: это дубликаты.</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>Не сохранено</translation>
    </message>
    <message>
        <source>Remembered: not duplicates. They will not be grouped together again (Edit → Ignored pairs… to undo).</source>
        <translation>Запомнено: не дубликаты. Они больше не попадут в одну группу (отменить: «Правка → Игнорируемые пары…»).</translation>
    </message>
    <message>
        <source>Ignored pairs</source>
        <translation>Игнорируемые пары</translation>
    </message>
    <message>
        <source>Removed; those photos can be grouped again from the next scan.</source>
        <translation>Удалено; со следующего сканирования эти фотографии снова могут попасть в одну группу.</translation>
    </message>
    <message>
        <source>Save results</source>
        <translation>Сохранить результаты</translation>
    </message>
    <message>
        <source>Results not saved</source>
        <translation>Результаты не сохранены</translation>
    </message>
    <message numerus="yes">
        <source>Saved %Ln group(s) to {path}.</source>
        <translation>
            <numerusform>%Ln группа сохранена в {path}.</numerusform>
            <numerusform>%Ln группы сохранены в {path}.</numerusform>
            <numerusform>%Ln групп сохранены в {path}.</numerusform>
        </translation>
    </message>
    <message>
        <source>Open results</source>
        <translation>Открыть результаты</translation>
    </message>
    <message>
        <source>Cannot open results</source>
        <translation>Не удаётся открыть результаты</translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) changed or vanished since: listed under the files that could not be read, and never moved.</source>
        <translation>
            <numerusform>%Ln файл с тех пор изменился или исчез: он указан среди файлов, которые не удалось прочитать, и не будет перемещён.</numerusform>
            <numerusform>%Ln файла с тех пор изменились или исчезли: они указаны среди файлов, которые не удалось прочитать, и не будут перемещены.</numerusform>
            <numerusform>%Ln файлов с тех пор изменились или исчезли: они указаны среди файлов, которые не удалось прочитать, и не будут перемещены.</numerusform>
        </translation>
    </message>
    <message>
        <source>Opened results saved {date}.</source>
        <translation>Открыты результаты, сохранённые {date}.</translation>
    </message>
    <message>
        <source>{state} (results saved {date})</source>
        <translation>{state} (результаты сохранены {date})</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Duplicate photo finder</source>
        <translation>Поиск дубликатов фотографий</translation>
    </message>
    <message>
        <source>Keep best resolution</source>
        <translation>Оставить лучшее разрешение</translation>
    </message>
    <message>
        <source>In every group, keep the best copy and mark the others for the trash</source>
        <translation>В каждой группе оставить лучшую копию, а остальные отметить для корзины</translation>
    </message>
    <message>
        <source>Move to Trash…</source>
        <translation>Переместить в корзину…</translation>
    </message>
    <message>
        <source>Undo last cleanup</source>
        <translation>Отменить последнюю очистку</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>&amp;Add folder…</source>
        <translation>&amp;Добавить папку…</translation>
    </message>
    <message>
        <source>&amp;Scan</source>
        <translation>&amp;Сканировать</translation>
    </message>
    <message>
        <source>Export results as &amp;CSV…</source>
        <translation>Экспорт результатов в &amp;CSV…</translation>
    </message>
    <message>
        <source>Export results as &amp;JSON…</source>
        <translation>Экспорт результатов в &amp;JSON…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Правка</translation>
    </message>
    <message>
        <source>&amp;Keep best resolution</source>
        <translation>&amp;Оставить лучшее разрешение</translation>
    </message>
    <message>
        <source>&amp;Clear all marks</source>
        <translation>&amp;Снять все отметки</translation>
    </message>
    <message>
        <source>&amp;Move marked files to Trash…</source>
        <translation>&amp;Переместить отмеченные файлы в корзину…</translation>
    </message>
    <message>
        <source>&amp;Undo last cleanup</source>
        <translation>Отменить последнюю &amp;очистку</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <source>&amp;About dupfinder</source>
        <translation>&amp;О программе dupfinder</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Язык</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <source>The language changes when dupfinder is started again.</source>
        <translation>Язык сменится при следующем запуске dupfinder.</translation>
    </message>
    <message>
        <source>Add the folders that hold your photos — with “Add folder…” or by dropping them here — then press Scan.</source>
        <translation>Добавьте папки с фотографиями — кнопкой «Добавить папку…» или перетащив их сюда, — затем нажмите «Сканировать».</translation>
    </message>
    <message>
        <source>Add a folder to scan</source>
        <translation>Добавить папку для сканирования</translation>
    </message>
    <message>
        <source>Not a folder: {path}</source>
        <translation>Это не папка: {path}</translation>
    </message>
    <message numerus="yes">
        <source>Added %Ln folder(s). Press Scan to look for duplicates.</source>
        <translation>
            <numerusform>Добавлена %Ln папка. Нажмите «Сканировать», чтобы найти дубликаты.</numerusform>
            <numerusform>Добавлены %Ln папки. Нажмите «Сканировать», чтобы найти дубликаты.</numerusform>
            <numerusform>Добавлено %Ln папок. Нажмите «Сканировать», чтобы найти дубликаты.</numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Не удалось экспортировать</translation>
    </message>
    <message>
        <source>Could not write {path}: {reason}</source>
        <translation>Не удалось записать {path}: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln group(s) to {path}.</source>
        <translation>
            <numerusform>%Ln группа экспортирована в {path}.</numerusform>
            <numerusform>%Ln группы экспортированы в {path}.</numerusform>
            <numerusform>%Ln групп экспортированы в {path}.</numerusform>
        </translation>
    </message>
    <message>
        <source>About dupfinder</source>
        <translation>О программе dupfinder</translation>
    </message>
    <message>
        <source>Finds duplicate and near-duplicate photos and moves the extra copies to the Trash, safely: protected folders are never touched, each group keeps at least one photo, and the last cleanup can be undone.</source>
        <translation>Находит дубликаты и почти одинаковые фотографии и безопасно перемещает лишние копии в корзину: защищённые папки не затрагиваются, в каждой группе остаётся хотя бы одна фотография, последнюю очистку можно отменить.</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>Сканирование…</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>Сканировать</translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln file(s) ({size}) to Trash…</source>
        <translation>
            <numerusform>Переместить %Ln файл ({size}) в корзину…</numerusform>
            <numerusform>Переместить %Ln файла ({size}) в корзину…</numerusform>
            <numerusform>Переместить %Ln файлов ({size}) в корзину…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PairCompare</name>
    <message>
        <source>One of the photos cannot be read.</source>
        <translation>Одну из фотографий не удаётся прочитать.</translation>
    </message>
    <message>
        <source>aligned on shared points</source>
        <translation>совмещены по общим точкам</translation>
    </message>
    <message>
        <source>not aligned (too few shared points): resized</source>
        <translation>не совмещены (слишком мало общих точек): только масштаб</translation>
    </message>
    <message>
        <source>{share} of the picture differs</source>
        <translation>различается {share} изображения</translation>
    </message>
    <message>
        <source>{share} missing from the second copy</source>
        <translation>во второй копии не хватает {share}</translation>
    </message>
</context>
<context>
    <name>PairCompareDialog</name>
    <message>
        <source>Compare {first} and {second}</source>
        <translation>Сравнение {first} и {second}</translation>
    </message>
    <message>
        <source>{width} px wide</source>
        <translation>ширина {width} пикс.</translation>
    </message>
    <message>
        <source>Show where they differ</source>
        <translation>Показать различия</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>Wheel to zoom, drag to pan: both sides follow.</source>
        <translation>Колёсико — масштаб, перетаскивание — сдвиг: обе стороны следуют вместе.</translation>
    </message>
</context>
<context>
    <name>PhotoCard</name>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>★ Best</source>
        <translation>★ Лучшая</translation>
    </message>
    <message>
        <source>The copy this group keeps: the best resolution, a protected copy, or the one you chose</source>
        <translation>Копия, которую оставляет эта группа: с лучшим разрешением, защищённая или выбранная вами</translation>
    </message>
    <message>
        <source>In a protected folder: always kept</source>
        <translation>В защищённой папке: всегда остаётся</translation>
    </message>
    <message>
        <source>Protected</source>
        <translation>Защищено</translation>
    </message>
    <message>
        <source>taken {date}</source>
        <translation>снято {date}</translation>
    </message>
    <message>
        <source>modified {date}</source>
        <translation>изменено {date}</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>эталон</translation>
    </message>
    <message>
        <source>Always kept</source>
        <translation>Всегда остаётся</translation>
    </message>
    <message>
        <source>✗ Trash</source>
        <translation>✗ В корзину</translation>
    </message>
    <message>
        <source>✓ Keep</source>
        <translation>✓ Оставить</translation>
    </message>
    <message>
        <source>Click (or Space) to switch between keep and trash</source>
        <translation>Щелчок (или пробел) переключает между «оставить» и «в корзину»</translation>
    </message>
</context>
<context>
    <name>PhotoMenu</name>
    <message>
        <source>Open with system viewer</source>
        <translation>Открыть в системном просмотрщике</translation>
    </message>
    <message>
        <source>Reveal in file manager</source>
        <translation>Показать в файловом менеджере</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>Копировать путь</translation>
    </message>
    <message>
        <source>Show large</source>
        <translation>Показать крупно</translation>
    </message>
    <message>
        <source>Compare with the kept copy (C)</source>
        <translation>Сравнить с оставляемой копией (C)</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Оставить</translation>
    </message>
    <message>
        <source>Mark for trash</source>
        <translation>Отметить для корзины</translation>
    </message>
</context>
<context>
    <name>ProblemsDialog</name>
    <message>
        <source>Files that could not be read</source>
        <translation>Файлы, которые не удалось прочитать</translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) could not be read and were left out of the scan.</source>
        <translation>
            <numerusform>%Ln файл не удалось прочитать, он не вошёл в сканирование.</numerusform>
            <numerusform>%Ln файла не удалось прочитать, они не вошли в сканирование.</numerusform>
            <numerusform>%Ln файлов не удалось прочитать, они не вошли в сканирование.</numerusform>
        </translation>
    </message>
    <message>
        <source>File</source>
        <translation>Файл</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
</context>
<context>
    <name>ReviewWidget</name>
    <message>
        <source>Most space first</source>
        <translation>Сначала больше места</translation>
    </message>
    <message>
        <source>Most alike first</source>
        <translation>Сначала самые похожие</translation>
    </message>
    <message>
        <source>Most photos first</source>
        <translation>Сначала больше фотографий</translation>
    </message>
    <message>
        <source>Sort:</source>
        <translation>Сортировка:</translation>
    </message>
    <message>
        <source>Every photo of this group is marked: the core always keeps one, so the keeper stays in place.</source>
        <translation>Отмечены все фотографии этой группы: одна всегда остаётся, поэтому оставляемая копия не тронута.</translation>
    </message>
    <message>
        <source>↑/↓ groups · ←/→ photos · Space keep/trash · Del trash · N not a duplicate · Enter large · right-click for more</source>
        <translation>↑/↓ группы · ←/→ фотографии · Пробел оставить/в корзину · Del в корзину · N не дубликат · Enter крупно · правый щелчок — ещё</translation>
    </message>
    <message numerus="yes">
        <source>Group {number} of {count} — %Ln photo(s), {size} reclaimable</source>
        <translation>
            <numerusform>Группа {number} из {count} — %Ln фотография, можно освободить {size}</numerusform>
            <numerusform>Группа {number} из {count} — %Ln фотографии, можно освободить {size}</numerusform>
            <numerusform>Группа {number} из {count} — %Ln фотографий, можно освободить {size}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln group(s)</source>
        <translation>
            <numerusform>%Ln группа</numerusform>
            <numerusform>%Ln группы</numerusform>
            <numerusform>%Ln групп</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln copy(s)</source>
        <translation>
            <numerusform>%Ln копия</numerusform>
            <numerusform>%Ln копии</numerusform>
            <numerusform>%Ln копий</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScanActions</name>
    <message>
        <source>Add a folder first.</source>
        <translation>Сначала добавьте папку.</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>Сканирование…</translation>
    </message>
    <message>
        <source>Looking for duplicates… the groups appear here when the scan is done.</source>
        <translation>Поиск дубликатов… Группы появятся здесь, когда сканирование закончится.</translation>
    </message>
    <message>
        <source>Scan cancelled.</source>
        <translation>Сканирование отменено.</translation>
    </message>
    <message>
        <source>Scan failed</source>
        <translation>Сканирование не удалось</translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) could not be read</source>
        <translation>
            <numerusform>%Ln файл не удалось прочитать</numerusform>
            <numerusform>%Ln файла не удалось прочитать</numerusform>
            <numerusform>%Ln файлов не удалось прочитать</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Scanned %Ln photo(s) in {seconds} s ({cached} from the cache).</source>
        <translation>
            <numerusform>Просканирована %Ln фотография за {seconds} с (из кэша: {cached}).</numerusform>
            <numerusform>Просканированы %Ln фотографии за {seconds} с (из кэша: {cached}).</numerusform>
            <numerusform>Просканировано %Ln фотографий за {seconds} с (из кэша: {cached}).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No duplicates among %Ln photo(s) at this similarity. Move the slider towards Loose to find looser matches, or scan other folders.</source>
        <translation>
            <numerusform>Среди %Ln фотографии при такой похожести дубликатов нет. Сдвиньте ползунок к «Мягко», чтобы найти менее строгие совпадения, или просканируйте другие папки.</numerusform>
            <numerusform>Среди %Ln фотографий при такой похожести дубликатов нет. Сдвиньте ползунок к «Мягко», чтобы найти менее строгие совпадения, или просканируйте другие папки.</numerusform>
            <numerusform>Среди %Ln фотографий при такой похожести дубликатов нет. Сдвиньте ползунок к «Мягко», чтобы найти менее строгие совпадения, или просканируйте другие папки.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScanBarWidget</name>
    <message>
        <source>Folders</source>
        <translation>Папки</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Добавить папку…</translation>
    </message>
    <message>
        <source>or drop folders here</source>
        <translation>или перетащите папки сюда</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>Похожесть</translation>
    </message>
    <message>
        <source>Strict</source>
        <translation>Строго</translation>
    </message>
    <message>
        <source>Left: only the same picture (resized, recompressed). Right: also edited copies.</source>
        <translation>Влево: только тот же снимок (уменьшенный, пересжатый). Вправо: также отредактированные копии.</translation>
    </message>
    <message>
        <source>Loose</source>
        <translation>Мягко</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>Сканировать</translation>
    </message>
</context>
<context>
    <name>TaskProgressWidget</name>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Остановка…</translation>
    </message>
</context>
<context>
    <name>Threshold</name>
    <message>
        <source>Strict</source>
        <translation>Строго</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Обычно</translation>
    </message>
    <message>
        <source>Loose</source>
        <translation>Мягко</translation>
    </message>
    <message>
        <source>{preset} · ≥ {percent} % alike</source>
        <translation>{preset} · похожи ≥ {percent} %</translation>
    </message>
</context>
<context>
    <name>_FolderRow</name>
    <message>
        <source>Protected</source>
        <translation>Защищено</translation>
    </message>
    <message>
        <source>Files in this folder are always kept, never moved to the trash</source>
        <translation>Файлы в этой папке всегда остаются и никогда не перемещаются в корзину</translation>
    </message>
    <message>
        <source>Remove this folder from the list</source>
        <translation>Убрать эту папку из списка</translation>
    </message>
</context>
</TS>
