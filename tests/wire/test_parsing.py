"""Parsing: RSS, RDF, Atom and JSON Feed into the same items; encodings; identity; clear errors."""

import json
import tracemalloc
from datetime import UTC, datetime

import pytest

from newsdesk.outbound import Fetcher
from newsdesk.wire.parsing import ParseError, canonical_url, parse_feed

NIGHT_TRAINS = "/2024/05/16/night-trains-return-to-the-coast-line-after-nine-years.html"
DROUGHT = "/2024/05/15/drought-forces-marrow-valley-farmers-to-share-wells.html"
PIER = "/2024/05/14/kestrel-bay-council-votes-to-rebuild-the-north-pier.html"
LIBRARY = "/2024/05/16/library-opens-tool-lending-shelf-in-old-customs-house.html"
MACKEREL = "/2024/05/17/fishing-cooperative-reports-record-mackerel-season.html"


def parse_saved(feed_server, name, content_type=None):
    return parse_feed(feed_server.saved(name), feed_server.url("/" + name), content_type)


def test_rss_items(feed_server):
    """RSS 2.0: GUIDs, canonical links, dc:creator, dates in UTC, categories, full content and images."""
    feed = parse_saved(feed_server, "rss.xml", "application/rss+xml; charset=utf-8")

    assert (feed.kind, feed.title, feed.link) == ("rss", "The Harbour Gazette – News", feed_server.url("/"))
    assert feed.warnings == []
    trains, drought, pier = feed.items
    assert trains.guid == "https://harbourgazette.example/?p=10457"
    assert trains.url == feed_server.url(NIGHT_TRAINS)  # utm_ parameters gone
    assert trains.title == "Night trains return to the coast line after nine years"
    assert trains.author == "Ines Kowalczyk"
    assert trains.published == datetime(2024, 5, 16, 16, 40, tzinfo=UTC)  # was +0100
    assert trains.updated is None
    assert trains.tags == ["Transport", "Coast Line"]
    assert trains.summary_html.startswith("<p>The 23:10 sleeper from the capital")
    assert "<blockquote><p>We kept the old timetable pinned" in trains.content_html
    assert trains.image == feed_server.url("/media/2024/05/sleeper-at-dawn.jpg")  # media:content
    assert drought.image == feed_server.url("/media/2024/05/dry-well.jpg")  # enclosure
    assert pier.image == feed_server.url("/media/2024/05/north-pier-thumb.jpg")  # media:thumbnail
    assert drought.published == datetime(2024, 5, 15, 9, 12, 45, tzinfo=UTC)
    assert json.loads(json.dumps(trains.raw))["title"] == trains.title


def test_atom_entries(feed_server):
    """Atom 1.0: HTML titles as text, published and updated, author, labels, enclosure image, relative links."""
    feed = parse_saved(feed_server, "atom.xml", "application/atom+xml")

    assert (feed.kind, feed.title, feed.link) == ("atom", "Kestrel Bay Courier", feed_server.url("/"))
    mackerel, library = feed.items
    assert mackerel.guid == "tag:kestrelcourier.example,2024-05-17:/news/mackerel-season"
    assert mackerel.title == "Fishing co\u2011operative reports a record mackerel season"
    assert mackerel.url == feed_server.url(MACKEREL)
    assert mackerel.published == datetime(2024, 5, 17, 5, 45, tzinfo=UTC)
    assert mackerel.updated == datetime(2024, 5, 17, 6, 30, tzinfo=UTC)
    assert mackerel.author == "Aoife Brennan"
    assert mackerel.tags == ["Fishing", "Economy"]
    assert mackerel.image == feed_server.url("/media/2024/05/mackerel-boxes.png")
    assert mackerel.summary_html == "<p>Landings were up by a third on last year, the co-operative said.</p>"
    assert "<blockquote><p>The shoals came in early and stayed.</p></blockquote>" in mackerel.content_html
    assert library.url == feed_server.url(LIBRARY)  # was a relative link
    assert library.published == datetime(2024, 5, 16, 12, 0, tzinfo=UTC)  # only <updated> given
    assert library.content_html is None and library.image is None


