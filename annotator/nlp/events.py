"""Event suggestions: triggers from the scheme's lexicons (spaCy Matcher on lemmas), arguments from the parse.

A trigger such as "take control" matches the lemma of its first word and the lower-cased form of the others (or
their lemmas), so "took control" and "taking control" both match. Arguments: the subject is the agent-like role,
the object (or passive subject) the patient-like role, and entities in prepositional phrases become Place or Time
by their entity label. Without a parser, only triggers are suggested; without lemmas, triggers match word forms.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from annotator.core.model import Argument, SuggestedEvent
from annotator.core.scheme import Scheme

TRIGGERS_KEY = "sc"  # where a trained span categorizer (spaCy's default key) puts the event triggers it finds
ARGUMENTS_KEY = "arguments"  # where a second one puts argument phrases, labelled with their role
THRESHOLD = 0.5  # a trained trigger is suggested from this score on (spaCy's default)

AGENT_ROLES = ("Attacker", "Agent", "Speaker", "Participant")
PATIENT_ROLES = ("Target", "Victim", "Displaced", "Topic")
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
TIME_LABELS = frozenset({"DATE", "TIME"})
SUBJECT_DEPS = frozenset({"nsubj"})
OBJECT_DEPS = frozenset({"dobj", "obj", "nsubjpass", "nsubj:pass"})
# For nominal triggers: "attack on X", "assault against Y" name the target; "by X" the agent.
TARGET_PREPS = frozenset({"on", "against", "of"})
TIME_DEPS = frozenset({"npadvmod", "tmod", "obl:tmod"})
# Which place-like role a preposition introduces, best first (the first the event type has is used).
_AT = ("Place",)
PLACE_PREPS = {
    **dict.fromkeys(("in", "at", "near", "across", "around", "outside", "inside", "within", "throughout", "on"), _AT),
    **dict.fromkeys(("from", "out"), ("Origin", "Place")),
    **dict.fromkeys(("to", "into", "towards", "toward"), ("Destination", "Place")),
}


def _first_role(candidates: tuple[str, ...], roles: tuple[str, ...]) -> str | None:
    return next((r for r in candidates if r in roles), None)


class TriggerMatcher:
    """Matchers for the scheme's trigger lexicons: one using lemmas, one for pipelines that produce none."""

    def __init__(self, nlp: Language, scheme: Scheme):
        self.order = {ev.type: i for i, ev in enumerate(scheme.events)}
        self.roles = {ev.type: ev.roles for ev in scheme.events}
        self.with_lemmas = Matcher(nlp.vocab)
        self.forms_only = Matcher(nlp.vocab)
        for ev in scheme.events:
            lemma_patterns, form_patterns = [], []
            for trigger in ev.triggers:
                words = trigger.lower().split()
                if not words:
                    continue
                form_patterns.append([{"LOWER": w} for w in words])
                lemma_patterns.append([{"LEMMA": words[0]}] + [{"LOWER": w} for w in words[1:]])
                if len(words) > 1:
                    lemma_patterns.append([{"LEMMA": w} for w in words])
            if form_patterns:
                self.with_lemmas.add(ev.type, lemma_patterns + form_patterns)
                self.forms_only.add(ev.type, form_patterns)

    def __len__(self) -> int:
        return len(self.forms_only)

    def triggers(self, doc: Doc) -> list[SpacySpan]:
        if not len(self):
            return []
        matcher = self.with_lemmas if doc.has_annotation("LEMMA") else self.forms_only
        best: dict[tuple[int, int], int] = {}
        for match_id, start, end in matcher(doc):
            type_ = doc.vocab.strings[match_id]
            # The same words listed under two types: the type listed first in the scheme wins.
            if (start, end) not in best or self.order[type_] < self.order[doc.vocab.strings[best[(start, end)]]]:
                best[(start, end)] = match_id
        spans = [SpacySpan(doc, s, e, label=m) for (s, e), m in best.items()]
        return sorted(filter_spans(spans), key=lambda s: s.start)


