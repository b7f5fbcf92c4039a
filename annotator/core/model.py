"""Plain dataclasses for what the project holds.

Offsets are Python `str` indices (code points) into the exact stored text, end-exclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @classmethod
    def parse(cls, value: str) -> Status:
        """Accept `done`, `in progress`, `in-progress`, `in_progress` and the like."""
        norm = value.strip().lower().replace(" ", "_").replace("-", "_")
        aliases = {"new": "not_started", "todo": "not_started", "started": "in_progress"}
        norm = aliases.get(norm, norm)
        return cls(norm)


_FIRST_LINE = re.compile(r"[^\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]*")
GOLD = "gold"  # the annotator name of the adjudicated layer
CONFLICT_MARK = "@conflict-"  # merge keeps another file's differing work as the layer `alice@conflict-2`


def is_conflict_layer(name: str) -> bool:
    return CONFLICT_MARK in name


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def title(self) -> str:
        title = self.meta.get("title") if isinstance(self.meta, dict) else None
        if isinstance(title, str) and title.strip():
            return title.strip()
        # not splitlines() on the whole text: a title is computed for every imported article
        head = self.text[:1000].lstrip()
        line = _FIRST_LINE.match(head).group().strip()  # type: ignore[union-attr]
        return line[:120] if line else self.id


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str
    id: int | None = field(default=None, compare=False)
    source: str = field(default="manual", compare=False)

    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    def text(self, doc_text: str) -> str:
        return doc_text[self.start : self.end]


@dataclass(frozen=True, order=True)
class Argument:
    role: str
    start: int
    end: int
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Event:
    type: str
    trigger_start: int
    trigger_end: int
    arguments: tuple[Argument, ...] = ()
    id: int | None = field(default=None, compare=False)
    source: str = field(default="manual", compare=False)

    def key(self) -> tuple:
        return (self.trigger_start, self.trigger_end, self.type, tuple(sorted(a for a in self.arguments)))


@dataclass(frozen=True, order=True)
class Evidence:
    start: int
    end: int


@dataclass
class Annotation:
    """One annotator's work on one document."""

    document_id: str
    annotator: str
    status: Status = Status.NOT_STARTED
    spans: list[Span] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    stance: dict[str, str] = field(default_factory=dict)
    stance_evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    note: str = ""
    flags: list[str] = field(default_factory=list)
    updated_at: str | None = None


@dataclass(frozen=True)
class SuggestedEvent:
    type: str
    trigger_start: int
    trigger_end: int
    arguments: tuple[Argument, ...] = ()
    id: int | None = field(default=None, compare=False)
    source: str = field(default="lexicon", compare=False)  # "lexicon" (the scheme's trigger lists) or "trained"
    score: float | None = field(default=None, compare=False)  # the trained span categorizer's, if it found it


@dataclass
class Suggestions:
    """What a model (or the project's learned patterns) proposes for one document."""

    document_id: str
    model: str
    spans: list[Span] = field(default_factory=list)
    events: list[SuggestedEvent] = field(default_factory=list)
    stance: dict[str, tuple[str, float]] = field(default_factory=dict)  # target -> (value, score) of a classifier
    certainty: float | None = None  # how sure a trained model is of its least sure decision here (0 .. 1)


@dataclass(frozen=True)
class DocumentFilters:
    """Which documents a list shows, for one annotator."""

    status: str | None = None  # a Status value
    label: str | None = None  # documents with a confirmed span or an open suggestion of this label
    search: str = ""  # words to find (full-text, prefix matches)
    order: str = "document"  # "document", or "uncertain": least certain first (a trained model's stance scores)


@dataclass(frozen=True)
class ArticleRows:
    """The span rows a view of one article shows, optionally only those overlapping a character window:
    (start, end, label, id, source) of confirmed and suggested spans, and (start, end, label) of rejected ones."""

    spans: list[tuple[int, int, str, int, str]]
    suggested: list[tuple[int, int, str, int, str]]
    rejected: set[tuple[int, int, str]]
