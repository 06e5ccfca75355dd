"""Adding sources: from a URL (finding the feed of a page), from OPML, and back to OPML."""

from django.db import transaction

from newsdesk.outbound import FetchError
from newsdesk.stories.models import SectionPage

from . import discovery, opml, parsing
from .models import Source


class SourceError(Exception):
    pass


def find_section(slug_or_name):
    if not slug_or_name:
        return None
    section = (
        SectionPage.objects.filter(slug=slug_or_name.lower()).first()
        or SectionPage.objects.filter(title__iexact=slug_or_name).first()
    )
    return section


def add_source(url, section_slug=None, name=None, interval_minutes=15, as_page=False, fetcher=None):
    """Create a Source for `url`, discovering the feed when `url` is a web page."""
    from datetime import timedelta

    from .pipeline import make_fetcher

    section = find_section(section_slug)
    if section_slug and section is None:
        raise SourceError(f"No section {section_slug!r}.")
    if Source.objects.filter(url=url).exists():
        raise SourceError(f"{url} is already a source.")
    own_fetcher = fetcher is None
    fetcher = fetcher or make_fetcher()
    try:
        result = fetcher.fetch(url)
    except FetchError as error:
        raise SourceError(f"Could not fetch {url}: {error}")
    finally:
        if own_fetcher:
            fetcher.close()
    kind, feed_url, title = Source.Kind.FEED, result.url, None
    if as_page:
        kind = Source.Kind.PAGE
    else:
        try:
            title = parsing.parse_feed(result.content, result.url, result.content_type, encoding=result.encoding).title
        except parsing.ParseError:
            found = discovery.discover_feeds(result.content, result.url)
            if found:
                feed_url, title = found[0].url, found[0].title
            elif discovery.find_article_links(result.content, result.url):
                kind = Source.Kind.PAGE
            else:
                raise SourceError(f"{url} is neither a feed nor a page that links to a feed or to articles.")
    if Source.objects.filter(url=feed_url).exists():
        raise SourceError(f"{feed_url} is already a source.")
    return Source.objects.create(
        name=(name or title or feed_url)[:200],
        url=feed_url,
        kind=kind,
        section=section,
        poll_interval=timedelta(minutes=interval_minutes),
    )


@transaction.atomic
def import_opml(content, default_section_slug=None):
    default_section = find_section(default_section_slug)
    added = skipped = 0
    for outline in opml.parse_opml(content):
        if not outline.xml_url or Source.objects.filter(url=outline.xml_url).exists():
            skipped += 1
            continue
        Source.objects.create(
            name=(outline.title or outline.xml_url)[:200],
            url=outline.xml_url,
            section=find_section(outline.category) or default_section,
        )
        added += 1
    return added, skipped


def export_opml():
    outlines = [
        opml.OpmlOutline(
            title=source.name,
            xml_url=source.url,
            html_url="",
            category=source.section.title if source.section else "",
        )
        for source in Source.objects.select_related("section")
    ]
    return opml.build_opml("newsdesk sources", outlines)
