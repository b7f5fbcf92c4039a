"""Events with role arguments, stance with evidence, notes and flags, all from the keyboard in the window."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Argument, Evidence, SuggestedEvent, Suggestions
from annotator.core.project import Project
from annotator.gui import open_window
from annotator.store import documents as doc_store
from annotator.store.suggestions import write_suggestions
from tests.gui_helpers import MODEL, TRICKY, make_project, offsets


@pytest.fixture(autouse=True)
def _no_suggest_process(monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")


SUGGESTED = {"a1": [("Taliban", "ORG"), ("Lashkar Gah", "GPE"), ("Tuesday", "DATE")]}


def keys(qtbot, view, *presses):
    for press in presses:
        key, mods = press if isinstance(press, tuple) else (press, Qt.NoModifier)
        qtbot.keyClick(view, key, mods)


def layer(path, doc_id="a1"):
    with Project.open(path, readonly=True) as project:
        return project.annotation(doc_id, "alice")


def expected_event():
    ts, te = offsets(TRICKY, "attacked")
    return (
        "ATTACK",
        ts,
        te,
        sorted([("Attacker", *offsets(TRICKY, "Taliban")), ("Place", *offsets(TRICKY, "Lashkar Gah"))]),
    )


def event_tuples(ann):
    return [
        (e.type, e.trigger_start, e.trigger_end, sorted((a.role, a.start, a.end) for a in e.arguments))
        for e in ann.events
    ]


def test_event_with_two_arguments_and_stance_with_evidence_by_keys(tmp_path, qtbot):
    path = make_project(tmp_path, suggestions=SUGGESTED)
    window = open_window(path, "alice", "a1")
    qtbot.addWidget(window)
    view = window.session.view
    keys(qtbot, view, (Qt.Key_A, Qt.ShiftModifier))  # accept the three entity suggestions
    # caret onto "attacked": Tab focuses Taliban (caret at its start), Ctrl+Right jumps a word, Esc drops focus
    keys(qtbot, view, Qt.Key_Tab, (Qt.Key_Right, Qt.ControlModifier), Qt.Key_Escape)
    keys(qtbot, view, Qt.Key_E)
    assert "ATTACK" in window.statusBar().currentMessage()  # the prompt lists the event types
    keys(qtbot, view, Qt.Key_Shift)  # a modifier alone does not end the sequence
    keys(qtbot, view, Qt.Key_1)  # ATTACK
    assert window.session.active_event == (*offsets(TRICKY, "attacked"), "ATTACK")
    keys(qtbot, view, Qt.Key_Tab, Qt.Key_R, Qt.Key_4)  # Lashkar Gah as Place
    keys(qtbot, view, Qt.Key_Backtab, Qt.Key_Backtab, Qt.Key_R, Qt.Key_1)  # back over the event to Taliban: Attacker
    assert event_tuples(layer(path)) == [expected_event()]
    # the focused event's arguments are framed in the view with their role names
    assert sorted(h[2] for h in view._highlights) == ["Attacker", "Place"]
    # stance toward the Taliban: against, citing "Taliban attacked Lashkar" selected with the keyboard
    keys(qtbot, view, Qt.Key_Escape)
    keys(qtbot, view, *[(Qt.Key_Right, Qt.ControlModifier | Qt.ShiftModifier)] * 3)
    keys(qtbot, view, Qt.Key_S, Qt.Key_1, Qt.Key_2)
    ann = layer(path)
    quote = offsets(TRICKY, "Taliban attacked Lashkar")
    assert ann.stance == {"Taliban": "against"}
    assert ann.stance_evidence == {"Taliban": [Evidence(*quote)]}
    # "not set" is distinct from every value
    keys(qtbot, view, Qt.Key_S, Qt.Key_3, Qt.Key_0)
    assert layer(path).stance == {"Taliban": "against"}
    keys(qtbot, view, Qt.Key_S, Qt.Key_1, Qt.Key_0)
    assert layer(path).stance == {}
    keys(qtbot, view, (Qt.Key_Z, Qt.ControlModifier))
    assert layer(path).stance == {"Taliban": "against"}
    keys(qtbot, view, Qt.Key_U)  # flag unclear
    assert layer(path).flags == ["unclear"]

    # undo everything (flag, stance+evidence, two arguments, event, accept-all), then redo it all
    stack = window.session.undo_stack
    done_steps = stack.index()
    for _ in range(done_steps):
        keys(qtbot, view, (Qt.Key_Z, Qt.ControlModifier))
    ann = layer(path)
    assert (ann.spans, ann.events, ann.stance, ann.stance_evidence, ann.flags) == ([], [], {}, {}, [])
    for _ in range(done_steps):
        keys(qtbot, view, (Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier))
    ann = layer(path)
    assert event_tuples(ann) == [expected_event()]
    assert ann.stance == {"Taliban": "against"} and ann.stance_evidence == {"Taliban": [Evidence(*quote)]}
    assert ann.flags == ["unclear"] and len(ann.spans) == 3
    window.close()

    # reopen: everything is there, shown in the panels
    again = open_window(path, "alice")
    qtbot.addWidget(again)
    state = again.session.state
    assert [(e.type, e.trigger_start) for e in state.events] == [("ATTACK", offsets(TRICKY, "attacked")[0])]
    assert again.events.topLevelItemCount() == 1
    assert again.events.topLevelItem(0).text(0) == "ATTACK “attacked”"
    assert again.stance.table.cellWidget(0, 1).currentText() == "against"
    assert "Taliban attacked Lashkar" in again.stance.table.item(0, 2).text()
    assert again.stance.flags["unclear"].isChecked()
    out = tmp_path / "out.jsonl"
    job = again.export_to(str(out), "alice")
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    row = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    ts, te = offsets(TRICKY, "attacked")
    assert row["events"] == [
        {
            "type": "ATTACK",
            "trigger": {"start": ts, "end": te},
            "arguments": [
                {"role": "Attacker", "start": offsets(TRICKY, "Taliban")[0], "end": offsets(TRICKY, "Taliban")[1]},
                {"role": "Place", "start": offsets(TRICKY, "Lashkar Gah")[0], "end": offsets(TRICKY, "Lashkar Gah")[1]},
            ],
        }
    ]
    assert row["stance"] == {"Taliban": "against"}
    assert row["stance_evidence"] == {"Taliban": [{"start": quote[0], "end": quote[1]}]}
    assert row["flags"] == ["unclear"]
    again.close()


def test_suggested_event_accept_reject_and_retype(tmp_path, qtbot):
    path = make_project(tmp_path)
    with Project.open(path) as project:
        text = project.document("a1").text
        ts, te = offsets(text, "attacked")
        event = SuggestedEvent(
            "ATTACK", ts, te, (Argument("Attacker", *offsets(text, "Taliban")), Argument("Bogus", 0, 3))
        )
        with project.db.atomic():
            write_suggestions(project.db, Suggestions("a1", MODEL, [], [event]), doc_store.text_hash(text))
            project.set_setting("suggestion_model", MODEL)
    window = open_window(path, "alice", "a1")
    qtbot.addWidget(window)
    view = window.session.view
    keys(qtbot, view, Qt.Key_Tab)
    assert window.session.focused().kind == "event_suggestion"
    assert sorted(h[2] for h in view._highlights) == ["Attacker", "Bogus"]  # suggested arguments are shown
    keys(qtbot, view, Qt.Key_X)  # reject
    assert layer(path).events == [] and window.session.state.suggested_events == []
    keys(qtbot, view, (Qt.Key_Z, Qt.ControlModifier), Qt.Key_Tab, Qt.Key_Return)  # undo, accept
    assert event_tuples(layer(path)) == [("ATTACK", ts, te, [("Attacker", *offsets(text, "Taliban"))])]
    # E on the focused event changes its type, if its arguments fit the new type
    keys(qtbot, view, Qt.Key_E, Qt.Key_2)  # CAPTURE has no Attacker role: refused with a message
    assert layer(path).events[0].type == "ATTACK"
    assert "Attacker" in window.statusBar().currentMessage()
    window.close()


def test_deleting_a_span_detaches_its_argument_and_undo_restores_both(tmp_path, qtbot):
    path = make_project(tmp_path, suggestions={"a1": [("Taliban", "ORG")]})
    window = open_window(path, "alice", "a1")
    qtbot.addWidget(window)
    view = window.session.view
    keys(qtbot, view, Qt.Key_Tab, Qt.Key_Return)  # accept Taliban
    keys(qtbot, view, Qt.Key_Tab, (Qt.Key_Right, Qt.ControlModifier), Qt.Key_Escape, Qt.Key_E, Qt.Key_1)
    keys(qtbot, view, Qt.Key_Backtab, Qt.Key_R, Qt.Key_1)  # Taliban as Attacker
    assert [len(e.arguments) for e in layer(path).events] == [1]
    keys(qtbot, view, Qt.Key_Delete)  # delete the Taliban span
    ann = layer(path)
    assert ann.spans == [] and [len(e.arguments) for e in ann.events] == [0]
    keys(qtbot, view, (Qt.Key_Z, Qt.ControlModifier))
    ann = layer(path)
    assert len(ann.spans) == 1 and [a.role for a in ann.events[0].arguments] == ["Attacker"]
    window.close()


def test_note_from_the_panel_is_saved_and_undoable(tmp_path, qtbot):
    path = make_project(tmp_path)
    window = open_window(path, "alice", "a2")
    qtbot.addWidget(window)
    view = window.session.view
    keys(qtbot, view, Qt.Key_N)
    note = window.stance.note
    qtbot.keyClicks(note, "check <b>casualty</b> figures")
    qtbot.keyClick(note, Qt.Key_Return, Qt.ControlModifier)
    assert layer(path, "a2").note == "check <b>casualty</b> figures"
    window.session.undo_stack.undo()
    assert layer(path, "a2").note == ""
    window.close()


def test_events_panel_delete_detaches_an_argument(tmp_path, qtbot):
    path = make_project(tmp_path)
    with Project.open(path) as project:
        ts, te = offsets(TRICKY, "attacked")
        project.add_event("a1", "alice", "ATTACK", ts, te, (Argument("Target", *offsets(TRICKY, "Lashkar Gah")),))
    window = open_window(path, "alice", "a1")
    qtbot.addWidget(window)
    tree = window.events
    top = tree.topLevelItem(0)
    target = next(top.child(i) for i in range(top.childCount()) if top.child(i).text(0).startswith("Target"))
    assert target.text(0) == "Target: “Lashkar Gah”"
    tree.setCurrentItem(target)
    qtbot.keyClick(tree, Qt.Key_Delete)
    assert layer(path).events[0].arguments == ()
    window.session.undo_stack.undo()
    assert [a.role for a in layer(path).events[0].arguments] == ["Target"]
    window.close()
