"""Span, trigger and argument agreement on hand-checked cases, through JSONL import and the CLI's JSON.

Cases: exact vs overlap boundaries, a label swap (caught by unlabelled only), an empty article, an annotator who
never used a label, undefined values as null, gold left out unless named, and which articles count.
"""

from __future__ import annotations

import json
from pathlib import Path

TEXT = "Taliban fighters attacked Kabul on Tuesday, officials in Herat said."
EMPTY_TEXT = "Nothing to label here."


def at(word: str, label: str) -> dict:
    start = TEXT.index(word)
    return {"start": start, "end": start + len(word), "label": label}


def line(who: str, doc: str = "d1", status: str = "done", **work) -> dict:
    text = TEXT if doc == "d1" else EMPTY_TEXT if doc == "d2" else f"Article {doc}."
    return {"id": doc, "text": text, "annotator": who, "status": status, **work}


def attack(attacker: str) -> dict:
    trig = at("attacked", "ATTACK")
    return {
        "type": "ATTACK",
        "trigger": {"start": trig["start"], "end": trig["end"]},
        "arguments": [
            {"role": "Attacker", **{k: v for k, v in at(attacker, "").items() if k != "label"}},
            {"role": "Place", **{k: v for k, v in at("Kabul", "").items() if k != "label"}},
        ],
    }


ALICE = line(
    "alice",
    spans=[at("Taliban", "ORG"), at("Kabul", "GPE"), at("Tuesday", "DATE")],
    events=[attack("Taliban fighters")],
    stance={"Taliban": "against"},
)
# bob: same ORG, a GPE one character wider (overlap, not exact), TIME where alice said DATE (label swap);
# bob never uses DATE; his ATTACK has the same trigger and Place but a shorter Attacker.
BOB = line(
    "bob",
    spans=[at("Taliban", "ORG"), at(" Kabul", "GPE"), at("Tuesday", "TIME")],
    events=[attack("Taliban")],
    stance={"Taliban": "neutral"},
)


def build(cli, tmp_path: Path, lines: list[dict], name: str = "spans") -> Path:
    proj = tmp_path / f"{name}.annotator"
    assert cli("new", proj).code == 0
    jsonl = tmp_path / f"{name}.jsonl"
    jsonl.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    result = cli("import", proj, jsonl)
    assert result.code == 0, result
    return proj


def agreement(cli, proj: Path, *extra: str) -> dict:
    result = cli("agreement", proj, "--json", *extra)
    assert result.code == 0, result
    return json.loads(result.out)


STANDARD = [ALICE, BOB, line("alice", "d2"), line("bob", "d2")]


def test_exact_overlap_unlabelled_on_hand_checked_article(cli, tmp_path):
    out = agreement(cli, build(cli, tmp_path, STANDARD), "--per-document")
    assert out["annotators"] == ["alice", "bob"]
    assert out["documents"] == 2
    exact = out["entities"]["exact"]["pairs"][0]
    assert (exact["a"], exact["b"], exact["tp"], exact["n_a"], exact["n_b"]) == ("alice", "bob", 1, 3, 3)
    assert exact["precision"] == exact["recall"] == exact["f1"] == 1 / 3
    overlap = out["entities"]["overlap"]["pairs"][0]
    assert (overlap["tp"], overlap["f1"]) == (2, 2 / 3)
    unlabelled = out["entities"]["unlabelled"]["pairs"][0]
    assert (unlabelled["tp"], unlabelled["f1"]) == (2, 2 / 3)
    assert unlabelled["per_label"] == {}
    assert out["entities"]["exact"]["mean_f1"] == 1 / 3