def test_rdf_items(feed_server):
    """RSS 1.0 (RDF): rdf:about as GUID, dc:date, dc:creator, dc:subject."""
    feed = parse_saved(feed_server, "rdf.xml", "application/rdf+xml")

    assert (feed.kind, feed.title) == ("rdf", "Marrow Valley Weekly")
    drought, pier = feed.items
    assert drought.guid == drought.url == feed_server.url(DROUGHT)
    assert drought.published == datetime(2024, 5, 15, 9, 12, 45, tzinfo=UTC)  # was +02:00
    assert drought.author == "Tomas Reyes"
    assert drought.tags == ["Farming"]
    assert pier.title == "Kestrel Bay council votes to rebuild the north pier"


def test_json_feed_items(feed_server):
    """JSON Feed 1.1: ids, content_html or content_text, images and attachments, authors, dates."""
    feed = parse_saved(feed_server, "feed.json", "application/feed+json")

    assert (feed.kind, feed.title, feed.link) == ("json", "Coast Line Notes", feed_server.url("/"))
    trains, library, mackerel = feed.items
    assert trains.guid == "cln-2024-0516-sleeper"
    assert trains.url == feed_server.url(NIGHT_TRAINS)
    assert trains.published == datetime(2024, 5, 16, 16, 40, tzinfo=UTC)
    assert trains.updated == datetime(2024, 5, 16, 18, 2, 10, tzinfo=UTC)
    assert trains.author == "Ines Kowalczyk"
    assert trains.tags == ["Transport", "Coast Line"]
    assert trains.image == feed_server.url("/media/2024/05/sleeper-at-dawn.jpg")  # was relative
    assert trains.summary_html == (
        "<p>The sleeper stops at Kestrel Bay again from September &amp; bookings open in July.</p>"
    )
    assert "<blockquote>" in trains.content_html
    assert library.url == feed_server.url(LIBRARY)  # utm_source and fbclid gone
    assert library.content_html == (
        "<p>Drills, ladders and a sewing machine can now be borrowed with a library card.</p>"
        "<p>The shelf opens on Saturdays.</p>"
    )
    assert library.image == feed_server.url("/media/2024/05/tool-shelf.webp")  # from attachments
    assert mackerel.guid is None  # "id": "" is no id
    assert mackerel.author == "Coast Line Notes desk"  # the feed's authors


def test_json_feed_version_1_0():
    """JSON Feed 1.0's single "author" object is read too."""
    content = json.dumps({
        "version": "https://jsonfeed.org/version/1",
        "title": "Old format",
        "items": [{"id": 17, "url": "https://news.example/a-story", "title": "A story",
                   "content_text": "Text.", "author": {"name": "Jo Bloggs"},
                   "date_published": "2024-05-01T10:00:00-04:00"}],
    }).encode()
    item = parse_feed(content, "https://news.example/feed.json").items[0]
    assert (item.guid, item.author, item.content_html) == ("17", "Jo Bloggs", "<p>Text.</p>")
    assert item.published == datetime(2024, 5, 1, 14, 0, tzinfo=UTC)


def test_windows_1252_feed_decodes(feed_server):
    """A windows-1252 feed declared only in its XML prolog keeps its curly quotes and accents."""
    feed = parse_saved(feed_server, "windows-1252.xml", "application/rss+xml")

    item = feed.items[0]
    assert item.title == "\u201cLe quai nord sera reconstruit\u201d, annonce le conseil"
    assert item.author == "Hélène Marchetti"
    assert "vot\u00e9 la reconstruction du quai \u2013 \u00ab une \u00e9vidence \u00bb" in item.summary_html
    assert "C\u2019est d\u00e9cid\u00e9." in item.summary_html
    assert feed.warnings == []


