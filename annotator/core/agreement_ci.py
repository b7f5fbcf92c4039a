"""Bootstrap confidence intervals for agreement figures: articles resampled with replacement.

One run draws `samples` resamples of the compared articles once (`bootstrap_indices`, seeded) and uses the same
resamples for every figure, so the intervals of a run belong together. Nothing is rescored: each figure is a
function of sums over articles (span matches and counts; for stance and flags the counts behind Cohen's and
Fleiss' kappa and Krippendorff's alpha), so the per-article values are gathered once and a resample is a
weighted sum (the weights are how often each article was drawn; one matrix product for all resamples).
The interval is the percentile interval (2.5th and 97.5th percentiles, linear interpolation) of the figure over the
resamples where it is defined; None when the figure itself is undefined or no resample defines it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from annotator.core.scoring import DocumentScores

if TYPE_CHECKING:
    from annotator.core.agreement import AgreementReport, CategoricalResult, ModeResult

Interval = tuple[float, float] | None
LEVEL = 0.95


def bootstrap_indices(n: int, samples: int, seed: int) -> np.ndarray:
    """`samples` x `n` article indices drawn with replacement (row b is resample b); the same seed, the same rows."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(samples, n)) if n else np.zeros((samples, 0), dtype=np.int64)


def resample_weights(indices: np.ndarray, n: int) -> np.ndarray:
    """How often each article was drawn in each resample, as floats ready for one matrix product."""
    samples = indices.shape[0]
    weights = np.zeros((samples, n))
    step = max(1, 2**22 // max(n, 1))  # rows at a time: the temporaries stay a few tens of MB
    for first in range(0, samples if n else 0, step):
        rows = indices[first : first + step]
        flat = (rows + np.arange(len(rows))[:, None] * n).ravel()
        weights[first : first + len(rows)] = np.bincount(flat, minlength=len(rows) * n).reshape(len(rows), n)
    return weights


def percentile_interval(values: np.ndarray, level: float = LEVEL) -> Interval:
    """The percentile interval of the defined (not NaN) values."""
    finite = values[~np.isnan(values)]
    if not len(finite):
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return (float(low), float(high))


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


@dataclass
class Intervals:
    """The intervals of one run. `spans[(layer, mode, a, b)]` holds precision/recall/f1; `categorical[(kind,
    name)]` holds krippendorff_alpha, fleiss_kappa and cohen {(a, b): interval}; kind is "stance" or "flags"."""

    samples: int
    seed: int
    articles: int
    level: float = LEVEL
    spans: dict[tuple[str, str, str, str], dict[str, Interval]] = field(default_factory=dict)
    categorical: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def settings(self) -> dict:
        return {
            "level": self.level,
            "samples": self.samples,
            "seed": self.seed,
            "articles": self.articles,
            "method": "percentile bootstrap, articles resampled with replacement, one resample set for every figure",
        }


def compute_intervals(report: AgreementReport, samples: int = 1000, seed: int = 0) -> Intervals:
    """Intervals for span P/R/F1 (entities, triggers, arguments; every mode and pair) and for the kappas and alpha
    of every stance target and flag, over the report's compared articles."""
    docs = report.documents
    n = len(docs)
    weights = resample_weights(bootstrap_indices(n, samples, seed), n)  # the indices are freed here
    index = {d: i for i, d in enumerate(docs)}
    out = Intervals(samples, seed, n)
    for layer, results in (("entities", report.entities), ("events", report.events), ("arguments", report.arguments)):
        _span_intervals(out, layer, results, index, weights)
    for kind, categorical in (("stance", report.stance), ("flags", report.flags)):
        units = report.stance_units if kind == "stance" else (report.data.flags if report.data else {})
        for name, result in categorical.items():
            out.categorical[kind, name] = _categorical_intervals(
                units.get(name, {}), report.annotators, result, index, weights
            )
    return out


def _span_intervals(
    out: Intervals, layer: str, results: dict[str, ModeResult], index: dict[str, int], weights: np.ndarray
) -> None:
    keys, columns = [], []
    for mode, result in results.items():
        for pair in result.pairs:
            counts = np.zeros((len(index), 3))
            per_document = pair.score.per_document
            if isinstance(per_document, DocumentScores):  # ids unique: one fancy-indexed add
                ids, *values = per_document.columns()
                rows = np.fromiter((index.get(d, -1) for d in ids), np.int64, len(ids))
                keep = rows >= 0
                counts[rows[keep]] += np.array(values, dtype=np.float64).T[keep]
            else:
                for d, prf in per_document.items():
                    i = index.get(d)
                    if i is not None:
                        counts[i] += (prf.tp, prf.n_a, prf.n_b)
            keys.append((layer, mode, pair.a, pair.b, pair.score.micro))
            columns.append(counts)
    if not keys:
        return
    sums = weights @ np.concatenate(columns, axis=1)  # samples x (3 per pair and mode)
    for k, (layer_, mode, a, b, micro) in enumerate(keys):
        tp, n_a, n_b = sums[:, 3 * k], sums[:, 3 * k + 1], sums[:, 3 * k + 2]
        figures = {"precision": (micro.precision, _divide(tp, n_b)), "recall": (micro.recall, _divide(tp, n_a))}
        figures["f1"] = (micro.f1, _divide(2 * tp, n_a + n_b))
        out.spans[layer_, mode, a, b] = {
            name: None if point is None else percentile_interval(values) for name, (point, values) in figures.items()
        }


def _categorical_intervals(
    ratings: dict[str, dict[str, str]],
    annotators: Sequence[str],
    result: CategoricalResult,
    index: dict[str, int],
    weights: np.ndarray,
) -> dict:
    """Per article: the sums behind each coefficient (see `agreement.py` for the formulas); then per resample."""
    categories = sorted({v for r in ratings.values() for v in r.values()})
    cat = {c: j for j, c in enumerate(categories)}
    n_cat, n_docs, m = len(categories), len(index), len(annotators)
    pairs = list(combinations(annotators, 2))
    # columns: alpha agree, alpha n_c | fleiss complete, squares, counts_c | per pair: both, agree, a_c, b_c
    width = 1 + n_cat + 2 + n_cat + len(pairs) * (2 + 2 * n_cat)
    feats = np.zeros((n_docs, width))
    for doc, r in ratings.items():
        i = index.get(doc)
        if i is None:
            continue
        counts = np.zeros(n_cat)
        for value in r.values():
            counts[cat[value]] += 1
        if len(r) >= 2:
            feats[i, 0] = float((counts * (counts - 1)).sum()) / (len(r) - 1)
            feats[i, 1 : 1 + n_cat] = counts
        base = 1 + n_cat
        if m >= 2 and all(a in r for a in annotators):
            feats[i, base] = 1
            feats[i, base + 1] = (counts * counts).sum()
            feats[i, base + 2 : base + 2 + n_cat] = counts
        base += 2 + n_cat
        for a, b in pairs:
            if a in r and b in r:
                feats[i, base] = 1
                feats[i, base + 1] = r[a] == r[b]
                feats[i, base + 2 + cat[r[a]]] = 1
                feats[i, base + 2 + n_cat + cat[r[b]]] = 1
            base += 2 + 2 * n_cat
    sums = weights @ feats
    agree, totals = sums[:, 0], sums[:, 1 : 1 + n_cat]
    n = totals.sum(axis=1)
    d_e = n * n - (totals * totals).sum(axis=1)
    alpha = 1 - _divide((n - 1) * (n - agree), d_e)
    alpha[n == 0] = np.nan
    base = 1 + n_cat
    units, squares, fl_totals = sums[:, base], sums[:, base + 1], sums[:, base + 2 : base + 2 + n_cat]
    p_bar = _divide(squares - units * m, units * m * (m - 1))
    p_e = (_divide(fl_totals, (units * m)[:, None]) ** 2).sum(axis=1)
    single = (fl_totals > 0).sum(axis=1) <= 1  # one category in play: p_e = 1, kappa undefined
    fleiss = _divide(p_bar - p_e, 1 - p_e)
    fleiss[single | (units == 0)] = np.nan
    base += 2 + n_cat
    cohen: dict[tuple[str, str], Interval] = {}
    points = {(a, b): k for a, b, k, _ in result.cohen}
    for a, b in pairs:
        both, ag = sums[:, base], sums[:, base + 1]
        ca, cb = sums[:, base + 2 : base + 2 + n_cat], sums[:, base + 2 + n_cat : base + 2 + 2 * n_cat]
        s = (ca * cb).sum(axis=1)
        kappa = _divide(both * ag - s, both * both - s)
        cohen[a, b] = None if points.get((a, b)) is None else percentile_interval(kappa)
        base += 2 + 2 * n_cat
    return {
        "krippendorff_alpha": None if result.krippendorff_alpha is None else percentile_interval(alpha),
        "fleiss_kappa": None if result.fleiss_kappa is None else percentile_interval(fleiss),
        "cohen": cohen,
    }
