"""The PySide6 desktop app: presents the core's results and forwards the user's choices; no engine logic here."""
