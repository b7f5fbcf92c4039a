"""Bootstrap intervals (`agreement --ci`): equal to a plain reference that rescores every resample, the same for
the same seed, null where a figure is undefined, in the table and the JSON."""

from __future__ import annotations

import random
import statistics

import pytest

from annotator.core.agreement import categorical_agreement, project_agreement
from annotator.core.agreement_ci import bootstrap_indices
from annotator.core.project import Project
from annotator.core.scoring import score_corpus
from tests.test_agreement_spans import agreement, build

NAMES = ["alice", "bob", "carol"]
LABELS = ["ORG", "GPE", "PERSON"]
VALUES = ["favor", "against", "neutral"]


def random_lines(seed: int, n_docs: int = 9) -> list[dict]:
    rng = random.Random(seed)
    lines = []
    for i in range(n_docs):
        text = f"Article {i}: " + " ".join(f"word{k}" for k in range(30))
        base = [(10 + 6 * k, 10 + 6 * k + 5, rng.choice(LABELS)) for k in rng.sample(range(25), 5)]
        true_stance = rng.choice(VALUES)
        for who in NAMES:
            spans = []
            for s, e, label in base:
                r = rng.random()
                if r < 0.15:
                    continue
                if r < 0.3:
                    e += 2
                elif r < 0.4:
                    label = rng.choice(LABELS)
                spans.append({"start": s, "end": e, "label": label})
            work: dict = {"spans": spans}
            if rng.random() < 0.85:
                work["stance"] = {"Taliban": true_stance if rng.random() < 0.6 else rng.choice(VALUES)}
            status = "done" if rng.random() < 0.85 else "in_progress"
            lines.append({"id": f"d{i}", "text": text, "annotator": who, "status": status, **work})
    return lines


def interval(values: list[float]):
    if not values:
        return None
    cuts = statistics.quantiles(values, n=40, method="inclusive")
    return (cuts[0], cuts[-1])


def reference(path, samples: int, seed: int) -> dict:
    """Rescore every resample with the plain functions (spans: `score_corpus`; stance: `categorical_agreement`)."""
    with Project.open(path, readonly=True) as project:
        report = project_agreement(project)
        data = report.data
        docs = report.documents
        layers = {(who, d): project.annotation(d, who) for who in NAMES for d in docs if d in data.done.get(who, set())}
    out: dict = {}
    rows = bootstrap_indices(len(docs), samples, seed).tolist()
    for mode in ("exact", "overlap", "unlabelled"):
        for a, b in (("alice", "bob"), ("alice", "carol"), ("bob", "carol")):
            figures: dict[str, list[float]] = {"precision": [], "recall": [], "f1": []}
            for row in rows:
                drawn = [docs[i] for i in row if (a, docs[i]) in layers and (b, docs[i]) in layers]
                items = [
                    (f"{k}", [s.key() for s in layers[a, d].spans], [s.key() for s in layers[b, d].spans])
                    for k, d in enumerate(drawn)
                ]
                micro = score_corpus(items, mode).micro
                for name in figures:
                    value = getattr(micro, name)
                    if value is not None:
                        figures[name].append(value)
            out["entities", mode, a, b] = {name: interval(v) for name, v in figures.items()}
    alphas, fleiss, cohen = [], [], {p: [] for p in (("alice", "bob"), ("alice", "carol"), ("bob", "carol"))}
    ratings = data.stance["Taliban"]
    for row in rows:
        units = {f"{k}": ratings[docs[i]] for k, i in enumerate(row) if docs[i] in ratings}
        r = categorical_agreement(units, NAMES)
        if r.krippendorff_alpha is not None:
            alphas.append(r.krippendorff_alpha)
        if r.fleiss_kappa is not None:
            fleiss.append(r.fleiss_kappa)
        for a, b, k, _ in r.cohen:
            if k is not None:
                cohen[a, b].append(k)
    out["stance"] = {
        "krippendorff_alpha": interval(alphas),
        "fleiss_kappa": interval(fleiss),
        "cohen": {p: interval(v) for p, v in cohen.items()},
    }
    return out


