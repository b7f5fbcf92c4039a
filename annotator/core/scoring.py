"""Span scoring shared by agreement and suggestion quality: a small PRF value class and pure matching functions.

Matching modes:
- exact: same start, end and label;
- overlap: same label and at least one shared character, matched one-to-one (maximum bipartite matching);
- unlabelled: same start and end, label ignored.
F1 = 2TP / (|A| + |B|); undefined ratios (0/0) are None, never 0 or NaN.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from math import prod
from operator import itemgetter

import numpy as np

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
    per_document: Mapping[str, PRF]

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


def prepare(spans: Sequence[SpanKey] | PreparedSpans) -> PreparedSpans:
    return spans if isinstance(spans, PreparedSpans) else PreparedSpans(spans)


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


# -- the same scores over whole corpora at once, as integer arrays (numpy) ---------------------------------------
@dataclass
class SpanArrays:
    """Spans of one annotator over many documents as parallel integer arrays (document and label as indices)."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray

    def __len__(self) -> int:
        return len(self.doc)

    def select(self, mask: np.ndarray) -> SpanArrays:
        return SpanArrays(self.doc[mask], self.start[mask], self.end[mask], self.label[mask])

    @classmethod
    def empty(cls) -> SpanArrays:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z)


@dataclass
class _Runs:
    """Runs of identical keys over both sides sorted together: counts per side, and each run's first row."""

    first: np.ndarray  # index (into the sorted rows) of each run's first row
    n_a: np.ndarray
    n_b: np.ndarray
    order: np.ndarray  # sorted position -> row of the concatenated sides (A rows first)


def _runs(columns: list[np.ndarray], n_a_rows: int) -> _Runs:
    n = len(columns[0])
    key = _combined_key(columns)
    if key is not None:  # one integer sort instead of a lexsort over every column
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        change = np.ones(n, dtype=bool)
        change[1:] = ordered[1:] != ordered[:-1]
    else:
        order = np.lexsort(columns[::-1])  # the first column is the primary key
        change = np.zeros(n, dtype=bool)
        if n:
            change[0] = True
            for col in columns:
                c = col[order]
                change[1:] |= c[1:] != c[:-1]
    first = np.flatnonzero(change)
    is_b = (order >= n_a_rows).astype(np.int64)
    n_b = np.add.reduceat(is_b, first) if n else np.zeros(0, dtype=np.int64)
    n_rows = np.diff(np.append(first, n))
    return _Runs(first, n_rows - n_b, n_b, order)


def _combined_key(columns: list[np.ndarray]) -> np.ndarray | None:
    """The columns as digits of one mixed-radix integer (same order as sorting by the columns), if it fits."""
    if not len(columns[0]):
        return None
    radices = [int(col.max()) + 1 for col in columns]
    if min(int(col.min()) for col in columns) < 0 or prod(radices) >= 2**62:
        return None
    key = columns[0].astype(np.int64)
    for col, radix in zip(columns[1:], radices[1:], strict=True):
        key = key * radix + col
    return key


class DocumentScores(Mapping):
    """Per-document PRF made on demand from count lists (a corpus of 10,000 articles need not build 10,000)."""

    def __init__(self, ids: list[str], tp: list[int], n_a: list[int], n_b: list[int]):
        self._ids, self._tp, self._n_a, self._n_b = ids, tp, n_a, n_b
        self._index: dict[str, int] | None = None

    def __getitem__(self, doc_id: str) -> PRF:
        if self._index is None:
            self._index = {d: i for i, d in enumerate(self._ids)}
        i = self._index[doc_id]
        return PRF(self._tp[i], self._n_a[i], self._n_b[i])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def columns(self) -> tuple[list[str], list[int], list[int], list[int]]:
        """Document ids and their tp, n_a, n_b as parallel lists (for sums over resampled articles)."""
        return self._ids, self._tp, self._n_a, self._n_b

    def items(self):  # faster than the Mapping default, which looks every key up
        return [(d, PRF(t, x, y)) for d, t, x, y in zip(self._ids, self._tp, self._n_a, self._n_b, strict=True)]


