"""Acceptance checks of issue 7 as an outside tester would write them: a custom scheme whose stance values are
the worked examples' categories (numbers, a target with a space), ratings imported through JSONL (whole numbers,
null for a missing rating), the CLI's JSON read at full precision, and the edge cases (one annotator, nothing
done, the order of --annotators).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from annotator.core.project import Project
from tests.conftest import file_snapshot

PAIR_KEYS = {"a", "b", "tp", "n_a", "n_b", "precision", "recall", "f1", "per_label"}
PRF_KEYS = {"tp", "n_a", "n_b", "precision", "recall", "f1"}


def rating_project(cli, tmp_path: Path, ratings: dict[str, list], values: list) -> Path:
    """A scheme written as a tester would (TOML numbers allowed), one article per unit, JSONL ratings."""
    scheme = tmp_path / "scale.toml"
    listed = ", ".join(json.dumps(v) for v in values)
    scheme.write_text(f'name = "scale"\n[stance]\ntargets = ["Target one"]\nvalues = [{listed}]\n', encoding="utf-8")
    rows = []
    for who, unit_values in ratings.items():
        for i, value in enumerate(unit_values):
            rows.append({"id": f"u{i}", "text": f"Unit {i}.", "annotator": who, "stance": {"Target one": value}})
    src = tmp_path / "ratings.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proj = tmp_path / "ratings.annotator"
    assert cli("new", proj, "--scheme", scheme).code == 0
    result = cli("import", proj, src)
    assert result.code == 0, result
    return proj


def agreement(cli, proj: Path, *extra) -> dict:
    result = cli("agreement", proj, "--json", *extra)
    assert result.code == 0, result
    return json.loads(result.out)


def test_krippendorff_example_with_integer_values_and_null_for_missing(cli, tmp_path):
    m = None
    data = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3],
        "C": [m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m],
    }
    proj = rating_project(cli, tmp_path, data, [1, 2, 3, 4, 5])
    with Project.open(proj) as project:
        assert project.scheme.stance_values == ("1", "2", "3", "4", "5")
        assert project.annotation("u0", "C").stance == {}  # null: no rating, not a category
    stance = agreement(cli, proj)["stance"]["Target one"]
    # Krippendorff (2011): alpha = 1 - (n - 1) D_o / D_e with n = 40, 8 disagreeing coincidences, and
    # n_c = 9, 13, 10, 5, 3 -> 1 - 39 * 8 / (1600 - 384) = 0.7434...
    assert stance["krippendorff_alpha"] == float(1 - Fraction(39 * 8, 40 * 40 - (81 + 169 + 100 + 25 + 9)))
    assert round(stance["krippendorff_alpha"], 3) == 0.743
    assert stance["units"] == 11


def test_fleiss_and_cohen_examples_with_string_categories(cli, tmp_path):
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    raters: dict[str, list] = {f"rater {k}": [] for k in range(14)}
    for row in table:
        values = [str(j + 1) for j, n in enumerate(row) for _ in range(n)]
        for name, v in zip(raters, values, strict=True):
            raters[name].append(v)
    stance = agreement(cli, rating_project(cli, tmp_path, raters, ["1", "2", "3", "4", "5"]))["stance"]["Target one"]
    assert round(stance["fleiss_kappa"], 3) == 0.210
    assert abs(stance["fleiss_kappa"] - 0.20993070442195522) < 1e-15

    cohen_dir = tmp_path / "cohen"
    cohen_dir.mkdir()
    a = ["Yes"] * 25 + ["No"] * 25
    b = ["Yes"] * 20 + ["No"] * 5 + ["Yes"] * 10 + ["No"] * 15
    stance = agreement(cli, rating_project(cli, cohen_dir, {"A": a, "B": b}, ["Yes", "No"]))["stance"]["Target one"]
    # the shape spelled out in the issue, exactly
    assert stance["cohen_kappa"] == [{"a": "A", "b": "B", "kappa": 0.4}]


def small_pair(cli, tmp_path: Path) -> Path:
    text = "Taliban fighters attacked Kabul and Herat on Monday, said NATO officials."

    def span(part: str, label: str) -> dict:
        start = text.index(part)
        return {"start": start, "end": start + len(part), "label": label}

    common = [span("Taliban", "ORG"), span("Kabul", "GPE"), span("Herat", "GPE"), span("Monday", "DATE")]
    rows = [
        {"id": "d1", "text": text, "annotator": "alice", "status": "done", "spans": [*common, span("NATO", "ORG")]},
        {"id": "d1", "text": text, "annotator": "bob", "status": "done", "spans": common},
    ]
    rows[0]["spans"].append(span("NATO officials", "ORG"))
    src = tmp_path / "pair.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proj = tmp_path / "pair.annotator"
    assert cli("new", proj).code == 0
    assert cli("import", proj, src).code == 0
    return proj


def test_issue_example_numbers_and_json_shape(cli, tmp_path):
    out = agreement(cli, small_pair(cli, tmp_path))
    assert {"annotators", "documents", "entities", "events", "stance"} <= set(out)
    assert out["annotators"] == ["alice", "bob"] and out["documents"] == 1
    for layer in ("entities", "events"):  # events: the same shape as entities, nothing else
        assert set(out[layer]) == {"exact", "overlap", "unlabelled"}
        for mode in out[layer].values():
            assert set(mode) == {"pairs", "mean_f1"}
            assert all(set(p) >= PAIR_KEYS for p in mode["pairs"])
    pair = out["entities"]["exact"]["pairs"][0]
    assert (pair["a"], pair["b"], pair["tp"], pair["n_a"], pair["n_b"]) == ("alice", "bob", 4, 6, 4)
    assert (pair["precision"], pair["recall"], pair["f1"]) == (1.0, 4 / 6, 0.8)  # full precision, A the reference
    assert out["entities"]["exact"]["mean_f1"] == 0.8
    assert set(pair["per_label"]["ORG"]) >= PRF_KEYS
    assert pair["per_label"]["ORG"]["recall"] == 1 / 3
    # overlap: "NATO" and "NATO officials" overlap bob's nothing, so still 4 one-to-one matches
    assert out["entities"]["overlap"]["pairs"][0]["tp"] == 4
    # no events anywhere: every ratio is undefined -> null
    ev = out["events"]["exact"]["pairs"][0]
    assert (ev["precision"], ev["recall"], ev["f1"], out["events"]["exact"]["mean_f1"]) == (None, None, None, None)
    for target in out["stance"].values():
        assert set(target) >= {"units", "observed_agreement", "krippendorff_alpha", "fleiss_kappa", "cohen_kappa"}
        assert all(set(c) == {"a", "b", "kappa"} for c in target["cohen_kappa"])


def test_annotators_order_sets_the_reference(cli, tmp_path):
    out = agreement(cli, small_pair(cli, tmp_path), "--annotators", "bob,alice")
    assert out["annotators"] == ["bob", "alice"]
    pair = out["entities"]["exact"]["pairs"][0]
    assert (pair["a"], pair["b"], pair["n_a"], pair["n_b"]) == ("bob", "alice", 4, 6)
    assert (pair["precision"], pair["recall"], pair["f1"]) == (4 / 6, 1.0, 0.8)


def test_one_annotator_or_nothing_done_gives_nulls_not_errors(cli, tmp_path):
    proj = small_pair(cli, tmp_path)
    out = agreement(cli, proj, "--annotators", "alice")
    assert out["annotators"] == ["alice"] and out["documents"] == 0
    assert out["entities"]["exact"] == {"pairs": [], "mean_f1": None}
    assert all(t["krippendorff_alpha"] is None and t["fleiss_kappa"] is None for t in out["stance"].values())
    text = cli("agreement", proj, "--annotators", "alice")
    assert text.code == 0 and "at least two annotators" in text.out

    with Project.open(proj) as project:
        project.set_status("d1", "bob", "in_progress")
    out = agreement(cli, proj)
    assert out["documents"] == 0
    pair = out["entities"]["exact"]["pairs"][0]
    assert (pair["tp"], pair["n_a"], pair["n_b"], pair["f1"]) == (0, 0, 0, None)
    assert out["stance"]["Taliban"]["observed_agreement"] is None

    snap = file_snapshot(proj)
    bad = cli("agreement", proj, "--annotators", "alice,carol")
    assert bad.code == 1 and "carol" in bad.err and bad.err.count("\n") == 1
    assert file_snapshot(proj) == snap