class ArgumentFinder:
    """Proposes arguments of one trigger from the dependency parse of its document."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.ent_of: dict[int, SpacySpan] = {}
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                self.ent_of[i] = ent
        self.chunk_of: dict[int, SpacySpan] = {}
        for chunk in doc.noun_chunks:
            for i in range(chunk.start, chunk.end):
                self.chunk_of[i] = chunk

    def phrase(self, token: Token) -> SpacySpan | None:
        """The entity or noun chunk around a head word, trimmed of articles, spaces and punctuation at its edges.

        None for pronouns: annotators mark the named mention, not "they".
        """
        if token.pos_ == "PRON" or token.is_space or token.is_punct:
            return None
        span = self.ent_of.get(token.i) or self.chunk_of.get(token.i) or self.doc[token.i : token.i + 1]
        while len(span) > 1 and (span[0].pos_ == "DET" or span[0].is_space or span[0].is_punct):
            span = span[1:]
        while len(span) > 1 and (span[-1].is_space or span[-1].is_punct):
            span = span[:-1]
        return span

    def _by_dependency(self, word: Token, roles: tuple[str, ...]) -> Iterator[tuple[str, Token]]:
        agent, patient = _first_role(AGENT_ROLES, roles), _first_role(PATIENT_ROLES, roles)
        nominal = word.pos_ in ("NOUN", "PROPN")
        for child in word.children:
            dep = child.dep_
            if dep in SUBJECT_DEPS and agent:
                yield agent, child
            elif dep in OBJECT_DEPS and patient:
                yield patient, child
            elif dep == "agent" and agent:  # "was attacked by the Taliban"
                yield from ((agent, o) for o in child.children if o.dep_ == "pobj")
            elif dep == "poss" and nominal and agent:  # "the Taliban's offensive"
                yield agent, child
            elif dep in TIME_DEPS and "Time" in roles and self._label(child) in TIME_LABELS:
                yield "Time", child
            elif dep == "prep":
                for obj in (o for o in child.children if o.dep_ == "pobj"):
                    role = self._prep_role(child.lower_, obj, nominal, roles)
                    if role:
                        yield role, obj
        # "the Taliban launched an attack", "the insurgents fought to take control": the governing verb's subject
        inherits = (nominal and word.dep_ in OBJECT_DEPS) or word.dep_ == "xcomp"
        if agent and inherits and not any(c.dep_ in SUBJECT_DEPS for c in word.children):
            yield from ((agent, c) for c in word.head.children if c.dep_ in SUBJECT_DEPS)

    def _label(self, token: Token) -> str:
        ent = self.ent_of.get(token.i)
        return ent.label_ if ent is not None else ""

    def _prep_role(self, prep: str, obj: Token, nominal: bool, roles: tuple[str, ...]) -> str | None:
        label = self._label(obj)
        if label in TIME_LABELS:
            return "Time" if "Time" in roles else None
        if label in PLACE_LABELS:
            for role in PLACE_PREPS.get(prep, ()):
                if role in roles:
                    return role
            return None
        if prep == "by":
            return _first_role(AGENT_ROLES, roles)
        if prep == "with" and "Participant" in roles:
            return "Participant"
        if nominal and prep in TARGET_PREPS:
            return _first_role(PATIENT_ROLES, roles)
        return None

    def arguments(self, trigger: SpacySpan, roles: tuple[str, ...]) -> tuple[Argument, ...]:
        found: list[tuple[str, Token]] = []
        for word in trigger:  # multiword triggers: "take control of X" attaches X to "control"
            found += self._by_dependency(word, roles)
        return self._spans(found, trigger)

    def _spans(self, found: list[tuple[str, Token]], trigger: SpacySpan) -> tuple[Argument, ...]:
        out: dict[tuple[str, int, int], Argument] = {}
        for role, token in found:
            span = self.phrase(token)
            if span is None or (span.start < trigger.end and trigger.start < span.end):
                continue
            arg = Argument(role, span.start_char, span.end_char)
            out[(role, arg.start, arg.end)] = arg
        return tuple(sorted(out.values()))


def trained_spans(
    doc: Doc, labels: set[str], threshold: float = THRESHOLD, key: str = TRIGGERS_KEY
) -> list[tuple[int, int, str, float]]:
    """(start, end, label, score) in characters of the spans a trained span categorizer put under `key` (event
    triggers labelled with their type, or argument phrases with their role) with a score of at least `threshold`,
    for the labels in `labels`."""
    group = doc.spans.get(key) if doc.spans is not None else None
    if group is None:
        return []
    scores = group.attrs.get("scores")
    out = []
    for i, span in enumerate(group):
        score = float(scores[i]) if scores is not None and i < len(scores) else 1.0
        if span.label_ in labels and score >= threshold:
            out.append((span.start_char, span.end_char, span.label_, round(score, 4)))
    return out


def best_spans(found: Sequence[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """A span categorizer's overlapping candidates ("ambushed" 0.99, "ambushed a convoy" 0.52) resolved by
    score: the highest first, then each one that overlaps none kept; in text order."""
    kept: list[tuple[int, int, str, float]] = []
    for cand in sorted(found, key=lambda c: (-c[3], c[0], c[1])):
        if all(cand[1] <= k[0] or k[1] <= cand[0] for k in kept):
            kept.append(cand)
    return sorted(kept)


def trained_triggers(doc: Doc, types: set[str], threshold: float = THRESHOLD) -> list[tuple[int, int, str, float]]:
    return trained_spans(doc, types, threshold, TRIGGERS_KEY)


def attach_arguments(
    doc: Doc,
    triggers: Sequence[tuple[int, int, str]],
    found: Sequence[tuple[int, int, str, float]],
    roles_of: dict[str, tuple[str, ...]],
) -> list[list[Argument]]:
    """Each argument phrase a trained component found (start, end, role, score) goes to the nearest trigger
    (start, end, type) in its sentence whose event type has that role; returns the arguments of each trigger.
    Without sentence boundaries the whole doc is one sentence."""
    sentences = doc.has_annotation("SENT_START") or doc.has_annotation("DEP")

    def sentence(start: int, end: int) -> int:
        span = doc.char_span(start, end, alignment_mode="expand")
        return span.sent.start if sentences and span is not None else 0

    where = [sentence(s, e) for s, e, _ in triggers]
    out: list[list[Argument]] = [[] for _ in triggers]
    for start, end, role, _ in found:
        home = sentence(start, end)
        best, gap = None, None
        for i, (ts, te, type_) in enumerate(triggers):
            if where[i] != home or role not in roles_of.get(type_, ()) or (start < te and ts < end):
                continue
            distance = ts - end if end <= ts else start - te
            if gap is None or distance < gap:
                best, gap = i, distance
        if best is not None:
            out[best].append(Argument(role, start, end))
    return out


def suggest_events(
    doc: Doc,
    matcher: TriggerMatcher,
    offset: int = 0,
    *,
    with_arguments: bool = True,
    trained: Sequence[tuple[int, int, str, float]] = (),
    trained_types: frozenset[str] = frozenset(),
    trained_arguments: Sequence[tuple[int, int, str, float]] = (),
    trained_roles: frozenset[str] = frozenset(),
) -> list[SuggestedEvent]:
    """Event suggestions for one spaCy doc; offsets are shifted by `offset` (for pieces of long texts).

    Triggers of the types in `trained_types` come from `trained` (a trained span categorizer's triggers, in this
    doc's characters), the others from the scheme's trigger lists. Arguments of the roles in `trained_roles` come
    from `trained_arguments` (a trained component's role phrases, each given to its nearest trigger), the others
    from the dependency rules.
    """
    found: dict[SpacySpan, tuple[str, float | None]] = {}
    for trig in matcher.triggers(doc) if len(matcher) else []:
        if trig.label_ not in trained_types:
            found[trig] = ("lexicon", None)
    for start, end, type_, p in trained:
        span = doc.char_span(start, end, label=type_, alignment_mode="expand")
        if span is not None and type_ in matcher.roles:
            found[span] = ("trained", p)
    if not found:
        return []
    finder = ArgumentFinder(doc) if with_arguments and doc.has_annotation("DEP") else None
    triggers = sorted(filter_spans(list(found)), key=lambda t: t.start)
    learned = attach_arguments(
        doc, [(t.start_char, t.end_char, t.label_) for t in triggers], trained_arguments, matcher.roles
    )
    events = []
    for trig, extra in zip(triggers, learned, strict=True):
        source, score = found[trig]
        args = finder.arguments(trig, matcher.roles[trig.label_]) if finder else ()
        args = tuple(sorted({a for a in args if a.role not in trained_roles} | set(extra)))
        shifted = tuple(Argument(a.role, a.start + offset, a.end + offset) for a in args)
        start, end = trig.start_char + offset, trig.end_char + offset
        events.append(SuggestedEvent(trig.label_, start, end, shifted, source=source, score=score))
    return events
