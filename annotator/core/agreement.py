"""Inter-annotator agreement: spans and event triggers (P/R/F1), event arguments, and categorical labels (kappas, alpha).

What is compared:
- a pair of annotators is compared on the articles *both* marked done; work on other articles is ignored;
- entity spans and event triggers (event type as label) are scored with `annotator.core.scoring` in the exact,
  overlap and unlabelled modes: the first annotator of a pair is the reference (recall is over A);
- event arguments (role as label, span as offsets) are scored on pairs of triggers that match exactly;
- stance (per target) and flags (per flag: "yes"/"no" on every done article) are categorical: a unit is an article,
  a rating is one annotator's value on an article they marked done; a stance target they left unset is a missing
  rating, not a category. Krippendorff's alpha (nominal) and the observed agreement use every article with two or
  more ratings; Fleiss' kappa only articles rated by every chosen annotator; Cohen's kappa the articles both
  annotators of a pair rated.
Undefined values (0/0, no units, a single category in play) are None, never 0 or NaN. Ratios are computed exactly
with integers/fractions and converted to float once, so the worked examples come out at full precision.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from annotator.core.adjudication import disagreements, units_from_keys
from annotator.core.errors import NotFoundError
from annotator.core.model import GOLD, is_conflict_layer
from annotator.core.scoring import (
    MODES,
    PRF,
    CorpusScore,
    SpanArrays,
    SpanKey,
    label_swaps,
    score_corpus_modes,
    score_span_arrays,
)
from annotator.store import agreement_rows as agreement_store
from annotator.store import documents

if TYPE_CHECKING:
    from annotator.core.agreement_ci import Intervals

# (trigger start, trigger end, type, arguments as ((start, end, role), ...))
EventKey = tuple[int, int, str, tuple[SpanKey, ...]]
_PACK_LIMIT = 2**62  # spans are read packed into one int64 when (start, end, label) fit


# -- categorical measures (pure functions over plain values) ------------------------------------------------------
def _float(x: Fraction | int | None) -> float | None:
    return None if x is None else float(x)


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters over the units both rated: (N*agree - S) / (N^2 - S), S = sum_c n_a(c) n_b(c)."""
    n = len(pairs)
    if n == 0:
        return None
    agree = sum(1 for x, y in pairs if x == y)
    ca = Counter(x for x, _ in pairs)
    cb = Counter(y for _, y in pairs)
    s = sum(ca[c] * cb[c] for c in ca)
    den = n * n - s
    return _float(Fraction(n * agree - s, den)) if den else None


def fleiss_kappa(units: Sequence[Sequence[str]]) -> float | None:
    """Fleiss' kappa over units each rated by the same number (>= 2) of raters."""
    if not units:
        return None
    m = len(units[0])
    if m < 2 or any(len(u) != m for u in units):
        return None
    n_units = len(units)
    squares = 0
    totals: Counter[str] = Counter()
    for unit in units:
        counts = Counter(unit)
        squares += sum(v * v for v in counts.values())
        totals.update(counts)
    p_bar = Fraction(squares - n_units * m, n_units * m * (m - 1))
    p_e = sum((Fraction(v, n_units * m) ** 2 for v in totals.values()), Fraction(0))
    return _float((p_bar - p_e) / (1 - p_e)) if p_e != 1 else None


@dataclass
class AlphaResult:
    units: int  # pairable units (two or more ratings)
    values: int  # pairable ratings (n in Krippendorff's notation)
    observed_agreement: float | None
    alpha: float | None


def krippendorff_alpha_nominal(units: Iterable[Sequence[str]]) -> AlphaResult:
    """Krippendorff's alpha for nominal data, missing ratings allowed; units with one rating are not pairable.

    alpha = 1 - (n - 1) * (n - O) / (n^2 - sum_c n_c^2), where O = sum_c o_cc is the diagonal of the coincidence
    matrix and n_c the pairable values of category c; the observed agreement is O / n.
    """
    by_m: dict[int, int] = defaultdict(int)  # m_u -> sum over those units of sum_c n_uc (n_uc - 1)
    totals: Counter[str] = Counter()
    n_units = 0
    for unit in units:
        m = len(unit)
        if m < 2:
            continue
        n_units += 1
        counts = Counter(unit)
        by_m[m] += sum(v * (v - 1) for v in counts.values())
        totals.update(counts)
    n = sum(totals.values())
    if n == 0:
        return AlphaResult(0, 0, None, None)
    agree = sum((Fraction(s, m - 1) for m, s in by_m.items()), Fraction(0))
    d_e = n * n - sum(v * v for v in totals.values())
    alpha = 1 - Fraction((n - 1) * (n - agree), d_e) if d_e else None
    return AlphaResult(n_units, n, _float(agree / n), _float(alpha))


