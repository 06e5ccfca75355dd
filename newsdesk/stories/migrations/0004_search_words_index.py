"""PostgreSQL: an index of each search entry's title and body words together, as the search matches them.

The database search backend matches a query against `title || body` but
indexes the two columns apart; a query had to gather every entry holding
any of its words first. This index finds the entries that match the whole
query, and gives the planner the words' frequencies in that expression, so
that for a common word it walks the newest entries instead
(newsdesk/stories/fulltext.py). SQLite's full-text table needs nothing more.
"""

from django.db import migrations

INDEX = "newsdesk_search_words"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # CONCURRENTLY: a site with a large archive keeps publishing while it builds.
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry USING GIN ((title || body))"
        )
        schema_editor.execute("ANALYZE wagtailsearch_indexentry")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("stories", "0003_children_index"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
