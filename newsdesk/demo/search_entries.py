"""Search index entries for bulk-written stories, in the rows the configured backend itself writes.

Wagtail's database search backends (modelsearch) keep one entry per
object: its title, autocomplete and body text, on SQLite as plain text
mirrored into an FTS5 table by a trigger, on PostgreSQL as weighted
tsvectors. Indexing a million pages through `backend.add_bulk` would load
each page back with its bylines and tags and parse its body's HTML; the
archive generator already holds those texts, so these writers insert the
entries straight from them. Any other backend (Elasticsearch, OpenSearch)
gets the pages through its own `add_bulk`.
"""

from django.db import connection
from django.db.models.sql import InsertQuery
from modelsearch.conf import get_app_config
from modelsearch.index import AutocompleteField, SearchField

from newsdesk.stories.models import ArticlePage

from .rows import insert_rows

SQLITE_BACKEND = "modelsearch.backends.database.sqlite.sqlite.SQLiteSearchBackend"
POSTGRES_BACKEND = "modelsearch.backends.database.postgres.postgres.PostgresSearchBackend"


def writer_for(backend):
    path = f"{type(backend).__module__}.{type(backend).__qualname__}"
    writers = {SQLITE_BACKEND: SQLiteEntries, POSTGRES_BACKEND: PostgresEntries}
    return writers.get(path, BackendEntries)(backend)


def searchable_values(story, newsroom):
    """The value each of ArticlePage's search fields would read from the story, by field name."""
    return {
        "title": story.title,
        "standfirst": story.standfirst,
        # A StreamField's searchable content is a list, which the indexer joins with ", ".
        "body": ", ".join(story.paragraphs),
        "author_names": " ".join(newsroom.authors[pk] for pk in story.author_ids),
        "tag_names": " ".join(newsroom.tag_names[pk] for pk in story.tag_ids),
    }


def indexed_fields():
    """ArticlePage's search and autocomplete fields, in the order the indexer reads them.

    Fails loudly when the model gains a search field this generator cannot
    fill, rather than writing entries that differ from Wagtail's.
    """
    fields = [f for f in ArticlePage.get_search_fields() if isinstance(f, (SearchField, AutocompleteField))]
    unknown = {f.field_name for f in fields} - {"title", "standfirst", "body", "author_names", "tag_names"}
    if unknown:
        raise NotImplementedError(f"The archive generator cannot index ArticlePage fields: {sorted(unknown)}")
    return fields


def split_texts(fields, values):
    """(title, autocomplete, body) lists of (field, text), as the backends' ObjectIndexer splits them."""
    title = [(f, values[f.field_name]) for f in fields if isinstance(f, SearchField) and f.field_name == "title"]
    autocomplete = [(f, values[f.field_name]) for f in fields if isinstance(f, AutocompleteField)]
    body = [(f, values[f.field_name]) for f in fields if isinstance(f, SearchField) and f.field_name != "title"]
    return title, autocomplete, body


class SQLiteEntries:
    def __init__(self, backend):
        self.backend = backend
        self.fields = indexed_fields()
        self.model = get_app_config().get_model("IndexEntry")
        self.content_type_id = content_type_id()

    def add(self, stories, newsroom):
        entries = []
        for story in stories:
            title, autocomplete, body = split_texts(self.fields, searchable_values(story, newsroom))
            entries.append(
                {
                    "content_type_id": self.content_type_id,
                    "object_id": str(story.page_id),
                    "title": " ".join(text for _, text in title),
                    "autocomplete": " ".join(text for _, text in autocomplete),
                    "body": " ".join(text for _, text in body),
                }
            )
        # The FTS5 table is filled by the insert trigger modelsearch's migration created.
        insert_rows(self.model, entries)

    def finish(self):
        refresh_title_norms(self.backend)


