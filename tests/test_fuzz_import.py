"""Importers are fuzz-clean: for every import format, structured mutations (valid records with wrong types, missing
keys, lone surrogates, huge or negative offsets, deep nesting) and byte mutations (flips, truncations, insertions
of valid fixture files) either import or fail with an AnnotatorError, and a failed import leaves the project file
byte-identical. A successful import leaves a project that opens again.

The example counts keep the whole file to about 20 seconds; multiply them locally (FUZZ_SCALE=20) to hunt.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import AnnotatorError
from annotator.core.importing import import_records
from annotator.core.project import Project
from annotator.formats import read_paths
from tests.conftest import SAMPLES

SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    """Hypothesis settings for `examples` examples (times FUZZ_SCALE): no deadline, no example database."""
    return settings(
        max_examples=max(1, round(examples * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


TEXT = "The Taliban attacked Kabul on Tuesday.\nFighting continued in Herat."


class Template(bytes):
    """The template project's bytes, with a short repr (hypothesis prints arguments of failing examples)."""

    def __repr__(self) -> str:
        return f"<project of {len(self):,} bytes>"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Template:
    """A closed project with one sample article and one annotated layer; its bytes restore it between examples."""
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "base.annotator"
    with Project.create(path) as project:
        seed = folder / "seed.jsonl"
        seed.write_text(json.dumps({"id": "seed", "text": TEXT, "annotator": "alice", "spans": [_span(21, 26)]}))
        import_records(project, read_paths([SAMPLES / "000_2db5164f2d7f3a9c.txt", seed]))
    return Template(path.read_bytes())


def _span(start: int, end: int, label: str = "GPE") -> dict:
    return {"start": start, "end": end, "label": label}


def check_import(original: bytes, folder: Path, name: str, data: bytes, fmt: str = "auto") -> None:
    """Import one file into a fresh copy of the template: success, or an AnnotatorError and an unchanged file."""
    project_path = folder / "fuzz.annotator"
    for extra in ("-wal", "-shm"):
        Path(f"{project_path}{extra}").unlink(missing_ok=True)
    project_path.write_bytes(original)
    source = folder / name
    source.write_bytes(data)
    try:
        with Project.open(project_path) as project:
            import_records(project, read_paths([source], fmt))
    except AnnotatorError as exc:
        assert "\n" not in str(exc).strip(), str(exc)  # one line
        assert project_path.read_bytes() == original, f"failed import changed the project: {exc}"
    else:
        with Project.open(project_path, readonly=True) as project:
            project.stats()  # a successful import leaves a project that opens and reads


# -- byte mutations ---------------------------------------------------------------------------------------------
@st.composite
def mutated(draw, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "set", "truncate", "insert", "delete", "duplicate"]))
        at = draw(st.integers(0, max(0, len(out) - 1)))
        if op == "flip" and out:
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and out:
            out[at] = draw(st.sampled_from([0, 0x0A, 0x22, 0x2C, 0x5B, 0x5D, 0x7B, 0x7D, 0x80, 0xC3, 0xED, 0xFF]))
        elif op == "truncate":
            del out[at:]
        elif op == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del out[at : at + draw(st.integers(1, 16))]
        elif op == "duplicate":
            out[at:at] = out[at : at + draw(st.integers(1, 64))]
    return bytes(out)


def _fixture_jsonl() -> bytes:
    rows = [
        {"id": "a", "text": TEXT, "meta": {"source": "AFP"}},
        {
            "id": "b",
            "text": TEXT,
            "annotator": "bob",
            "status": "done",
            "spans": [_span(4, 11, "ORG"), _span(21, 26)],
            "events": [
                {
                    "type": "ATTACK",
                    "trigger": {"start": 12, "end": 20},
                    "arguments": [{"role": "Target", "start": 21, "end": 26}],
                }
            ],
            "stance": {"Taliban": "against"},
            "stance_evidence": {"Taliban": [{"start": 0, "end": 20}]},
            "note": "checked",
            "flags": ["unsure"],
        },
    ]
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def _fixture_csv() -> bytes:
    return b'id,text,source\na,"The Taliban attacked Kabul, they said.",AFP\nb,"Fighting in ""Herat"".",VOA\n'


