"""What the window knows about the open article: its text, position map, confirmed spans and open suggestions.

Plain Python (no widgets) so it is cheap to rebuild after every action and easy to test. Items are identified by
`(kind, start, end, label)` keys rather than database ids, because undoing a deletion re-creates a span under a new id.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field

from annotator.core.model import Document, Event, SuggestedEvent
from annotator.core.project import Project
from annotator.gui.positions import PositionMap

SPAN, SUGGESTION = "span", "suggestion"
ItemKey = tuple[str, int, int, str]


@dataclass(frozen=True)
class Item:
    """A confirmed span or an open suggestion, with its Qt positions precomputed for painting."""

    kind: str
    start: int
    end: int
    label: str
    qt_start: int
    qt_end: int
    id: int | None = None
    source: str = ""

    @property
    def key(self) -> ItemKey:
        return (self.kind, self.start, self.end, self.label)

    @property
    def confirmed(self) -> bool:
        return self.kind == SPAN


@dataclass
class ArticleState:
    document: Document
    positions: PositionMap
    items: list[Item] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    suggested_events: list[SuggestedEvent] = field(default_factory=list)
    stance: dict[str, str] = field(default_factory=dict)
    stance_evidence: dict = field(default_factory=dict)
    note: str = ""
    flags: list[str] = field(default_factory=list)
    status: str = "not_started"

    @classmethod
    def load(cls, project: Project, doc_id: str, annotator: str, document: Document | None = None) -> ArticleState:
        doc = document or project.document(doc_id)
        state = cls(doc, PositionMap(doc.text))
        state.reload(project, annotator)
        return state

    def reload(self, project: Project, annotator: str) -> None:
        """Re-read this annotator's layer and the open suggestions (a few ms even with 1,000 spans)."""
        ann = project.annotation(self.document.id, annotator)
        sugg = project.open_suggestions(self.document.id, annotator)
        pos = self.positions.to_qt
        items = [Item(SPAN, s.start, s.end, s.label, pos(s.start), pos(s.end), s.id, s.source) for s in ann.spans]
        items += [
            Item(SUGGESTION, s.start, s.end, s.label, pos(s.start), pos(s.end), s.id, s.source) for s in sugg.spans
        ]
        items.sort(key=lambda i: (i.start, i.end, i.kind, i.label))
        self.items = items
        self.events = ann.events
        self.suggested_events = sugg.events
        self.stance = ann.stance
        self.stance_evidence = ann.stance_evidence
        self.note = ann.note
        self.flags = ann.flags
        self.status = str(ann.status)

    # -- look-ups ---------------------------------------------------------------------------------------------
    def item(self, key: ItemKey | None) -> Item | None:
        if key is None:
            return None
        return next((i for i in self._near(key[1]) if i.key == key), None)

    def _near(self, start: int) -> list[Item]:
        lo = bisect_left(self.items, start, key=lambda i: i.start)
        out = []
        for i in self.items[lo:]:
            if i.start != start:
                break
            out.append(i)
        return out

    def index_of(self, key: ItemKey | None) -> int:
        """Index of the item, or of where it would sort (for 'the next one after a removed item')."""
        if key is None:
            return -1
        order = (key[1], key[2], key[0], key[3])
        return bisect_left(self.items, order, key=lambda i: (i.start, i.end, i.kind, i.label))

    def find_span(self, start: int, end: int, label: str) -> Item | None:
        return self.item((SPAN, start, end, label))

    def suggestions(self) -> list[Item]:
        return [i for i in self.items if i.kind == SUGGESTION]

    def items_at(self, offset: int) -> list[Item]:
        return [i for i in self.items if i.start <= offset < i.end]


def _is_word(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch)[0] == "M" or ch == "_"


def snap_to_tokens(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim surrounding whitespace, then widen to whole words so a selection never cuts a token in two.

    A plain scan, not spaCy: this runs on the UI thread on every label key.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return start, end
    while start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
        start -= 1
    while end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]):
        end += 1
    return start, end


_WORD_AT = re.compile(r"\w+", re.UNICODE)


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word around a caret position (for a label key pressed without a selection)."""
    lo = max(0, offset - 100)
    for m in _WORD_AT.finditer(text, lo, min(len(text), offset + 100)):
        if m.start() <= offset <= m.end():
            return m.start(), m.end()
    return None