@dataclass
class CategoricalResult:
    """Agreement on one categorical label (a stance target or a flag)."""

    units: int
    observed_agreement: float | None
    krippendorff_alpha: float | None
    fleiss_kappa: float | None
    fleiss_units: int
    cohen: list[tuple[str, str, float | None, int]]  # (a, b, kappa, units both rated)

    def to_dict(self) -> dict:
        return {
            "units": self.units,
            "observed_agreement": self.observed_agreement,
            "krippendorff_alpha": self.krippendorff_alpha,
            "fleiss_kappa": self.fleiss_kappa,
            "fleiss_units": self.fleiss_units,
            # the shape the issue spells out; how many articles each pair both rated is kept beside it
            "cohen_kappa": [{"a": a, "b": b, "kappa": k} for a, b, k, _ in self.cohen],
            "pair_units": [{"a": a, "b": b, "units": n} for a, b, _, n in self.cohen],
        }


def categorical_agreement(ratings: dict[str, dict[str, str]], annotators: Sequence[str]) -> CategoricalResult:
    """`ratings`: unit (article) -> annotator -> value, holding only the ratings that count."""
    alpha = krippendorff_alpha_nominal([list(r.values()) for r in ratings.values()])
    complete = [[r[a] for a in annotators] for r in ratings.values() if all(a in r for a in annotators)]
    fleiss = fleiss_kappa(complete) if len(annotators) >= 2 else None
    cohen = []
    for a, b in combinations(annotators, 2):
        pairs = [(r[a], r[b]) for r in ratings.values() if a in r and b in r]
        cohen.append((a, b, cohen_kappa(pairs), len(pairs)))
    return CategoricalResult(
        units=alpha.units,
        observed_agreement=alpha.observed_agreement,
        krippendorff_alpha=alpha.alpha,
        fleiss_kappa=fleiss,
        fleiss_units=len(complete) if len(annotators) >= 2 else 0,
        cohen=cohen,
    )


# -- what is loaded from a project ------------------------------------------------------------------------------
@dataclass
class AgreementData:
    """The done work of the chosen annotators, loaded in a few bulk queries; spans as integer arrays."""

    annotators: list[str]
    doc_ids: list[str]  # every document of the project, in order (array document indices point here)
    done: dict[str, set[str]]  # annotator -> ids of the documents they marked done
    labels: list[str] = field(default_factory=list)  # entity label of each label index
    event_types: list[str] = field(default_factory=list)
    spans: dict[str, SpanArrays] = field(default_factory=dict)  # annotator -> done entity spans
    triggers: dict[str, SpanArrays] = field(default_factory=dict)  # annotator -> done triggers (type as label)
    events: dict[tuple[str, str], list[EventKey]] = field(default_factory=dict)  # (annotator, doc) -> events
    stance: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # target -> doc -> annotator -> value
    flags: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # flag -> doc -> annotator -> yes/no

    def __post_init__(self) -> None:
        self.doc_order = {d: i for i, d in enumerate(self.doc_ids)}
        self.done_matrix = np.zeros((len(self.doc_ids), max(len(self.annotators), 1)), dtype=bool)
        for k, who in enumerate(self.annotators):
            idx = [self.doc_order[d] for d in self.done.get(who, ()) if d in self.doc_order]
            self.done_matrix[idx, k] = True

    def common_index(self, a: str, b: str) -> np.ndarray:
        """Indices of the documents both annotators marked done, in project order."""
        ia, ib = self.annotators.index(a), self.annotators.index(b)
        return np.flatnonzero(self.done_matrix[:, ia] & self.done_matrix[:, ib])

    def compared_documents(self) -> list[str]:
        """Documents marked done by at least two of the chosen annotators, in project order."""
        return [self.doc_ids[i] for i in np.flatnonzero(self.done_matrix.sum(axis=1) >= 2).tolist()]