def _fixture_conll() -> bytes:
    return (
        b"-DOCSTART- -X- O O\n\nThe -X- O O\nTaliban -X- O B-ORG\nattacked -X- O O\nKabul -X- O B-GPE\n. -X- O O\n\n"
        b"-DOCSTART- -X- O O\n\nHerat -X- O S-GPE\nfell -X- O O\n"
    )


def _fixture_conllu() -> bytes:
    cols = "\t_" * 7
    return (
        "# newdoc id = d1\n# sent_id = d1-1\n# text = The Taliban took Kabul.\n"
        f"1\tThe{cols}\t_\n2\tTaliban{cols}\tNE=B-ORG\n3\ttook{cols}\t_\n4\tKabul{cols}\tNE=B-GPE|SpaceAfter=No\n"
        f"5\t.{cols}\t_\n\n# text = Del norte.\n1-2\tDel{cols}\t_\n1\tDe{cols}\tNE=B-LOC\n2\tel{cols}\t_\n"
        f"2.1\tx{cols}\t_\n3\tnorte{cols}\tNE=I-LOC\n\n"
    ).encode()


@functools.cache
def _blank():
    import spacy

    return spacy.blank("en")


def _docbin_bytes(user_data: list[object], texts: list[str] | None = None, compress: bool = True) -> bytes:
    import srsly
    from spacy.tokens import DocBin

    nlp = _blank()
    db = DocBin(store_user_data=True)
    for i in range(len(user_data)):
        doc = nlp.make_doc((texts or [TEXT] * len(user_data))[i])
        if doc.text == TEXT:
            doc.ents = [doc.char_span(21, 26, label="GPE")]
        db.add(doc)
    raw = srsly.msgpack_loads(zlib.decompress(db.to_bytes()))
    raw["user_data"] = [srsly.msgpack_dumps(d) for d in user_data]
    payload = srsly.msgpack_dumps(raw)
    return zlib.compress(payload) if compress else payload


def _layer() -> dict:
    return {
        "id": "s1",
        "annotator": "alice",
        "spans": [_span(21, 26)],
        "events": [{"type": "ATTACK", "trigger": [12, 20], "arguments": [{"role": "Target", "start": 21, "end": 26}]}],
        "stance": {"Taliban": "against"},
        "stance_evidence": {"Taliban": [[0, 20]]},
    }


FIXTURES = {
    "txt": lambda: (SAMPLES / "001_5b53017ce4b5671c.txt").read_bytes()[:600],
    "jsonl": _fixture_jsonl,
    "csv": _fixture_csv,
    "conll": _fixture_conll,
    "conllu": _fixture_conllu,
}


@pytest.mark.parametrize("fmt", sorted(FIXTURES))
def test_byte_mutations_of_text_formats(fmt, template, tmp_path):
    fixture = FIXTURES[fmt]()
    check_import(template, tmp_path, f"fixture.{fmt}", fixture)  # the fixture itself imports

    @fuzz(50)
    @given(mutated(fixture))
    def run(data):
        check_import(template, tmp_path, f"in.{fmt}", data)

    run()


def test_byte_mutations_of_docbin(template, tmp_path):
    packed = _docbin_bytes([_layer(), {}])
    payload = zlib.decompress(packed)
    check_import(template, tmp_path, "fixture.spacy", packed)

    @fuzz(60)
    @given(st.booleans(), mutated(packed), mutated(payload))
    def run(inner, outer_bytes, inner_bytes):
        # flips in the compressed stream mostly break zlib; flips in the payload reach msgpack and spaCy
        check_import(template, tmp_path, "in.spacy", zlib.compress(inner_bytes) if inner else outer_bytes)

    run()


