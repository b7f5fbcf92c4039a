"""Adjudication without Qt: what annotators said on an article, grouped into units to settle, and writing gold.

A *unit* is what the reviewer settles with one key:
- spans: a cluster of spans (any annotator, any label) linked by overlapping characters;
- events: a cluster of events whose triggers overlap;
- stance: one target that at least one annotator set.
Each annotator's *version* of a unit is what they marked there (possibly nothing). A unit is *agreed* when every
reviewed annotator gave the same version, and *decided* when the gold layer settles every candidate in it: each
candidate span/event is in gold or rejected for gold (`rejected_suggestions` with annotator "gold"), or, for
stance, gold has a value. Gold items record where they came from in their `source` column: the annotators who
marked exactly that item ("alice,bob"), or "review" for an item the reviewer made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from annotator.core.model import GOLD, Annotation, Argument, Event, Span, Status
from annotator.core.project import Project

REVIEWER = "review"  # the source of gold items the reviewer made rather than took from an annotator


@dataclass(frozen=True)
class Unit:
    kind: str  # "span", "event" or "stance"
    start: int  # character range of the unit (stance: -1)
    end: int
    target: str = ""  # stance target
    versions: dict[str, tuple] = field(default_factory=dict, compare=False)  # annotator -> their items here

    @property
    def key(self) -> str:
        return f"stance:{self.target}" if self.kind == "stance" else f"{self.kind}:{self.start}-{self.end}"

    @property
    def agreed(self) -> bool:
        """Two or more annotators, all with the same non-empty version (one annotator agrees with nobody)."""
        values = set(self.versions.values())
        return len(self.versions) >= 2 and len(values) == 1 and bool(next(iter(values)))

    def candidates(self) -> set:
        return {item for items in self.versions.values() for item in items}

    def supporters(self, item) -> str:
        """Provenance of an item: the annotators who marked exactly it, comma-separated, or "review"."""
        who = [a for a, items in self.versions.items() if item in items]
        return ",".join(who) if who else REVIEWER


def event_key(e: Event) -> tuple:
    return (e.trigger_start, e.trigger_end, e.type, tuple((a.role, a.start, a.end) for a in sorted(e.arguments)))


def reviewed_annotators(project: Project, doc_id: str) -> list[str]:
    """The annotators whose work on the article is reviewed: those who marked it done, else all who touched it."""
    names = [a for a in project.annotators_of(doc_id) if a != GOLD]
    done = [a for a in names if project.status(doc_id, a) == Status.DONE]
    return done or names


def _clusters(items: Sequence[tuple[int, int, str, object]]) -> list[tuple[int, int, list[tuple[str, object]]]]:
    """Group (start, end, annotator, item) by overlapping ranges: [(start, end, [(annotator, item)])]."""
    out: list[tuple[int, int, list]] = []
    for start, end, who, item in sorted(items, key=lambda x: (x[0], x[1])):
        if out and start < out[-1][1]:
            s, e, members = out[-1]
            out[-1] = (s, max(e, end), [*members, (who, item)])
        else:
            out.append((start, end, [(who, item)]))
    return out


def units_of(layers: dict[str, Annotation]) -> list[Unit]:
    """The units of one article, given each reviewed annotator's layer, in text order (stance last)."""
    return units_from_keys(
        {who: [s.key() for s in ann.spans] for who, ann in layers.items()},
        {who: [event_key(e) for e in ann.events] for who, ann in layers.items()},
        {who: ann.stance for who, ann in layers.items()},
    )


def units_from_keys(
    spans: Mapping[str, Sequence[tuple[int, int, str]]],
    events: Mapping[str, Sequence[tuple]],
    stance: Mapping[str, Mapping[str, str]],
) -> list[Unit]:
    """The units of one article from plain values: annotator -> span keys (start, end, label), event keys
    (trigger start, trigger end, type, arguments) and stance (target -> value). The annotators are the keys of
    `spans`, in order; the review window and agreement both build units here."""
    names = list(spans)
    units: list[Unit] = []
    span_items = [(k[0], k[1], who, k) for who in names for k in spans[who]]
    for start, end, members in _clusters(span_items):
        units.append(Unit("span", start, end, versions=_versions(names, members)))
    event_items = [(k[0], k[1], who, k) for who in names for k in events.get(who, ())]
    for start, end, members in _clusters(event_items):
        units.append(Unit("event", start, end, versions=_versions(names, members)))
    units.sort(key=lambda u: (u.start, u.end, u.kind))
    targets: list[str] = []
    for who in names:
        targets += [t for t in stance.get(who, {}) if t not in targets]
    for target in targets:
        versions = {who: ((stance[who][target],) if target in stance.get(who, {}) else ()) for who in names}
        units.append(Unit("stance", -1, -1, target, versions))
    return units


