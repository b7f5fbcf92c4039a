"""Hostile conditions end in one sentence: a full disk (a file-size limit in a child process, SIGXFSZ ignored, so
writes fail with EFBIG as on a full disk) and a read-only folder (`chattr +i`: tests run as root, which ignores
chmod) make commands exit 1 with one line and leave the project as it was."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.project import Project
from tests.conftest import file_snapshot

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import resource, signal, sys
sys.path.insert(0, {root!r})
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
from annotator.cli import main
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
sys.exit(main({args!r}))
"""


def run_limited(args: list[str], limit: int) -> subprocess.CompletedProcess:
    code = CHILD.format(root=str(ROOT), limit=limit, args=[str(a) for a in args])
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def big_jsonl(path: Path) -> Path:
    line = '{"id": "%d", "text": "%s"}\n'
    path.write_text("".join(line % (i, f"Article {i}. " + "Fighting in Herat. " * 200) for i in range(300)))
    return path


def test_import_past_a_file_size_limit_is_one_sentence_and_changes_nothing(tmp_path, project_path):
    """EFBIG (the limit) is reported by SQLite as an I/O error, ENOSPC (a full disk, below) as "disk is full"."""
    src = big_jsonl(tmp_path / "big.jsonl")
    before = file_snapshot(project_path)
    result = run_limited(["import", project_path, src], 256 * 1024)
    assert result.returncode == 1, result.stderr
    assert "is the disk full" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert file_snapshot(project_path) == before
    with Project.open(project_path) as p:
        assert p.document_count() == 0


@pytest.fixture
def small_disk(tmp_path):
    """A 512 KB tmpfs (root may mount one here; skipped where it may not)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.decode().strip()}); the file-size test stands in")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_full_disk(tmp_path, small_disk, cli):
    path = small_disk / "p.annotator"
    Project.create(path).close()
    src = big_jsonl(tmp_path / "big.jsonl")
    before = file_snapshot(path)
    result = cli("import", path, src)
    assert result.code == 1
    assert "the disk is full; nothing was changed. Free some space and try again" in result.err
    assert result.err.count("\n") == 1
    assert file_snapshot(path) == before
    assert cli("stats", path).code == 0


def _chattr(flag: str, path: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


def test_a_read_only_folder(tmp_path, cli):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "p.annotator"
    Project.create(path).close()
    if not _chattr("+i", folder):
        pytest.skip("chattr +i is not available here (needs ext4-like file system and CAP_LINUX_IMMUTABLE)")
    try:
        result = cli("import", path, ROOT / "samples")
        assert result.code == 1 and "read-only" in result.err and result.err.count("\n") == 1
        result = cli("stats", path)  # reading works, creating nothing beside the file
        assert result.code == 0, result.err
        assert sorted(p.name for p in folder.iterdir()) == ["p.annotator"]
        with Project.open(path, readonly=True) as p:
            assert p.readonly and p.document_count() == 0
    finally:
        _chattr("-i", folder)