def choose_annotators(project, annotators: Sequence[str] | None = None) -> list[str]:
    """The named annotators (checked), or every annotator but gold."""
    known = project.annotators()
    if not annotators:  # a merge's conflict layers are reviewed against the kept work, not counted as coders
        return [a for a in known if a != GOLD and not is_conflict_layer(a)]
    missing = [a for a in annotators if a not in known]
    if missing:
        raise NotFoundError(f"{project.path}: no annotator {missing[0]!r} (annotators: {', '.join(known) or 'none'})")
    out: list[str] = []
    for a in annotators:
        if a not in out:
            out.append(a)
    return out


def load_data(project, annotators: Sequence[str] | None = None, articles: Iterable[str] | None = None) -> AgreementData:
    """Read the chosen annotators' done layers from a project in bulk (only `articles`, when given)."""
    names = choose_annotators(project, annotators)
    db = project.db
    doc_ids = documents.document_ids(db)
    done: dict[str, set[str]] = {a: set() for a in names}
    flag_rows = agreement_store.done_state_rows(db, names)
    if articles is not None:
        allowed = set(articles)
        flag_rows = [r for r in flag_rows if r[0] in allowed]
    for doc, who, _ in flag_rows:
        done[who].add(doc)
    data = AgreementData(names, doc_ids, done)
    # Unfinished layers are dropped in Python: cheaper than joining doc_states in SQL for every row.
    done_pairs = {(who, doc) for who, docs in done.items() for doc in docs}
    data.labels, data.spans = _load_spans(data, db, names)
    arguments: dict[int, list[SpanKey]] = defaultdict(list)
    for event_id, role, start, end in agreement_store.argument_rows(db):
        arguments[event_id].append((start, end, role))
    events: dict[tuple[str, str], list[EventKey]] = defaultdict(list)
    for event_id, who, doc, type_, ts, te in agreement_store.event_rows(db, names):
        if (who, doc) in done_pairs:
            events[who, doc].append((ts, te, type_, tuple(sorted(arguments.get(event_id, ())))))
    data.events = dict(events)
    trigger_rows = [(who, doc, ts, te, type_) for (who, doc), evs in data.events.items() for ts, te, type_, _ in evs]
    data.event_types, data.triggers = _span_arrays(data, trigger_rows)
    targets = list(project.scheme.stance_targets)
    stance: dict[str, dict[str, dict[str, str]]] = {t: {} for t in targets}
    for who, doc, target, value in agreement_store.stance_rows(db, names):
        if (who, doc) in done_pairs:
            stance.setdefault(target, {}).setdefault(doc, {})[who] = value
    data.stance = stance
    data.flags = _flag_ratings(flag_rows)
    return data


def _load_spans(data: AgreementData, db, names: list[str]) -> tuple[list[str], dict[str, SpanArrays]]:
    """Each annotator's done entity spans as arrays.

    About a million spans come back as one row per layer, their numbers joined in text that numpy parses: far
    faster than a Python tuple per span (labels become indices in SQL, layers not done are dropped here).
    """
    labels = agreement_store.span_labels(db)
    if not labels or not names:
        return labels, {a: SpanArrays.empty() for a in data.annotators}
    coded = agreement_store.span_numbers(db, names, labels, _PACK_LIMIT)
    packed, radix, n_codes, decode = coded.packed, coded.radix, coded.n_codes, np.asarray(coded.decode, np.int64)
    who_index = {x: i for i, x in enumerate(data.annotators)}
    kept = [r for r in coded.rows if data.done_matrix[data.doc_order[r[1]], who_index[r[0]]]]
    if not kept:
        return labels, {a: SpanArrays.empty() for a in data.annotators}
    who, doc, counts, texts = zip(*kept, strict=True)
    numbers = np.fromstring(",".join(texts), dtype=np.int64, sep=",")
    if packed:
        rest, code_values = np.divmod(numbers, n_codes)
        start, end = np.divmod(rest, radix)
        numbers = np.stack([start, end, decode[code_values]], axis=1)
    else:
        numbers = numbers.reshape(-1, 3)
        numbers[:, 2] = decode[numbers[:, 2]]
    counts_a = np.array(counts, dtype=np.int64)
    who_i = np.repeat(np.fromiter(map(who_index.__getitem__, who), np.int64, len(kept)), counts_a)
    doc_i = np.repeat(np.fromiter(map(data.doc_order.__getitem__, doc), np.int64, len(kept)), counts_a)
    cols = SpanArrays(doc_i, numbers[:, 0].copy(), numbers[:, 1].copy(), numbers[:, 2].copy())
    return labels, {a: cols.select(who_i == k) for k, a in enumerate(data.annotators)}


