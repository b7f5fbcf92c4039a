"""JSONL import -> export returns identical text, spans, events, stance (emoji, CRLF, NBSP, right-to-left text)."""

from __future__ import annotations

import json

from annotator.core.project import Project

TEXTS = {
    "emoji": "😀👍🏽 The Taliban 🇦🇫 attacked Kabul on Tuesday.",
    "crlf": "Line one\r\nThe Taliban\r\nattacked Herat.\r\n",
    "nbsp": "Defense\u00a0Minister Bismillah\u00a0Mohammadi escaped the Taliban in Kabul.",
    "rtl": "قالت طالبان إنها سيطرت على قندهار. Taliban said.",
    "combining": "Cafe\u0301 owners in Herat fled; the Taliban took Kandahar.",
}


def _span(text: str, needle: str, label: str) -> dict:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle), "label": label}


def _lines() -> list[dict]:
    out = []
    for doc_id, text in TEXTS.items():
        taliban = text.index("Taliban")
        out.append(
            {
                "id": doc_id,
                "text": text,
                "meta": {"outlet": "test", "lang": "ar" if doc_id == "rtl" else "en"},
                "annotator": "alice",
                "status": "done",
                "spans": sorted(
                    [_span(text, "Taliban", "ORG")]
                    + ([_span(text, "Kabul", "GPE")] if "Kabul" in text else [])
                    + ([_span(text, "قندهار", "GPE")] if doc_id == "rtl" else []),
                    key=lambda s: (s["start"], s["end"], s["label"]),
                ),
                "events": [
                    {
                        "type": "ATTACK",
                        "trigger": {"start": taliban, "end": taliban + 7},
                        "arguments": [{"role": "Attacker", "start": taliban, "end": taliban + 7}],
                    }
                ],
                "stance": {"Taliban": "against", "United States": "not mentioned"},
                "stance_evidence": {"Taliban": [{"start": 0, "end": 3}]},
                "note": f"note on {doc_id} ✓",
            }
        )
    out.append({"id": "plain", "text": "An article nobody annotated.\u2028Second line.", "meta": {}})
    out.append({**out[0], "annotator": "bob", "status": "in_progress", "stance": {}, "stance_evidence": {}})
    return out


def test_jsonl_round_trip_is_identical(cli, project_path, tmp_path):
    src = tmp_path / "in.jsonl"
    lines = _lines()
    src.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    assert cli("import", project_path, src).code == 0
    out = tmp_path / "out.jsonl"
    assert cli("export", project_path, out, "--format", "jsonl").code == 0
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line]

    def key(x):
        return (x["id"], x.get("annotator", ""))

    expected = sorted(lines, key=key)
    got = sorted(exported, key=key)
    assert len(got) == len(expected)
    for want, have in zip(expected, got, strict=True):
        assert have["text"] == want["text"]
        assert have["meta"] == want["meta"]
        for field in ("annotator", "status", "spans", "events", "stance", "note"):
            assert have.get(field) == want.get(field), (want["id"], field)
        assert have.get("stance_evidence", {}) == want.get("stance_evidence", {})
    # the spans still cover the same characters
    with Project.open(project_path) as p:
        for doc_id, text in TEXTS.items():
            spans = p.annotation(doc_id, "alice").spans
            assert "Taliban" in {text[s.start : s.end] for s in spans}


def test_export_one_annotator_and_reimport_into_fresh_project(cli, project_path, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in _lines()), encoding="utf-8")
    cli("import", project_path, src)
    out = tmp_path / "bob.jsonl"
    assert cli("export", project_path, out, "--annotator", "bob").code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line]
    assert [(r["id"], r["annotator"], r["status"]) for r in rows] == [("emoji", "bob", "in_progress")]
    fresh = tmp_path / "fresh.annotator"
    cli("new", fresh)
    assert cli("import", fresh, out).code == 0
    out2 = tmp_path / "bob2.jsonl"
    cli("export", fresh, out2)
    assert out2.read_bytes() == out.read_bytes()
    assert cli("export", project_path, out, "--annotator", "zoe").code == 1
