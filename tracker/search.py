"""Word-prefix search over tasks' folded text: FTS5 on SQLite, a GIN tsvector index on PostgreSQL.

The index objects are dialect-specific, so they live in a migration rather than the models;
`is_search_object` lets schema comparison leave them alone.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, func, literal_column, select, table, text

from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.text import search_terms

FTS_TABLE = "tasks_fts"
PG_INDEX = "ix_tasks_search_fts"
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_fts = table(FTS_TABLE, literal_column("rowid"))
_SIMPLE = text("'simple'::regconfig")


def search_words(query: str) -> list[str]:
    """Return the folded words of a query, letters and digits only (at most eight)."""
    words = [w for term in search_terms(query) for w in _NOT_WORD.split(term) if w]
    return words[:8]


def matches_words(words: list[str]) -> ColumnElement[bool]:
    """SQL: the task's text has a word starting with each of the words."""
    if db.engine.dialect.name == "sqlite":
        expression = " AND ".join(f'"{word}"*' for word in words)
        matching = select(_fts.c.rowid).where(text(f"{FTS_TABLE} MATCH :fts_query"))
        return Task.id.in_(matching.params(fts_query=expression))
    tsquery = " & ".join(f"{word}:*" for word in words)
    vector = func.to_tsvector(_SIMPLE, Task.search_key)
    return vector.op("@@")(func.to_tsquery(_SIMPLE, tsquery))


def is_search_object(name: str | None) -> bool:
    """Return whether a database object belongs to the search index (not to the models)."""
    return bool(name) and (name == PG_INDEX or name.startswith(FTS_TABLE))
