"""The project lock between real processes: one holder at a time, and nothing left behind blocks the next one."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.gui import lock as lock_module
from annotator.gui.lock import ProjectLock, lock_path, owner

ROOT = Path(__file__).resolve().parent.parent

# Takes the lock on "go", answers held/refused, gives it up on "release". With EXCLUSIVE=1 it pretends the file
# system has no OS locks, to exercise the exclusive-file fallback.
CONTENDER = """
import os, sys
from annotator.gui import lock
if os.environ.get("EXCLUSIVE") == "1":
    def no_locks(*args, **kwargs):
        raise lock._NoOsLocks("test")
    lock._try_lock = no_locks
held = None
for line in sys.stdin:
    if line.strip() == "go":
        held = lock.ProjectLock(sys.argv[1])
        print("held" if held.acquire() is None and held.held else "refused", flush=True)
    elif line.strip() == "release":
        held.release()
        print("released", flush=True)
"""

HOLDER = """
import sys
from annotator.gui.lock import ProjectLock
lock = ProjectLock(sys.argv[1])
print("held" if lock.acquire() is None and lock.held else "refused", flush=True)
sys.stdin.read()
"""


def python(code: str, *args: str, exclusive: bool = False) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), EXCLUSIVE="1" if exclusive else "0")
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(BrokenPipeError):
                stream.close()


@pytest.fixture
def sleeper():
    """A live process that is not an annotator window."""
    proc = subprocess.Popen(["sleep", "120"])
    yield proc
    proc.kill()
    proc.wait(timeout=10)


def record(pid: int, **extra) -> str:
    return json.dumps({"pid": pid, "host": socket.gethostname(), "since": "2024-01-01T00:00:00", **extra})


@pytest.mark.parametrize("exclusive", [False, True], ids=["os-lock", "exclusive-file"])
def test_two_processes_taking_the_lock_at_once_never_both_hold_it(tmp_path, sleeper, exclusive):
    project = tmp_path / "p.annotator"
    path = lock_path(project)
    procs = [python(CONTENDER, str(project), exclusive=exclusive) for _ in range(2)]
    try:
        for trial in range(40):
            # a third of the rounds start from no file, a third from a crashed window's, a third from a reused pid's
            if trial % 3 == 1:
                path.write_text(record(2**22 + 12345))
            elif trial % 3 == 2:
                path.write_text(record(sleeper.pid, started="0:0"))
            for proc in procs:  # both wait on their stdin, so they start within microseconds of each other
                proc.stdin.write("go\n")
                proc.stdin.flush()
            answers = sorted(proc.stdout.readline().strip() for proc in procs)
            assert answers == ["held", "refused"], f"trial {trial}"
            for proc in procs:
                proc.stdin.write("release\n")
                proc.stdin.flush()
            assert [proc.stdout.readline().strip() for proc in procs] == ["released", "released"]
            assert not path.exists()  # the holder removed its lock; the loser left it alone
    finally:
        for proc in procs:
            stop(proc)
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob("*.stale"))


CHURN = """
import os, sys, time
from annotator.gui import lock as lock_module
from annotator.gui.lock import ProjectLock
take = lock_module._try_lock
def slow_take(fd, shared=False):
    time.sleep(0.001)  # widen the gap between opening the file and locking it, where a release can fall
    return take(fd, shared)
lock_module._try_lock = slow_take
log = os.open(sys.argv[2], os.O_WRONLY | os.O_APPEND)
print("ready", flush=True)
sys.stdin.readline()
held = 0
for _ in range(200):
    lock = ProjectLock(sys.argv[1])
    if lock.acquire() is None and lock.held:
        held += 1
        os.write(log, f"in {os.getpid()}\\n".encode())
        time.sleep(0.001)
        os.write(log, f"out {os.getpid()}\\n".encode())
        lock.release()