class PostgresEntries:
    """Entries with tsvectors built by the same SQL expressions the backend compiles.

    The backend's ObjectIndexer turns each text into setweight(to_tsvector(…))
    terms; compiling those once per shape of entry, with placeholder texts,
    gives SQL that only the texts change between stories.
    """

    def __init__(self, backend):
        from modelsearch.backends.database.postgres.postgres import ObjectIndexer
        from modelsearch.backends.database.postgres.weights import get_weight

        self.backend = backend
        self.fields = indexed_fields()
        self.model = get_app_config().get_model("IndexEntry")
        self.content_type_id = content_type_id()
        self.indexer = ObjectIndexer(ArticlePage(), backend)
        self.get_weight = get_weight
        self.statements = {}

    def add(self, stories, newsroom):
        entries = {}
        for story in stories:
            title, autocomplete, body = split_texts(self.fields, searchable_values(story, newsroom))
            # As the indexer does: weights from the fields' boosts, "D" for
            # autocomplete, and blank texts left out of the vectors.
            columns = [self.weighted(title), [(text, "D") for _, text in autocomplete], self.weighted(body)]
            columns = [[(text.strip(), weight) for text, weight in column if text.strip()] for column in columns]
            shape = tuple(tuple(weight for _, weight in column) for column in columns)
            texts = [text for column in columns for text, _ in column]
            title_text, body_text = (" ".join(text for text, _ in columns[n]) for n in (0, 2))
            entries.setdefault(shape, []).append((str(story.page_id), texts, title_text, body_text))
        with connection.cursor() as cursor:
            for shape, rows in entries.items():
                sql, slots = self.statement(shape)
                cursor.executemany(
                    sql,
                    [[self.content_type_id, object_id, *fill(slots, texts), title_text, body_text]
                     for object_id, texts, title_text, body_text in rows],
                )

    def weighted(self, texts):
        return [(text, self.get_weight(f.boost)) for f, text in texts]

    def statement(self, shape):
        if shape not in self.statements:
            self.statements[shape] = self.compile(shape)
        return self.statements[shape]

    def compile(self, shape):
        compiler = InsertQuery(self.model).get_compiler(connection=connection)
        fragments, slots = [], []
        for column_name, weights in zip(("title", "autocomplete", "body"), shape, strict=True):
            marks = [f"\x00text {column_name} {n}\x00" for n in range(len(weights))]
            vector = self.indexer.as_vector(
                list(zip(marks, weights, strict=True)), for_autocomplete=column_name == "autocomplete"
            )
            value = compiler.prepare_value(self.model._meta.get_field(column_name), vector)
            sql, params = value.as_sql(compiler, connection)
            fragments.append(sql)
            # Texts become the row's own; any other parameter (a search config) stays as compiled.
            slots.extend(TEXT if param in marks else param for param in params)
        sql = (
            f"INSERT INTO {connection.ops.quote_name(self.model._meta.db_table)} "
            "(content_type_id, object_id, title, autocomplete, body, title_norm, title_text, body_text) "
            f"VALUES (%s, %s, {fragments[0]}, {fragments[1]}, {fragments[2]}, 1.0, %s, %s)"
        )
        return sql, slots

    def finish(self):
        refresh_title_norms(self.backend)


TEXT = object()  # a compiled statement's parameter that is a story's text


def fill(slots, texts):
    """A compiled statement's parameters, with the story's texts in the text slots, in order."""
    texts = iter(texts)
    return [next(texts) if slot is TEXT else slot for slot in slots]


class BackendEntries:
    """Any other backend: hand it the saved pages, as `wagtail update_index` would."""

    def __init__(self, backend):
        self.backend = backend

    def add(self, stories, newsroom):
        pages = ArticlePage.objects.filter(pk__in=[story.page_id for story in stories])
        self.backend.add_bulk(ArticlePage, pages.prefetch_related("article_authors__author", "tags"))

    def finish(self):
        pass


def content_type_id():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(ArticlePage).pk


def refresh_title_norms(backend):
    """Weigh the new entries' titles against the rest, once, as the backend does after each add.

    The backend refreshes after every add, a full scan of the entries; once
    at the end costs one scan for the whole archive.
    """
    backend.get_index_for_model(ArticlePage)._refresh_title_norms()
