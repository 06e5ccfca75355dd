"""The newest stories matching a reader's words, found at a cost that does not grow with the archive.

Wagtail's database backend ranks every matching story before it can return
the best few: on SQLite it scores each match with a subquery that runs the
full-text match again, so a common word in a large archive takes minutes.
Readers of news want recent stories, so this module asks the backend's own
full-text index for the newest matches only (index entries are written as
stories are first saved, so the entry's id follows the archive's order)
and scores just those. The query text goes through the backend's own query
compiler, so its quoting and escaping apply: no reader's input reaches the
index as full-text syntax.

Other backends (Elasticsearch, OpenSearch) rank with their own index and
stop early; they are asked as before.
"""

import re
from datetime import datetime
from typing import NamedTuple

from django.db import connection
from django.db.models import F
from wagtail.search.backends import get_search_backend

from .fts5_ranking import bm25_scores


class Match(NamedTuple):
    """A story found: what ranking needs of it, before the page loads the few it shows."""

    pk: int
    score: float | None
    published_at: datetime


def newest_matches(stories, query, limit):
    """Up to `limit` of the stories matching the query: the newest matches, in no order."""
    backend = get_search_backend()
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

        if isinstance(backend, SQLiteSearchBackend):
            return sqlite_matches(backend, stories, query, limit)
    if connection.vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

        if isinstance(backend, PostgresSearchBackend):
            return postgres_matches(backend, stories, query, limit)
    found = backend.search(query, stories).annotate_score("_score")[:limit]
    return [Match(story.pk, story._score, story.first_published_at or story.last_published_at) for story in found]


def sqlite_matches(backend, stories, query, limit):
    """FTS5 walks a word's entries in rowid order, so `ORDER BY rowid DESC LIMIT` stops early.

    The matches are scored afterwards by fts5_ranking, FTS5's bm25 formula
    with each word's count estimated from its newest entries: FTS5's own
    bm25() counts every entry holding each word, once per statement.
    """
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

    # The backend quotes each word for FTS5 but leaves a double quote in a
    # word as it is, which ends the quoted string early: an error, or syntax.
    # FTS5's tokenizer indexes letters and digits only, so keeping just the
    # words matches the same stories.
    words = re.findall(r"\w+", query)
    compiler = backend.query_compiler_class(stories, " ".join(words))
    search_query = compiler.build_search_query(normalize(compiler.query))
    if search_query is None:
        return []
    entries = {
        pk: (object_id, title_norm)
        for pk, object_id, title_norm in SQLiteFTSIndexEntry.objects.filter(
            MatchExpression(compiler.FTS_TABLE_FIELDS, search_query)
        )
        .filter(index_entry__content_type_id__in=content_types(stories.model))
        .order_by("-index_entry_id")
        .values_list("index_entry_id", "index_entry__object_id", "index_entry__title_norm")[:limit]
    }
    with connection.cursor() as cursor:
        scores = bm25_scores(cursor, SQLiteFTSIndexEntry._meta.db_table, entries, words, compiler.FTS_TABLE_FIELDS)
    # As the backend weighs them: bm25 for the title and for the body, the title's times its boost.
    return with_scores(
        stories, [(object_id, scores.get(pk, 0.0) * (title_norm + 1)) for pk, (object_id, title_norm) in entries.items()]
    )


def postgres_matches(backend, stories, query, limit):
    """The newest entries matching title || body, as the backend matches them, scored as it scores them.

    Migration 0004 indexes that very expression, and its statistics tell
    PostgreSQL how common the words are: for a common word it walks the
    newest entries and stops at `limit` (a few thousand rows at any archive
    size), for a rare one it reads the matches from the index.
    """
    from modelsearch.backends.database.postgres.postgres import IndexEntry

    compiler = backend.query_compiler_class(stories, query)
    search_query = compiler.build_tsquery(compiler.query, config=backend.config)
    if search_query is None:
        return []
    vectors = [(F("title"), F("title_norm")), (F("body"), 1.0)]
    entries = (
        IndexEntry.objects.filter(content_type_id__in=content_types(stories.model))
        # Spelt as the index spells it: title || body, in that order.
        .annotate(_vector_=F("title")._combine(F("body"), "||", False))
        .filter(_vector_=search_query)
        .annotate(score=compiler._build_rank_expression(vectors, backend.config))
        .order_by("-id")
        .values_list("object_id", "score")[:limit]
    )
    return with_scores(stories, entries)


def content_types(model):
    from modelsearch.utils import get_descendants_content_types_pks

    return get_descendants_content_types_pks(model)


def with_scores(stories, entries):
    """The matches among the stories for these (object id, score) index entries."""
    scores = {int(object_id): score for object_id, score in entries}
    dates = stories.filter(pk__in=scores).values_list("pk", "first_published_at", "last_published_at")
    return [Match(pk, scores[pk], first or last) for pk, first, last in dates]
