"""Set up the window for the README screenshots, then leave it open for `/work/shared/tools/screenshot`.

usage: python docs/screenshots/scenes.py PROJECT SCENE
    (SCENE: main, relabel, shortcuts, events, dari, emoji, agreement, review, train, trained)
The dari, emoji, agreement and review scenes create PROJECT themselves (it must not exist yet); agreement imports
the sample articles with three annotators' spans, events and stance (JSONL, as tests/test_agreement_spans.py builds
its projects) and opens the Agreement view; review builds three annotators' layers on the first sample article.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

os.environ.setdefault("ANNOTATOR_NO_AUTO_SUGGEST", "1")

from annotator.gui.app import ensure_app, open_window


def prepare_events(path: str) -> None:
    """An ATTACK event with two arguments and a stance with evidence on the first sample article."""
    from annotator.core.model import Argument
    from annotator.core.project import Project

    with Project.open(path) as project:
        doc_id = project.document_ids()[0]
        text = project.document(doc_id).text

        def at(needle: str) -> tuple[int, int]:
            start = text.index(needle)
            return start, start + len(needle)

        project.add_span(doc_id, "alice", *at("Tuesday night"), "TIME")
        args = (Argument("Target", *at("Bismillah Mohammadi")), Argument("Time", *at("Tuesday night")))
        project.add_event(doc_id, "alice", "ATTACK", *at("bomb attack"), args)
        project.set_stance(doc_id, "alice", "Taliban", "against")
        project.add_stance_evidence(doc_id, "alice", "Taliban", *at("brought the war to the capital"))
        project.set_stance(doc_id, "alice", "United States", "neutral")


DARI = (
    "کابل (خبرگزاری) — ذبیح‌الله مجاهد، سخنگوی طالبان، روز چهارشنبه گفت که حمله بر وزیر دفاع در کابل پاسخ به "
    "حملات هوایی نیروهای امریکایی و افغان است. به گفته مقام‌های محلی، جنگ در لشکرگاه، قندهار و هرات ادامه دارد و "
    "هزاران خانواده از خانه‌های خود بیجا شده‌اند.\n\nTaliban spokesman Zabihullah Mujahid said the attack in Kabul "
    "was a response to airstrikes."
)
EMOJI = (
    "🔥🇦🇫 BREAKING 📢 Fighting reached Lashkar Gah 💥 on Tuesday, officials in Helmand said 👇\r\n\r\n"
    "“We are trapped” 😢 — a resident of Lashkar Gah told AFP by phone; 🕌 mosques were used as shelters. "
    "Kabul 🏙️ said reinforcements were on their way."
)


def prepare_text(path: str, doc_id: str, text: str, spans: list[tuple[str, str]], suggested: list[tuple[str, str]]):
    """A new project with one article, confirmed spans and suggestions (for the Dari and emoji screenshots)."""
    from annotator.core.importing import ImportRecord, import_records
    from annotator.core.model import Document, Span, Suggestions
    from annotator.core.project import Project
    from annotator.store import documents as doc_store
    from annotator.store.suggestions import write_suggestions

    def at(needle: str) -> tuple[int, int]:
        start = text.index(needle)
        return start, start + len(needle)

    with Project.create(path) as project:
        import_records(project, [ImportRecord(Document(doc_id, text))])
        for needle, label in spans:
            project.add_span(doc_id, "alice", *at(needle), label)
        with project.transaction():
            found = [Span(*at(n), label, source="model") for n, label in suggested]
            write_suggestions(project.db, Suggestions(doc_id, "demo@1", found), doc_store.text_hash(text))
            project.set_setting("suggestion_model", "demo@1")


NAMES = [
    ("Taliban", "ORG"), ("Kabul", "GPE"), ("Lashkar Gah", "GPE"), ("Kandahar", "GPE"), ("Herat", "GPE"),
    ("Helmand", "GPE"), ("Afghanistan", "GPE"), ("AFP", "ORG"), ("Tuesday", "DATE"), ("Wednesday", "DATE"),
    ("Bismillah Mohammadi", "PERSON"), ("Zabihullah Mujahid", "PERSON"), ("Afghan", "NORP"), ("US", "GPE"),
    ("Ashraf Ghani", "PERSON"), ("Taliban's", "ORG"), ("Washington", "GPE"), ("Sunday", "DATE"),
]  # fmt: skip


def prepare_agreement(path: str) -> None:
    """Three annotators on the sample articles: mostly the same spans, some missed, widened or relabelled."""
    import json
    import random
    import re
    import tempfile
    from pathlib import Path

    from annotator.cli import main as cli

    rng = random.Random(13)
    samples = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.txt"))
    lines = []
    for k, file in enumerate(samples):
        text = file.read_text(encoding="utf-8")
        base = []
        for needle, label in NAMES:
            for m in re.finditer(rf"\b{re.escape(needle)}\b", text):
                if not any(s < m.end() and m.start() < e for s, e, _ in base):
                    base.append((m.start(), m.end(), label))
        attack = text.find("attack")
        for who, care in (("alice", 0.95), ("bob", 0.85), ("carol", 0.75)):
            spans = []
            for s, e, label in base:
                r = rng.random()
                if r > care + 0.04:
                    continue
                if r > care:
                    label = rng.choice(["ORG", "GPE", "LOC", "NORP", "PERSON"])
                elif r > care - 0.03 and e + 1 < len(text) and text[e] == " ":
                    e = text.find(" ", e + 1) if text.find(" ", e + 1) > 0 else e
                spans.append({"start": s, "end": e, "label": label})
            work = {"spans": spans, "stance": {"Taliban": "against" if rng.random() < care else "neutral"}}
            if attack >= 0:
                work["events"] = [{"type": "ATTACK", "trigger": {"start": attack, "end": attack + 6}, "arguments": []}]
            lines.append({"id": f"sample-{k + 1}", "text": text, "annotator": who, "status": "done", **work})
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "three.jsonl"
        jsonl.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
        if cli(["new", path]) or cli(["import", path, str(jsonl)]):
            raise SystemExit("could not build the agreement project")


def agreement_scene(path: str) -> int:
    from annotator.gui.review import open_agreement_window

    prepare_agreement(path)
    app = ensure_app()
    window = open_agreement_window(path)

    def act() -> None:
        window.mode_box.setCurrentText("exact")

    window.computed.connect(act)
    return app.exec()


# Three annotators' layers on the first sample article, with the disagreements reviewers meet: boundaries, labels,
# a missed name, an event argument, a stance. (needle, occurrence, label) per span; each annotator's list.
REVIEW_SPANS = {
    "alice": [
        ("Taliban", 0, "ORG"),
        ("Wednesday", 0, "DATE"),
        ("Afghan", 0, "NORP"),
        ("Defense Minister Bismillah Mohammadi", 0, "PERSON"),
        ("Tuesday night", 0, "TIME"),
        ("May", 0, "DATE"),
        ("Afghan", 1, "NORP"),
        ("US", 0, "GPE"),
        ("Taliban", 2, "ORG"),
        ("Kabul", 0, "GPE"),
        ("Kabul", 1, "GPE"),
        ("Zabihullah Mujahid", 0, "PERSON"),
    ],
    "bob": [
        ("Taliban", 0, "ORG"),
        ("Wednesday", 0, "DATE"),
        ("Afghan", 0, "NORP"),
        ("Bismillah Mohammadi", 0, "PERSON"),
        ("Tuesday", 1, "DATE"),
        ("May", 0, "DATE"),
        ("Afghan and US militaries", 0, "ORG"),
        ("Taliban", 2, "NORP"),
        ("Kabul", 0, "GPE"),
        ("Kabul", 1, "GPE"),
        ("Taliban spokesman Zabihullah Mujahid", 0, "PERSON"),
    ],
    "carol": [
        ("Taliban", 0, "ORG"),
        ("Wednesday", 0, "DATE"),
        ("Afghan government", 0, "ORG"),
        ("Defense Minister Bismillah Mohammadi", 0, "PERSON"),
        ("Tuesday night", 0, "TIME"),
        ("Afghan", 1, "NORP"),
        ("US", 0, "GPE"),
        ("Taliban", 2, "ORG"),
        ("Kabul", 0, "GPE"),
        ("Zabihullah Mujahid", 0, "PERSON"),
    ],
}


def prepare_review(path: str) -> None:
    """A new project with the first sample article and alice's, bob's and carol's finished layers."""
    from pathlib import Path

    from annotator.core.importing import ImportRecord, import_records
    from annotator.core.model import Argument, Document, Status
    from annotator.core.project import Project

    sample = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.txt"))[0]
    text = sample.read_text(encoding="utf-8")
    doc_id = sample.stem

    def at(needle: str, nth: int = 0) -> tuple[int, int]:
        start = -1
        for _ in range(nth + 1):
            start = text.index(needle, start + 1)
        return start, start + len(needle)

    with Project.create(path) as project:
        import_records(project, [ImportRecord(Document(doc_id, text))])
        for who, spans in REVIEW_SPANS.items():
            for needle, nth, label in spans:
                project.add_span(doc_id, who, *at(needle, nth), label)
            target = "Defense Minister Bismillah Mohammadi" if who != "bob" else "Bismillah Mohammadi"
            args = (
                Argument("Target", *at(target)),
                Argument("Time", *at("Tuesday night" if who != "bob" else "Tuesday", 0 if who != "bob" else 1)),
            )
            project.add_event(doc_id, who, "ATTACK", *at("bomb attack"), args)
            project.set_stance(doc_id, who, "Taliban", "neutral" if who == "bob" else "against")
            project.set_status(doc_id, who, Status.DONE)


