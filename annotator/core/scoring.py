"""Span scoring shared by agreement and suggestion quality: a small PRF value class and pure matching functions.

Matching modes:
- exact: same start, end and label;
- overlap: same label and at least one shared character, matched one-to-one (maximum bipartite matching);
- unlabelled: same start and end, label ignored.
F1 = 2TP / (|A| + |B|); undefined ratios (0/0) are None, never 0 or NaN.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
    """Size of a maximum one-to-one matching between overlapping spans of the same label (Kuhn's algorithm)."""
    adj = [[j for j, y in enumerate(b) if x[2] == y[2] and x[0] < y[1] and y[0] < x[1]] for x in a]
    match_b: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in match_b or augment(match_b[j], seen):
                match_b[j] = i
                return True
        return False

    return sum(1 for i in range(len(a)) if adj[i] and augment(i, set()))


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


def score_document(a: Sequence[SpanKey], b: Sequence[SpanKey], mode: str) -> tuple[PRF, dict[str, PRF]]:
    """Compare two annotators' spans on one document: the total and per label (not for `unlabelled`)."""
    total = PRF(match_count(a, b, mode), len(a), len(b))
    per_label: dict[str, PRF] = {}
    if mode != "unlabelled":
        for label in sorted({x[2] for x in a} | {y[2] for y in b}):
            la = [x for x in a if x[2] == label]
            lb = [y for y in b if y[2] == label]
            per_label[label] = PRF(match_count(la, lb, mode), len(la), len(lb))
    return total, per_label


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
    """Pool (micro) over documents given as (document id, spans of A, spans of B)."""
    micro = PRF()
    per_label: dict[str, PRF] = defaultdict(PRF)
    per_document: dict[str, PRF] = {}
    for doc_id, a, b in pairs:
        total, labels = score_document(a, b, mode)
        micro += total
        per_document[doc_id] = total
        for label, prf in labels.items():
            per_label[label] += prf
    return CorpusScore(micro, dict(sorted(per_label.items())), per_document)
