"""Indexes that serve the reader pages' listings and story addresses, however long the archive.

Wagtail's page table is not ours, so its two indexes are plain SQL that both
SQLite and PostgreSQL accept:

- stories newest first, of a section (child_of) or of the whole site (the
  depth of stories, HomePage.stories), are read in order from (depth,
  first_published_at, id), never sorting the archive;
- a story's address is found by its url_path in one step
  (HomePage.route).

Tag and author pages join ArticleTag and ArticleAuthor, whose rows for one
tag or author, story ids included, sit together in their indexes.
"""

from django.db import migrations, models

PAGE_INDEXES = {
    "newsdesk_page_listing": "(depth, first_published_at, id)",
    "newsdesk_page_url_path": "(url_path)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="articletag",
            index=models.Index(fields=["tag", "content_object"], name="stories_tag_stories"),
        ),
        migrations.AddIndex(
            model_name="articleauthor",
            index=models.Index(fields=["author", "article"], name="stories_author_stories"),
        ),
        *(
            migrations.RunSQL(
                f"CREATE INDEX IF NOT EXISTS {name} ON wagtailcore_page {columns}",
                reverse_sql=f"DROP INDEX IF EXISTS {name}",
            )
            for name, columns in PAGE_INDEXES.items()
        ),
    ]
