"""Words for a slider distance: kept as pure functions so the label and the JSON export name presets the same way."""

from __future__ import annotations

from dupfinder.core.options import HashKind, Preset, preset_distance, similarity_percent
from dupfinder.gui.translation import Tr


class Threshold(Tr):
    """Translation context of the slider's words."""


def preset_name(preset: Preset) -> str:
    names = {
        Preset.STRICT: Threshold.tr("Strict"),
        Preset.NORMAL: Threshold.tr("Normal"),
        Preset.LOOSE: Threshold.tr("Loose"),
    }
    return names.get(preset, preset.value.capitalize())


def threshold_words(distance_bits: int, hash_kind: HashKind) -> tuple[str, Preset]:
    """The preset nearest to a distance ('Strict', 'Normal', 'Loose'; ties go to the stricter)."""
    preset = min(Preset, key=lambda p: (abs(preset_distance(p, hash_kind) - distance_bits), list(Preset).index(p)))
    return preset.value.capitalize(), preset


def threshold_text(distance_bits: int, hash_kind: HashKind) -> str:
    """The slider's label: the nearest preset and how alike two photos must at least be."""
    _, preset = threshold_words(distance_bits, hash_kind)
    percent = similarity_percent(distance_bits, hash_kind.bits)
    return Threshold.tr("{preset} · ≥ {percent} % alike").format(preset=preset_name(preset), percent=f"{percent:.0f}")


def exact_preset(distance_bits: int, hash_kind: HashKind) -> Preset | None:
    """The preset the distance is exactly at, or None when the slider sits between presets."""
    _, preset = threshold_words(distance_bits, hash_kind)
    return preset if distance_bits == preset_distance(preset, hash_kind) else None
