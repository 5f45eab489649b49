"""The top bar: what to scan (folders), how alike is a duplicate (the similarity slider) and the Scan button.

The bar owns the hash kind of the last scan because the slider's range, ticks and words depend on it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from dupfinder.core.options import DEFAULT_HASH, Preset, preset_distance
from dupfinder.gui.folders_widget import FoldersWidget
from dupfinder.gui.threshold import threshold_text


class ScanBarWidget(QWidget):
    """Folders on the left; slider, its label and the Scan button on the right. The window wires the actions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hash_kind = DEFAULT_HASH
        top = QHBoxLayout(self)
        top.setContentsMargins(0, 0, 0, 0)
        folders_box = QGroupBox(self.tr("Folders"))
        folders_layout = QVBoxLayout(folders_box)
        self.folders = FoldersWidget()
        folders_layout.addWidget(self.folders)
        add_row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add folder…"))
        add_row.addWidget(self.add_button)
        add_row.addWidget(QLabel(self.tr("or drop folders here")))
        add_row.addStretch(1)
        folders_layout.addLayout(add_row)
        top.addWidget(folders_box, 3)

        controls = QVBoxLayout()
        slider_row = QHBoxLayout()
        slider_row.addWidget(QLabel(self.tr("Similarity")))
        slider_row.addWidget(QLabel(self.tr("Strict")))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setMinimumWidth(220)
        self.slider.setPageStep(4)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setToolTip(
            self.tr("Left: only the same picture (resized, recompressed). Right: also edited copies.")
        )
        self.slider.valueChanged.connect(self._update_threshold_label)
        slider_row.addWidget(self.slider, 1)
        slider_row.addWidget(QLabel(self.tr("Loose")))
        self.threshold_label = QLabel()
        self.threshold_label.setMinimumWidth(150)
        slider_row.addWidget(self.threshold_label)
        controls.addLayout(slider_row)
        scan_row = QHBoxLayout()
        scan_row.addStretch(1)
        self.scan_button = QPushButton(self.tr("Scan"))
        self.scan_button.setDefault(True)
        self.scan_button.setMinimumWidth(120)
        bigger = QFont(self.scan_button.font())
        bigger.setBold(True)
        self.scan_button.setFont(bigger)
        scan_row.addWidget(self.scan_button)
        controls.addLayout(scan_row)
        controls.addStretch(1)
        top.addLayout(controls, 2)

    @property
    def distance_bits(self) -> int:
        return self.slider.value()

    def configure_slider(self, max_bits: int, value: int | None) -> None:
        """Range and ticks for the current hash kind, without signalling a move (nothing to regroup yet)."""
        self.slider.blockSignals(True)
        self.slider.setRange(0, max_bits)
        self.slider.setTickInterval(max(1, preset_distance(Preset.STRICT, self.hash_kind)))
        normal = preset_distance(Preset.NORMAL, self.hash_kind)
        self.slider.setValue(normal if value is None else min(value, max_bits))
        self.slider.blockSignals(False)
        self._update_threshold_label()

    def _update_threshold_label(self) -> None:
        self.threshold_label.setText(threshold_text(self.distance_bits, self.hash_kind))