def _span_arrays(data: AgreementData, rows: list[tuple]) -> tuple[list[str], dict[str, SpanArrays]]:
    """(annotator, document, start, end, label) rows -> the label list and each annotator's done spans."""
    if not rows:
        return [], {a: SpanArrays.empty() for a in data.annotators}
    who, doc, start, end, label = zip(*rows, strict=True)
    labels = sorted(set(label))
    label_index = {x: i for i, x in enumerate(labels)}
    who_index = {x: i for i, x in enumerate(data.annotators)}
    n = len(rows)
    who_i = np.fromiter(map(who_index.__getitem__, who), np.int64, n)
    doc_i = np.fromiter(map(data.doc_order.__getitem__, doc), np.int64, n)
    cols = SpanArrays(
        doc_i,
        np.array(start, dtype=np.int64),
        np.array(end, dtype=np.int64),
        np.fromiter(map(label_index.__getitem__, label), np.int64, n),
    )
    keep = data.done_matrix[doc_i, who_i]
    return labels, {a: cols.select(keep & (who_i == k)) for k, a in enumerate(data.annotators)}


def _flag_ratings(rows: list[tuple[str, str, str]]) -> dict[str, dict[str, dict[str, str]]]:
    """Each flag used by anyone becomes a yes/no label rated on every done article."""
    import json

    parsed = [(doc, who, set(json.loads(flags)) if flags and flags != "[]" else set()) for doc, who, flags in rows]
    names = sorted(set().union(*(f for _, _, f in parsed))) if parsed else []
    out: dict[str, dict[str, dict[str, str]]] = {}
    for flag in names:
        units: dict[str, dict[str, str]] = {}
        for doc, who, flags in parsed:
            units.setdefault(doc, {})[who] = "yes" if flag in flags else "no"
        out[flag] = units
    return out


# -- span-like comparisons -------------------------------------------------------------------------------------
@dataclass
class PairScore:
    a: str
    b: str
    score: CorpusScore

    def to_dict(self, per_document: bool = False) -> dict:
        out = {"a": self.a, "b": self.b, **self.score.micro.to_dict()}
        out["per_label"] = {label: prf.to_dict() for label, prf in self.score.per_label.items()}
        out["macro_f1"] = self.score.macro_f1
        out["documents"] = len(self.score.per_document)
        if per_document:
            out["per_document"] = {d: prf.to_dict() for d, prf in self.score.per_document.items()}
        return out


@dataclass
class ModeResult:
    mode: str
    pairs: list[PairScore]

    @property
    def mean_f1(self) -> float | None:
        values = [p.score.micro.f1 for p in self.pairs if p.score.micro.f1 is not None]
        return sum(values) / len(values) if values else None

    def to_dict(self, per_document: bool = False) -> dict:
        return {"pairs": [p.to_dict(per_document) for p in self.pairs], "mean_f1": self.mean_f1}


def _pairs(annotators: Sequence[str]) -> list[tuple[str, str]]:
    return list(combinations(annotators, 2))


def span_agreement(data: AgreementData, layer: dict[str, SpanArrays], labels: list[str]) -> dict[str, ModeResult]:
    """Pairwise scores of a span layer (entities, or event triggers with the type as label) in every mode."""
    by_mode: dict[str, list[PairScore]] = {m: [] for m in MODES}
    for a, b in _pairs(data.annotators):
        common = np.zeros(len(data.doc_ids), dtype=bool)
        docs = data.common_index(a, b)
        common[docs] = True
        sa, sb = layer[a], layer[b]
        scores = score_span_arrays(
            sa.select(common[sa.doc]), sb.select(common[sb.doc]), docs.tolist(), data.doc_ids, labels
        )
        for mode, score in scores.items():
            by_mode[mode].append(PairScore(a, b, score))
    return {m: ModeResult(m, pairs) for m, pairs in by_mode.items()}


