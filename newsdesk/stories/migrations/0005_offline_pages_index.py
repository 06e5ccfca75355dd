"""An index of the pages that are not live (drafts, withdrawn, scheduled), in tree order.

A section's page count is the number of children Wagtail keeps on the
section, less the ones not live: a handful, found here in one small range
whatever the archive's size (newsdesk/stories/tree.py). Partial indexes
(WHERE NOT live) work alike on SQLite and PostgreSQL.
"""

from django.db import migrations

INDEX = "newsdesk_page_offline"


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0004_search_words_index"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page (depth, path) WHERE NOT live",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