def test_label_swap_and_a_label_never_used(cli, tmp_path):
    out = agreement(cli, build(cli, tmp_path, STANDARD))
    per_label = out["entities"]["exact"]["pairs"][0]["per_label"]
    # bob never used DATE: precision undefined (0/0), recall and F1 zero
    assert per_label["DATE"] == {"tp": 0, "n_a": 1, "n_b": 0, "precision": None, "recall": 0.0, "f1": 0.0}
    assert per_label["TIME"] == {"tp": 0, "n_a": 0, "n_b": 1, "precision": 0.0, "recall": None, "f1": 0.0}
    assert per_label["ORG"]["f1"] == 1.0
    assert per_label["GPE"]["f1"] == 0.0
    assert out["entities"]["overlap"]["pairs"][0]["per_label"]["GPE"]["f1"] == 1.0
    # macro over the four labels in play: (1 + 0 + 0 + 0) / 4
    assert out["entities"]["exact"]["pairs"][0]["macro_f1"] == 0.25
    assert out["label_confusion"]["entities"] == [{"a_label": "DATE", "b_label": "TIME", "count": 1}]


def test_empty_article_counts_but_is_undefined_per_document(cli, tmp_path):
    out = agreement(cli, build(cli, tmp_path, STANDARD), "--per-document")
    per_doc = out["entities"]["exact"]["pairs"][0]["per_document"]
    assert per_doc["d2"] == {"tp": 0, "n_a": 0, "n_b": 0, "precision": None, "recall": None, "f1": None}
    assert per_doc["d1"]["f1"] == 1 / 3
    # an article with nothing to label does not change the pooled scores
    without = agreement(cli, build(cli, tmp_path, [ALICE, BOB], "without"))
    assert without["entities"]["exact"]["pairs"][0]["f1"] == 1 / 3
    assert without["documents"] == 1


def test_event_triggers_and_arguments(cli, tmp_path):
    out = agreement(cli, build(cli, tmp_path, STANDARD))
    trig = out["events"]["exact"]["pairs"][0]
    assert (trig["tp"], trig["n_a"], trig["n_b"], trig["f1"]) == (1, 1, 1, 1.0)
    assert trig["per_label"]["ATTACK"]["f1"] == 1.0
    args_exact = out["event_arguments"]["exact"]["pairs"][0]
    assert (args_exact["tp"], args_exact["n_a"], args_exact["n_b"], args_exact["f1"]) == (1, 2, 2, 0.5)
    assert args_exact["per_label"]["Attacker"]["f1"] == 0.0
    assert args_exact["per_label"]["Place"]["f1"] == 1.0
    assert out["event_arguments"]["overlap"]["pairs"][0]["f1"] == 1.0


def test_stance_disagreement_is_undefined_kappa_when_one_unit(cli, tmp_path):
    out = agreement(cli, build(cli, tmp_path, STANDARD))
    taliban = out["stance"]["Taliban"]
    # one pairable unit (d1, against vs neutral); d2 has no stance: missing, not a category
    assert taliban["units"] == 1
    assert taliban["observed_agreement"] == 0.0
    # two categories, each once: D_e > 0, alpha = 1 - (2 - 1) * 2 / (4 - 2) = 0
    assert taliban["krippendorff_alpha"] == 0.0
    assert taliban["cohen_kappa"] == [{"a": "alice", "b": "bob", "kappa": 0.0}]
    untouched = out["stance"]["United States"]
    assert untouched == {
        "units": 0,
        "observed_agreement": None,
        "krippendorff_alpha": None,
        "fleiss_kappa": None,
        "fleiss_units": 0,
        "cohen_kappa": [{"a": "alice", "b": "bob", "kappa": None}],
        "pair_units": [{"a": "alice", "b": "bob", "units": 0}],
    }


def test_all_agree_on_one_category_is_undefined_not_one(cli, tmp_path):
    lines = [
        line("alice", "d3", stance={"Taliban": "against"}),
        line("bob", "d3", stance={"Taliban": "against"}),
        line("alice", "d4", stance={"Taliban": "against"}),
        line("bob", "d4", stance={"Taliban": "against"}),
    ]
    taliban = agreement(cli, build(cli, tmp_path, lines))["stance"]["Taliban"]
    assert taliban["observed_agreement"] == 1.0
    assert taliban["krippendorff_alpha"] is None
    assert taliban["fleiss_kappa"] is None
    assert taliban["cohen_kappa"][0]["kappa"] is None


