"""Documents: the articles' exact text, metadata and a hash used to find duplicates and cache suggestions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator

from sqlite_utils import Database

from annotator.core.model import Document
from annotator.store.database import now

# json.dumps with options builds a new encoder on every call; the import writes one meta per article
_META = json.JSONEncoder(ensure_ascii=False)


def text_hash(text: str) -> str:
    # surrogatepass: a stored text may hold lone surrogates decoded from odd files; hash them, do not crash.
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _row_to_document(row: tuple) -> Document:
    return Document(id=row[0], text=row[1], meta=json.loads(row[2]) if row[2] else {})


def insert_documents(db: Database, docs: Iterable[Document], hashes: Iterable[str] | None = None) -> int:
    """Insert new documents (the caller has checked ids and duplicates and holds the transaction).

    A plain executemany on sqlite-utils' connection: this is the import hot path (100,000 articles).
    """
    stamp = now()
    docs = list(docs)
    hashes = list(hashes) if hashes is not None else [text_hash(d.text) for d in docs]
    db.conn.executemany(
        "INSERT INTO documents(id, text, meta, title, text_hash, added_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (d.id, d.text, _META.encode(d.meta) if d.meta else "{}", d.title, h, stamp)
            for d, h in zip(docs, hashes, strict=True)
        ],
    )
    return len(docs)


def get_document(db: Database, doc_id: str) -> Document | None:
    row = db.execute("SELECT id, text, meta FROM documents WHERE id = ?", [doc_id]).fetchone()
    return _row_to_document(row) if row else None


def iter_documents(db: Database, ids: Iterable[str] | None = None) -> Iterator[Document]:
    if ids is None:
        for row in db.execute("SELECT id, text, meta FROM documents ORDER BY rowid"):
            yield _row_to_document(row)
    else:
        for doc_id in ids:
            doc = get_document(db, doc_id)
            if doc is not None:
                yield doc


def document_ids(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT id FROM documents ORDER BY rowid")]


def count_documents(db: Database) -> int:
    return db.execute("SELECT count(*) FROM documents").fetchone()[0]


def delete_document(db: Database, doc_id: str) -> None:
    """Remove an article and, through the foreign keys, everything attached to it (undo of adding it)."""
    db.execute("DELETE FROM documents WHERE id = ?", [doc_id])


def has_document(db: Database, doc_id: str) -> bool:
    return db.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None


def document_text(db: Database, doc_id: str) -> str | None:
    row = db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
    return row[0] if row else None


def text_hashes(db: Database) -> dict[str, str]:
    """document id -> text hash, in document order (to find duplicates and unchanged texts)."""
    return dict(db.execute("SELECT id, text_hash FROM documents ORDER BY rowid").fetchall())


def texts_and_hashes(db: Database, ids: list[str]) -> dict[str, tuple[str, str, str]]:
    """id -> (id, text, text hash) of the given documents (a few dozen at a time: one IN list)."""
    marks = ",".join("?" * len(ids))
    return {r[0]: r for r in db.execute(f"SELECT id, text, text_hash FROM documents WHERE id IN ({marks})", ids)}
