"""`suggest --processes N`: the stale articles are dealt out to N processes, each running the pipeline on its share
and committing its own batches (write transactions wait for each other: see store/database.py); this process runs
one share itself and relays the others' progress, so the window and the progress bar see one run.

A child is `annotator suggest PROJECT --only IDS.json --progress json`: it computes exactly those articles and
saves no run state; the parent saves the state once every share has finished.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

MIN_PER_PROCESS = 32  # fewer stale articles than this per extra process: one process is faster (model loading)


def default_processes() -> int:
    """The number of cores, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


def shares(ids: list[str], processes: int) -> list[list[str]]:
    """Deal the articles out round-robin (long and short articles mix in every share)."""
    n = max(1, min(processes, len(ids) // MIN_PER_PROCESS or 1))
    return [ids[i::n] for i in range(n)]


def _child_command(project: str, ids_file: str) -> list[str]:
    base = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "annotator"]
    return [*base, "suggest", project, "--only", ids_file, "--progress", "json"]


class Children:
    """The other shares' processes; `relay` turns their `document` lines into this run's progress."""

    def __init__(self, project: Path, share_ids: list[list[str]], on_document: Callable[[str], None]):
        self.procs: list[subprocess.Popen] = []
        self.threads: list[threading.Thread] = []
        self.errors: list[str] = []
        self.files: list[str] = []
        env = dict(os.environ)
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")  # one BLAS thread per process: the processes are the parallelism
        if not getattr(sys, "frozen", False):
            root = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join([root, *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]])
        for ids in share_ids:
            fd, name = tempfile.mkstemp(prefix="annotator-share-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(ids, fh)
            self.files.append(name)
            proc = subprocess.Popen(
                _child_command(str(project), name),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                text=True,
                encoding="utf-8",
            )
            self.procs.append(proc)
            thread = threading.Thread(target=self._relay, args=(proc, on_document), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _relay(self, proc: subprocess.Popen, on_document: Callable[[str], None]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if not isinstance(msg, dict):
                continue
            if msg.get("event") == "document":
                on_document(str(msg.get("id")))
            elif msg.get("event") == "error":
                self.errors.append(str(msg.get("message")))

    def cancel(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()

    def wait(self) -> bool:
        """Wait for every share; True if all finished well."""
        ok = True
        for proc, thread in zip(self.procs, self.threads, strict=True):
            code = proc.wait()
            thread.join()
            err = proc.stderr.read() if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
            if proc.stdout:
                proc.stdout.close()
            if code != 0:
                ok = False
                if not self.errors:
                    tail = err.strip().splitlines()
                    self.errors.append(tail[-1] if tail else f"a suggestion process ended with code {code}")
        for name in self.files:
            Path(name).unlink(missing_ok=True)
        return ok
