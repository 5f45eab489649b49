"""The progress row shown while a background task (scan, trash, undo) runs, with its Cancel button."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from dupfinder.formatting import progress_text


class TaskProgressWidget(QWidget):
    """Hidden until `begin`; the window connects `cancel_button` and hides the row when the task ends."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMinimumWidth(240)
        self.progress_label = QLabel()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self._cancellable = True
        layout.addWidget(self.progress_bar, 2)
        layout.addWidget(self.progress_label, 3)
        layout.addWidget(self.cancel_button)
        self.setVisible(False)

    def begin(self, text: str, *, cancellable: bool = True) -> None:
        """Show the row; a task that cannot be stopped halfway (undo) gets no Cancel button."""
        self.progress_bar.setRange(0, 0)
        self.progress_label.setText(text)
        self.cancel_button.setEnabled(cancellable)
        self.cancel_button.setVisible(cancellable)
        self._cancellable = cancellable
        self.setVisible(True)

    def show_stopping(self) -> None:
        self.cancel_button.setEnabled(False)
        self.progress_label.setText(self.tr("Stopping…"))

    def show_progress(self, event) -> None:
        """A bar that fills when the total is known (busy otherwise); the text stays 'Stopping…' once cancelled."""
        if event.total:
            self.progress_bar.setRange(0, event.total)
            self.progress_bar.setValue(min(event.done, event.total))
        else:
            self.progress_bar.setRange(0, 0)
        if self.cancel_button.isEnabled() or not self._cancellable:
            self.progress_label.setText(progress_text(event))
