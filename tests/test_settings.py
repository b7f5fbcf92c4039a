"""User settings: whole after every save, nothing lost when processes save at once, damage never fatal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import settings

ROOT = Path(__file__).resolve().parent.parent

# Saves its own keys 50 times (each a separate read-modify-write) while the other process does the same.
WRITER = """
import sys
from annotator import settings
who = sys.argv[1]
sys.stdin.readline()
for i in range(50):
    settings.put(f"{who}{i}", i)
    if who == "a":
        settings.add_recent_project(f"/projects/p{i}.annotator")
    else:
        settings.set_annotator_name(f"name{i}")
"""


def test_two_processes_saving_different_settings_lose_nothing(tmp_path, monkeypatch):
    env = dict(os.environ, PYTHONPATH=str(ROOT), ANNOTATOR_CONFIG_DIR=str(tmp_path / "config"))
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, who], env=env, stdin=subprocess.PIPE, text=True)
        for who in ("a", "b")
    ]
    for proc in procs:  # both are waiting on stdin: they start together
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        proc.stdin.close()
        assert proc.wait(timeout=120) == 0
    monkeypatch.setenv("ANNOTATOR_CONFIG_DIR", str(tmp_path / "config"))
    data = json.loads(settings.settings_path().read_text(encoding="utf-8"))  # valid JSON
    assert settings.annotator_name() == "name49"
    assert settings.recent_projects() == [str(Path(f"/projects/p{i}.annotator").resolve()) for i in range(49, 39, -1)]
    assert {k: v for k, v in data.items() if k[0] in "ab" and k[1:].isdigit()} == {
        f"{who}{i}": i for who in "ab" for i in range(50)
    }
    assert sorted(p.name for p in settings.config_dir().iterdir()) == ["settings.json", "settings.json.lock"]


@pytest.mark.parametrize(
    "damage",
    [b'{"annotator": "alice", "recent_proj', b"\xff\xfe\x00garbage", b"[1, 2, 3]", b""],
    ids=["half-written", "binary", "not-an-object", "empty"],
)
def test_damaged_settings_read_as_empty_and_are_kept_aside_on_the_next_save(damage):
    path = settings.settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(damage)
    assert settings.load() == {}
    assert settings.annotator_name() is None and settings.recent_projects() == []
    assert path.read_bytes() == damage  # reading never rewrites it
    settings.set_annotator_name("alice")
    assert json.loads(path.read_text(encoding="utf-8")) == {"annotator": "alice"}
    backup = path.with_name("settings.json.bak")
    assert backup.read_bytes() == damage if damage else not backup.exists()
    settings.add_recent_project("/x/p.annotator")
    assert backup.read_bytes() == damage if damage else not backup.exists()  # a good file never overwrites it


def test_a_save_replaces_the_file_whole_and_leaves_no_temporary_files():
    settings.save({"annotator": "alice", "recent_projects": ["/a"]})
    settings.put("annotator", "bob")
    assert settings.load() == {"annotator": "bob", "recent_projects": ["/a"]}
    settings.save({"other": 1})
    assert settings.load() == {"other": 1}
    assert not [p for p in settings.config_dir().iterdir() if p.suffix == ".tmp"]
