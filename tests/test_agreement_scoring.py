"""The one-pass, prepared scorer used by agreement gives the same numbers as `score_document`/`score_corpus`,
and the overlap matching is a true maximum (checked against brute force on small random cases)."""

from __future__ import annotations

from itertools import permutations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.scoring import (
    MODES,
    PreparedSpans,
    SpanArrays,
    _max_matching,
    score_corpus,
    score_corpus_modes,
    score_span_arrays,
)

span = st.tuples(st.integers(0, 12), st.integers(1, 6), st.sampled_from("XYZ")).map(lambda t: (t[0], t[0] + t[1], t[2]))
side = st.lists(span, max_size=7)


def brute_force(a, b) -> int:
    """Largest one-to-one pairing of overlapping same-label spans, by trying every assignment."""
    if len(a) > len(b):
        a, b = b, a
    best = 0
    for perm in permutations(range(len(b)), len(a)):
        n = sum(1 for x, j in zip(a, perm, strict=False) if x[2] == b[j][2] and x[0] < b[j][1] and b[j][0] < x[1])
        best = max(best, n)
    return best


@settings(max_examples=300, deadline=None)
@given(st.lists(span, max_size=5), st.lists(span, max_size=5))
def test_overlap_matching_is_maximum(a, b):
    assert _max_matching(a, b) == brute_force(a, b)


def test_identical_spans_first_is_not_greedy():
    # matching the identical [0,10) pair first leaves [0,3) and [5,8) unmatched; the maximum pairs both
    a = [(0, 10, "X"), (0, 3, "X")]
    b = [(0, 10, "X"), (5, 8, "X")]
    assert _max_matching(a, b) == 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(side, side), max_size=4))
def test_prepared_scores_equal_plain_scores(docs):
    pairs = [(f"d{i}", a, b) for i, (a, b) in enumerate(docs)]
    fast = score_corpus_modes([(d, PreparedSpans(a), PreparedSpans(b)) for d, a, b in pairs])
    for mode in MODES:
        slow = score_corpus(pairs, mode)
        assert fast[mode].micro == slow.micro, mode
        assert fast[mode].per_label == slow.per_label, mode
        assert fast[mode].per_document == slow.per_document, mode


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(side, side), min_size=1, max_size=5))
def test_array_scores_equal_plain_scores(docs):
    labels = ["X", "Y", "Z"]
    doc_ids = [f"d{i}" for i in range(len(docs))]

    def arrays(which: int) -> SpanArrays:
        rows = [(d, s, e, labels.index(lb)) for d, pair in enumerate(docs) for s, e, lb in pair[which]]
        cols = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
        return SpanArrays(*(np.array(c, dtype=np.int64) for c in cols))

    fast = score_span_arrays(arrays(0), arrays(1), range(len(docs)), doc_ids, labels)
    pairs = [(doc_ids[i], a, b) for i, (a, b) in enumerate(docs)]
    for mode in MODES:
        slow = score_corpus(pairs, mode)
        assert fast[mode].micro == slow.micro, mode
        assert fast[mode].per_label == slow.per_label, mode
        assert fast[mode].per_document == slow.per_document, mode


def test_array_overlap_falls_back_where_an_exact_pair_is_in_the_way():
    # A's unmatched [0,3) overlaps only B's [0,10), which is matched exactly: the shortcut must not stop at 1
    a = SpanArrays(*(np.array(c, dtype=np.int64) for c in ([0, 0], [0, 0], [10, 3], [0, 0])))
    b = SpanArrays(*(np.array(c, dtype=np.int64) for c in ([0, 0], [0, 5], [10, 8], [0, 0])))
    scores = score_span_arrays(a, b, [0], ["d"], ["X"])
    assert scores["exact"].micro.tp == 1
    assert scores["overlap"].micro.tp == 2
    assert scores["overlap"].per_label["X"].tp == 2
