"""The `annotator` command line: thin commands over the core, one module per group of commands.

Each module in COMMAND_MODULES defines `register(subparsers)`; every subcommand sets `func(args) -> int`.
Errors a user can cause (AnnotatorError) print one line and exit non-zero; nothing else is caught.
"""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.project import set_writer_wait
from annotator.store.errors import translate

COMMAND_MODULES = (
    "annotator.cli.project_cmds",
    "annotator.cli.export_cmd",
    "annotator.cli.gui_cmds",
    "annotator.cli.suggest_cmd",
    "annotator.cli.train_cmd",
    "annotator.cli.agreement_cmds",
    "annotator.cli.check_cmd",
)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate news articles offline: entities, events and stance, with spaCy suggestions.",
        epilog="Example:\n  annotator new war.annotator && annotator import war.annotator samples/ && annotator gui war.annotator",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def add_command(sub, name: str, help: str, example: str, func) -> argparse.ArgumentParser:
    """Add a subcommand whose --help ends with an example."""
    parser = sub.add_parser(
        name, help=help, description=help, epilog=f"Example:\n  {example}", formatter_class=HelpFormatter
    )
    parser.set_defaults(func=func)
    return parser


def fail(message: str, code: int = 1) -> int:
    print(f"annotator: error: {message}", file=sys.stderr)
    return code


TRAIN_WORKER = "_spacy-train"  # internal: the training child process (see annotator.nlp.training)


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == [TRAIN_WORKER]:
        # spaCy's own training loop, run by this program itself, so the frozen app (which has no `python -m
        # spacy`) trains exactly like a source install
        from annotator.nlp.training import run_spacy_train_worker

        return run_spacy_train_worker(args_list[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        # bare `annotator` opens the window, like double-clicking the app
        args = parser.parse_args(["gui", *(argv or [])])
    # Command-line writers wait for each other (a long import makes a second one wait) and say so after 2 s.
    set_writer_wait(3600.0, notify=lambda message: print(f"annotator: {message}", file=sys.stderr, flush=True))
    try:
        return int(args.func(args) or 0)
    except sqlite3.Error as exc:  # SQLite's failures outside a transaction, translated like the rest
        return fail(str(translate(exc, getattr(args, "project", None))))
    except AnnotatorError as exc:
        return fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return 0