def close(x, y) -> bool:
    if x is None or y is None:
        return x is y
    return all(abs(p - q) <= 1e-12 for p, q in zip(x, y, strict=True))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_intervals_equal_a_plain_reference(cli, tmp_path, seed):
    path = build(cli, tmp_path, random_lines(seed), f"ci{seed}")
    with Project.open(path, readonly=True) as project:
        ci = project_agreement(project).with_intervals(samples=60, seed=seed).ci
    expected = reference(path, 60, seed)
    for key, figures in ci.spans.items():
        if key[0] != "entities":
            continue
        for name, value in figures.items():
            assert close(value, expected[key][name]), (key, name, value, expected[key][name])
    stance = ci.categorical["stance", "Taliban"]
    assert close(stance["krippendorff_alpha"], expected["stance"]["krippendorff_alpha"])
    assert close(stance["fleiss_kappa"], expected["stance"]["fleiss_kappa"])
    for pair, value in stance["cohen"].items():
        assert close(value, expected["stance"]["cohen"][pair]), pair


def test_same_seed_same_interval_and_json_shape(cli, tmp_path):
    path = build(cli, tmp_path, random_lines(7), "shape")
    first = agreement(cli, path, "--ci", "--samples", "200", "--seed", "5")
    assert first == agreement(cli, path, "--ci", "--samples", "200", "--seed", "5")
    other = agreement(cli, path, "--ci", "--samples", "200", "--seed", "6")
    assert other != first
    assert first["ci_settings"]["samples"] == 200 and first["ci_settings"]["seed"] == 5
    plain = agreement(cli, path)
    for key in ("entities", "events", "event_arguments"):
        for mode, result in first[key].items():
            for pair, bare in zip(result["pairs"], plain[key][mode]["pairs"], strict=True):
                ci = pair.pop("ci")
                assert set(ci) == {"precision", "recall", "f1"}
                for name, iv in ci.items():
                    if pair[name] is None:
                        assert iv is None
                    elif iv is not None:
                        assert iv[0] <= iv[1]
                assert pair == bare  # the figures themselves are unchanged
    stance = first["stance"]["Taliban"]
    low, high = stance["ci"]["krippendorff_alpha"]
    assert low <= stance["krippendorff_alpha"] + 1e-9 or low <= high
    assert all("ci" in k for k in stance["cohen_kappa"])
    assert "ci" not in plain["stance"]["Taliban"] and "ci_settings" not in plain
    # an undefined figure has no interval
    for target in ("Afghan government", "United States"):
        assert first["stance"][target]["ci"] == {"krippendorff_alpha": None, "fleiss_kappa": None}


def test_intervals_in_the_table(cli, tmp_path):
    path = build(cli, tmp_path, random_lines(4), "table")
    out = cli("agreement", path, "--ci", "--samples", "100").out
    assert "95% bootstrap intervals: 100 resamples" in out
    assert "F1 95% CI" in out and "alpha 95% CI" in out
    bad = cli("agreement", path, "--ci", "--samples", "0")
    assert bad.code != 0 and "--samples" in bad.err


def test_resample_weights_count_each_draw():
    """The weights (built a block of rows at a time) are how often each article was drawn in each resample."""
    import numpy as np

    from annotator.core.agreement_ci import resample_weights

    for n, samples in ((7, 30), (10_000, 900), (0, 4)):
        rows = bootstrap_indices(n, samples, 11)
        weights = resample_weights(rows, n)
        assert weights.shape == (samples, n)
        expected = np.stack([np.bincount(r, minlength=n) for r in rows]) if n else np.zeros((samples, 0))
        assert (weights == expected).all()
    assert (bootstrap_indices(50, 10, 3) == bootstrap_indices(50, 10, 3)).all()
