"""The keyboard, as one table: every key the annotation window understands, the command it runs and the help
text shown for it. Key dispatch (`annotator.gui.keys`), the Help > Keyboard shortcuts dialog, the README table
and the keys a scheme may not give to labels (`RESERVED_KEYS`) all come from here.

Keys are written as Qt's portable key-sequence text ("Shift+A", "Ctrl+Return", "PgDown"), which the window
produces for each key press; no Qt is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Binding:
    command: str  # what the window runs (see annotator.gui.keys.ArticleKeys)
    keys: tuple[str, ...]  # the key presses that run it; () for keys the window decides (label keys)
    shown: str  # how the keys are written for people
    help: str


KEYMAP: tuple[Binding, ...] = (
    Binding(
        "label",
        (),
        "1-9, 0, then the scheme's letter keys",
        "Label the selection (snapped to whole words) as that label; on a focused span: relabel it",
    ),
    Binding("focus_next", ("Tab",), "Tab / Shift+Tab", "Focus the next / previous span, event trigger or suggestion"),
    Binding("focus_previous", ("Shift+Tab", "Shift+Backtab", "Backtab"), "", ""),
    Binding(
        "accept",
        ("Return", "Enter", "A"),
        "Enter or A",
        "Accept the focused suggestion (entity or event, with its arguments)",
    ),
    Binding("accept_all", ("Shift+A",), "Shift+A", "Accept all remaining suggestions of the article"),
    Binding(
        "reject_or_delete",
        ("X", "Del"),
        "X or Delete",
        "Reject the focused suggestion / delete the focused span or event",
    ),
    Binding("clear", ("Esc",), "Esc", "Clear the selection and the focus (or cancel a key sequence)"),
    Binding(
        "event",
        ("E",),
        "E, then a type key",
        "Make the selection (or focused word) an event trigger of that type; on a focused event: change its type",
    ),
    Binding(
        "role",
        ("R",),
        "R, then a role number",
        "Attach the selection (or focused span) to the active event in that role; again: detach it",
    ),
    Binding(
        "stance",
        ("S",),
        "S, target number, value number",
        "Set the article's stance toward a target (0: not set); a selected quote is cited as evidence",
    ),
    Binding("", (), "S, target number, Enter", "Cite the selected quote as evidence for the target (again: remove it)"),
    Binding("", (), "S, target number, A", "Accept the stance a trained model suggests for the target"),
    Binding("note", ("N",), "N", "Edit the article's note"),
    Binding("flag_unclear", ("U",), "U / D", "Flag the article as unclear / duplicate (again: remove the flag)"),
    Binding("flag_duplicate", ("D",), "", ""),
    Binding(
        "done_next", ("Ctrl+Return", "Ctrl+Enter"), "Ctrl+Enter", "Mark the article done and open the next one not done"
    ),
    Binding("next_article", ("PgDown",), "Page Down / Page Up", "Next / previous article in the list"),
    Binding("previous_article", ("PgUp",), "", ""),
    Binding("undo", ("Ctrl+Z",), "Ctrl+Z / Ctrl+Shift+Z", "Undo / redo any annotation action (across articles)"),
    Binding("redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "", ""),
    Binding(
        "zoom_in",
        ("Ctrl++", "Ctrl+="),
        "Ctrl+plus / Ctrl+minus / Ctrl+0",
        "Larger / smaller / normal text (remembered)",
    ),
    Binding("zoom_out", ("Ctrl+-",), "", ""),
    Binding("zoom_reset", ("Ctrl+0",), "", ""),
    # window actions (menus): listed for the help; their menu entries take these keys
    Binding(
        "search", ("Ctrl+F",), "Ctrl+F", "Search the articles (full text); the hits are highlighted in the article"
    ),
    Binding(
        "next_hit", ("F3",), "F3 / Shift+F3 (or Enter in the search box)", "Next / previous search hit in the article"
    ),
    Binding("previous_hit", ("Shift+F3",), "", ""),
    Binding("", (), "Ctrl+N / Ctrl+O / Ctrl+I / Ctrl+E", "New project / open project / import files / export"),
    Binding("quit", ("Ctrl+Q",), "Ctrl+Q", "Quit (everything is already saved)"),
    Binding("help", ("F1",), "F1", "Show these keyboard shortcuts (Help > Keyboard shortcuts)"),
)

WINDOW_COMMANDS = frozenset(
    {"search", "quit", "help", "next_hit", "previous_hit"}
)  # run by the window's menu actions, not the article view

_BY_KEY = {key: b.command for b in KEYMAP for key in b.keys}


def command_for(key: str) -> str | None:
    """The command a key press runs in the article view (Qt portable text of the press), or None."""
    command = _BY_KEY.get(key)
    return None if command in WINDOW_COMMANDS else command


def keys_of(command: str) -> tuple[str, ...]:
    return next((b.keys for b in KEYMAP if b.command == command), ())


def shortcuts() -> list[tuple[str, str]]:
    """(keys, what they do) in the order shown to people."""
    return [(b.shown, b.help) for b in KEYMAP if b.shown]


# Plain letters bound to commands: a scheme never assigns them to labels by itself.
RESERVED_KEYS = frozenset(k for b in KEYMAP for k in b.keys if len(k) == 1 and k.isalpha())