def test_windows_1252_feed_fetched_then_parsed(feed_server):
    """Fetched over HTTP without a charset, the feed still decodes from its prolog."""
    with Fetcher("NewsdeskTest/1.0", allowed_networks=["127.0.0.1/32"], per_host_delay=0) as fetcher:
        result = fetcher.fetch(feed_server.url("/windows-1252.xml"))
    feed = parse_feed(result.content, result.url, result.content_type, encoding=result.encoding)
    assert feed.items[0].title.startswith("\u201cLe quai nord")


ENCODED_FEED = """<?xml version="1.0"{declaration}?>
<rss version="2.0"><channel><title>{title}</title><link>https://news.example/</link>
<item><title>{title}</title><link>https://news.example/a-story-about-the-coast</link></item>
</channel></rss>"""


@pytest.mark.parametrize(
    ("codec", "title"),
    [("iso-8859-1", "Café à Noël, déjà complet"), ("koi8-r", "Новости побережья"), ("windows-1252", "“Ça” coûte €5")],
)
def test_declared_encodings_decode(codec, title):
    """Feeds declaring ISO-8859-1, KOI8-R or windows-1252 in the prolog decode correctly."""
    content = ENCODED_FEED.format(declaration=f' encoding="{codec}"', title=title).encode(codec)
    assert parse_feed(content, "https://news.example/feed").items[0].title == title


def test_charset_from_the_http_header_decodes():
    """A feed whose charset is given only by the Content-Type header decodes by it."""
    content = ENCODED_FEED.format(declaration="", title="Новости побережья").encode("koi8-r")
    from_header = parse_feed(content, "https://news.example/feed", "application/rss+xml; charset=KOI8-R")
    separate = parse_feed(content, "https://news.example/feed", "application/rss+xml", encoding="koi8-r")
    assert from_header.items[0].title == separate.items[0].title == "Новости побережья"


def test_feed_served_as_html_is_still_parsed(feed_server):
    """A real feed with a text/html Content-Type (a careless server) is read as a feed."""
    feed = parse_saved(feed_server, "rss.xml", "text/html; charset=utf-8")
    assert len(feed.items) == 3


# --- identity and canonical URLs --------------------------------------------


def test_identity_prefers_the_guid(feed_server):
    """An item's identity is its GUID when it has one."""
    trains = parse_saved(feed_server, "rss.xml").items[0]
    assert trains.identity == "https://harbourgazette.example/?p=10457"


def test_identity_falls_back_to_the_canonical_url(feed_server):
    """Without a GUID the identity is the canonical URL (no fragment, no tracking parameters)."""
    mackerel = parse_saved(feed_server, "feed.json").items[2]
    assert mackerel.identity == feed_server.url(MACKEREL)