def test_only_articles_both_marked_done_count(cli, tmp_path):
    lines = [
        *STANDARD,
        line("carol", "d1", status="in_progress", spans=[at("Taliban", "ORG")], stance={"Taliban": "favor"}),
    ]
    out = agreement(cli, build(cli, tmp_path, lines), "--annotators", "alice,carol")
    pair = out["entities"]["exact"]["pairs"][0]
    assert out["documents"] == 0
    assert (pair["tp"], pair["n_a"], pair["n_b"], pair["precision"], pair["recall"], pair["f1"]) == (
        0,
        0,
        0,
        None,
        None,
        None,
    )
    assert out["entities"]["exact"]["mean_f1"] is None
    assert out["stance"]["Taliban"]["units"] == 0
    # the default leaves out nobody but gold: carol is compared, on nothing she finished
    default = agreement(cli, build(cli, tmp_path, lines, "default"))
    assert default["annotators"] == ["alice", "bob", "carol"]
    assert [(p["a"], p["b"]) for p in default["entities"]["exact"]["pairs"]] == [
        ("alice", "bob"),
        ("alice", "carol"),
        ("bob", "carol"),
    ]
    assert default["documents"] == 2


def test_gold_is_left_out_unless_named(cli, tmp_path):
    gold = line("gold", spans=[at("Taliban", "ORG"), at("Kabul", "GPE"), at("Tuesday", "DATE")])
    proj = build(cli, tmp_path, [*STANDARD, gold])
    assert agreement(cli, proj)["annotators"] == ["alice", "bob"]
    named = agreement(cli, proj, "--annotators", "gold,alice")
    pair = named["entities"]["exact"]["pairs"][0]
    assert (pair["a"], pair["b"], pair["f1"]) == ("gold", "alice", 1.0)
    assert named["documents"] == 1


def test_unknown_annotator_is_one_line_error(cli, tmp_path):
    proj = build(cli, tmp_path, STANDARD)
    result = cli("agreement", proj, "--annotators", "alice,zoe")
    assert result.code == 1
    assert "no annotator 'zoe'" in result.err
    assert result.err.count("\n") == 1


def test_readable_table(cli, tmp_path):
    result = cli("agreement", build(cli, tmp_path, STANDARD))
    assert result.code == 0
    assert "alice / bob" in result.out
    assert "0.333" in result.out  # exact F1
    assert "Taliban" in result.out


def test_unpacked_reading_gives_the_same_numbers(cli, tmp_path, monkeypatch):
    """Spans are read packed into one integer when they fit; the plain path (huge texts) must agree."""
    from annotator.core import agreement as agreement_module

    proj = build(cli, tmp_path, STANDARD)
    packed = agreement(cli, proj, "--per-document")
    monkeypatch.setattr(agreement_module, "_PACK_LIMIT", 0)
    assert agreement(cli, proj, "--per-document") == packed


def test_project_without_any_annotation(cli, tmp_path):
    out = agreement(cli, build(cli, tmp_path, [{"id": "d1", "text": TEXT}]))
    assert out["annotators"] == [] and out["documents"] == 0
    assert out["entities"]["exact"] == {"pairs": [], "mean_f1": None}
    assert out["stance"]["Taliban"]["fleiss_kappa"] is None
    assert "needs at least two annotators" in cli("agreement", tmp_path / "spans.annotator").out


def test_text_with_nul_is_scored_like_any_other(cli, tmp_path):
    """SQLite's length() stops at U+0000; packed offsets must not collide on such an article."""
    text = "ab\u0000cdefghijklmnop"
    lines = [
        {
            "id": "n1",
            "text": text,
            "annotator": "alice",
            "status": "done",
            "spans": [{"start": 5, "end": 9, "label": "ORG"}],
        },
        {
            "id": "n1",
            "text": text,
            "annotator": "bob",
            "status": "done",
            "spans": [{"start": 4, "end": 12, "label": "ORG"}],
        },
    ]
    out = agreement(cli, build(cli, tmp_path, lines, "nul"))
    exact = out["entities"]["exact"]["pairs"][0]
    assert (exact["tp"], exact["n_a"], exact["n_b"], exact["f1"]) == (0, 1, 1, 0.0)
    assert out["entities"]["overlap"]["pairs"][0]["f1"] == 1.0
    assert out["entities"]["unlabelled"]["pairs"][0]["f1"] == 0.0
