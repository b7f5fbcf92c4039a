"""Agreement coefficients against published worked examples, imported through JSONL and read from the CLI's JSON.

- Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders x 12 units with missing values,
  nominal alpha = 0.743;
- Wikipedia, "Fleiss' kappa": 10 subjects, 14 raters, 5 categories, kappa = 0.210;
- Wikipedia, "Cohen's kappa": 50 grant proposals (20 both yes, 15 both no, 5 and 10 disagreements), kappa = 0.4.
Expected values are recomputed here exactly (fractions, by the textbook route, not the implementation's shortcut),
and compared with the JSON floats at full precision.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from tests.conftest import DATA

SCHEME = DATA / "coding_scheme.toml"


def make_project(cli, tmp_path: Path, ratings: dict[str, list[str | None]]) -> Path:
    """One article per unit; each annotator marks every unit done, rating it (or leaving T unset for None)."""
    lines = []
    n_units = len(next(iter(ratings.values())))
    for who, values in ratings.items():
        assert len(values) == n_units
        for i, value in enumerate(values):
            stance = {} if value is None else {"T": value}
            text = f"Unit {i + 1} of the worked example."
            lines.append({"id": f"u{i + 1:02d}", "text": text, "annotator": who, "status": "done", "stance": stance})
    jsonl = tmp_path / "ratings.jsonl"
    jsonl.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    proj = tmp_path / "coding.annotator"
    assert cli("new", proj, "--scheme", SCHEME).code == 0
    result = cli("import", proj, jsonl)
    assert result.code == 0, result
    return proj


def agreement_json(cli, proj: Path, *extra: str) -> dict:
    result = cli("agreement", proj, "--json", *extra)
    assert result.code == 0, result
    return json.loads(result.out)


def parse(row: str) -> list[str | None]:
    return [None if x == "." else x for x in row.split()]


KRIPPENDORFF = {
    "A": parse("1 2 3 3 2 1 4 1 2 . . ."),
    "B": parse("1 2 3 3 2 2 4 1 2 5 . 3"),
    "C": parse(". 3 3 3 2 3 4 2 2 5 1 ."),
    "D": parse("1 2 3 3 2 4 4 1 2 5 1 ."),
}


def alpha_by_coincidence_matrix(data: dict[str, list[str | None]]) -> Fraction:
    """The paper's route: coincidences o_ck over ordered pairs of values within each unit, weighted 1/(m_u - 1)."""
    o: dict[tuple[str, str], Fraction] = {}
    for unit in zip(*data.values(), strict=True):
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, vi in enumerate(values):
            for j, vj in enumerate(values):
                if i != j:
                    o[vi, vj] = o.get((vi, vj), Fraction(0)) + Fraction(1, m - 1)
    n_c: dict[str, Fraction] = {}
    for (c, _), v in o.items():
        n_c[c] = n_c.get(c, Fraction(0)) + v
    n = sum(n_c.values())
    disagree = sum(v for (c, k), v in o.items() if c != k)
    expected = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k)
    return 1 - (n - 1) * disagree / expected


def test_krippendorff_2011_alpha_nominal_with_missing_values(cli, tmp_path):
    proj = make_project(cli, tmp_path, KRIPPENDORFF)
    out = agreement_json(cli, proj)
    stance = out["stance"]["T"]
    expected = alpha_by_coincidence_matrix(KRIPPENDORFF)
    assert round(float(expected), 3) == 0.743  # the value printed in the paper
    assert stance["krippendorff_alpha"] == float(expected)
    # unit 12 has a single rating: not pairable, so 11 units and 40 pairable values
    assert stance["units"] == 11
    # observed agreement = diagonal of the coincidence matrix / n = 32 / 40
    assert stance["observed_agreement"] == 0.8
    # units 2-9 are rated by all four coders
    assert stance["fleiss_units"] == 8
    assert out["documents"] == 12
    assert out["annotators"] == ["A", "B", "C", "D"]
    assert len(stance["cohen_kappa"]) == 6


# Wikipedia's Fleiss example: n_ij, the number of raters who put subject i in category j
FLEISS_TABLE = [
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


def fleiss_textbook(table: list[list[int]]) -> Fraction:
    n = sum(table[0])
    big_n = len(table)
    p_i = [Fraction(sum(x * x for x in row) - n, n * (n - 1)) for row in table]
    p_bar = sum(p_i) / big_n
    p_j = [Fraction(sum(row[j] for row in table), big_n * n) for j in range(len(table[0]))]
    p_e = sum(p * p for p in p_j)
    return (p_bar - p_e) / (1 - p_e)


def test_wikipedia_fleiss_kappa(cli, tmp_path):
    raters = [f"r{k:02d}" for k in range(1, 15)]
    ratings: dict[str, list[str | None]] = {r: [] for r in raters}
    for row in FLEISS_TABLE:
        values = [str(j + 1) for j, count in enumerate(row) for _ in range(count)]
        for rater, value in zip(raters, values, strict=True):
            ratings[rater].append(value)
    proj = make_project(cli, tmp_path, ratings)
    stance = agreement_json(cli, proj)["stance"]["T"]
    expected = fleiss_textbook(FLEISS_TABLE)
    assert round(float(expected), 3) == 0.210
    assert stance["fleiss_kappa"] == float(expected)
    assert stance["fleiss_units"] == 10
    assert stance["units"] == 10
    assert len(stance["cohen_kappa"]) == 14 * 13 // 2


def test_wikipedia_cohen_kappa(cli, tmp_path):
    a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    proj = make_project(cli, tmp_path, {"A": a, "B": b})
    stance = agreement_json(cli, proj)["stance"]["T"]
    assert stance["cohen_kappa"] == [{"a": "A", "b": "B", "kappa": 0.4}]
    assert stance["observed_agreement"] == 0.7
    # two raters, no missing values: Fleiss' kappa is Scott's pi, pooled marginals 55 yes / 45 no of 100
    p_e = Fraction(55, 100) ** 2 + Fraction(45, 100) ** 2
    assert stance["fleiss_kappa"] == float((Fraction(7, 10) - p_e) / (1 - p_e))
    # Krippendorff's alpha: 1 - (n - 1) * (n - O) / (n^2 - sum n_c^2), n = 100 values, O = 70 agreeing
    assert stance["krippendorff_alpha"] == float(1 - Fraction(99 * 30, 100 * 100 - (55 * 55 + 45 * 45)))
    assert stance["units"] == 50


def test_annotators_option_restricts_the_raters(cli, tmp_path):
    proj = make_project(cli, tmp_path, KRIPPENDORFF)
    out = agreement_json(cli, proj, "--annotators", "A,B")
    stance = out["stance"]["T"]
    assert out["annotators"] == ["A", "B"]
    assert [(c["a"], c["b"]) for c in stance["cohen_kappa"]] == [("A", "B")]
    # A and B both rate units 1-9: they differ on unit 6 only
    assert stance["pair_units"][0]["units"] == 9
    assert stance["observed_agreement"] == float(Fraction(8, 9))