def test_tracking_parameters_do_not_make_a_new_item():
    """The same story linked with different tracking parameters has one identity."""
    content = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
    <item><title>A</title><link>https://News.Example:443/story-about-ferries?id=7&amp;utm_source=rss</link></item>
    <item><title>A</title><link>https://news.example/story-about-ferries?fbclid=XYZ&amp;id=7#top</link></item>
    </channel></rss>"""
    first, second = parse_feed(content, "https://news.example/feed").items
    assert first.guid is None and second.guid is None
    assert first.identity == second.identity == "https://news.example/story-about-ferries?id=7"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://News.Example:443/Story?id=3#comments", "https://news.example/Story?id=3"),
        ("http://news.example:80", "http://news.example/"),
        ("http://news.example:8080/a", "http://news.example:8080/a"),
        ("https://news.example/a?utm_source=x&utm_MEDIUM=y&utm_campaign=z", "https://news.example/a"),
        ("https://news.example/a?b=2&fbclid=1&a=1&gclid=2&c=", "https://news.example/a?b=2&a=1&c="),
        ("https://news.example/a?mc_cid=1&mc_eid=2&igshid=3&ref=tw&ref_src=twsrc", "https://news.example/a"),
        ("https://news.example/a?cmpid=rss&_hsenc=p2&_hsmi=9&spm=a2.b&q=ferry%20times", "https://news.example/a?q=ferry%20times"),
        ("https://news.example/a?refresh=1&preference=x", "https://news.example/a?refresh=1&preference=x"),
        ("https://user@News.Example./a", "https://user@news.example/a"),
        ("mailto:desk@news.example", "mailto:desk@news.example"),
    ],
)
def test_canonical_url(url, canonical):
    """Scheme and host lower-cased, default port, fragment and tracking parameters dropped, the rest kept in order."""
    assert canonical_url(url) == canonical


# --- what is not a feed -------------------------------------------------------


def test_html_page_is_not_a_feed(feed_server):
    """An HTML page where a feed was expected says so."""
    with pytest.raises(ParseError, match="^Expected a feed, got an HTML page$"):
        parse_saved(feed_server, "news/index.html", "text/html; charset=utf-8")
    with pytest.raises(ParseError, match="^Expected a feed, got an HTML page$"):
        parse_feed(feed_server.saved(PIER.lstrip("/")), feed_server.url(PIER))


def test_malformed_feed_without_items_is_an_error(feed_server):
    """A feed broken before its first item is refused, with the XML error and where it is."""
    with pytest.raises(ParseError) as raised:
        parse_saved(feed_server, "malformed.xml")
    assert str(raised.value) == "Malformed feed with no readable items: no element found at line 10, column 0"


def test_malformed_feed_with_items_is_read_with_a_warning(feed_server):
    """A feed with bare ampersands is malformed but readable: its items come with a warning."""
    feed = parse_saved(feed_server, "unescaped-ampersand.xml")
    assert [item.url for item in feed.items] == [feed_server.url(MACKEREL), feed_server.url(LIBRARY)]
    assert feed.title == "Tides & Times"
    assert feed.warnings == ["Malformed feed, read leniently: not well-formed (invalid token) at line 4, column 18"]


@pytest.mark.parametrize("content", [b"", b"  \r\n\t"])
def test_empty_body_is_an_error(content):
    """An empty response is refused."""
    with pytest.raises(ParseError, match="^Empty response: expected a feed, got no content$"):
        parse_feed(content, "https://news.example/feed")


def test_invalid_json_is_an_error():
    """Broken JSON says what is wrong and where."""
    with pytest.raises(ParseError, match=r"^Invalid JSON Feed: Expecting value at line 1, column 59$"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "https://news.example/feed.json")


def test_json_that_is_not_a_feed_is_an_error():
    """JSON with neither a JSON Feed version nor items is not a feed."""
    with pytest.raises(ParseError, match="got JSON that is not a JSON Feed"):
        parse_feed(b'{"status": "ok"}', "https://news.example/api", "application/json")


def test_other_xml_and_plain_text_are_errors():
    """XML that is not RSS, RDF or Atom, and plain text, are refused with what they were."""
    with pytest.raises(ParseError, match="^Expected a feed, got an XML document that is not RSS, RDF or Atom$"):
        parse_feed(b'<?xml version="1.0"?><sitemapindex/>', "https://news.example/sitemap.xml")
    with pytest.raises(ParseError, match='^Expected a feed, got content that is not XML: "Service Unavailable"$'):
        parse_feed(b"Service Unavailable", "https://news.example/feed")


def test_items_without_a_link_are_skipped_with_a_reason():
    """An item with no link and no permalink GUID cannot be credited: skipped, with one reason for it."""
    content = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
    <item><title>No link</title><guid isPermaLink="false">x-1</guid></item>
    <item><title>Linked</title><link>https://news.example/a-linked-story</link></item>
    <item><title>Nothing at all</title></item>
    </channel></rss>"""
    feed = parse_feed(content, "https://news.example/feed")
    assert [item.title for item in feed.items] == ["Linked"]
    assert feed.skipped == [
        "Item 1 has neither a link nor a permalink GUID that is a web address",
        "Item 3 has neither a link nor a permalink GUID that is a web address",
    ]
    assert feed.warnings == []


