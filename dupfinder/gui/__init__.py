"""The PySide6 desktop app: it presents scan results and forwards the user's choices to dupfinder.core."""

from dupfinder.gui.compat import pin_singletons

pin_singletons()