def is_disagreement(unit: Unit) -> bool:
    """THE definition of a disagreement, used by the review list and status bar, the agreement view's ranking and
    `annotator agreement --per-document`: the annotators' versions of the unit differ (a unit only one annotator
    can speak for is not agreed either, so reviewing a single layer still visits every unit)."""
    return not unit.agreed


def disagreements(units: Sequence[Unit]) -> list[Unit]:
    return [u for u in units if is_disagreement(u)]


def _versions(names: list[str], members: list[tuple[str, object]]) -> dict[str, tuple]:
    found: dict[str, list] = {who: [] for who in names}
    for who, item in members:
        found[who].append(item)
    return {who: tuple(sorted(items)) if len(items) > 1 else tuple(items) for who, items in found.items()}


# -- the gold side ---------------------------------------------------------------------------------------------
def gold_items(gold: Annotation, unit: Unit) -> tuple:
    """What gold holds in the unit's place."""
    if unit.kind == "span":
        return tuple(sorted(s.key() for s in gold.spans if s.start < unit.end and unit.start < s.end))
    if unit.kind == "event":
        return tuple(
            sorted(event_key(e) for e in gold.events if e.trigger_start < unit.end and unit.start < e.trigger_end)
        )
    return (gold.stance[unit.target],) if unit.target in gold.stance else ()


def _rejection(unit: Unit, item) -> tuple[str, int, int, str]:
    if unit.kind == "span":
        return ("span", item[0], item[1], item[2])
    return ("event", item[0], item[1], item[2])


def is_decided(unit: Unit, gold: Annotation, rejected: set[tuple[str, int, int, str]]) -> bool:
    if unit.kind == "stance":
        return unit.target in gold.stance
    have = gold_items(gold, unit)
    if unit.kind == "event":
        have_keys = {(e[0], e[1], e[2]) for e in have}
        return all((c[0], c[1], c[2]) in have_keys or _rejection(unit, c) in rejected for c in unit.candidates())
    return all(c in have or _rejection(unit, c) in rejected for c in unit.candidates())