def _count(index: np.ndarray, size: int, weights: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(index, weights=weights, minlength=size).astype(np.int64)


def score_span_arrays(
    a: SpanArrays,
    b: SpanArrays,
    docs: Sequence[int],
    doc_ids: Sequence[str],
    labels: Sequence[str],
    modes: Sequence[str] = MODES,
) -> dict[str, CorpusScore]:
    """`score_corpus` for every mode over whole corpora held as arrays; the same numbers, far fewer Python steps.

    `docs` are the indices of the compared documents (their spans only must be in `a` and `b`), `doc_ids` maps an
    index to the document id, `labels` a label index to its name. Exact and unlabelled matches are counted over
    sorted runs of identical keys. Overlap adds, to the exact matches, the extra matches of each (document, label)
    group: where every span of A left without an exact match overlaps at most one other span of that label, and
    that one is also unmatched (and vice versa), those overlaps are the maximum matching's extra pairs (no
    augmenting path can pass through an exact pair); any other group runs the one-to-one matching.
    """
    n_docs = max(len(doc_ids), 1)
    n_labels = max(len(labels), 1)
    na_doc, nb_doc = _count(a.doc, n_docs), _count(b.doc, n_docs)
    na_label, nb_label = _count(a.label, n_labels), _count(b.label, n_labels)
    cat = [
        np.concatenate([x, y])
        for x, y in zip((a.doc, a.start, a.end, a.label), (b.doc, b.start, b.end, b.label), strict=True)
    ]
    tp_doc: dict[str, np.ndarray] = {}
    tp_label: dict[str, np.ndarray] = {}
    exact = _runs(cat, len(a))
    run_rows = exact.order[exact.first]
    run_doc, run_label = cat[0][run_rows], cat[3][run_rows]
    tp_run = np.minimum(exact.n_a, exact.n_b)
    tp_doc["exact"] = _count(run_doc, n_docs, tp_run)
    tp_label["exact"] = _count(run_label, n_labels, tp_run)
    if "unlabelled" in modes:
        bounds = _runs(cat[:3], len(a))
        rows = bounds.order[bounds.first]
        tp_doc["unlabelled"] = _count(cat[0][rows], n_docs, np.minimum(bounds.n_a, bounds.n_b))
    if "overlap" in modes:
        extra_doc, extra_label = _overlap_extra(a, b, exact, run_doc, run_label, tp_run, n_docs, n_labels)
        tp_doc["overlap"] = tp_doc["exact"] + extra_doc
        tp_label["overlap"] = tp_label["exact"] + extra_label
    rows_of_docs = np.asarray(list(docs), dtype=np.int64)
    in_play = [i for i in range(len(labels)) if na_label[i] or nb_label[i]]
    ids = [doc_ids[d] for d in rows_of_docs]
    na_list, nb_list = na_doc[rows_of_docs].tolist(), nb_doc[rows_of_docs].tolist()
    out = {}
    for mode in modes:
        td = tp_doc[mode][rows_of_docs].tolist()
        per_document = DocumentScores(ids, td, na_list, nb_list)
        micro = PRF(int(tp_doc[mode].sum()), int(na_doc.sum()), int(nb_doc.sum()))
        per_label = {}
        if mode != "unlabelled":
            tl = tp_label[mode]
            per_label = {labels[i]: PRF(int(tl[i]), int(na_label[i]), int(nb_label[i])) for i in in_play}
            per_label = dict(sorted(per_label.items()))
        out[mode] = CorpusScore(micro, per_label, per_document)
    return out


def _overlap_extra(
    a: SpanArrays,
    b: SpanArrays,
    exact: _Runs,
    run_doc: np.ndarray,
    run_label: np.ndarray,
    tp_run: np.ndarray,
    n_docs: int,
    n_labels: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Matches overlap finds beyond the exact ones, per document and per label."""
    extra_doc = np.zeros(n_docs, dtype=np.int64)
    extra_label = np.zeros(n_labels, dtype=np.int64)
    free_a, free_b = exact.n_a - tp_run, exact.n_b - tp_run
    group = run_doc * n_labels + run_label
    candidates = np.intersect1d(group[free_a > 0], group[free_b > 0])
    if not len(candidates):
        return extra_doc, extra_label
    in_cand = np.isin(group, candidates)
    # groups with a span given twice on one side go to the general matching
    fallback = set(np.unique(group[in_cand & ((exact.n_a > 1) | (exact.n_b > 1))]).tolist())
    run_rows = exact.order[exact.first]
    cat_start = np.concatenate([a.start, b.start])
    cat_end = np.concatenate([a.end, b.end])
    fa = np.flatnonzero(in_cand & (free_a == 1) & (exact.n_b == 0))  # unmatched spans of A (one per run)
    bs = np.flatnonzero(in_cand & (exact.n_b == 1))  # spans of B: matched (n_a == 1) or not
    bs = bs[np.argsort(group[bs], kind="stable")]
    gb = group[bs]
    lo = np.searchsorted(gb, group[fa], "left")
    hi = np.searchsorted(gb, group[fa], "right")
    counts = hi - lo
    a_idx = np.repeat(np.arange(len(fa)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    b_pos = np.repeat(lo, counts) + offsets
    ra, rb = run_rows[fa][a_idx], run_rows[bs][b_pos]
    overlaps = (cat_start[ra] < cat_end[rb]) & (cat_start[rb] < cat_end[ra])
    b_matched = exact.n_a[bs][b_pos] > 0
    touches_matched = overlaps & b_matched
    free_edge = overlaps & ~b_matched
    deg_a = np.bincount(a_idx[free_edge], minlength=len(fa))
    deg_b = np.bincount(b_pos[free_edge], minlength=len(bs))
    bad_a = (deg_a > 1) | (np.bincount(a_idx[touches_matched], minlength=len(fa)) > 0)
    fallback.update(group[fa][bad_a].tolist())
    fallback.update(gb[deg_b > 1].tolist())
    simple = free_edge & ~np.isin(group[fa][a_idx], list(fallback))
    edge_groups = group[fa][a_idx][simple]
    np.add.at(extra_doc, edge_groups // n_labels, 1)
    np.add.at(extra_label, edge_groups % n_labels, 1)
    if fallback:
        _fallback_overlap(a, b, sorted(fallback), group, tp_run, n_labels, extra_doc, extra_label)
    return extra_doc, extra_label


def _fallback_overlap(
    a: SpanArrays,
    b: SpanArrays,
    groups: list[int],
    run_group: np.ndarray,
    tp_run: np.ndarray,
    n_labels: int,
    extra_doc: np.ndarray,
    extra_label: np.ndarray,
) -> None:
    """The one-to-one matching on the few (document, label) groups the array shortcut cannot settle."""
    wanted = np.array(groups, dtype=np.int64)
    mask = np.isin(run_group, wanted)
    exact_tp: dict[int, int] = defaultdict(int)
    for key, tp in zip(run_group[mask].tolist(), tp_run[mask].tolist(), strict=True):
        exact_tp[key] += tp
    sides: list[dict[int, list[SpanKey]]] = []
    for side in (a, b):
        g = side.doc * n_labels + side.label
        mask = np.isin(g, wanted)
        spans: dict[int, list[SpanKey]] = defaultdict(list)
        for key, s, e in zip(g[mask].tolist(), side.start[mask].tolist(), side.end[mask].tolist(), strict=True):
            spans[key].append((s, e, ""))
        sides.append(spans)
    for key in groups:
        extra = _max_matching(sides[0][key], sides[1][key]) - exact_tp[key]
        extra_doc[key // n_labels] += extra
        extra_label[key % n_labels] += extra


def label_swaps(a: SpanArrays, b: SpanArrays) -> dict[tuple[int, int], int]:
    """Spans with the same document and boundaries but different labels: (label of A, label of B) -> count.

    Exact matches are taken out first; the remaining spans at the same boundaries are paired in label order.
    """
    cat = [
        np.concatenate([x, y])
        for x, y in zip((a.doc, a.start, a.end, a.label), (b.doc, b.start, b.end, b.label), strict=True)
    ]
    runs = _runs(cat, len(a))
    tp = np.minimum(runs.n_a, runs.n_b)
    free_a, free_b = runs.n_a - tp, runs.n_b - tp
    keep = np.flatnonzero((free_a > 0) | (free_b > 0))
    if not len(keep):
        return {}
    rows = runs.order[runs.first[keep]]
    d, s, e, lab = (c[rows] for c in cat)
    change = np.ones(len(keep), dtype=bool)
    change[1:] = (d[1:] != d[:-1]) | (s[1:] != s[:-1]) | (e[1:] != e[:-1])
    gid = np.cumsum(change) - 1

    def items(free: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        idx = np.repeat(np.arange(len(keep)), free[keep])
        g = gid[idx]
        rank = np.arange(len(idx)) - np.searchsorted(g, g, "left")
        return g * (len(cat[0]) + 1) + rank, lab[idx]

    key_a, lab_a = items(free_a)
    key_b, lab_b = items(free_b)
    _, ia, ib = np.intersect1d(key_a, key_b, assume_unique=True, return_indices=True)
    if not len(ia):
        return {}
    pairs, counts = np.unique(np.stack([lab_a[ia], lab_b[ib]]), axis=1, return_counts=True)
    return {(int(x), int(y)): int(n) for (x, y), n in zip(pairs.T.tolist(), counts.tolist(), strict=True)}
