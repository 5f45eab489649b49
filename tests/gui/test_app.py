import configparser
import subprocess
import sys

from PySide6.QtCore import QSize

from dupfinder.gui.resources import ICON_SIZES, app_icon, resource_dir


def test_resources_are_found_with_every_icon_size():
    folder = resource_dir()
    assert (folder / "dupfinder.svg").is_file()
    for size in ICON_SIZES:
        assert (folder / "icons" / f"dupfinder-{size}.png").is_file()


def test_app_icon_has_crisp_sizes(qapp):
    icon = app_icon()
    assert not icon.isNull()
    assert QSize(16, 16) in icon.availableSizes() and QSize(512, 512) in icon.availableSizes()


def test_desktop_launcher_is_valid():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(resource_dir() / "dupfinder.desktop")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Icon"] == "dupfinder"
    assert entry["Exec"].split()[0] == "dupfinder-gui"


def test_main_window_has_title_and_empty_state(window):
    assert window.windowTitle() == "Duplicate photo finder"  # Qt shows it as "Duplicate photo finder — dupfinder"
    assert window.pages.currentWidget() is window.empty_label
    assert "drop" in window.empty_label.text()
    assert not window.trash_button.isEnabled()


def test_the_compare_view_does_not_pull_in_the_app_module():
    """Resources have their own module: importing a view must not import the app (and through it the window)."""
    code = "import sys, dupfinder.gui.compare_view; print('dupfinder.gui.app' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"
