"""The Linux desktop files: the .desktop entry, the AppStream metainfo, the hicolor icons and their installer.

Structural checks with the standard library (and Pillow for the icon sizes); the freedesktop validators run too when
they are installed (desktop-file-utils, appstream). No network, no PyInstaller, a second or so.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from dupfinder import __version__

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
DESKTOP = RESOURCES / "dupfinder.desktop"
METAINFO = RESOURCES / "io.github.dupfinder.metainfo.xml"
INSTALL = ROOT / "packaging" / "linux" / "install.sh"
LANGUAGES = ("zh_CN", "ru")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def desktop_entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def install_sizes() -> list[int]:
    match = re.search(r"^sizes=\(([\d ]+)\)$", INSTALL.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, "install.sh lists the hicolor sizes as sizes=(...)"
    return [int(size) for size in match.group(1).split()]


def test_desktop_entry_has_the_required_and_translated_keys():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Icon"] == "dupfinder"
    assert entry["Exec"].split()[-1] == "%F"  # folders dropped on the launcher are added to the folder list
    assert entry["StartupWMClass"] == "dupfinder"
    assert entry["Categories"].endswith(";")
    for key in ("Name", "GenericName", "Comment", "Keywords"):
        assert entry[key]
        for language in LANGUAGES:
            assert entry.get(f"{key}[{language}]"), f"{key}[{language}] is missing"
    assert re.search(r"[\u4e00-\u9fff]", entry["GenericName[zh_CN]"] + entry["Comment[zh_CN]"])
    assert re.search(r"[а-яА-Я]", entry["GenericName[ru]"] + entry["Comment[ru]"])


def test_metainfo_matches_the_desktop_entry_and_the_project():
    root = metainfo()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == METAINFO.name.removesuffix(".metainfo.xml")
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("icon[@type='stock']") == desktop_entry()["Icon"]
    assert root.findtext("name") == desktop_entry()["Name"]
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "MIT"
    assert root.find("content_rating[@type='oars-1.1']") is not None
    assert root.findtext("provides/binary") == "dupfinder"
    releases = [release.get("version") for release in root.findall("releases/release")]
    assert __version__ in releases, f"no <release> for version {__version__}"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r.get("date", "")) for r in root.findall("releases/release"))


def test_metainfo_is_translated():
    root = metainfo()
    for language in LANGUAGES:
        assert root.find(f"summary[@{XML_LANG}='{language}']") is not None, f"no summary in {language}"
        paragraphs = [p for p in root.findall("description/p") if p.get(XML_LANG) == language]
        untranslated = [p for p in root.findall("description/p") if p.get(XML_LANG) is None]
        assert len(paragraphs) == len(untranslated), f"description in {language}: every paragraph once"
        for screenshot in root.findall("screenshots/screenshot"):
            assert any(c.get(XML_LANG) == language for c in screenshot.findall("caption")), language


def test_metainfo_screenshots_are_the_readme_images():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    urls = [image.text.strip() for image in metainfo().findall("screenshots/screenshot/image")]
    assert urls
    for url in urls:
        assert url.startswith("https://")
        relative = re.search(r"/(resources/screenshots/[^/]+\.png)$", url)
        assert relative, url
        assert (ROOT / relative.group(1)).is_file(), url
        with Image.open(ROOT / relative.group(1)) as shot:
            size = shot.size
        image = next(i for i in metainfo().findall("screenshots/screenshot/image") if i.text.strip() == url)
        assert (int(image.get("width")), int(image.get("height"))) == size, url
    assert any(Path(url).name in readme for url in urls), "the README shows the default screenshot"


def test_every_hicolor_size_has_a_png_of_that_size():
    sizes = install_sizes()
    assert {16, 32, 48, 64, 128, 256, 512} <= set(sizes)
    for size in sizes:
        png = RESOURCES / "icons" / f"dupfinder-{size}.png"
        with Image.open(png) as icon:
            assert icon.size == (size, size), png
            assert icon.mode == "RGBA", png
    assert (RESOURCES / "dupfinder.svg").is_file()


def test_icons_are_sharp_at_200_percent():
    """At 200 % a desktop asks for twice each logical size (16 -> 32 ... 256 -> 512): all shipped as real PNGs."""
    sizes = set(install_sizes())
    for logical in (16, 24, 32, 48, 64, 128, 256):
        assert 2 * logical in sizes, f"no {2 * logical} px icon for {logical} px at 200 %"


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils not installed")
def test_desktop_file_validate():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream not installed")
def test_appstreamcli_validate():
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--pedantic", str(METAINFO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(os.name != "posix" or not shutil.which("bash"), reason="the installer is a bash script")
def test_install_and_uninstall_the_launcher_for_a_pip_install(tmp_path):
    exe = tmp_path / "venv" / "bin" / "dupfinder"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\necho dupfinder 0\n")
    exe.chmod(0o755)
    prefix = tmp_path / "prefix"
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    subprocess.run(["bash", str(INSTALL), "--prefix", str(prefix), "--exec", str(exe)], check=True, env=env)
    share = prefix / "share"
    installed = share / "applications" / "dupfinder.desktop"
    assert f'Exec="{exe}" %F' in installed.read_text(encoding="utf-8")
    assert (share / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    for size in install_sizes():
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "dupfinder.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "dupfinder.svg").is_file()
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(installed)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout

    subprocess.run(["bash", str(INSTALL), "--prefix", str(prefix), "--uninstall"], check=True, env=env)
    left = sorted(p.name for p in share.rglob("*") if p.is_file())
    assert not [name for name in left if name.startswith(("dupfinder", "io.github.dupfinder"))], left
    assert exe.is_file()  # a pip install is not the installer's to remove


def test_the_window_icon_uses_the_real_2x_png_at_200_percent(qapp):
    """The app's icon at device pixel ratio 2 is the PNG drawn at twice the size, not a rescaled one."""
    import numpy as np
    from PySide6.QtCore import QSize  # noqa: TID251 - the GUI's icon, checked the way Qt draws it
    from PySide6.QtGui import QImage  # noqa: TID251

    from dupfinder.gui.resources import ICON_SIZES, app_icon

    def pixels(image: QImage) -> np.ndarray:
        image = image.convertToFormat(QImage.Format.Format_RGBA8888)
        return np.frombuffer(image.constBits().tobytes(), np.uint8).reshape(image.height(), image.width(), 4)

    doubled = [size for size in ICON_SIZES if 2 * size in ICON_SIZES]
    assert {16, 32, 64, 128, 256} <= set(doubled)
    for logical in doubled:
        pixmap = app_icon().pixmap(QSize(logical, logical), 2.0)  # a fresh icon: a reused one gave stale sizes (6.11.3)
        assert pixmap.devicePixelRatio() == 2.0
        assert pixmap.size() == QSize(2 * logical, 2 * logical), logical
        png = QImage(str(RESOURCES / "icons" / f"dupfinder-{2 * logical}.png"))
        difference = np.abs(pixels(pixmap.toImage()).astype(int) - pixels(png).astype(int))
        assert difference.max() <= 1, f"{logical} px at 200 % is not the {2 * logical} px PNG"  # 1: alpha rounding


def test_one_app_icon_serves_every_size_at_200_percent(qapp):
    """The way Qt uses the window icon: one QIcon, asked for each size in turn. (Built with QIcon.addFile, PySide6
    6.11.3 answered every later pixmap(size, 2.0) with the first one: a 32 px window icon at 200 %.)"""
    from PySide6.QtCore import QSize  # noqa: TID251 - the GUI's icon, checked the way Qt draws it

    from dupfinder.gui.resources import ICON_SIZES, app_icon

    icon = app_icon()
    doubled = [size for size in ICON_SIZES if 2 * size in ICON_SIZES]
    assert [icon.pixmap(QSize(s, s), 2.0).width() for s in doubled] == [2 * s for s in doubled]