def test_a_body_naming_a_local_file_is_not_read_from_disk(tmp_path, feed_server):
    """Content that happens to be a file path is parsed as content, never opened (feedparser would)."""
    saved = tmp_path / "feed.xml"
    saved.write_bytes(feed_server.saved("rss.xml"))
    with pytest.raises(ParseError, match="not XML"):
        parse_feed(str(saved).encode(), "https://news.example/feed")


# --- hostile feeds: entities ---------------------------------------------------


@pytest.mark.parametrize(
    "name", ["entity-expansion.xml", "billion-laughs.xml", "external-entity.xml", "utf-16-entity.xml"]
)
def test_feeds_declaring_entities_are_refused(feed_server, name):
    """A feed that declares entities (one big one used 60 times, nested ones, external ones) is refused unread."""
    with pytest.raises(ParseError, match="^The feed declares XML entities, which newsdesk does not expand$"):
        parse_saved(feed_server, name, "application/rss+xml")


ENTITY_DOCTYPE = b'<!DOCTYPE rss [\n<!ENTITY big "AAAAAAAAAAAAAAAA">\n]>\n'
ENTITY_FEED = b"""<rss version="2.0"><channel><title>&big;</title>
<item><title>&big;</title><link>https://news.example/a-story-about-the-coast</link></item>
</channel></rss>"""


@pytest.mark.parametrize(
    "opening",
    [
        pytest.param(b'<?xml version="1.0"?>\n<!-- <a -->\n', id="element-like comment before the DOCTYPE"),
        pytest.param(b'<?xml version="1.0" encoding="windows-1252"?>\n', id="single-byte declared"),
        pytest.param(b'<?xml version="1.0" encoding="shift_jis"?>\n', id="multi-byte declared"),
    ],
)
def test_entity_declarations_are_found_however_the_prolog_is_dressed(opening):
    """Comments that look like elements, and other encodings, do not hide a declaration."""
    with pytest.raises(ParseError, match="declares XML entities"):
        parse_feed(opening + ENTITY_DOCTYPE + ENTITY_FEED, "https://news.example/feed")


def test_malformed_feed_declaring_entities_is_refused_before_the_lenient_parser():
    """A feed too broken for the XML parser never reaches the lenient one with its entities."""
    broken = ENTITY_FEED.replace(b"<title>&big;</title>", b"<title>&big; & broken</title>", 1)
    with pytest.raises(ParseError, match="declares XML entities"):
        parse_feed(b'<?xml version="1.0"?>\n' + ENTITY_DOCTYPE + broken, "https://news.example/feed")
    # with the declaration gone, the same feed reads leniently and &big; stays unexpanded
    feed = parse_feed(b'<?xml version="1.0"?>\n' + broken, "https://news.example/feed")
    assert "AAAA" not in feed.title and "AAAA" not in feed.items[0].title


def test_a_doctype_without_entities_is_fine():
    """An RSS 0.91 DOCTYPE naming Netscape's DTD is read without fetching or refusing anything."""
    content = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        + ENTITY_FEED.replace(b"&big;", b"Coast news")
    )
    assert parse_feed(content, "https://news.example/feed").items[0].title == "Coast news"


# --- hostile feeds: encodings --------------------------------------------------


def test_utf_16_feed_decodes(feed_server):
    """A UTF-16 feed (with its byte-order mark) reads like any other."""
    feed = parse_saved(feed_server, "utf-16.xml", "application/rss+xml")
    assert feed.title == "Les nouvelles – été"
    assert feed.items[0].title == "Euro € et « guillemets »"


def test_utf_16_without_a_byte_order_mark_decodes():
    """A UTF-16 document without a mark is known by its opening "<?" two bytes wide."""
    text = '<?xml version="1.0" encoding="utf-16"?>' + ENTITY_FEED.decode().replace("&big;", "Été – €")
    feed = parse_feed(text.encode("utf-16-le"), "https://news.example/feed")
    assert feed.items[0].title == "Été – €"


