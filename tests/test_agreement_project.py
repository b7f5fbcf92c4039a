"""Agreement read from a real project file equals a naive computation over the Project API, on random projects:
the bulk (packed, array) reading, the done filter, gold exclusion and document order all checked at once."""

from __future__ import annotations

import tempfile
from itertools import combinations
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.agreement import krippendorff_alpha_nominal, project_agreement
from annotator.core.model import GOLD, Annotation, Document, Span, Status
from annotator.core.project import Project
from annotator.core.scoring import MODES, score_corpus
from annotator.store import documents as doc_store

TEXT = "abcdefghij" * 3
LABELS = ["ORG", "GPE", "DATE"]
NAMES = ["ann1", "ann2", "ann3", GOLD]

span = st.tuples(st.integers(0, 25), st.integers(1, 5), st.sampled_from(LABELS)).map(
    lambda t: (t[0], t[0] + t[1], t[2])
)
layer = st.tuples(
    st.sampled_from([Status.DONE, Status.DONE, Status.IN_PROGRESS]),
    st.lists(span, max_size=6),
    st.one_of(st.none(), st.sampled_from(["favor", "against", "neutral"])),
)
project_data = st.lists(st.dictionaries(st.sampled_from(NAMES), layer, max_size=4), min_size=1, max_size=5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(project_data)
def test_project_agreement_equals_naive(docs):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.annotator"
        with Project.create(path) as project:
            with project.db.atomic():
                doc_store.insert_documents(project.db, [Document(f"d{i}", TEXT) for i in range(len(docs))])
            for i, layers in enumerate(docs):
                for who, (status, spans, stance) in layers.items():
                    project.replace_annotation(
                        Annotation(
                            f"d{i}",
                            who,
                            status,
                            spans=[Span(s, e, lb) for s, e, lb in spans],
                            stance={"Taliban": stance} if stance else {},
                        )
                    )
            report = project_agreement(project)
            names = project.annotators(include_gold=False)
            assert report.annotators == names
            done = {
                (d, a): project.annotation(d, a)
                for d in project.document_ids()
                for a in names
                if project.status(d, a) == Status.DONE
            }
            for mode in MODES:
                for pair, (a, b) in zip(report.entities[mode].pairs, combinations(names, 2), strict=True):
                    items = [
                        (d, [s.key() for s in done[d, a].spans], [s.key() for s in done[d, b].spans])
                        for d in project.document_ids()
                        if (d, a) in done and (d, b) in done
                    ]
                    naive = score_corpus(items, mode)
                    assert (pair.a, pair.b) == (a, b)
                    assert pair.score.micro == naive.micro
                    assert pair.score.per_label == naive.per_label
                    assert dict(pair.score.per_document.items()) == naive.per_document
            ratings = [
                [done[d, a].stance["Taliban"] for a in names if (d, a) in done and "Taliban" in done[d, a].stance]
                for d in project.document_ids()
            ]
            alpha = krippendorff_alpha_nominal(ratings)
            assert report.stance["Taliban"].krippendorff_alpha == alpha.alpha
            assert report.stance["Taliban"].units == alpha.units
            compared = [d for d in project.document_ids() if sum((d, a) in done for a in names) >= 2]
            assert report.documents == compared


def test_label_holding_the_separator_is_read_right(tmp_path, monkeypatch):
    """Labels are coded in SQL by their place in a joined string; a label holding the separator takes the other
    route, packed or not."""
    from annotator.core import agreement as agreement_module
    from annotator.core.scheme import scheme_from_dict

    # a label new schemes refuse (a control character) but a project of an older version may hold
    scheme = scheme_from_dict({"name": "odd", "entities": [{"label": "X\x1fY"}, {"label": "Z"}]}, strict=False)
    with Project.create(tmp_path / "odd.annotator", scheme=scheme) as project:
        with project.db.atomic():
            doc_store.insert_documents(project.db, [Document("d", TEXT)])
        for who, spans in (("a", [(0, 3, "X\x1fY"), (5, 8, "Z")]), ("b", [(0, 3, "X\x1fY"), (5, 8, "X\x1fY")])):
            project.replace_annotation(Annotation("d", who, Status.DONE, spans=[Span(s, e, lb) for s, e, lb in spans]))
        for limit in (2**62, 0):
            monkeypatch.setattr(agreement_module, "_PACK_LIMIT", limit)
            pair = project_agreement(project).entities["exact"].pairs[0]
            assert (pair.score.micro.tp, pair.score.micro.n_a, pair.score.micro.n_b) == (1, 2, 2)
            assert {k: v.tp for k, v in pair.score.per_label.items()} == {"X\x1fY": 1, "Z": 0}