@dataclass
class ArticleReview:
    """One article under review: the reviewed layers, their units, and the gold layer as it stands."""

    project: Project
    doc_id: str
    annotators: list[str]
    units: list[Unit]
    gold: Annotation
    rejected: set[tuple[str, int, int, str]]

    @classmethod
    def load(cls, project: Project, doc_id: str) -> ArticleReview:
        names = reviewed_annotators(project, doc_id)
        layers = {a: project.annotation(doc_id, a) for a in names}
        return cls(
            project,
            doc_id,
            names,
            units_of(layers),
            project.annotation(doc_id, GOLD),
            project.rejected(doc_id, GOLD),
        )

    def reload_gold(self) -> None:
        self.gold = self.project.annotation(self.doc_id, GOLD)
        self.rejected = self.project.rejected(self.doc_id, GOLD)

    def decided(self, unit: Unit) -> bool:
        return is_decided(unit, self.gold, self.rejected)

    def open_units(self) -> list[Unit]:
        """Disagreements not settled yet (agreed units are not disagreements, decided or not)."""
        return [u for u in disagreements(self.units) if not self.decided(u)]

    # -- decisions: each is one transaction on the project ---------------------------------------------------
    def decide(self, unit: Unit, items: tuple, evidence_from: str | None = None) -> None:
        """Make `items` gold in the unit's place; every other candidate of the unit is rejected for gold."""
        gold = self.project.annotation(self.doc_id, GOLD)
        gold.annotator = GOLD
        gold.document_id = self.doc_id
        self._remove(gold, unit)
        if unit.kind == "span":
            gold.spans += [Span(s, e, label, source=unit.supporters((s, e, label))) for s, e, label in items]
        elif unit.kind == "event":
            gold.events += [_event(item, unit) for item in items]
        elif items:
            gold.stance[unit.target] = items[0]
            source_layer = self.project.annotation(self.doc_id, evidence_from) if evidence_from else None
            if source_layer and source_layer.stance_evidence.get(unit.target):
                gold.stance_evidence[unit.target] = list(source_layer.stance_evidence[unit.target])
        rejections = [] if unit.kind == "stance" else [_rejection(unit, c) for c in unit.candidates() if c not in items]
        keep = [] if unit.kind == "stance" else [_rejection(unit, c) for c in unit.candidates() if c in items]
        with self.project.transaction():
            for r in keep:
                self.project.forget_rejection(self.doc_id, GOLD, *r)
            for r in rejections:
                self.project.record_rejection(self.doc_id, GOLD, *r)
            self._write(gold)

    def take_version(self, unit: Unit, annotator: str) -> None:
        """Accept one annotator's version of the unit (their nothing included, which rejects the rest)."""
        items = unit.versions.get(annotator, ())
        if unit.kind == "stance" and not items:
            return  # an unset stance is no decision
        self.decide(unit, items, evidence_from=annotator if unit.kind == "stance" else None)

    def undo(self, unit: Unit) -> None:
        """Forget the decision on a unit: its gold items and rejections go."""
        gold = self.project.annotation(self.doc_id, GOLD)
        self._remove(gold, unit)
        with self.project.transaction():
            if unit.kind != "stance":
                for c in unit.candidates():
                    self.project.forget_rejection(self.doc_id, GOLD, *_rejection(unit, c))
            self._write(gold)

    def add_span(self, start: int, end: int, label: str) -> None:
        """The reviewer's own gold span; units it overlaps count as settled by it (their candidates rejected)."""
        gold = self.project.annotation(self.doc_id, GOLD)
        gold.spans.append(Span(start, end, label, source=REVIEWER))
        touched = [u for u in self.units if u.kind == "span" and u.start < end and start < u.end]
        with self.project.transaction():
            for unit in touched:
                for c in unit.candidates():
                    if (c[0], c[1], c[2]) != (start, end, label):
                        self.project.record_rejection(self.doc_id, GOLD, *_rejection(unit, c))
            self._write(gold)

    def remove_gold_spans_at(self, offset: int) -> int:
        """Remove the gold spans covering a character (the reviewer's own mistakes too); returns how many.
        Units they settled become open again unless their other candidates were rejected."""
        gold = self.project.annotation(self.doc_id, GOLD)
        keep = [s for s in gold.spans if not s.start <= offset < s.end]
        removed = len(gold.spans) - len(keep)
        if removed:
            gold.spans = keep
            with self.project.transaction():
                self._write(gold)
        return removed

    def accept_agreed(self) -> int:
        """Accept every agreed unit not yet in gold; returns how many."""
        todo = [u for u in self.units if u.agreed and not self.decided(u)]
        if not todo:
            return 0
        gold = self.project.annotation(self.doc_id, GOLD)
        for unit in todo:
            items = next(iter(unit.versions.values()))
            self._remove(gold, unit)
            if unit.kind == "span":
                gold.spans += [Span(s, e, lb, source=unit.supporters((s, e, lb))) for s, e, lb in items]
            elif unit.kind == "event":
                gold.events += [_event(item, unit) for item in items]
            else:
                gold.stance[unit.target] = items[0]
        with self.project.transaction():
            self._write(gold)
        return len(todo)

    def _remove(self, gold: Annotation, unit: Unit) -> None:
        if unit.kind == "span":
            gold.spans = [s for s in gold.spans if not (s.start < unit.end and unit.start < s.end)]
        elif unit.kind == "event":
            gold.events = [e for e in gold.events if not (e.trigger_start < unit.end and unit.start < e.trigger_end)]
        else:
            gold.stance.pop(unit.target, None)
            gold.stance_evidence.pop(unit.target, None)

    def _write(self, gold: Annotation) -> None:
        """Write the gold layer (the caller holds the transaction, rejections already written) and its status:
        done once every unit of the article is settled."""
        gold.annotator, gold.document_id, gold.updated_at = GOLD, self.doc_id, None
        self.project.replace_annotation(gold)
        self.reload_gold()
        settled = all(self.decided(u) for u in self.units)
        self.project.set_status(self.doc_id, GOLD, Status.DONE if settled else Status.IN_PROGRESS)
        self.gold.status = Status.DONE if settled else Status.IN_PROGRESS


def _event(item: tuple, unit: Unit) -> Event:
    ts, te, type_, args = item
    return Event(type_, ts, te, tuple(Argument(role, s, e) for role, s, e in args), source=unit.supporters(item))


def compared_documents(project: Project) -> list[str]:
    """The articles at least two annotators (not gold) marked done, in project order."""
    return project.compared_documents()


def project_disagreements(project: Project, stop=lambda: False) -> dict[str, int]:
    """Open disagreements per compared article (`stop()` is asked between articles, to abandon early)."""
    out = {}
    for doc_id in compared_documents(project):
        if stop():
            break
        out[doc_id] = len(ArticleReview.load(project, doc_id).open_units())
    return out