print(held, flush=True)
"""


def test_taking_and_releasing_in_a_loop_never_makes_two_holders(tmp_path):
    # Releasing removes the file while others may have it open: they must notice and not hold a dead file's lock.
    project, log = tmp_path / "p.annotator", tmp_path / "log"
    log.touch()
    procs = [python(CHURN, str(project), str(log)) for _ in range(2)]
    try:
        assert [proc.stdout.readline().strip() for proc in procs] == ["ready", "ready"]
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        held = [int(proc.stdout.readline()) for proc in procs]
    finally:
        for proc in procs:
            stop(proc)
    lines = log.read_text().splitlines()
    assert len(lines) == 2 * sum(held) and sum(held) > 0
    for enter, leave in zip(lines[::2], lines[1::2], strict=True):
        assert enter.startswith("in ") and leave == "out " + enter[3:]  # nobody entered while another was in


@pytest.mark.parametrize("exclusive", [False, True], ids=["os-lock", "exclusive-file"])
def test_lock_of_a_killed_process_is_taken_over(tmp_path, exclusive, monkeypatch):
    project = tmp_path / "p.annotator"
    proc = python(HOLDER, str(project), exclusive=exclusive)
    try:
        assert proc.stdout.readline().strip() == "held"
        holder = owner(project) if not exclusive else None
        assert exclusive or (holder is not None and holder.pid == proc.pid)
        assert ProjectLock(project).acquire() is not None  # refused while it lives
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        stop(proc)
    assert lock_path(project).exists()  # the killed process could not clean up
    if exclusive:
        monkeypatch.setattr(lock_module, "_try_lock", _no_os_locks)
    assert owner(project) is None
    mine = ProjectLock(project)
    assert mine.acquire() is None and mine.held
    assert json.loads(lock_path(project).read_text())["pid"] == os.getpid()
    mine.release()
    assert not lock_path(project).exists()


def _no_os_locks(*args, **kwargs):
    raise lock_module._NoOsLocks("test")


def test_a_reused_pid_without_the_os_lock_does_not_hold_the_project(tmp_path, sleeper):
    project = tmp_path / "p.annotator"
    lock_path(project).write_text(record(sleeper.pid))  # the pid lives, but it is `sleep`, not a window
    assert owner(project) is None
    mine = ProjectLock(project)
    assert mine.acquire() is None and mine.held
    mine.release()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times come from /proc")
def test_without_os_locks_the_process_start_time_tells_a_reused_pid(tmp_path, sleeper, monkeypatch):
    monkeypatch.setattr(lock_module, "_try_lock", _no_os_locks)
    project = tmp_path / "p.annotator"
    path = lock_path(project)
    path.write_text(record(sleeper.pid, started=lock_module._start_time(sleeper.pid)))
    assert owner(project).pid == sleeper.pid  # the very process that wrote it (as far as we can tell): held
    assert ProjectLock(project).acquire().pid == sleeper.pid
    path.write_text(record(sleeper.pid, started="another-boot:1"))  # same pid, another process: stale
    assert owner(project) is None
    mine = ProjectLock(project)
    assert mine.acquire() is None and mine.held
    assert json.loads(path.read_text())["pid"] == os.getpid()
    mine.release()
    assert not path.exists()


def test_only_the_holder_releases_and_a_second_lock_in_this_process_is_refused(tmp_path):
    project = tmp_path / "p.annotator"
    first, second = ProjectLock(project), ProjectLock(project)
    assert first.acquire() is None and first.held
    holder = second.acquire()
    assert holder is not None and holder.pid == os.getpid() and not second.held
    second.release()  # never took it: must not remove it
    assert lock_path(project).exists() and owner(project) is not None
    proc = python(HOLDER, str(project))
    try:
        assert proc.stdout.readline().strip() == "refused"
    finally:
        stop(proc)
    first.release()
    assert not lock_path(project).exists() and owner(project) is None


def test_a_held_lock_names_its_process(tmp_path):
    project = tmp_path / "p.annotator"
    proc = python(HOLDER, str(project))
    try:
        assert proc.stdout.readline().strip() == "held"
        holder = ProjectLock(project).acquire()
        assert holder is not None
        assert f"process {proc.pid} on this computer" in holder.describe()
    finally:
        stop(proc)
