"""The window shows the truth (issue 16): formats never leak from one article to the next, bulk actions stay
short, words snap by Unicode rules."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.project import Project
from annotator.gui import open_window
from tests.gui_helpers import make_project

FIRST = "Taliban slam US over airstrikes. Officials in Kabul said so."
SECOND = "Reports from Herat say the fighting goes on. Nothing else is labelled here at all."


@pytest.fixture(autouse=True)
def _no_suggest_process(monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")


def runs(window) -> list[tuple]:
    """Every run of text with its character format, as the document holds it."""
    out = []
    block = window.view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            fmt = frag.charFormat()
            out.append(
                (
                    frag.position(),
                    frag.length(),
                    fmt.underlineStyle().value,
                    fmt.background().color().name() if fmt.background().style() != Qt.NoBrush else None,
                    fmt.fontItalic(),
                    int(fmt.fontWeight()) if isinstance(fmt.fontWeight(), int) else fmt.fontWeight().value,
                )
            )
            it += 1
        block = block.next()
    return out


@pytest.mark.parametrize("first_kind", ["suggestion", "confirmed"])
def test_formats_do_not_leak_into_the_next_article(tmp_path, qtbot, first_kind):
    path = make_project(
        tmp_path,
        {"a1": FIRST, "a2": SECOND},
        suggestions={"a1": [("Taliban", "ORG")], "a2": [("Herat", "GPE")]},
    )
    if first_kind == "confirmed":
        with Project.open(path) as project:
            project.add_span("a1", "alice", 0, 7, "ORG")
    paged = open_window(path, annotator="alice", document_id="a1")
    qtbot.addWidget(paged)
    paged.view.setFocus()
    qtbot.keyClick(paged.view, Qt.Key_PageDown)
    assert paged.session.doc_id == "a2"
    direct = open_window(path, annotator="alice", document_id="a2", on_locked="readonly")
    qtbot.addWidget(direct)
    assert runs(paged) == runs(direct)
    # the text after the span carries no format at all
    herat = SECOND.index("Herat") + len("Herat")
    tail = [r for r in runs(paged) if r[0] >= herat]
    assert tail and all(r[2:4] == (0, None) for r in tail), tail
    paged.close()
    direct.close()


def test_shift_a_on_a_long_article_is_one_step_and_repaints(tmp_path, qtbot):
    words = ["Kabul", "Herat", "the", "attack", "said", "officials"]
    text = " ".join(words[i % len(words)] for i in range(6000))
    needles: dict[str, list[tuple[str, str]]] = {"long": []}
    path = make_project(tmp_path, {"long": text})
    from annotator.core.model import Span, Suggestions
    from annotator.store import documents as doc_store
    from annotator.store.suggestions import write_suggestions
    from tests.gui_helpers import MODEL

    starts = [i for i in range(len(text)) if text.startswith("Kabul", i)]
    with Project.open(path) as project, project.transaction():
        spans = [Span(s, s + 5, "GPE", source="model") for s in starts]
        write_suggestions(project.db, Suggestions("long", MODEL, spans), doc_store.text_hash(text))
        project.set_setting("suggestion_model", MODEL)
    assert needles and len(starts) == 1000
    window = open_window(path, annotator="alice", document_id="long")
    qtbot.addWidget(window)
    qtbot.keyClick(window.view, Qt.Key_A, Qt.ShiftModifier)
    assert window.session.undo_stack.count() == 1
    confirmed = [i for i in window.session.state.items if i.confirmed]
    assert len(confirmed) == 1000
    # the view repainted them as confirmed spans (filled), not as suggestions (underlined)
    filled = {r[0] for r in runs(window) if r[3] is not None}
    to_qt = window.session.state.positions.to_qt
    assert {to_qt(s) for s in starts} <= filled
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)
    assert not [i for i in window.session.state.items if i.confirmed]
    assert not [r for r in runs(window) if r[3] is not None]
    with Project.open(path, readonly=True) as project:
        assert project.annotation("long", "alice").spans == []
    window.close()


DARI = "سخنگوی طالبان ذبیح‌الله مجاهد، گفت که حمله ادامه دارد.\nKabul 🔥 emoji after."


@pytest.mark.parametrize(
    "selected",
    ["ذبیح‌الله مجاهد", "ذبیح‌الله مجاهد،", "یح‌الله مجا", " ذبیح‌الله مجاهد، "],
)
def test_a_dari_name_with_a_zero_width_non_joiner_snaps_whole(tmp_path, qtbot, selected):
    path = make_project(tmp_path, {"d1": DARI})
    window = open_window(path, annotator="alice", document_id="d1")
    qtbot.addWidget(window)
    start = DARI.index(selected)
    to_qt = window.session.state.positions.to_qt
    window.view.select_qt(to_qt(start), to_qt(start + len(selected)))
    qtbot.keyClick(window.view, Qt.Key_1)
    with Project.open(path, readonly=True) as project:
        [span] = project.annotation("d1", "alice").spans
    assert DARI[span.start : span.end] == "ذبیح\u200cالله مجاهد"
    window.close()


def test_snapping_rules():
    from annotator.core.words import snap_to_words, word_at

    text = "In Qala-i-Naw, officials didn't say (Kabul). 3.5 km"

    def snap(needle: str) -> str:
        i = text.index(needle)
        a, b = snap_to_words(text, i, i + len(needle))
        return text[a:b]

    assert snap("la-i-N") == "Qala-i-Naw"
    assert snap("Naw, ") == "Qala-i-Naw"  # one word: the hyphens are inside it
    assert snap(" officials ") == "officials"
    assert snap("dn't") == "didn't"
    assert snap("(Kabul).") == "Kabul"
    assert snap(".5") == "3.5"
    assert snap(", ") == ""
    assert word_at(text, text.index("ficials")) == (text.index("officials"), text.index("officials") + 9)
    assert word_at(text, text.index("(")) is None


def test_every_window_fits_the_screen(tmp_path, qtbot, cli):
    """Whatever the screen (1366×768 on a laptop; the offscreen platform's own size here), the windows open inside
    its available area, and the controls at the bottom (flags, note, status bar) are inside the window."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QCheckBox

    from annotator.gui.review import open_agreement_window, open_review_window
    from tests.test_agreement_spans import STANDARD, build

    path = build(cli, tmp_path, STANDARD)
    window = open_window(path, annotator="alice")
    qtbot.addWidget(window)
    area = window.screen().availableGeometry()
    review = open_review_window(path, "d1", project=window.project, undo_stack=window.session.undo_stack)
    agreement = open_agreement_window(path)
    qtbot.addWidget(review)
    qtbot.addWidget(agreement)
    for w in (window, review, agreement):
        assert w.width() <= area.width() and w.height() <= area.height(), (w.objectName(), w.size(), area)
    inside = QRect(QPoint(0, 0), window.size())
    for widget in [*window.findChildren(QCheckBox), window.stance.note, window.statusBar()]:
        if widget.isVisible():
            rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
            assert inside.contains(rect), (widget.objectName() or widget.text(), rect, inside)
    agreement.close()
    review.close()
    window.close()


CROWDED = (
    "Taliban spokesman Zabihullah Mujahid said on Wednesday in Kabul that a bomb attack by the group on the "
    "minister was a response to US airstrikes and that more attacks would follow across the country soon."
)


def test_every_tag_sits_under_its_own_span_and_inside_the_view(tmp_path, qtbot):
    from annotator.core.model import Span, Suggestions
    from annotator.store import documents as doc_store
    from annotator.store.suggestions import write_suggestions
    from tests.gui_helpers import MODEL

    path = make_project(tmp_path, {"c1": CROWDED})
    words = ["Taliban", "spokesman", "Zabihullah Mujahid", "said", "on", "Wednesday", "Kabul", "a", "bomb", "attack"]
    labels = ["ORG", "NORP", "PERSON", "EVENT", "DATE", "DATE", "GPE", "CARDINAL", "PRODUCT", "EVENT"]
    with Project.open(path) as project, project.transaction():
        spans = []
        for word, label in zip(words, labels, strict=True):
            start = CROWDED.index(f"{word} ") if word != "a" else CROWDED.index(" a ") + 1
            spans.append(Span(start, start + len(word), label if label in project.scheme.entity_labels else "ORG"))
        write_suggestions(project.db, Suggestions("c1", MODEL, spans), doc_store.text_hash(CROWDED))
        project.set_setting("suggestion_model", MODEL)
    window = open_window(path, annotator="alice", document_id="c1")
    qtbot.addWidget(window)
    window.resize(1200, 600)  # the article column is narrow enough for the text to wrap and the tags to crowd
    qtbot.waitExposed(window)
    view = window.view
    QApplication.processEvents()
    view.viewport().repaint()
    boxes = view.tag_boxes
    assert len(boxes) == len(spans), (view.viewport().size(), boxes)
    width = view.viewport().width()
    for tag, span, text in boxes:
        assert tag.left() >= 0 and tag.right() <= width, (text, tag, width)
        assert tag.left() <= span.right() and tag.right() >= span.left(), (text, tag, span)  # under its span
        assert tag.top() > span.bottom()  # below the text line, never over the text
    for n, (a, _, ta) in enumerate(boxes):
        for b, _, tb in boxes[n + 1 :]:
            assert not a.intersects(b), (ta, a, tb, b)
    window.close()


def test_a_right_to_left_span_is_framed_over_its_own_words_only(tmp_path, qtbot):
    text = "سخنگوی طالبان ذبیح‌الله مجاهد گفت که حمله ادامه دارد و نیروهای دولتی در هرات عقب نشستند."
    path = make_project(tmp_path, {"r1": text})
    window = open_window(path, annotator="alice", document_id="r1")
    qtbot.addWidget(window)
    window.resize(1600, 700)  # one line
    qtbot.waitExposed(window)
    QApplication.processEvents()
    view = window.view
    to_qt = window.session.state.positions.to_qt
    start, end = text.index("ذبیح"), text.index("مجاهد") + len("مجاهد")
    [rect] = view._line_rects(to_qt(start), to_qt(end))
    cursor = view.textCursor()
    for word in ("طالبان", "گفت"):  # the words before and after it, in reading order
        i = text.index(word) + 1
        cursor.setPosition(to_qt(i))
        where = view.cursorRect(cursor)
        assert abs(where.top() - rect.top()) < rect.height()  # the same line
        assert not rect.left() < where.center().x() < rect.right(), (word, where, rect)
    # wrapped: each line's piece framed on its own, and every piece inside the view
    window.resize(900, 500)
    QApplication.processEvents()
    pieces = view._line_rects(to_qt(0), to_qt(len(text)))
    assert len(pieces) >= 2
    assert all(r.left() >= 0 and r.right() <= view.viewport().width() + 1 for r in pieces), pieces
    # a span that starts mid-line and wraps: its first piece holds none of the words before it on that line
    start = text.index("طالبان")
    pieces = view._line_rects(to_qt(start), to_qt(len(text) - 1))
    assert len(pieces) >= 2
    cursor.setPosition(to_qt(text.index("سخنگوی") + 2))
    before = view.cursorRect(cursor)
    assert abs(before.top() - pieces[0].top()) < pieces[0].height()
    assert not pieces[0].left() < before.center().x() < pieces[0].right(), (before, pieces[0])
    window.close()


def test_label_bar_and_context_menu_label_accept_and_cite(tmp_path, qtbot):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QToolButton

    from annotator.gui.context_menu import article_menu
    from tests.gui_helpers import PLAIN, offsets

    path = make_project(tmp_path, {"a2": PLAIN}, suggestions={"a2": [("Herat", "GPE")]})
    window = open_window(path, annotator="alice", document_id="a2")
    qtbot.addWidget(window)
    session, view = window.session, window.view
    messages: list[str] = []
    session.message.connect(messages.append)
    to_qt = session.state.positions.to_qt
    # the label bar: every label with its key; a click labels the selection
    bar = window.label_bar
    assert [b.text() for b in bar.findChildren(QToolButton)][:2] == ["1 PERSON", "2 NORP"]
    start, end = offsets(PLAIN, "Reuters")
    view.select_qt(to_qt(start), to_qt(end))
    qtbot.mouseClick(bar.buttons["ORG"], Qt.LeftButton)
    assert any("Reuters" in m for m in messages)  # the status bar confirms it
    # right-click on the suggestion: Accept
    cursor = view.textCursor()
    cursor.setPosition(to_qt(PLAIN.index("Herat") + 2))
    view.setTextCursor(cursor)
    pos = view.cursorRect(cursor).center()
    menu = article_menu(session, QPoint(pos))
    accept = next(a for a in menu.findChildren(QAction) if a.objectName() == "menuAccept")
    accept.trigger()
    # a selection: cite it as evidence for a target
    a, b = offsets(PLAIN, "fighting in Herat")
    view.select_qt(to_qt(a), to_qt(b))
    menu = article_menu(session, QPoint(5, 5))
    target = window.project.scheme.stance_targets[0]
    cite = next(x for x in menu.findChildren(QAction) if x.text() == target)
    cite.trigger()
    with Project.open(path, readonly=True) as project:
        ann = project.annotation("a2", "alice")
    assert sorted((s.start, s.end, s.label) for s in ann.spans) == [
        (start, end, "ORG"),
        (*offsets(PLAIN, "Herat"), "GPE"),
    ]
    assert [(e.start, e.end) for e in ann.stance_evidence[target]] == [(a, b)]
    window.close()


def test_label_colours_are_readable_on_the_page():
    from PySide6.QtGui import QColor

    from annotator.core.scheme import PALETTE, default_scheme
    from annotator.gui.colors import WHITE, contrast, readable, text_on

    colours = [*PALETTE, *(e.color for e in default_scheme().entities), *(e.color for e in default_scheme().events)]
    for c in colours:
        shown = readable(QColor(c))
        assert contrast(shown, WHITE) >= 3.0, c
        assert contrast(text_on(shown), shown) >= 4.5, c
        assert contrast(readable(QColor(c), 4.5), WHITE) >= 4.5, c
    assert readable(QColor("#aaffc3")).name() != "#aaffc3"  # too light as it was: darkened
    assert readable(QColor("#000075")).name() == "#000075"  # dark enough already: unchanged


def test_deleting_an_accepted_suggestion_rejects_it_and_one_undo_brings_both_back(tmp_path, qtbot):
    from tests.gui_helpers import PLAIN, offsets

    path = make_project(tmp_path, {"a2": PLAIN}, suggestions={"a2": [("Herat", "GPE")]})
    window = open_window(path, annotator="alice", document_id="a2")
    qtbot.addWidget(window)
    view = window.view
    qtbot.keyClick(view, Qt.Key_Tab)
    qtbot.keyClick(view, Qt.Key_Return)  # accept
    window.session.focus_item(("span", *offsets(PLAIN, "Herat"), "GPE"))
    qtbot.keyClick(view, Qt.Key_X)  # delete the confirmed span: the suggestion does not come back
    assert not window.session.state.items
    with Project.open(path, readonly=True) as project:
        assert project.annotation("a2", "alice").spans == []
        assert project.open_suggestions("a2", "alice").spans == []
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)  # one undo: the span, and the suggestion no longer rejected
    with Project.open(path, readonly=True) as project:
        assert [(s.start, s.end) for s in project.annotation("a2", "alice").spans] == [offsets(PLAIN, "Herat")]
        assert ("span", *offsets(PLAIN, "Herat"), "GPE") not in project.rejected("a2", "alice")
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)  # redo: gone and rejected again
    with Project.open(path, readonly=True) as project:
        assert project.annotation("a2", "alice").spans == []
        assert project.open_suggestions("a2", "alice").spans == []
    window.close()


