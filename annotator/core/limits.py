"""Limits on what a file may bring in, with the reason for each number, and the checks that name them.

Every limit here ends an import (or export) with one sentence naming the limit, instead of a traceback or
gigabytes of memory. The numbers are generous for real news corpora; they are meant to stop damaged or crafted
files, not to constrain research data.
"""

from __future__ import annotations

from collections.abc import Iterator

# One article. News articles are a few KB and books a few MB; suggestions process long articles in pieces with
# bounded memory, and an export tokenises an article whole with a blank tokenizer (about 150 MB per million
# characters), so 10 million characters is the largest article that stays usable everywhere.
MAX_ARTICLE_CHARS = 10_000_000

# A CSV field holds at most one article (plus quoting); Python's csv module refuses fields over 131,072
# characters by default, which is only a 130 KB article.
MAX_CSV_FIELD_CHARS = MAX_ARTICLE_CHARS + 1_000

# One JSONL line holds one record: an article within the limit even if every character is written as a \uXXXX
# escape (6 bytes), plus its annotations. Checked before the line is parsed, so a file without line breaks is not
# read whole into memory.
MAX_JSONL_LINE_BYTES = 6 * MAX_ARTICLE_CHARS + (4 << 20)

# A plain-text file is one article: UTF-8 takes at most 4 bytes a character.
MAX_TXT_FILE_BYTES = 4 * MAX_ARTICLE_CHARS

# JSON nesting. Our records nest 4 levels deep (events -> arguments -> offsets); `meta` from other tools a few more.
# Python's parser raises RecursionError near 1,000 levels, and a deeply nested `meta` cannot be stored.
MAX_JSON_DEPTH = 100

# `.spacy` (DocBin) files are zlib-compressed: a 1.5 MB file can expand to 1.5 GB. Real DocBins compress by a
# factor of 3 to 15 (token hashes and strings), so anything expanding more than 100 times its size beyond the
# first 64 MB is refused before it is expanded further. The compressed file itself is read whole, so it is capped.
MAX_DOCBIN_FILE_BYTES = 1 << 30
MAX_DOCBIN_RATIO = 100
DOCBIN_FREE_BYTES = 64 << 20


def docbin_expanded_limit(compressed_bytes: int) -> int:
    """How many bytes a DocBin of this compressed size may decompress to."""
    return max(DOCBIN_FREE_BYTES, MAX_DOCBIN_RATIO * compressed_bytes)


def megabytes(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB"


def article_problem(text: str) -> str | None:
    """None if the article length is within the limit, else the problem."""
    if len(text) > MAX_ARTICLE_CHARS:
        return f"the article has {len(text):,} characters, over the limit of {MAX_ARTICLE_CHARS:,}"
    return None


def surrogate_problem(value: str, what: str) -> str | None:
    """None if `value` can be stored as UTF-8, else the problem (JSON can escape lone surrogates, UTF-8 cannot)."""
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"{what} holds a lone surrogate (U+{ord(value[exc.start]):04X} at character {exc.start}), which is "
            "not text (a \\u escape of half a character pair, or a file name that is not UTF-8)"
        )
    return None


def _strings(value: object, depth: int) -> Iterator[tuple[str, int]]:
    """Every string (dict keys included) in a JSON-like value with its depth; iterative, so depth cannot overflow."""
    stack: list[tuple[object, int]] = [(value, depth)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            yield item, level
        elif isinstance(item, dict):
            yield "", level + 1  # the container's own depth
            for k, v in item.items():
                if isinstance(k, str):
                    yield k, level + 1
                stack.append((v, level + 1))
        elif isinstance(item, list | tuple):
            yield "", level + 1
            stack.extend((v, level + 1) for v in item)


_SCALARS = frozenset((str, int, float, bool, type(None)))


def _flat_ascii(value: object) -> bool:
    return (
        isinstance(value, dict)
        and all(type(k) is str and k.isascii() for k in value)
        and all(type(v) in _SCALARS and (type(v) is not str or v.isascii()) for v in value.values())
    )


def json_value_problem(value: object, what: str, depth: int = 0) -> str | None:
    """None if a JSON-like value nests within MAX_JSON_DEPTH and all its strings are storable, else the problem."""
    if _flat_ascii(value):  # the usual `meta`: a flat object of ASCII strings and numbers
        return None
    for text, level in _strings(value, depth):
        if level > MAX_JSON_DEPTH:
            return f"{what} is nested more than {MAX_JSON_DEPTH} levels deep (the limit)"
        problem = surrogate_problem(text, what)
        if problem:
            return problem
    return None