@pytest.mark.parametrize("where", ["prolog", "header"])
def test_utf_8_bytes_win_over_a_declared_single_byte_charset(feed_server, where):
    """Declared windows-1252 (in the prolog or Content-Type) but valid UTF-8 bytes: read as UTF-8."""
    content_type = "application/rss+xml; charset=windows-1252" if where == "header" else "application/rss+xml"
    feed = parse_saved(feed_server, "windows-1252-declared-utf-8.xml", content_type)
    assert feed.title == "Prices – today"
    assert feed.items[0].title == "Euro € up, “quotes” fine"
    assert "â‚¬" not in feed.items[0].title


@pytest.mark.parametrize("codec", ["iso-8859-1", "us-ascii", "windows-1252"])
def test_a_declared_single_byte_charset_stands_when_the_bytes_are_not_utf_8(codec):
    """Bytes that are not UTF-8 keep the declared charset (ISO-8859-1 and ASCII read as windows-1252)."""
    content = ENCODED_FEED.format(declaration=f' encoding="{codec}"', title="“Café” – 5 €").encode("windows-1252")
    assert parse_feed(content, "https://news.example/feed").items[0].title == "“Café” – 5 €"


def test_a_default_utf_8_header_loses_to_a_true_prolog():
    """A server's charset=utf-8 over a windows-1252 document that says so in its prolog: the prolog wins."""
    content = ENCODED_FEED.format(declaration=' encoding="windows-1252"', title="“Café” – 5 €").encode("windows-1252")
    feed = parse_feed(content, "https://news.example/feed", "application/rss+xml; charset=utf-8")
    assert feed.items[0].title == "“Café” – 5 €"


def test_declared_utf_8_over_single_byte_text_reads_as_windows_1252():
    """Declared UTF-8 (header and prolog) over bytes with no UTF-8 character at all: read as windows-1252."""
    content = ENCODED_FEED.format(declaration=' encoding="utf-8"', title="Café Zoë à Noël – “5 €”").encode("cp1252")
    feed = parse_feed(content, "https://news.example/feed", "application/rss+xml; charset=utf-8")
    assert feed.items[0].title == "Café Zoë à Noël – “5 €”"


def test_a_feed_lying_about_utf_8_is_read_with_replacement_characters(feed_server):
    """Declared UTF-8, mostly UTF-8, with stray windows-1252 bytes: the good text stays, each bad byte is U+FFFD."""
    feed = parse_saved(feed_server, "lying-utf-8.xml", "application/rss+xml; charset=utf-8")
    [item] = feed.items
    assert item.title == "Caf\ufffd au lait"
    assert "br\u00fbl\u00e9e" in item.summary_html


# --- hostile feeds: JSON Feed with wrong types ----------------------------------


def test_json_feed_with_wrong_types_keeps_what_it_can(feed_server):
    """Numbers for strings, objects for URLs, garbage dates, junk items: bad fields ignored, unusable items skipped."""
    feed = parse_saved(feed_server, "junk.json", "application/feed+json")
    assert feed.title == "42" and feed.link is None
    trains, by_id = feed.items
    assert trains.guid == "7" and trains.url == feed_server.url(NIGHT_TRAINS)
    assert trains.title == "3.5"
    assert trains.content_html is None and trains.summary_html == ""
    assert trains.published is None and trains.updated is None
    assert trains.author is None and trains.tags == [] and trains.image is None
    assert by_id.url == "https://news.example/by-id" and by_id.title == ""
    assert by_id.content_html == "<p>17</p>" and by_id.published is None
    assert feed.skipped == [
        "Item 1 has neither a URL nor an id that is one",
        "Item 3 is not a JSON object",
        "Item 4 is not a JSON object",
        "Item 5 has neither a URL nor an id that is one",
        "Item 7 has neither a URL nor an id that is one",
    ]
    json.dumps([item.raw for item in feed.items])  # storable as it is