def test_switching_articles_resets_the_panels(tmp_path, qtbot):
    words = " ".join(f"Kabul{i}" for i in range(300))
    path = make_project(
        tmp_path,
        {"a1": words, "a2": words.replace("Kabul", "Herat")},
        suggestions={
            "a1": [(f"Kabul{i} ", "GPE") for i in range(0, 300, 3)],
            "a2": [(f"Herat{i} ", "GPE") for i in range(1, 300, 3)],
        },
    )
    window = open_window(path, annotator="alice", document_id="a1")
    qtbot.addWidget(window)
    QApplication.processEvents()
    table = window.panel.table
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    assert table.verticalScrollBar().value() > 0
    qtbot.keyClick(window.view, Qt.Key_PageDown)
    qtbot.waitUntil(lambda: window.session.doc_id == "a2" and not window._panel_timer.isActive())
    QApplication.processEvents()
    assert table.verticalScrollBar().value() == 0
    assert not table.selectionModel().selectedRows()
    window.close()


def test_zoom_is_remembered_and_keeps_tags_under_words(tmp_path, qtbot):
    from tests.gui_helpers import PLAIN

    path = make_project(tmp_path, {"a2": PLAIN}, suggestions={"a2": [("Herat", "GPE")]})
    window = open_window(path, annotator="alice", document_id="a2")
    qtbot.addWidget(window)
    size = window.view.font().pointSizeF()
    qtbot.keyClick(window.view, Qt.Key_Plus, Qt.ControlModifier)
    qtbot.keyClick(window.view, Qt.Key_Plus, Qt.ControlModifier)
    assert window.view.font().pointSizeF() > size * 1.2
    window.close()
    again = open_window(path, annotator="alice", document_id="a2")
    qtbot.addWidget(again)
    assert again.view.zoom_steps == 2
    again.view.viewport().repaint()
    for tag, span, _ in again.view.tag_boxes:
        assert tag.left() <= span.right() and tag.right() >= span.left() and tag.top() > span.bottom()
    qtbot.keyClick(again.view, Qt.Key_0, Qt.ControlModifier)
    assert again.view.font().pointSizeF() == size
    again.close()