def argument_agreement(data: AgreementData) -> dict[str, ModeResult]:
    """Arguments (role as label) of the triggers two annotators marked identically (same offsets and type).

    Only articles where such a pair of triggers carries an argument on either side appear per document.
    """
    by_doc: dict[str, dict[str, list[EventKey]]] = defaultdict(dict)
    for (who, doc), evs in data.events.items():
        by_doc[who][doc] = evs
    by_mode: dict[str, list[PairScore]] = {m: [] for m in MODES}
    for a, b in _pairs(data.annotators):
        items = []
        ea_all, eb_all = by_doc.get(a, {}), by_doc.get(b, {})
        both = [data.doc_ids[i] for i in data.common_index(a, b).tolist()]
        for d in both:
            eb = eb_all.get(d)
            if not eb or d not in ea_all:
                continue
            ea: dict[tuple, list] = defaultdict(list)
            for ts, te, type_, args in sorted(ea_all[d]):
                ea[ts, te, type_].append(args)
            for ts, te, type_, args in sorted(eb):
                if ea.get((ts, te, type_)):
                    mine = ea[ts, te, type_].pop(0)
                    if mine or args:
                        items.append((d, mine, args))
        for mode, score in score_corpus_modes(items).items():
            by_mode[mode].append(PairScore(a, b, score))
    return {m: ModeResult(m, pairs) for m, pairs in by_mode.items()}


def label_confusion(data: AgreementData, layer: dict[str, SpanArrays], labels: list[str]) -> Counter[tuple[str, str]]:
    """How often two annotators gave the same boundaries different labels: (label of A, label of B) -> count."""
    confusion: Counter[tuple[str, str]] = Counter()
    for a, b in _pairs(data.annotators):
        common = np.zeros(len(data.doc_ids), dtype=bool)
        common[data.common_index(a, b)] = True
        sa, sb = layer[a], layer[b]
        for (x, y), n in label_swaps(sa.select(common[sa.doc]), sb.select(common[sb.doc])).items():
            confusion[labels[x], labels[y]] += n
    return confusion


# -- the whole report ------------------------------------------------------------------------------------------
@dataclass
class AgreementReport:
    annotators: list[str]
    documents: list[str]
    entities: dict[str, ModeResult]
    events: dict[str, ModeResult]
    arguments: dict[str, ModeResult]
    stance: dict[str, CategoricalResult]
    flags: dict[str, CategoricalResult]
    entity_confusion: Counter[tuple[str, str]]
    event_confusion: Counter[tuple[str, str]]
    stance_units: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict, repr=False)
    data: AgreementData | None = field(default=None, repr=False)  # what was compared, for disagreements and CIs
    ci: Intervals | None = field(default=None, repr=False)  # bootstrap intervals, when asked for
    _disagreements: dict[str, int] | None = field(default=None, repr=False)

    def to_json(self, per_document: bool = False) -> dict:
        def modes(results: dict[str, ModeResult]) -> dict:
            return {mode: r.to_dict(per_document) for mode, r in results.items()}

        out = {
            "annotators": self.annotators,
            "documents": len(self.documents),
            "entities": modes(self.entities),
            "events": modes(self.events),  # triggers: exactly the shape of "entities"
            "event_arguments": modes(self.arguments),
            "stance": {t: r.to_dict() for t, r in self.stance.items()},
            "flags": {f: r.to_dict() for f, r in self.flags.items()},
            "label_confusion": {
                "entities": _confusion_json(self.entity_confusion),
                "events": _confusion_json(self.event_confusion),
            },
        }
        if per_document:  # new fields only add: the figures above keep their shape
            out["disagreements"] = self.disagreements()
        if self.ci is not None:
            _add_intervals(out, self.ci)
        return out

    def with_intervals(self, samples: int = 1000, seed: int = 0) -> AgreementReport:
        """Add bootstrap intervals (see `agreement_ci`); returns the report."""
        from annotator.core.agreement_ci import compute_intervals

        self.ci = compute_intervals(self, samples, seed)
        return self

    def document_disagreement(self) -> list[tuple[str, int]]:
        """Compared articles ranked by disagreement (most first, then project order): the number of units where
        the versions of the annotators who marked the article done differ (`adjudication.is_disagreement`, the
        definition the review window counts with)."""
        counts = self.disagreements()
        order = {d: i for i, d in enumerate(self.documents)}
        return sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], 0)))

    def disagreements(self) -> dict[str, int]:
        """Disagreements per compared article, in project order (computed once)."""
        if self._disagreements is None:
            self._disagreements = document_disagreements(self.data) if self.data is not None else {}
        return self._disagreements


