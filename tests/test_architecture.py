"""The layering rules of DESIGN.md, checked by an AST scan of every module under annotator/ (imports inside
functions included): core and store stay free of Qt and spaCy, the window never reaches the store or SQLite,
nothing below the CLI imports it, and every SQL statement lives in annotator/store/."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "annotator"

# (packages the rule applies to, import prefixes they must not use)
RULES: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("annotator.core", "annotator.store"), ("PySide6", "shiboken6", "spacy", "thinc")),
    (("annotator.gui",), ("annotator.store", "sqlite3")),
    (("annotator.formats", "annotator.nlp", "annotator.core"), ("annotator.cli",)),
]
SQL_CALLS = frozenset({"execute", "executemany", "executescript", "query"})
SQL_START = re.compile(
    r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA|REPLACE|WITH|DROP|ALTER)\b"
)  # upper case, as all our SQL is: prose is not flagged


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """Every module an import statement names (`from a import b` yields both `a` and `a.b`), with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            yield base, node.lineno
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def _leading_text(node: ast.AST, sql_names: set[str]) -> str | None:
    """The text an SQL argument starts with, when the scan can tell: literals, f-strings, concatenations,
    `"...".format(...)`, and names bound to such a string in the same module."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        return _leading_text(node.values[0], sql_names) or ""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _leading_text(node.left, sql_names)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _leading_text(node.func.value, sql_names)
    if isinstance(node, ast.Name) and node.id in sql_names:
        return "SELECT"
    return None


def sql_calls(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """Calls of `.execute(`/`.query(`/`.executemany(` whose first argument is SQL."""
    sql_names = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and SQL_START.match(_leading_text(node.value, set()) or "")
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
            and node.args
        ):
            text = _leading_text(node.args[0], sql_names)
            if text is not None and SQL_START.match(text):
                yield text.strip().split()[0] if text.strip() else "SQL", node.lineno


def violations(path: Path, source: str) -> list[str]:
    module = _module_name(path)
    tree = ast.parse(source, filename=str(path))
    where = path.relative_to(ROOT)
    found: dict[tuple[int, str], str] = {}  # one message per line and forbidden package
    for name, line in imports(tree, module, path.name == "__init__.py"):
        for scope, forbidden in RULES:
            if any(_within(module, s) for s in scope):
                for f in forbidden:
                    if _within(name, f):
                        found.setdefault((line, f), f"{where}:{line}: {module} imports {name}")
    messages = [found[k] for k in sorted(found)]
    if not _within(module, "annotator.store"):
        calls = sorted(sql_calls(tree), key=lambda c: c[1])
        messages += [f"{where}:{line}: SQL ({keyword}…) run outside annotator/store/" for keyword, line in calls]
    return messages


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_layering_rules_hold():
    problems = [v for path in _modules() for v in violations(path, path.read_text(encoding="utf-8"))]
    assert not problems, "layering rules broken (see DESIGN.md, Architecture):\n" + "\n".join(problems)


def test_every_package_is_scanned():
    names = {_module_name(p) for p in _modules()}
    for package in ("annotator.core", "annotator.store", "annotator.gui", "annotator.formats", "annotator.nlp"):
        assert package in names
    assert "annotator.gui.review.adjudication" in names


# -- the scan itself can fail: fabricated offenders, named by module and line ------------------------------
@pytest.mark.parametrize(
    ("fake", "source", "expected"),
    [
        (
            "annotator/core/x.py",
            "import json\n\ndef f():\n    from PySide6 import QtCore\n",
            "x.py:4: annotator.core.x",
        ),
        ("annotator/store/x.py", "import spacy.tokens\n", "imports spacy.tokens"),
        ("annotator/store/x.py", "from thinc.api import Config\n", "imports thinc"),
        ("annotator/gui/x.py", "import sqlite3\n", "x.py:1: annotator.gui.x imports sqlite3"),
        ("annotator/gui/x.py", "from annotator.store import documents\n", "imports annotator.store"),
        ("annotator/gui/x.py", "from annotator import store\n", "imports annotator.store"),
        ("annotator/gui/review/x.py", "from ...store import database\n", "imports annotator.store"),
        ("annotator/nlp/x.py", "from annotator.cli import main\n", "imports annotator.cli"),
        ("annotator/formats/x.py", "import annotator.cli.export_cmd\n", "imports annotator.cli"),
        ("annotator/gui/x.py", "def f(db):\n    db.execute('SELECT 1')\n", "x.py:2: SQL (SELECT"),
        ("annotator/core/x.py", "def f(db, t):\n    db.execute(f'DELETE FROM {t}')\n", "SQL (DELETE"),
        ("annotator/nlp/x.py", "def f(db):\n    db.query(\n  'SELECT id ' + 'FROM t')\n", "x.py:2: SQL (SELECT"),
        ("annotator/gui/x.py", "SQL = 'UPDATE t SET a = 1'\n\ndef f(db):\n    db.execute(SQL)\n", "x.py:4: SQL"),
        ("annotator/core/x.py", "def f(c, rows):\n    c.executemany('INSERT INTO t VALUES (?)', rows)\n", "SQL"),
        ("annotator/gui/x.py", "def f(db):\n    db.execute('PRAGMA data_version')\n", "SQL (PRAGMA"),
    ],
)
def test_scan_names_offender(fake, source, expected):
    found = violations(ROOT / fake, source)
    assert any(expected in v for v in found), found


@pytest.mark.parametrize(
    ("fake", "source"),
    [
        ("annotator/store/x.py", "def f(db):\n    db.execute('SELECT 1')\n"),
        ("annotator/gui/x.py", "from annotator.core.project import Project\nimport json\n"),
        ("annotator/gui/x.py", "def f(job):\n    job.execute('Select a file')\n"),
        ("annotator/cli/x.py", "from annotator.core import project\nimport sqlite3\n"),
        ("annotator/gui/x.py", "def f(q):\n    q.execute(text)\n"),
    ],
)
def test_scan_allows(fake, source):
    assert violations(ROOT / fake, source) == []
