"""parse_feed on random bytes and random feeds: a ParsedFeed or a ParseError, never anything else."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.wire.parsing import ParsedFeed, ParseError, parse_feed
from newsdesk.wire.sanitising import ALLOWED_TAGS, sanitise_html
from tests.property.documents import feed_documents, html_documents
from tests.property.safety import ARTICLE_ATTRIBUTES, unsafe_parts

# Modest counts keep the suite fast (feedparser takes a few milliseconds a
# feed); deadline off because the machine may be busy.
EXAMPLES = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
CONTENT_TYPES = st.sampled_from(
    [None, "application/rss+xml", "application/atom+xml", "application/feed+json", "text/html",
     "text/xml; charset=windows-1252", "application/xml; charset=utf-16", "text/plain; charset=bogus"]
)  # fmt: skip


def parse(content, content_type=None):
    try:
        feed = parse_feed(content, "https://news.example/feed", content_type)
    except ParseError as error:
        assert str(error)  # a reason an editor can read
        return None
    assert isinstance(feed, ParsedFeed)
    return feed


def check_items(feed):
    for item in feed.items:
        assert isinstance(item.url, str) and item.url
        assert isinstance(item.title, str) and "\x00" not in item.title
        for html in (item.summary_html, item.content_html or ""):
            assert unsafe_parts(sanitise_html(html), ALLOWED_TAGS, ARTICLE_ATTRIBUTES) == []
    assert all(isinstance(reason, str) and reason for reason in feed.skipped)


@EXAMPLES
@given(st.binary(max_size=3000), CONTENT_TYPES)
def test_random_bytes(content, content_type):
    """Any bytes at all: a feed or a ParseError."""
    parse(content, content_type)


@EXAMPLES
@given(feed_documents, CONTENT_TYPES)
def test_random_feeds(content, content_type):
    """RSS, Atom and JSON Feed built from hostile text: a feed whose items are usable, or a ParseError."""
    feed = parse(content, content_type)
    if feed is not None:
        check_items(feed)


@EXAMPLES
@given(html_documents.map(lambda text: text.encode("utf-8", errors="surrogatepass")), CONTENT_TYPES)
def test_html_documents(content, content_type):
    """HTML where a feed was expected: a ParseError (or, if it happens to hold a feed, a feed)."""
    feed = parse(content, content_type)
    if feed is not None:
        check_items(feed)
