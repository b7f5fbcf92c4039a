"""Span scoring shared by agreement and suggestion quality: a small PRF value class and pure matching functions.

Matching modes:
- exact: same start, end and label;
- overlap: same label and at least one shared character, matched one-to-one (maximum bipartite matching);
- unlabelled: same start and end, label ignored.
F1 = 2TP / (|A| + |B|); undefined ratios (0/0) are None, never 0 or NaN.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

SpanKey = tuple[int, int, str]  # (start, end, label)
MODES = ("exact", "overlap", "unlabelled")


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


@dataclass
class PRF:
    """Counts of one comparison; A is the reference (recall is over A), B the compared side."""

    tp: int = 0
    n_a: int = 0
    n_b: int = 0

    def __iadd__(self, other: PRF) -> PRF:
        self.tp += other.tp
        self.n_a += other.n_a
        self.n_b += other.n_b
        return self

    @property
    def precision(self) -> float | None:
        return ratio(self.tp, self.n_b)

    @property
    def recall(self) -> float | None:
        return ratio(self.tp, self.n_a)

    @property
    def f1(self) -> float | None:
        return ratio(2 * self.tp, self.n_a + self.n_b)

    def to_dict(self) -> dict:
        return {
            "tp": self.tp,
            "n_a": self.n_a,
            "n_b": self.n_b,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def _max_matching(a: Sequence[SpanKey], b: Sequence[SpanKey]) -> int:
    """Size of a maximum one-to-one matching between overlapping spans of the same label (Kuhn's algorithm).

    Identical spans are matched first and augmenting paths are then sought from the unmatched spans of A only:
    Kuhn's single pass is exact from any starting matching (no augmenting path from a vertex ever reappears),
    and most spans of two annotators are identical, so few searches remain.
    """
    match_b: dict[int, int] = {}
    free: list[int] = []
    positions: dict[SpanKey, list[int]] = defaultdict(list)
    for j, y in enumerate(b):
        positions[y].append(j)
    for i, x in enumerate(a):
        js = positions.get(x)
        if js:
            match_b[js.pop()] = i
        else:
            free.append(i)
    if not free or len(match_b) == len(b):
        return len(match_b)
    adj: dict[int, list[int]] = {}

    def neighbours(i: int) -> list[int]:
        if i not in adj:
            x = a[i]
            adj[i] = [j for j, y in enumerate(b) if x[2] == y[2] and x[0] < y[1] and y[0] < x[1]]
        return adj[i]

    def augment(i: int, seen: set[int]) -> bool:
        for j in neighbours(i):
            if j in seen:
                continue
            seen.add(j)
            if j not in match_b or augment(match_b[j], seen):
                match_b[j] = i
                return True
        return False

    for i in free:
        augment(i, set())
    return len(match_b)


def _multiset_tp(a: Iterable, b: Iterable) -> int:
    counts: dict = defaultdict(int)
    for x in a:
        counts[x] += 1
    tp = 0
    for y in b:
        if counts[y] > 0:
            counts[y] -= 1
            tp += 1
    return tp


def match_count(a: Sequence[SpanKey], b: Sequence[SpanKey], mode: str) -> int:
    if mode == "exact":
        return _multiset_tp(a, b)
    if mode == "unlabelled":
        return _multiset_tp(((s, e) for s, e, _ in a), ((s, e) for s, e, _ in b))
    if mode == "overlap":
        return _max_matching(a, b)
    raise ValueError(f"unknown matching mode {mode!r}")


def _by_label(spans: Sequence[SpanKey]) -> dict[str, list[SpanKey]]:
    groups: dict[str, list[SpanKey]] = defaultdict(list)
    for x in spans:
        groups[x[2]].append(x)
    return groups


def score_document(a: Sequence[SpanKey], b: Sequence[SpanKey], mode: str) -> tuple[PRF, dict[str, PRF]]:
    """Compare two annotators' spans on one document: the total and per label (not for `unlabelled`).

    Exact and overlap matches need the same label, so the total is the sum over labels; grouping once keeps
    this linear in the number of spans (agreement calls it for every pair, article and mode).
    """
    if mode == "unlabelled":
        return PRF(match_count(a, b, mode), len(a), len(b)), {}
    if mode not in ("exact", "overlap"):
        raise ValueError(f"unknown matching mode {mode!r}")
    ga, gb = _by_label(a), _by_label(b)
    per_label: dict[str, PRF] = {}
    tp = 0
    for label in sorted(ga.keys() | gb.keys()):
        la, lb = ga.get(label, ()), gb.get(label, ())
        n = match_count(la, lb, mode) if la and lb else 0
        tp += n
        per_label[label] = PRF(n, len(la), len(lb))
    return PRF(tp, len(a), len(b)), per_label


@dataclass
class CorpusScore:
    micro: PRF
    per_label: dict[str, PRF]
    per_document: dict[str, PRF]

    @property
    def macro_f1(self) -> float | None:
        values = [p.f1 for p in self.per_label.values() if p.f1 is not None]
        return sum(values) / len(values) if values else None


def score_corpus(pairs: Iterable[tuple[str, Sequence[SpanKey], Sequence[SpanKey]]], mode: str) -> CorpusScore:
    """Pool (micro) over documents given as (document id, spans of A, spans of B).

    A document id may come more than once (e.g. the arguments of each matched event): its counts add up.
    """
    micro = PRF()
    per_label: dict[str, PRF] = defaultdict(PRF)
    per_document: dict[str, PRF] = {}
    for doc_id, a, b in pairs:
        total, labels = score_document(a, b, mode)
        micro += total
        if doc_id in per_document:
            per_document[doc_id] += total
        else:
            per_document[doc_id] = total
        for label, prf in labels.items():
            per_label[label] += prf
    return CorpusScore(micro, dict(sorted(per_label.items())), per_document)


# -- many comparisons of the same layers (agreement): index each side once, score every mode in one pass ----------
_LABEL = itemgetter(2)
_BOUNDS = itemgetter(0, 1)


class PreparedSpans:
    """One annotator's spans on one document, indexed once so comparing it with several others stays cheap."""

    __slots__ = ("_bounds", "_by_label", "counts", "labels", "n", "spans", "unique")

    def __init__(self, spans: Iterable[SpanKey]):
        self.spans = list(spans)
        self.n = len(self.spans)
        keys = set(self.spans)
        self.unique = len(keys) == self.n  # no span given twice: set operations count the matches
        self.counts: dict[SpanKey, int] | set[SpanKey] = keys if self.unique else Counter(self.spans)
        self.labels: dict[str, int] = Counter(map(_LABEL, self.spans))
        self._by_label: dict[str, list[SpanKey]] | None = None
        self._bounds: dict[tuple[int, int], int] | set[tuple[int, int]] | None = None

    def with_label(self, label: str) -> list[SpanKey]:
        if self._by_label is None:
            self._by_label = {}
        found = self._by_label.get(label)
        if found is None:
            found = self._by_label[label] = [x for x in self.spans if x[2] == label]
        return found

    @property
    def bounds(self) -> dict[tuple[int, int], int] | set[tuple[int, int]]:
        """Boundaries as a set when none repeats (the common case), else as counts."""
        if self._bounds is None:
            bounds = set(map(_BOUNDS, self.spans))
            self._bounds = bounds if len(bounds) == self.n else Counter(map(_BOUNDS, self.spans))
        return self._bounds

    def leftovers(self, other: PreparedSpans) -> list[SpanKey]:
        """Spans of this side without an exact match on the other side."""
        if self.unique and other.unique:
            return sorted(self.counts - other.counts)  # type: ignore[operator]
        mine, theirs = Counter(self.spans), Counter(other.spans)
        return sorted((mine - theirs).elements())


def prepare(spans: Sequence[SpanKey] | PreparedSpans) -> PreparedSpans:
    return spans if type(spans) is PreparedSpans else PreparedSpans(spans)


def _exact_by_label(a: PreparedSpans, b: PreparedSpans) -> dict[str, int]:
    if a.unique and b.unique:
        return Counter(map(_LABEL, a.counts & b.counts))  # type: ignore[operator]
    ca, cb = Counter(a.spans), Counter(b.spans)
    out: dict[str, int] = defaultdict(int)
    for k in ca.keys() & cb.keys():
        out[k[2]] += min(ca[k], cb[k])
    return out


def compare_prepared(a: PreparedSpans, b: PreparedSpans, modes: Sequence[str] = MODES) -> dict[str, tuple[int, dict]]:
    """Matches per mode: (total TP, TP per label; empty for unlabelled). Same numbers as `score_document`.

    Overlap reuses the exact matches: where one side of a label has no span left unmatched exactly, the exact
    matching is already maximum; only labels with leftovers on both sides run the one-to-one matching.
    """
    out: dict[str, tuple[int, dict]] = {}
    exact = _exact_by_label(a, b) if ("exact" in modes or "overlap" in modes) else {}
    if "exact" in modes:
        out["exact"] = (sum(exact.values()), exact)
    if "overlap" in modes:
        overlap = dict(exact)
        for label, n_a in a.labels.items():
            tp = exact.get(label, 0)
            if n_a > tp and b.labels.get(label, 0) > tp:
                overlap[label] = _max_matching(a.with_label(label), b.with_label(label))
        out["overlap"] = (sum(overlap.values()), overlap)
    if "unlabelled" in modes:
        ba, bb = a.bounds, b.bounds
        if isinstance(ba, set) and isinstance(bb, set):
            tp = len(ba & bb)
        else:
            ca, cb = Counter(ba), Counter(bb)  # a set counts each once
            tp = sum(min(ca[k], cb[k]) for k in ca.keys() & cb.keys())
        out["unlabelled"] = (tp, {})
    return out


def score_corpus_modes(
    pairs: Iterable[tuple[str, Sequence[SpanKey] | PreparedSpans, Sequence[SpanKey] | PreparedSpans]],
    modes: Sequence[str] = MODES,
) -> dict[str, CorpusScore]:
    """`score_corpus` for several modes in one pass (each side may be given prepared, to be reused)."""
    micro = {m: PRF() for m in modes}
    label_tp: dict[str, dict[str, int]] = {m: defaultdict(int) for m in modes}
    n_a_labels: dict[str, int] = defaultdict(int)
    n_b_labels: dict[str, int] = defaultdict(int)
    per_document: dict[str, dict[str, PRF]] = {m: {} for m in modes}
    for doc_id, raw_a, raw_b in pairs:
        a, b = prepare(raw_a), prepare(raw_b)
        for label, n in a.labels.items():
            n_a_labels[label] += n
        for label, n in b.labels.items():
            n_b_labels[label] += n
        for mode, (tp, by_label) in compare_prepared(a, b, modes).items():
            m = micro[mode]
            m.tp += tp
            m.n_a += a.n
            m.n_b += b.n
            acc = label_tp[mode]
            for label, n in by_label.items():
                acc[label] += n
            docs = per_document[mode]
            if doc_id in docs:
                docs[doc_id] += PRF(tp, a.n, b.n)
            else:
                docs[doc_id] = PRF(tp, a.n, b.n)
    out = {}
    labels = sorted(n_a_labels.keys() | n_b_labels.keys())
    for mode in modes:
        per_label = (
            {}
            if mode == "unlabelled"
            else {lb: PRF(label_tp[mode].get(lb, 0), n_a_labels.get(lb, 0), n_b_labels.get(lb, 0)) for lb in labels}
        )
        out[mode] = CorpusScore(micro[mode], per_label, per_document[mode])
    return out
