"""The core says how a copy differs in English (core/matching/differences.py, core/library/find.py); formatting turns
each phrase of that vocabulary into the current language, numbers kept (the contract in formatting.py)."""

from __future__ import annotations

import pytest

from dupfinder import i18n
from dupfinder.core.models import Problem, ProblemKind
from dupfinder.formatting import core_message, difference_label, problem_reason

LABELS = {
    "cropped (12 %)": ("已裁剪（12 %）", "обрезано (12 %)"),
    "mirrored": ("镜像", "отражено"),
    "turned 90°": ("旋转 90°", "повёрнуто на 90°"),
    "turned 90° clockwise": ("顺时针旋转 90°", "повёрнуто на 90° по часовой"),
    "smaller (50 %)": ("更小（50 %）", "меньше (50 %)"),
    "identical bytes": ("字节完全相同", "идентичные байты"),
    "same picture, re-encoded": ("同一画面，重新编码", "тот же снимок, перекодирован"),
    "edited (brightness)": ("已编辑（亮度）", "изменено (яркость)"),
    "similar (84 % alike)": ("相似（相似度 84 %）", "похожи (на 84 %)"),
    "mirrored, edited (brightness, contrast), smaller (50 %)": (
        "镜像，已编辑（亮度、对比度），更小（50 %）",
        "отражено, изменено (яркость, контраст), меньше (50 %)",
    ),
}


@pytest.fixture
def language():
    yield i18n.set_language
    i18n.set_language("en")


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("lang", ["zh_CN", "ru"])
def test_difference_labels_are_translated(label, lang, language):
    language(lang)
    assert difference_label(label) == LABELS[label][0 if lang == "zh_CN" else 1]


def test_english_labels_and_unknown_phrases_stay_as_the_core_wrote_them(language):
    language("en")
    assert all(difference_label(label) == label for label in LABELS)
    language("ru")
    assert difference_label("mirrored, sparkly (3 %)") == "отражено, sparkly (3 %)"


def test_problem_kinds_and_undo_messages(language):
    language("ru")
    assert problem_reason(Problem("/a.jpg", ProblemKind.CORRUPT, "broken data stream")) == (
        "повреждён или обрезан: broken data stream"
    )
    assert core_message("Restored 2 files from the trash. 1 could not be restored and stay in the trash.") == (
        "Из корзины восстановлено 2 файла. 1 не удалось восстановить, он остаётся в корзине."
    )
    assert core_message("a message the catalogue does not know") == "a message the catalogue does not know"


def test_cleanup_reasons(language):
    language("zh_CN")
    assert core_message("changed since the scan (size differs)") == "扫描后已更改（大小不同）"
    assert core_message("the trash refused it: Read-only file system") == "回收站拒绝了它：Read-only file system"
    language("ru")
    assert (
        core_message("it is the same file as the kept copy /p/a.jpg")
        == "это тот же файл, что и оставляемая копия /p/a.jpg"
    )
    language("en")
    assert core_message("changed since the scan (size differs)") == "changed since the scan (size differs)"
