"""The app and the CLI in Simplified Chinese and in Russian: after a real scan, no visible string is left in English."""

from __future__ import annotations

import re

import pytest
from i18n_catalogues import english_sources, source_pattern
from PIL import Image
from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QMenu, QTableWidget, QWidget

from dupfinder import i18n
from dupfinder.cli import main as cli_main
from dupfinder.gui.library_dialogs import ExclusionsDialog
from dupfinder.gui.main_window import MainWindow
from dupfinder.gui.photo_menu import photo_menu
from dupfinder.gui.problems_dialog import ProblemsDialog
from dupfinder.gui.translation import install_translators

# Names that are the same in every language, and the language menu's own names.
PROPER_NAMES = {"dupfinder", "JPEG", "PNG", "CSV", "JSON", "English", "简体中文", "Русский", "phash+dhash"}


@pytest.fixture
def photos(tmp_path, make_photo):
    """Two pictures, each with a smaller PNG copy and a recompressed JPEG copy, and one unreadable file."""
    root = tmp_path / "photos"
    for seed in (1, 2):
        original = make_photo(root / f"p{seed}.jpg", seed, (640, 480), quality=95)
        with Image.open(original) as im:
            im.resize((320, 240)).save(root / f"p{seed}_small.png")
            im.save(root / f"p{seed}_q40.jpg", quality=40)
    (root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    return root


@pytest.fixture
def language(qapp):
    """language(lang): translate the app (as app.main does) and dupfinder's gettext text; English again after."""
    yield lambda lang: install_translators(qapp, lang)
    install_translators(qapp, "en")
    i18n.set_language("en")


_PATTERNS = None


def english_patterns() -> list[re.Pattern]:
    global _PATTERNS
    if _PATTERNS is None:
        _PATTERNS = [source_pattern(text) for text in set(english_sources()) if re.search(r"[A-Za-z]{2}", text)]
    return _PATTERNS


def untranslated(texts: set[str]) -> list[str]:
    """The texts that are an English source text (whole, or one ' · ' part of a line), names and paths aside."""
    found = []
    for text in texts:
        for part in re.split(r" · |\n", text.replace("&", "")):
            part = part.strip()
            if not re.search(r"[A-Za-z]{2}", part) or part in PROPER_NAMES or "/" in part:
                continue
            if any(p.fullmatch(part) for p in english_patterns()):
                found.append(part)
    return sorted(set(found))


def widget_texts(root: QWidget) -> set[str]:
    texts = {root.windowTitle(), root.toolTip()}
    for widget in [root, *root.findChildren(QWidget)]:
        texts.add(widget.toolTip())
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.add(widget.text())
        if isinstance(widget, QGroupBox):
            texts.add(widget.title())
        if isinstance(widget, QComboBox):
            texts |= {widget.itemText(i) for i in range(widget.count())}
        if isinstance(widget, QTableWidget):
            texts |= {widget.horizontalHeaderItem(i).text() for i in range(widget.columnCount())}
    return {t for t in texts if t}


def menu_texts(menu: QMenu) -> set[str]:
    texts = {menu.title()}
    for action in menu.actions():
        texts |= {action.text(), action.toolTip()}
        if action.menu() is not None:
            texts |= menu_texts(action.menu())
    return {t for t in texts if t}


@pytest.mark.parametrize("lang", ["zh_CN", "ru"])
def test_the_app_shows_no_english_after_a_scan(qtbot, photos, language, lang):
    language(lang)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    texts = widget_texts(window)  # before the scan: the empty page's text
    window.add_folder(str(photos))
    with qtbot.waitSignal(window.scan_finished, timeout=60_000):
        window.start_scan()
    assert window.model.rowCount() == 2 and window.result.problems
    window.keep_best()
    texts |= widget_texts(window) | {window.statusBar().currentMessage()}
    for action in window.menuBar().actions():
        texts |= menu_texts(action.menu())
    model = window.model
    texts |= {model.data(model.index(row)) for row in range(model.rowCount())}
    image = window.compare.current_image()
    menu = photo_menu(window, window.result.images[image].path, marked=False, protected=False,
                      show_large=lambda: None, compare=lambda: None, toggle=lambda: None)  # fmt: skip
    window._add_photo_menu_actions(menu, image)
    texts |= menu_texts(menu)
    for dialog in (ProblemsDialog(window.result.problems, window), ExclusionsDialog(["*.tmp"], True, window)):
        texts |= widget_texts(dialog)
    compare = window.compare_pair(image)
    assert compare.wait_loaded()
    qtbot.wait(50)
    texts |= widget_texts(compare)

    assert untranslated(texts) == []
    # And it really is the language asked for (not a silent fall-back to English):
    expected = {"zh_CN": "保留最高分辨率", "ru": "Оставить лучшее разрешение"}[lang]
    assert window.keep_best_button.text() == expected
    assert window.windowTitle() != "Duplicate photo finder"
    compare.close()
    window.close()


def test_the_check_finds_english(qtbot, photos, language):
    """The check itself: the English app is full of English source texts."""
    language("en")
    window = MainWindow()
    qtbot.addWidget(window)
    found = untranslated(widget_texts(window))
    assert "Keep best resolution" in found and "Move to Trash…" in found


@pytest.mark.parametrize("lang", ["zh_CN", "ru"])
def test_the_cli_prints_no_english(photos, capsys, language, lang):
    i18n.set_language(lang)
    code = cli_main(["scan", str(photos), "--no-progress", "--no-cache", "--trash-duplicates", "--dry-run"])
    out, err = capsys.readouterr()
    assert code == 0 and out
    lines = {line for line in (out + err).splitlines()}
    # The reason a file could not be read comes from the core, in English (see README, Languages).
    lines = {line for line in lines if "broken.jpg" not in line}
    assert untranslated(lines) == []
    assert ("可释放" if lang == "zh_CN" else "можно освободить") in out


def test_language_choice(monkeypatch):
    from dupfinder.gui.translation import resolve_language

    assert i18n.supported("ru_RU.UTF-8") == "ru" and i18n.supported("zh_CN") == "zh_CN"
    assert i18n.supported("zh-Hans-CN") == "zh_CN" and i18n.supported("zh_TW") is None
    assert i18n.supported("de_DE") is None and i18n.supported("C") == "en"
    env = {"LANG": "ru_RU.UTF-8"}
    assert i18n.language_from_environment(env) == "ru"
    assert i18n.language_from_environment({**env, "LANGUAGE": "zh_CN:en"}) == "zh_CN"
    assert i18n.language_from_environment({**env, "LC_ALL": "de_DE.UTF-8"}) == "en"
    assert i18n.language_from_environment({**env, "DUPFINDER_LANG": "en"}) == "en"
    monkeypatch.setenv("DUPFINDER_LANG", "ru")
    assert resolve_language("system") == "ru"
    assert resolve_language("zh_CN") == "zh_CN"  # the setting wins


def test_the_language_menu_stores_the_choice_for_the_next_start(qtbot, language):
    from dupfinder.gui.settings import AppSettings
    from dupfinder.gui.translation import resolve_language

    language("en")
    window = MainWindow()
    qtbot.addWidget(window)
    actions = {action.data(): action for action in window.language_menu.actions()}
    assert list(actions) == ["system", "en", "zh_CN", "ru"] and actions["system"].isChecked()
    actions["ru"].trigger()
    assert actions["ru"].isChecked() and not actions["system"].isChecked()
    assert "restart" not in window.statusBar().currentMessage()  # says when it applies, in the current language
    assert "started again" in window.statusBar().currentMessage()
    assert AppSettings().language() == "ru" and resolve_language(AppSettings().language()) == "ru"
    assert window.keep_best_button.text() == "Keep best resolution"  # from the next start, not now
