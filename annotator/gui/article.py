"""What the window knows about the open article: its text, position map, confirmed spans and open suggestions.

Plain Python (no widgets) so it is cheap to rebuild after every action and easy to test. Items are identified by
`(kind, start, end, label)` keys rather than database ids, because undoing a deletion re-creates a span under a new id.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from annotator.core.model import Document, Event, SuggestedEvent
from annotator.core.project import Project
from annotator.core.suggestion_rules import open_event, open_span
from annotator.core.words import snap_to_words
from annotator.gui.positions import PositionMap

SPAN, SUGGESTION = "span", "suggestion"
EVENT, EVENT_SUGGESTION = "event", "event_suggestion"  # items for event triggers
_SPAN_KINDS = frozenset({SPAN, SUGGESTION})
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
        return self.kind in (SPAN, EVENT)

    @property
    def is_event(self) -> bool:
        return self.kind in (EVENT, EVENT_SUGGESTION)


@dataclass
class ArticleState:
    document: Document
    positions: PositionMap
    items: list[Item] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    suggested_events: list[SuggestedEvent] = field(default_factory=list)
    stance: dict[str, str] = field(default_factory=dict)
    suggested_stance: dict[str, tuple[str, float]] = field(default_factory=dict)  # target -> (value, score)
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
        doc_id = self.document.id
        self.events = project.events(doc_id, annotator)
        taken = {(e.trigger_start, e.trigger_end) for e in self.events}
        rejected = project.rejected(doc_id, annotator)
        types = set(project.scheme.event_types)
        self.suggested_events = [
            e
            for e in project.suggested_events(doc_id, project.suggestion_model() or "")
            if open_event(e.trigger_start, e.trigger_end, e.type, taken, rejected, types)
        ]
        self.items = sorted(self._load_items(project, annotator, None) + self._event_items(), key=_order)
        self.stance = project.stance(doc_id, annotator)
        self.suggested_stance = project.suggested_stance(doc_id)
        self.stance_evidence = project.stance_evidence(doc_id, annotator)
        self.status, self.note, self.flags = project.layer_state(doc_id, annotator)

    def _load_items(self, project: Project, annotator: str, window: tuple[int, int] | None) -> list[Item]:
        """Confirmed spans and open suggestions (not accepted at the same offsets, not rejected), optionally only
        those overlapping `window` — the rule of `core.suggestion_rules`, in three plain queries."""
        rows = project.article_rows(self.document.id, annotator, window)
        spans, suggested = rows.spans, rows.suggested
        rejected = {("span", *r) for r in rows.rejected}
        taken = {(r[0], r[1]) for r in spans}
        labels = set(project.scheme.entity_labels)  # a model's labels the scheme does not have are not offered
        pos = self.positions.to_qt
        items = [Item(SPAN, r[0], r[1], r[2], pos(r[0]), pos(r[1]), r[3], r[4]) for r in spans]
        items += [
            Item(SUGGESTION, r[0], r[1], r[2], pos(r[0]), pos(r[1]), r[3], r[4])
            for r in suggested
            if open_span(r[0], r[1], r[2], taken, rejected, labels)
        ]
        return items

    def _event_items(self) -> list[Item]:
        pos = self.positions.to_qt
        items = [
            Item(
                EVENT, e.trigger_start, e.trigger_end, e.type, pos(e.trigger_start), pos(e.trigger_end), e.id, e.source
            )
            for e in self.events
        ]
        items += [
            Item(
                EVENT_SUGGESTION,
                e.trigger_start,
                e.trigger_end,
                e.type,
                pos(e.trigger_start),
                pos(e.trigger_end),
                e.id,
                e.source,
            )
            for e in self.suggested_events
        ]
        return items

    def event_of(self, item: Item | None) -> Event | SuggestedEvent | None:
        """The (suggested) event whose trigger an item is."""
        if item is None or not item.is_event:
            return None
        pool = self.events if item.kind == EVENT else self.suggested_events
        return next(
            (e for e in pool if (e.trigger_start, e.trigger_end, e.type) == (item.start, item.end, item.label)), None
        )

    def refresh(self, project: Project, annotator: str, dirty: list[tuple[int, int]]) -> None:
        """Re-read only the items overlapping the changed ranges (about 1 ms instead of a whole reload)."""
        if not dirty:
            return self.reload(project, annotator)
        kept = [i for i in self.items if i.kind in _SPAN_KINDS]
        for lo, hi in dirty:  # drop what the change may have touched; it is read again below
            kept = [i for i in kept if i.end <= lo or i.start >= hi]
        fresh: dict[ItemKey, Item] = {}
        for window in dirty:
            for item in self._load_items(project, annotator, window):
                fresh[item.key] = item
        self.items = sorted(kept + list(fresh.values()) + self._event_items(), key=_order)
        self.status = project.status(self.document.id, annotator).value

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


def snap_to_tokens(text: str, start: int, end: int) -> tuple[int, int]:
    """Whole words by Unicode rules (`annotator.core.words`): the one snapping function of every window."""
    return snap_to_words(text, start, end)


def _order(item: Item) -> tuple[int, int, str, str]:
    return (item.start, item.end, item.kind, item.label)


def accepted_source(event: SuggestedEvent | Event | None) -> str:
    """The source an accepted suggested event keeps: "trained" from a trained model, else "model"."""
    return "trained" if getattr(event, "source", "") == "trained" else "model"


def suggestion_note(event: SuggestedEvent) -> tuple[str, str]:
    """How the event list shows a suggested event (its state, and a tooltip saying where it comes from)."""
    if event.source == "trained":
        score = f" {event.score:.2f}" if event.score is not None else ""
        return f"suggested{score}", f"suggested by the model trained on this project (score{score or ' -'})"
    return "suggested", "suggested from the scheme's trigger list"
