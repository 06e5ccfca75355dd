"""An index of pages by their parent: a section's live stories, newest first, together.

Section pages list their stories from it and count them without reading the
table (newsdesk/stories/tree.py). Its first column is an expression, the
parent's path, which SQLite (3.9 and later) and PostgreSQL both accept in
this same spelling; the queries must spell it identically to use it.
"""

from django.db import migrations

# Four characters a tree step: Wagtail's Page.steplen. The parent first, then
# the listing's order; `live` and `path` last, so that SQLite counts the
# live children in the index alone (it reads a column the expression uses,
# path, from the table unless the index holds it too).
INDEX = "newsdesk_page_children"
COLUMNS = "(substr(path, 1, length(path) - 4), first_published_at, id, live, path)"


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0002_listing_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page {COLUMNS}",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