# -- structured mutations ---------------------------------------------------------------------------------------
SURROGATE = st.sampled_from(["\ud800", "a\udfffb", "\udc80"])
ODD_STRINGS = st.one_of(
    st.text(max_size=12),
    SURROGATE,
    st.sampled_from(["", " ", " GPE", "GPE ", "gold", "\u202eRTL", "a\nb", "\x00", "<b>x</b>", "🙂", "x" * 300]),
)
ODD_INTS = st.one_of(
    st.integers(-3, 80), st.sampled_from([-(2**63), 2**63, 2**64 + 1, 10**30, -1]), st.booleans(), st.floats()
)


class Deep:
    """A value nested `depth` levels deep, built only when written (so hypothesis never prints it)."""

    def __init__(self, depth: int):
        self.depth = depth

    def __repr__(self) -> str:
        return f"Deep({self.depth})"

    def build(self) -> object:
        value: object = 1
        for i in range(self.depth):
            value = [value] if i % 2 else {"k": value}
        return value

    def json(self) -> str:
        opens = "".join("[" if i % 2 else '{"k": ' for i in reversed(range(self.depth)))
        closes = "".join("]" if i % 2 else "}" for i in range(self.depth))
        return opens + "1" + closes


def _built(value: object) -> object:
    """The value with every Deep built (for msgpack)."""
    if isinstance(value, Deep):
        return value.build()
    if isinstance(value, dict):
        return {k: _built(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_built(v) for v in value]
    return value


JSON_VALUES = st.recursive(
    st.one_of(st.none(), ODD_INTS, ODD_STRINGS),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(ODD_STRINGS, inner, max_size=3)),
    max_leaves=8,
) | st.sampled_from([Deep(99), Deep(150), Deep(1200)])


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every place in a valid record: each dict key and list index, at every depth."""
    out = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        out.append((*prefix, key))
        out += _paths(item, (*prefix, key))
    return out


def _mutate(record: dict, path: tuple, action: str, value: object) -> None:
    """Replace or delete the value at `path` (skipped if earlier mutations removed the way there)."""
    obj: object = record
    for step in path[:-1]:
        try:
            obj = obj[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    if isinstance(obj, dict) or (isinstance(obj, list) and isinstance(last, int) and last < len(obj)):
        if action == "delete":
            obj.pop(last) if isinstance(obj, list) else obj.pop(last, None)
        else:
            obj[last] = copy.deepcopy(value)  # sampled values are shared between examples: never alias them


# values of the wrong type (or the right type with hostile content) for any place in a record
WRONG = st.one_of(
    ODD_INTS,
    ODD_STRINGS,
    st.none(),
    st.sampled_from([[], {}, [1, 2], {"start": 1}, Deep(99), Deep(150), Deep(1200)]),
    JSON_VALUES,
)


@st.composite
def mutated_record(draw, base: dict | None = None) -> dict:
    """A valid annotated record with one to three places replaced (by a wrong or hostile value) or removed."""
    record = json.loads(json.dumps(base)) if base is not None else json.loads(_fixture_jsonl().splitlines()[1])
    if base is None:
        record["meta"] = {"source": "AFP", "tags": ["a"]}
    places = [*_paths(record), ("extra",), ("events", 0, "extra")]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "replace", "replace", "delete"]))
        _mutate(record, path, action, draw(WRONG) if action == "replace" else None)
    return record


def _dumps(value: object) -> str:
    """JSON with lone surrogates as \\ud800 escapes (as in crafted files) and Deep values written out."""
    deeps: list[Deep] = []

    def placeholder(obj: object) -> str:
        deeps.append(obj)  # type: ignore[arg-type]
        return f"@@deep{len(deeps) - 1}@@"

    text = json.dumps(value, default=placeholder)
    for n, d in enumerate(deeps):
        text = text.replace(f'"@@deep{n}@@"', d.json())
    return text


@fuzz(150)
@given(st.lists(mutated_record(), min_size=1, max_size=3))
def test_structured_jsonl(template, tmp_path_factory, records):
    folder = tmp_path_factory.mktemp("jsonl", numbered=True)
    check_import(template, folder, "in.jsonl", "\n".join(_dumps(r) for r in records).encode())


CSV_CELLS = st.one_of(
    st.text(max_size=20), st.sampled_from(['"', '""', "a,b", "line\nbreak", "\r", "x" * 140_000, " ", "text"])
)


@fuzz(50)
@given(
    st.lists(st.sampled_from(["id", "text", "TEXT ", "source", "", "text"]), min_size=1, max_size=4),
    st.lists(st.lists(CSV_CELLS, max_size=5), max_size=4),
    st.sampled_from(["csv", "tsv"]),
)
def test_structured_csv(template, tmp_path_factory, header, rows, ext):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel-tab" if ext == "tsv" else "excel")
    writer.writerow(header)
    writer.writerows(rows)
    folder = tmp_path_factory.mktemp("csv", numbered=True)
    check_import(template, folder, f"in.{ext}", buffer.getvalue().encode("utf-8", "surrogatepass"))


TAGS = st.sampled_from(["O", "B-GPE", "I-GPE", "E-GPE", "S-ORG", "L-PER", "U-LOC", "B-", "X-GPE", "B-GPE X", "I-"])
TOKENS = st.sampled_from(["Kabul", "the", "-DOCSTART-", ".", "’", "a\u00a0b", "#", "1-2", "-X-"])


@fuzz(60)
@given(st.lists(st.one_of(st.just(""), st.tuples(TOKENS, TAGS).map(" -X- O ".join), TOKENS), max_size=25))
def test_structured_conll(template, tmp_path_factory, lines):
    folder = tmp_path_factory.mktemp("conll", numbered=True)
    check_import(template, folder, "in.conll", ("\n".join(lines) + "\n").encode())


CONLLU_IDS = st.sampled_from(["1", "2", "3", "1-2", "2-3", "3-1", "1-", "-1", "2.1", "x", "0", "99999999999", "1-2-3"])
MISC = st.sampled_from(["_", "NE=B-GPE", "NE=I-GPE", "SpaceAfter=No", "NE=B-ORG|SpaceAfter=No", "NE=Q-X", "name=O"])
CONLLU_LINES = st.one_of(
    st.just(""),
    st.sampled_from(["# newdoc id = d", "# newdoc", "# text = Kabul fell.", "# text =", "# sent_id = 1", "#"]),
    st.tuples(CONLLU_IDS, TOKENS, MISC).map(lambda t: f"{t[0]}\t{t[1]}" + "\t_" * 7 + f"\t{t[2]}"),
    st.tuples(CONLLU_IDS, TOKENS).map("\t".join),
)


@fuzz(80)
@given(st.lists(CONLLU_LINES, max_size=25))
def test_structured_conllu(template, tmp_path_factory, lines):
    folder = tmp_path_factory.mktemp("conllu", numbered=True)
    check_import(template, folder, "in.conllu", ("\n".join(lines) + "\n").encode())


@st.composite
def mutated_layer(draw) -> object:
    layer = draw(mutated_record(_layer()))
    return draw(st.sampled_from([layer, layer, layer, [layer], 5, None]))


def _msgpack_safe(value: object) -> object:
    """msgpack cannot carry lone surrogates or integers beyond 64 bits: what a DocBin file can hold."""
    import srsly

    value = _built(value)
    try:
        srsly.msgpack_dumps(value)
    except Exception:
        return {"spans": "unpackable"}
    return value


@fuzz(150)
@given(st.lists(mutated_layer(), min_size=1, max_size=3), st.lists(st.sampled_from([TEXT, "", " ", "x"]), max_size=3))
def test_structured_docbin(template, tmp_path_factory, layers, texts):
    layers = [_msgpack_safe(layer) for layer in layers]
    texts = (texts + [TEXT] * len(layers))[: len(layers)]
    try:
        data = _docbin_bytes(layers, [t or TEXT for t in texts])
    except Exception:  # a layer DocBin itself cannot hold (user_data must be a dict): spaCy refuses to write it
        data = _docbin_bytes([{}])
    folder = tmp_path_factory.mktemp("spacy", numbered=True)
    check_import(template, folder, "in.spacy", data)