def document_disagreements(data: AgreementData) -> dict[str, int]:
    """Disagreements per compared article: units (`adjudication.units_from_keys`) where the versions of the chosen
    annotators who marked the article done differ (`adjudication.is_disagreement`), in project order."""
    compared = np.flatnonzero(data.done_matrix.sum(axis=1) >= 2)
    wanted = set(compared.tolist())
    spans: dict[int, dict[str, list[SpanKey]]] = defaultdict(lambda: defaultdict(list))
    for who in data.annotators:
        arr = data.spans.get(who)
        if arr is None or not len(arr):
            continue
        rows = zip(arr.doc.tolist(), arr.start.tolist(), arr.end.tolist(), arr.label.tolist(), strict=True)
        for d, start, end, label in rows:
            if d in wanted:
                spans[d][who].append((start, end, data.labels[label]))
    events: dict[int, dict[str, list[EventKey]]] = defaultdict(dict)
    for (who, doc), evs in data.events.items():
        events[data.doc_order[doc]][who] = evs
    stance: dict[int, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for target, by_doc in data.stance.items():
        for doc, ratings in by_doc.items():
            for who, value in ratings.items():
                stance[data.doc_order[doc]][who][target] = value
    out: dict[str, int] = {}
    for d in compared.tolist():
        names = [a for k, a in enumerate(data.annotators) if data.done_matrix[d, k]]
        units = units_from_keys(
            {a: spans[d].get(a, []) for a in names} if d in spans else {a: [] for a in names},
            events.get(d, {}),
            stance.get(d, {}),
        )
        out[data.doc_ids[d]] = len(disagreements(units))
    return out


def _pair_interval(value: tuple[float, float] | None) -> list[float] | None:
    return None if value is None else [value[0], value[1]]


def _add_intervals(out: dict, ci: Intervals) -> None:
    """`"ci": {"precision": [low, high], ...}` beside each pair's figures, `"ci"` in each Cohen entry and each
    stance target or flag; null where the figure is undefined."""
    out["ci_settings"] = ci.settings()
    for layer, key in (("entities", "entities"), ("events", "events"), ("arguments", "event_arguments")):
        for mode, result in out[key].items():
            for pair in result["pairs"]:
                figures = ci.spans.get((layer, mode, pair["a"], pair["b"]), {})
                pair["ci"] = {name: _pair_interval(figures.get(name)) for name in ("precision", "recall", "f1")}
    for kind in ("stance", "flags"):
        for name, result in out[kind].items():
            coefficients = ci.categorical.get((kind, name), {})
            result["ci"] = {
                "krippendorff_alpha": _pair_interval(coefficients.get("krippendorff_alpha")),
                "fleiss_kappa": _pair_interval(coefficients.get("fleiss_kappa")),
            }
            cohen: dict = coefficients.get("cohen", {})
            for entry in result["cohen_kappa"]:
                entry["ci"] = _pair_interval(cohen.get((entry["a"], entry["b"])))


def _confusion_json(confusion: Counter[tuple[str, str]]) -> list[dict]:
    return [
        {"a_label": x, "b_label": y, "count": n} for (x, y), n in sorted(confusion.items(), key=lambda i: (-i[1], i[0]))
    ]


def compute(data: AgreementData) -> AgreementReport:
    return AgreementReport(
        annotators=list(data.annotators),
        documents=data.compared_documents(),
        entities=span_agreement(data, data.spans, data.labels),
        events=span_agreement(data, data.triggers, data.event_types),
        arguments=argument_agreement(data),
        stance={t: categorical_agreement(units, data.annotators) for t, units in data.stance.items()},
        flags={f: categorical_agreement(units, data.annotators) for f, units in data.flags.items()},
        entity_confusion=label_confusion(data, data.spans, data.labels),
        event_confusion=label_confusion(data, data.triggers, data.event_types),
        stance_units=data.stance,
        data=data,
    )


def project_agreement(
    project, annotators: Sequence[str] | None = None, articles: Iterable[str] | None = None
) -> AgreementReport:
    """Agreement among the chosen annotators (default: everyone but gold) of an open project, on the articles
    at least two of them marked done (only among `articles`, when given)."""
    return compute(load_data(project, annotators, articles))


__all__ = [
    "PRF",
    "AgreementData",
    "AgreementReport",
    "categorical_agreement",
    "cohen_kappa",
    "compute",
    "fleiss_kappa",
    "krippendorff_alpha_nominal",
    "load_data",
    "project_agreement",
]