def open_review(window) -> None:
    """Review > Review disagreements… (Ctrl+Shift+R), then a decision; the event unit comes next."""
    from annotator.gui.review import _windows

    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Review")
    menu.actions()[0].trigger()
    review = next(w for w in _windows if w.objectName() == "reviewWindow")
    table = review.unit_table
    table.setFocus()
    QTest.keyClick(table, Qt.Key_1)  # alice's NORP "Afghan" rather than carol's ORG "Afghan government"
    # now on the event: its arguments are framed with their roles in every column


def prepare_training(path: str) -> None:
    """A new project with the sample articles cut into 40 paragraphs, 30 of them done by alice with spans and a
    stance, so Suggestions > Train a model has something to learn from."""
    import json
    import re
    import tempfile
    from pathlib import Path

    from annotator.cli import main as cli

    paragraphs = []
    for file in sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.txt")):
        paragraphs += [p for p in file.read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
    lines = []
    for i, text in enumerate(paragraphs[:40]):
        spans = [
            {"start": m.start(), "end": m.end(), "label": label}
            for needle, label in (("Taliban", "ORG"), ("Kabul", "GPE"), ("Afghan", "NORP"), ("Herat", "GPE"))
            for m in re.finditer(rf"\b{needle}\b", text)
        ]
        work = {"annotator": "alice", "status": "done", "spans": spans, "stance": {"Taliban": "against"}}
        lines.append({"id": f"p{i:02d}", "text": text, **(work if i < 30 else {})})
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "paragraphs.jsonl"
        jsonl.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
        if cli(["new", path]) or cli(["import", path, str(jsonl)]):
            raise SystemExit("could not build the training project")


def prepare_trained(path: str) -> None:
    """A project trained on 30 done articles whose ATTACK trigger ("ambushed") and Place the scheme's lists and
    rules miss, then suggested: a new article shows the trained triggers with their scores."""
    import json
    import random
    import tempfile
    from pathlib import Path

    from annotator.cli import main as cli

    rng = random.Random(0)
    places, people = ["Kabul", "Herat", "Kandahar", "Kunduz", "Ghazni"], ["Ashraf Ghani", "Amrullah Saleh"]
    lines = [
        {
            "id": "new",
            "text": "Militants ambushed a police patrol in Ghazni on Monday. Officials in Ghazni said the attack "
            "killed three officers; Amrullah Saleh condemned the assault.",
        }
    ]
    for i in range(30):
        q, p = rng.choice(places), rng.choice(people)
        text = f"Gunmen ambushed a convoy in {q}. {p} said the attack on the convoy in {q} was repelled."
        ambush, attack, at = text.index("ambushed"), text.index("attack"), text.index(q)
        spans = [
            {"start": k, "end": k + len(x), "label": label}
            for x, label in ((q, "GPE"), (p, "PERSON"))
            for k in (text.index(x), text.rindex(x))
        ]
        events = [
            {"type": "ATTACK", "trigger": {"start": ambush, "end": ambush + 8},
             "arguments": [{"role": "Place", "start": at, "end": at + len(q)}]},
            {"type": "ATTACK", "trigger": {"start": attack, "end": attack + 6}, "arguments": []},
        ]  # fmt: skip
        lines.append({"id": f"a{i:02d}", "text": text, "annotator": "alice", "status": "done",
                      "spans": list({(s["start"], s["label"]): s for s in spans}.values()), "events": events})  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "articles.jsonl"
        jsonl.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
        steps = ["train", path, "--max-steps", "150", "--name", "attacks", "--progress", "none"]
        if cli(["new", path]) or cli(["import", path, str(jsonl)]) or cli(steps) or cli(["suggest", path]):
            raise SystemExit("could not build the trained project")


def main() -> int:
    project, scene = sys.argv[1], sys.argv[2]
    if scene == "agreement":
        return agreement_scene(project)
    if scene == "events":
        prepare_events(project)
    elif scene == "dari":
        prepare_text(
            project,
            "dari-1",
            DARI,
            [
                ("ذبیح‌الله مجاهد", "PERSON"),
                ("طالبان", "ORG"),
                ("وزیر دفاع در کابل پاسخ به حملات هوایی نیروهای", "EVENT"),
            ],
            [("کابل", "GPE"), ("قندهار", "GPE"), ("هرات", "GPE"), ("Zabihullah Mujahid", "PERSON")],
        )
    elif scene == "emoji":
        prepare_text(
            project,
            "emoji-1",
            EMOJI,
            [("Lashkar Gah", "GPE"), ("Tuesday", "DATE"), ("AFP", "ORG")],
            [("Helmand", "GPE"), ("Kabul", "GPE")],
        )
    elif scene == "review":
        prepare_review(project)
    elif scene == "train":
        prepare_training(project)
    elif scene == "trained":
        prepare_trained(project)
    app = ensure_app()
    window = open_window(project, "alice", on_locked="readonly" if scene == "shortcuts" else "ask")
    view = window.session.view

    def act() -> None:
        view.setFocus()
        if scene == "main":
            for _ in range(6):
                QTest.keyClick(view, Qt.Key_Tab)  # focus the first open suggestion
        elif scene == "relabel":
            session = window.session
            norp = next(i for i in session.state.items if i.label == "NORP")
            session.focus_item(norp.key)
            QTest.keyClick(view, Qt.Key_Return)  # accept the NORP suggestion "Afghan"
            session.focus_item(("span", norp.start, norp.end, "NORP"))
            QTest.keyClick(view, Qt.Key_3)  # relabel it as ORG
        elif scene == "shortcuts":
            window.show_shortcuts()
        elif scene == "review":
            open_review(window)
        elif scene == "train":
            window.start_training()  # Suggestions > Train a model on this project: its progress in the status bar
        elif scene == "trained":
            window.show_model_information()  # Suggestions > Model information, over the trained suggestions
        elif scene == "events":
            for _ in range(30):  # Tab to the event trigger: its arguments are framed with their roles
                QTest.keyClick(view, Qt.Key_Tab)
                if window.session.active_event is not None:
                    break

    QTimer.singleShot(600, act)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
