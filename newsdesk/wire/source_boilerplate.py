"""Per-source learning: the blocks one source repeats on most of its pages are its furniture.

A site's footer, its newsletter box, its "Support our journalism" line look
like prose to any rule that reads one page. Across pages they give themselves
away: the same block, word for word, on page after page of one source, while
the story's own paragraphs never repeat. Each extracted page leaves the
fingerprints of its short blocks (boilerplate.block_digest) in the
BoilerplateBlock table, with a count of pages per fingerprint and one count of
the source's pages; once a block is on most of a source's pages, extraction
drops it from that source's next pages.

The wire pipeline calls extract_for_source(source, page, ...) instead of
extract(page, ...).
"""

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .extraction import Extraction, extract
from .models import BoilerplateBlock
from .writing import serialised_writes

__all__ = ["extract_for_source", "learnt_blocks", "record_blocks"]

# A block is learnt once it is on this share of the source's pages...
LEARNT_SHARE = 0.6
# ...and on at least this many: two pages in a row sharing a block prove nothing.
LEARNT_MIN_PAGES = 5
# Every PRUNE_EVERY pages, fingerprints too rare ever to reach LEARNT_SHARE
# again soon (seen on under PRUNE_SHARE of the pages) are deleted, so the
# store holds a source's furniture and its recent pages, not its archive.
PRUNE_EVERY = 50
PRUNE_SHARE = 0.1
_PAGES = ""  # the digest of the row that counts the source's pages
# Rows per upsert: four parameters each, well within every database's limit.
ROWS_PER_STATEMENT = 200


def extract_for_source(source, content, *, extractor=extract, **arguments) -> Extraction:
    """Extract a page of source, dropping the blocks learnt from its other pages, and learn from this one.

    ``extractor`` is extract or a function with its signature (the pipeline's
    pool of extraction processes); ``arguments`` go to it as they are.
    """
    extraction = extractor(content, learnt=learnt_blocks(source), **arguments)
    record_blocks(source, extraction.block_digests)
    return extraction


def learnt_blocks(source) -> frozenset[str]:
    """The fingerprints of the blocks on most of source's pages.

    One query: the page count and every block on at least LEARNT_MIN_PAGES
    pages (a few dozen rows once pruned), the threshold applied here.
    """
    rows = (BoilerplateBlock.objects.filter(source=source)
            .filter(Q(digest=_PAGES) | Q(pages__gte=LEARNT_MIN_PAGES)).values_list("digest", "pages"))
    counts = dict(rows)
    pages = counts.pop(_PAGES, 0) or 0
    if pages < LEARNT_MIN_PAGES:
        return frozenset()
    threshold = max(LEARNT_MIN_PAGES, LEARNT_SHARE * pages)
    return frozenset(digest for digest, seen in counts.items() if seen >= threshold)


def record_blocks(source, digests) -> None:
    """Count one more page of source, and one more page for each block fingerprint it holds.

    One upsert per ROWS_PER_STATEMENT fingerprints (a page has a few
    dozen): a new fingerprint's row is added with one page, a known one's
    count goes up by one, in the database, whatever other workers add
    meanwhile. It returns the source's page count, for the pruning.
    """
    digests = sorted(set(digests) - {_PAGES}) + [_PAGES]
    meta = BoilerplateBlock._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(name).column) for name in ("source", "digest", "pages", "last_seen_at"))
    source_column, digest_column, pages_column = (quote(meta.get_field(name).column)
                                                  for name in ("source", "digest", "pages"))
    now = meta.get_field("last_seen_at").get_db_prep_value(timezone.now(), connection)
    returning = connection.features.can_return_rows_from_bulk_insert
    pages = None
    with serialised_writes(), transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(digests), ROWS_PER_STATEMENT):
            chunk = digests[start:start + ROWS_PER_STATEMENT]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join(['(%s, %s, 1, %s)'] * len(chunk))} "
                f"ON CONFLICT ({source_column}, {digest_column}) DO UPDATE SET {pages_column} = {table}.{pages_column} + 1"
                + (f" RETURNING {digest_column}, {pages_column}" if returning else ""),
                [value for digest in chunk for value in (source.pk, digest, now)],
            )
            if returning:
                pages = dict(cursor.fetchall()).get(_PAGES, pages)
    if pages is None:
        pages = BoilerplateBlock.objects.filter(source=source, digest=_PAGES).values_list("pages", flat=True).first() or 0
    if pages % PRUNE_EVERY == 0:
        with serialised_writes():
            BoilerplateBlock.objects.filter(source=source, pages__lt=PRUNE_SHARE * pages).exclude(digest=_PAGES).delete()
