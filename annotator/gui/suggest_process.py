"""Model suggestions computed in a separate process, so spaCy never stalls the window.

Runs `annotator suggest PROJECT --progress json` in a QProcess and reads its JSON lines:
start / document (after each document's suggestions are committed) / finished / error / notice.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal


def suggest_command(project: str) -> list[str]:
    # as many processes as cores, one left free for the window
    processes = str(max(1, min(8, (os.cpu_count() or 1) - 1)))
    if getattr(sys, "frozen", False):  # the PyInstaller bundle's executable is the CLI itself
        return [sys.executable, "suggest", project, "--progress", "json", "--processes", processes]
    return [sys.executable, "-m", "annotator", "suggest", project, "--progress", "json", "--processes", processes]


class SuggestProcess(QObject):
    started = Signal(int, str)  # total, model key
    document_done = Signal(str, int, int)  # document id, done, total
    finished = Signal(bool, str)  # success, message
    notice = Signal(str)

    def __init__(self, project: str, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.SeparateChannels)
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.finished.connect(self._finished)
        self.process.errorOccurred.connect(self._error)
        self._buffer = b""
        self._reported = False
        self._cancelled = False

    def command(self) -> list[str]:
        return suggest_command(self.project)

    def start(self) -> None:
        program, *args = self.command()
        self._reported = False
        self._cancelled = False
        env = QProcessEnvironment.systemEnvironment()
        # One BLAS/OpenMP thread in the child: spaCy's matrix products otherwise take every core, and on a
        # two-core laptop the window then waits for a CPU (measured: 50-80 ms event-loop stalls).
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            if not env.contains(var):
                env.insert(var, "1")
        if not getattr(sys, "frozen", False):
            # the child must run the same annotator as this window (a source checkout may shadow an install)
            root = str(Path(__file__).resolve().parents[2])
            paths = [root, *[p for p in env.value("PYTHONPATH", "").split(os.pathsep) if p]]
            env.insert("PYTHONPATH", os.pathsep.join(paths))
        self.process.setProcessEnvironment(env)
        self.process.start(program, args)

    def running(self) -> bool:
        return self.process.state() != QProcess.NotRunning

    def cancel(self, wait: bool = True) -> None:
        """Stop the process (what it committed stays). wait=False returns at once, so the window does not stall:
        `finished` follows from the event loop, and a process still alive after 3 s is killed."""
        if self.running():
            self._cancelled = True
            self.process.terminate()
            if not wait:
                QTimer.singleShot(3000, self, self._kill)
                return
            if not self.process.waitForFinished(3000):
                self._kill()
                self.process.waitForFinished(3000)

    def _kill(self) -> None:
        if self.running():
            self.process.kill()

    def _read(self) -> None:
        self._buffer += bytes(self.process.readAllStandardOutput())
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            self.handle_line(raw.decode("utf-8", "replace"))

    def handle_line(self, line: str) -> None:
        try:
            msg = json.loads(line)
        except ValueError:
            return  # not ours (a library printing to stdout)
        if not isinstance(msg, dict):
            return
        kind = msg.get("event")
        if kind == "start":
            self.started.emit(int(msg.get("total") or 0), str(msg.get("model") or ""))
        elif kind == "document":
            self.document_done.emit(str(msg.get("id")), int(msg.get("done") or 0), int(msg.get("total") or 0))
        elif kind == "finished":
            self._reported = True
            self.finished.emit(True, "suggestions up to date")
        elif kind == "error":
            self._reported = True
            self.finished.emit(False, str(msg.get("message") or "suggestions failed"))
        elif kind == "notice":
            self.notice.emit(str(msg.get("message") or ""))

    # what `finished` says when the process ends without having reported it (TrainProcess words it its way)
    cancelled_text = "suggestions cancelled"
    done_text = "suggestions up to date"
    failed_text = "suggestions unavailable: "

    def _finished(self, code: int, _status) -> None:
        self._read()
        if self._reported:
            return
        self._reported = True
        if self._cancelled:
            self.finished.emit(False, self.cancelled_text)
        elif code == 0 and self.done_text:
            self.finished.emit(True, self.done_text)
        else:
            err = bytes(self.process.readAllStandardError()).decode("utf-8", "replace").strip().splitlines()
            self.finished.emit(False, self.failed_text + (err[-1] if err else f"exit code {code}"))

    def _error(self, error) -> None:
        if error == QProcess.FailedToStart and not self._reported:
            self._reported = True
            self.finished.emit(False, "suggestions unavailable: cannot start the suggestion process")


def train_command(project: str, options: list[str]) -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, "train", project, *options, "--progress", "json"]
    return [sys.executable, "-m", "annotator", "train", project, *options, "--progress", "json"]


class TrainProcess(SuggestProcess):
    """`annotator train PROJECT --progress json` in a separate process (Suggestions > Train a model): progress in
    the status bar, cancellable (the previous model stays in use), `finished` when the model is saved."""

    progressed = Signal(str)  # a status-bar line

    def __init__(self, project: str, options: list[str], parent: QObject | None = None):
        super().__init__(project, parent)
        self.options = options

    def command(self) -> list[str]:
        return train_command(self.project, self.options)

    def handle_line(self, line: str) -> None:
        try:
            msg = json.loads(line)
        except ValueError:
            return
        if not isinstance(msg, dict):
            return
        kind = msg.get("event")
        if kind == "start":
            self.progressed.emit(
                f"training on {msg.get('layer')}'s {msg.get('train')} done article(s), {msg.get('dev')} held out…"
            )
        elif kind == "training":
            self.progressed.emit(f"training… {float(msg.get('seconds') or 0):.0f} s (Suggestions > Cancel training)")
        elif kind == "done":
            self._reported = True
            choices = {**(msg.get("choice") or {}), **(msg.get("event_choice") or {})}
            better = sorted(label for label, source in choices.items() if source == "trained")
            what = f"; the trained model now suggests {', '.join(better)}" if better else ""
            self.finished.emit(True, f"model {msg.get('name')} trained{what}")

    cancelled_text = "training cancelled: the previous model stays in use"
    done_text = ""  # a training that ends without its "done" line has failed
    failed_text = "training failed: "