@pytest.mark.parametrize(
    "content",
    [
        b'{"version": "https://jsonfeed.org/version/1.1", "items": {"not": "a list"}}',
        b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b"[1, 2, 3]",
    ],
    ids=["items an object", "nested too deeply", "a list"],
)
def test_json_that_cannot_be_a_feed_is_a_parse_error(content):
    """JSON Feed shapes nothing can be read from end in ParseError, never another exception."""
    with pytest.raises(ParseError):
        parse_feed(content, "https://news.example/feed.json")


def test_json_strings_lose_nul_characters_and_lone_surrogates():
    """Text no database column can hold (NUL, a lone surrogate) is cleaned on the way in."""
    content = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "A\\u0000B", "items": '
        b'[{"url": "https://news.example/a", "title": "x\\ud800y", "content_text": "p\\u0000q"}]}'
    )
    feed = parse_feed(content, "https://news.example/feed.json")
    assert feed.title == "AB"
    assert feed.items[0].title == "x?y" and feed.items[0].content_html == "<p>pq</p>"
    assert "\x00" not in json.dumps(feed.items[0].raw)


def test_a_one_megabyte_entity_used_sixty_times_is_refused_in_bounded_memory():
    """The 1 MB feed that would expand to 60 MB of text is refused having used a few times its own size."""
    content = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY big "' + b"A" * 1_000_000 + b'">\n]>\n'
        + ENTITY_FEED.replace(b"<title>&big;</title>", b"<title>" + b"&big;" * 60 + b"</title>", 1)
    )
    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match="declares XML entities"):
            parse_feed(content, "https://news.example/feed")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * len(content)  # expanded, it would be 60 MB of text alone


def test_script_and_data_addresses_are_never_a_story_or_picture_address():
    """An item linking to javascript: is skipped; a data: or javascript: picture is left out; so is such a feed link."""
    content = b"""<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
    <title>T</title><link>javascript:alert(1)</link>
    <item><title>Script link</title><link>javascript:alert(document.domain)</link></item>
    <item><title>Data link</title><link>data:text/html,x</link><guid>data:text/html,y</guid></item>
    <item><title>Script picture</title><link>https://news.example/a-story</link>
      <media:content url="javascript:alert(1)" medium="image"/>
      <enclosure url="data:image/svg+xml,&lt;svg onload=alert(1)&gt;" type="image/svg+xml"/></item>
    </channel></rss>"""
    feed = parse_feed(content, "https://news.example/feed")
    assert feed.link is None
    [item] = feed.items
    assert (item.url, item.image) == ("https://news.example/a-story", None)
    assert feed.skipped == [
        "Item 1 has neither a link nor a permalink GUID that is a web address",
        "Item 2 has neither a link nor a permalink GUID that is a web address",
    ]
    as_json = parse_feed(
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "javascript:alert(1)", '
        b'"id": "javascript:alert(2)"}, {"url": "https://news.example/b", "image": "data:image/png;base64,AA"}]}',
        "https://news.example/feed.json",
    )
    assert [(i.url, i.image) for i in as_json.items] == [("https://news.example/b", None)]


@pytest.mark.parametrize("kind", ["rss", "json"])
def test_items_past_max_items_are_counted_not_read(kind):
    """With max_items, the first items are read in order and the rest only counted."""
    if kind == "rss":
        entries = "".join(f"<item><title>Story {n}</title><link>http://h{n}.example/</link></item>" for n in range(50))
        content = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>{entries}</channel></rss>'
    else:
        items = [{"id": f"s{n}", "url": f"http://h{n}.example/", "title": f"Story {n}"} for n in range(50)]
        content = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Many", "items": items})
    parsed = parse_feed(content.encode(), "http://news.example/feed", max_items=20)
    assert [item.title for item in parsed.items] == [f"Story {n}" for n in range(20)]
    assert parsed.unread == 30
