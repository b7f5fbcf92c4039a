"""Runtime assets (the default scheme, sample articles, the app icon), loaded with importlib.resources so source,
wheel and frozen (PyInstaller) builds find them the same way."""

from importlib import resources


def icon_png() -> bytes | None:
    """The 256 px app icon as PNG bytes (drawn by resources/make_icon.py), or None if this build lacks it."""
    try:
        return resources.files(__name__).joinpath("icon.png").read_bytes()
    except (FileNotFoundError, OSError):
        return None
