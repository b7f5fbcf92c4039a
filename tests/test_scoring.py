"""Span scoring by hand-checked cases: exact vs overlap, one-to-one matching, label swaps, empty sides."""

from __future__ import annotations

from annotator.core.scoring import PRF, score_corpus, score_document


def test_exact_and_overlap_differ_on_boundaries():
    a = [(0, 5, "ORG"), (10, 15, "GPE")]
    b = [(0, 5, "ORG"), (11, 15, "GPE")]
    exact, _ = score_document(a, b, "exact")
    overlap, _ = score_document(a, b, "overlap")
    assert (exact.tp, exact.f1) == (1, 0.5)
    assert (overlap.tp, overlap.f1) == (2, 1.0)


def test_overlap_is_one_to_one_maximum():
    # one long span overlapping two short ones counts once; the maximum matching pairs 2 of 3
    a = [(0, 10, "X"), (0, 3, "X")]
    b = [(2, 4, "X"), (6, 8, "X")]
    total, _ = score_document(a, b, "overlap")
    assert total.tp == 2
    a2 = [(0, 10, "X")]
    total2, _ = score_document(a2, b, "overlap")
    assert total2.tp == 1
    assert total2.precision == 0.5 and total2.recall == 1.0


def test_label_swap_counts_in_unlabelled_only():
    a = [(0, 5, "ORG")]
    b = [(0, 5, "GPE")]
    assert score_document(a, b, "exact")[0].tp == 0
    assert score_document(a, b, "unlabelled")[0].tp == 1
    _, per_label = score_document(a, b, "exact")
    assert per_label["ORG"].to_dict() == {"tp": 0, "n_a": 1, "n_b": 0, "precision": None, "recall": 0.0, "f1": 0.0}


def test_empty_documents_are_undefined_not_zero():
    total = PRF()
    assert total.precision is None and total.recall is None and total.f1 is None
    score = score_corpus([("d1", [], [])], "exact")
    assert score.micro.f1 is None
    assert score.macro_f1 is None


def test_micro_pools_and_macro_averages_labels():
    score = score_corpus(
        [("d1", [(0, 1, "A"), (2, 3, "B")], [(0, 1, "A")]), ("d2", [(0, 1, "A")], [(0, 1, "A"), (5, 6, "B")])],
        "exact",
    )
    assert (score.micro.tp, score.micro.n_a, score.micro.n_b) == (2, 3, 3)
    assert score.per_label["A"].f1 == 1.0
    assert score.per_label["B"].f1 == 0.0
    assert score.macro_f1 == 0.5
    assert score.per_document["d1"].f1 == 2 * 1 / 3
