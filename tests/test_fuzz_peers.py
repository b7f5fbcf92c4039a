"""The peer-tool importers are fuzz-clean too (issue 12 item 7, for the formats of issue 15): byte mutations of
real-shaped Prodigy, doccano, Label Studio, brat and WebAnno files, and structured mutations of the JSON ones
(any value replaced by another JSON type, a lone surrogate, a huge or negative number, deep nesting, a key
removed), either import or fail with one AnnotatorError line, and a failed import leaves the project byte-identical.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_fuzz_import import check_import, fuzz, mutated, template  # noqa: F401 (the fixture)

PEERS = Path(__file__).resolve().parent / "data" / "peers"
BYTE_CASES = {
    "prodigy": ("prodigy_ner.jsonl", "in.jsonl"),
    "doccano": ("doccano_entities.jsonl", "in.jsonl"),
    "doccano-old": ("doccano_old.jsonl", "in.jsonl"),
    "labelstudio": ("labelstudio.json", "in.json"),
    "labelstudio-min": ("labelstudio_min.json", "in.json"),
    "webanno": ("inception.tsv", "in.tsv"),
    "brat": ("brat/talks.ann", "in.ann"),
}


@pytest.mark.parametrize("case", sorted(BYTE_CASES))
def test_byte_mutations_of_peer_files(case, template, tmp_path):  # noqa: F811
    fixture_name, name = BYTE_CASES[case]
    fixture = (PEERS / fixture_name).read_bytes()
    if case == "brat":  # the standoff file reads its text beside it
        (tmp_path / "in.txt").write_bytes((PEERS / "brat" / "talks.txt").read_bytes())
    check_import(template, tmp_path, name, fixture)  # the fixture itself imports

    @fuzz(40)
    @given(mutated(fixture))
    def run(data):
        check_import(template, tmp_path, name, data)

    run()


ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.just("\ud800"),
    st.just([]),
    st.just({}),
    st.just([[[[[[[[[[]]]]]]]]]]),
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _replace(value, path, new):
    if not path:
        return new
    out = dict(value) if isinstance(value, dict) else list(value)
    out[path[0]] = _replace(value[path[0]], path[1:], new)
    return out


def _remove(value, path):
    out = dict(value) if isinstance(value, dict) else list(value)
    if len(path) == 1:
        if isinstance(out, dict):
            out.pop(path[0])
        else:
            out.pop(path[0])
        return out
    out[path[0]] = _remove(value[path[0]], path[1:])
    return out


@st.composite
def structured(draw, record):
    paths = [p for p in _paths(record) if p]
    path = draw(st.sampled_from(paths))
    if draw(st.booleans()):
        return _replace(record, path, draw(ODD_VALUES))
    return _remove(record, path)


JSON_CASES = {
    "prodigy": ("prodigy_ner.jsonl", "in.jsonl", "lines"),
    "doccano": ("doccano_entities.jsonl", "in.jsonl", "lines"),
    "labelstudio": ("labelstudio.json", "in.json", "whole"),
}


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_structured_mutations_of_peer_json(case, template, tmp_path):  # noqa: F811
    fixture_name, name, shape = JSON_CASES[case]
    text = (PEERS / fixture_name).read_text(encoding="utf-8")
    record = json.loads(text.splitlines()[0]) if shape == "lines" else json.loads(text)

    @fuzz(60)
    @given(structured(record))
    def run(value):
        data = json.dumps(value, ensure_ascii=True).encode("utf-8") + b"\n"
        check_import(template, tmp_path, name, data)

    run()