def test_search_highlights_and_visits_the_hits_in_the_article(tmp_path, qtbot):
    from annotator.gui.search_hits import find_hits

    text = "Kabul fell. In Kabul, officials said Kabulis fled; KABUL airport closed. Herat too."
    assert find_hits(text, "kabul") == [(0, 5), (15, 20), (37, 42), (51, 56)]  # prefix, any case
    assert find_hits(text, '"Kabul airport"') == [(51, 64)]
    path = make_project(tmp_path, {"k1": text, "k2": "Nothing here."})
    window = open_window(path, annotator="alice", document_id="k1")
    qtbot.addWidget(window)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    window.documents.search.setText("kabul")
    assert len(window.view.extraSelections()) == 4
    assert any("4 hit(s)" in m for m in messages)
    qtbot.keyClick(window.documents.search, Qt.Key_Return)
    qtbot.keyClick(window.documents.search, Qt.Key_Return)
    cursor = window.view.textCursor()
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (15, 20)
    window.documents.search.clear()
    assert window.view.extraSelections() == []
    window.close()


def test_evidence_is_marked_and_all_arguments_can_be_shown(tmp_path, qtbot):
    from annotator.core.model import Argument
    from tests.gui_helpers import PLAIN, offsets

    path = make_project(tmp_path, {"a2": PLAIN})
    with Project.open(path) as project:
        target = project.scheme.stance_targets[0]
        project.add_stance_evidence("a2", "alice", target, *offsets(PLAIN, "fighting in Herat"))
        types = project.scheme.events
        attack = next(e for e in types if "Place" in e.roles)
        for word, place in (("reported", "Herat"), ("fighting", "Kandahar")):
            s, e = offsets(PLAIN, word)
            project.add_event("a2", "alice", attack.type, s, e, (Argument("Place", *offsets(PLAIN, place)),))
    window = open_window(path, annotator="alice", document_id="a2")
    qtbot.addWidget(window)
    view = window.view
    to_qt = window.session.state.positions.to_qt
    a, b = offsets(PLAIN, "fighting in Herat")
    assert view._evidence == [(to_qt(a), to_qt(b), f"❝ {target}")]
    assert view._highlights == []
    window.all_arguments_action.trigger()  # View > Show all events' arguments
    assert sorted((lo, name) for lo, _, name, _ in view._highlights) == sorted(
        [(to_qt(PLAIN.index("Herat")), "Place"), (to_qt(PLAIN.index("Kandahar")), "Place")]
    )
    qtbot.waitExposed(window)
    QApplication.processEvents()
    view.viewport().repaint()
    assert f"❝ {target}" in [text for _, _, text in view.tag_boxes]
    window.close()


def test_file_export_offers_every_format_and_the_training_split(tmp_path, qtbot):
    from annotator.gui.file_actions import EXPORT_FILTERS

    assert set(EXPORT_FILTERS.values()) == {"jsonl", "spacy", "conll", "conllu", "labelstudio", "doccano", "brat"}
    path = make_project(tmp_path)
    with Project.open(path) as project:
        for doc_id in ("a1", "a2", "a3"):
            project.add_span(doc_id, "alice", 0, 3, "ORG")
            project.set_status(doc_id, "alice", "done")
    window = open_window(path, annotator="alice")
    qtbot.addWidget(window)
    out = tmp_path / "train"
    job = window.export_to(str(out), fmt="spacy", dev=0.34)
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".json")) == [
        "config.cfg",
        "dev.spacy",
        "train.spacy",
    ]
    window.close()
