"""`dupfinder-selftest` in the app bundle: loads what the app needs and prints one line per part; exit 1 if any fails.

Built by packaging/dupfinder.spec next to the app and run by packaging/check-bundle.sh, so the bundle is checked
without any Python of the system. Also useful in a bug report: `~/.local/opt/dupfinder/dupfinder-selftest`.
"""

from __future__ import annotations

import io
import os
import sys


def check_heif() -> str:
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="HEIF")
    buffer.seek(0)
    with Image.open(buffer) as image:
        image.load()
        assert image.size == (64, 48), image.size
    return f"pillow_heif {pillow_heif.__version__} (HEIC written and read back)"


def check_cv2() -> str:
    import cv2
    import numpy as np

    grey = cv2.GaussianBlur(np.random.default_rng(0).integers(0, 256, (256, 256), dtype=np.uint8), (5, 5), 0)
    keypoints, descriptors = cv2.ORB_create(nfeatures=50).detectAndCompute(grey, None)
    assert keypoints and descriptors is not None, "ORB found no keypoints"
    return f"OpenCV {cv2.__version__} (ORB found {len(keypoints)} keypoints)"


def check_numba() -> str:
    """The dataset-scale pair search compiles its loops on first use: that must work from the frozen bundle."""
    import numba
    import numpy as np

    from dupfinder.core import bucket_search

    values = np.random.default_rng(0).integers(0, 2**63, (500, 2), dtype=np.uint64)
    values[1] = values[0] ^ np.uint64(1)
    left, right, _ = bucket_search.self_pairs(values, (2, 2), bucket_search.tables_for(2, 10, 4), 4, lambda rows: None)
    assert (0, 1) in set(zip(left.tolist(), right.tolist(), strict=True)), "the bucket search missed a planted pair"
    return f"numba {numba.__version__} (bucket search compiled and run)"


def check_scipy() -> str:
    import numpy as np
    import scipy
    import scipy.fft
    import scipy.fftpack

    scipy.fft.dct(np.arange(8.0))
    scipy.fftpack.dct(np.arange(8.0))
    return f"scipy {scipy.__version__} (fft, fftpack)"


def check_qt() -> str:
    """Needs a display (X11 or Wayland): the bundle has only the desktop platform plugins."""
    from PySide6 import __version__ as pyside_version  # noqa: TID251 - the bundle check, not dupfinder.core
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator  # noqa: TID251 - the bundle check, not dupfinder.core
    from PySide6.QtGui import QIcon, QImageReader  # noqa: TID251 - the bundle check, not dupfinder.core
    from PySide6.QtWidgets import QApplication  # noqa: TID251 - the bundle check, not dupfinder.core

    app = QApplication.instance() or QApplication(["dupfinder-selftest"])
    formats = {bytes(f).decode() for f in QImageReader.supportedImageFormats()}
    missing = {"jpeg", "png", "gif", "tiff", "webp", "svg", "bmp"} - formats
    assert not missing, f"Qt image formats missing: {sorted(missing)}"
    icon = QIcon(os.path.join(sys._MEIPASS, "dupfinder", "resources", "dupfinder.svg"))  # type: ignore[attr-defined]
    assert not icon.pixmap(64, 64).isNull(), "the SVG icon does not render"
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for language in ("zh_CN", "ru"):
        assert QTranslator().load(QLocale(language), "qtbase", "_", folder), f"no qtbase translation for {language}"
    return f"PySide6 {pyside_version} on {app.platformName()} (image formats, SVG icon, qtbase zh_CN/ru)"


def check_origin() -> str:
    """Every loaded module and shared library comes from the bundle (no Python, site-packages or venv of the system)."""
    bundle = os.path.realpath(sys._MEIPASS)  # type: ignore[attr-defined]
    outside = sorted(
        f"{name} ({module.__file__})"
        for name, module in list(sys.modules.items())
        if os.path.isabs(getattr(module, "__file__", None) or "")  # not shiboken's embedded, relative ones
        and not os.path.realpath(module.__file__).startswith(bundle + os.sep)
    )
    assert not outside, f"modules loaded from outside the bundle: {outside[:10]}"
    with open("/proc/self/maps", encoding="utf-8") as maps:
        libraries = {line.split()[-1] for line in maps if "/" in line and ".so" in line}
    python_libs = sorted(lib for lib in libraries if "python" in lib.lower() and not lib.startswith(bundle + os.sep))
    assert not python_libs, f"Python libraries loaded from outside the bundle: {python_libs}"
    return f"{len(sys.modules)} modules and {len(libraries)} libraries loaded; Python's all from {bundle}"


def main() -> int:
    from dupfinder import __version__

    frozen = getattr(sys, "frozen", False)
    print(f"dupfinder {__version__}, Python {sys.version.split()[0]}, frozen={frozen}", flush=True)
    failed = 0
    checks = [check_heif, check_scipy, check_cv2, check_numba]
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        checks.append(check_qt)  # after the others: Qt aborts the process when no platform plugin loads
    else:
        print("skip qt: no DISPLAY or WAYLAND_DISPLAY", flush=True)
    checks.append(check_origin)
    for check in checks:
        try:
            print(f"ok   {check.__name__[6:]}: {check()}", flush=True)
        except Exception as exc:
            failed += 1
            print(f"FAIL {check.__name__[6:]}: {type(exc).__name__}: {exc}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
