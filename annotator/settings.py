"""Per-user settings (annotator name, recent projects) and data locations, where platformdirs says.

`ANNOTATOR_CONFIG_DIR` and `ANNOTATOR_DATA_DIR` override the locations (tests and portable installs use them).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

APP = "annotator"


def config_dir() -> Path:
    return Path(os.environ.get("ANNOTATOR_CONFIG_DIR") or platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    return Path(os.environ.get("ANNOTATOR_DATA_DIR") or platformdirs.user_data_dir(APP, appauthor=False))


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load() -> dict:
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save(data: dict) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)  # atomic: a crash never leaves half a settings file


def get(key: str, default=None):
    return load().get(key, default)


def put(key: str, value) -> None:
    data = load()
    data[key] = value
    save(data)


def annotator_name() -> str | None:
    name = get("annotator")
    return name if isinstance(name, str) and name.strip() else None


def set_annotator_name(name: str) -> None:
    put("annotator", name.strip())


def recent_projects() -> list[str]:
    items = get("recent_projects", [])
    return [p for p in items if isinstance(p, str)] if isinstance(items, list) else []


def add_recent_project(path: str | Path, limit: int = 10) -> None:
    path = str(Path(path).resolve())
    items = [p for p in recent_projects() if p != path]
    put("recent_projects", [path, *items][:limit])
