"""OPML: reading subscription lists from other readers (1.0 and 2.0) and writing ours."""

import pytest
from lxml import etree

from newsdesk.wire.opml import OpmlError, OpmlOutline, build_opml, parse_opml


def test_feeds_with_their_categories(feed_server):
    """Feeds come with the folder they sit in; folders and plain links are not feeds."""
    outlines = parse_opml(feed_server.saved("subscriptions.opml"))
    url = feed_server.url
    assert outlines == [
        OpmlOutline("The Harbour Gazette", url("/rss.xml"), url("/"), "Local"),
        OpmlOutline("Kestrel Bay Courier", url("/atom.xml"), url("/"), "Local"),
        OpmlOutline("Marrow Valley Weekly", url("/rdf.xml"), None, "Local"),
        OpmlOutline("Coast Line Notes", url("/feed.json"), url("/"), "Transport & travel"),
        OpmlOutline("Le Courrier de la Baie", url("/windows-1252.xml"), url("/"), None),
    ]


def test_opml_1_0_as_old_readers_export_it():
    """OPML 1.0: text-only titles, lower-case attribute names, deeper folders, category attributes, repeats."""
    content = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
    <opml version="1.0">
      <head><title>My subscriptions</title></head>
      <body>
        <outline text="News">
          <outline text="Europe">
            <outline text="Caf\xe9 Politique" xmlurl="https://cafe.example/rss" htmlurl="https://cafe.example/"/>
          </outline>
          <outline text="Wire One" type="rss" xmlUrl="https://wire.example/feed"/>
        </outline>
        <outline text="Wire One again" type="rss" xmlUrl="https://wire.example/feed"/>
        <outline text="Loose" type="rss" xmlUrl="https://loose.example/feed" category="/Sport/Sailing,/Local"/>
        <outline title="" xmlUrl="https://untitled.example/feed"/>
      </body>
    </opml>"""
    assert parse_opml(content) == [
        OpmlOutline("Café Politique", "https://cafe.example/rss", "https://cafe.example/", "Europe"),
        OpmlOutline("Wire One", "https://wire.example/feed", None, "News"),
        OpmlOutline("Loose", "https://loose.example/feed", None, "Sailing"),
        OpmlOutline("https://untitled.example/feed", "https://untitled.example/feed", None, None),
    ]


def test_built_opml_is_valid_escaped_and_reads_back(feed_server):
    """build_opml writes OPML 2.0 that parses as XML, escapes titles and URLs, and round-trips."""
    outlines = parse_opml(feed_server.saved("subscriptions.opml")) + [
        OpmlOutline('Bell & "Sons" <Weekly>\x07', "https://bell.example/feed?a=1&b=2", None, "Odd <names> & co"),
    ]
    document = build_opml("Desk & friends", outlines)

    root = etree.fromstring(document.encode("utf-8"))
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Desk & friends"
    assert 'xmlUrl="https://bell.example/feed?a=1&amp;b=2"' in document
    assert parse_opml(document.encode("utf-8")) == outlines[:-1] + [
        OpmlOutline('Bell & "Sons" <Weekly>', "https://bell.example/feed?a=1&b=2", None, "Odd <names> & co"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<opml><body><outline", "Not an OPML file: the XML is malformed"),
        (b"<rss version='2.0'><channel/></rss>", "Not an OPML file: the root element is <rss>, not <opml>"),
        (b"<opml version='2.0'><head/></opml>", "Not an OPML file: it has no <body>"),
    ],
)
def test_what_is_not_opml(content, message):
    """Broken XML, another document, or OPML without a body is refused clearly."""
    with pytest.raises(OpmlError, match="^" + message.replace("(", r"\(")):
        parse_opml(content)


def test_external_entities_are_refused(tmp_path):
    """An uploaded OPML cannot make us read a local file (XXE): a file declaring one is refused."""
    secret = tmp_path / "secret.txt"
    secret.write_text("the database password")
    content = f"""<?xml version="1.0"?>
    <!DOCTYPE opml [<!ENTITY secret SYSTEM "file://{secret}">]>
    <opml version="2.0"><head><title>x</title></head><body>
      <outline text="Folder">
        <outline text="Feed" xmlUrl="https://news.example/feed">&secret;</outline>
      </outline>
    </body></opml>""".encode()
    with pytest.raises(OpmlError) as raised:
        parse_opml(content)
    assert "password" not in str(raised.value)
    assert str(raised.value) == (
        "Not an OPML file newsdesk reads: it declares XML entities, which newsdesk does not expand"
    )


def test_entity_bombs_are_refused_before_expanding():
    """Nested internal entities (a "billion laughs" in an attribute) are refused, not expanded."""
    declarations = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {name} "{("&" + previous + ";") * 10}">' for previous, name in zip("abcdefgh", "bcdefghi")
    )
    content = f"""<?xml version="1.0"?><!DOCTYPE opml [{declarations}]>
    <opml version="2.0"><body><outline text="&i;" xmlUrl="https://news.example/feed"/></body></opml>""".encode()
    with pytest.raises(OpmlError, match="declares XML entities"):
        parse_opml(content)


def test_utf_16_opml_reads():
    """An OPML export saved as UTF-16 (as some Windows readers do) reads like UTF-8."""
    content = """<?xml version="1.0" encoding="UTF-16"?>
    <opml version="2.0"><body><outline text="Été – nouvelles" xmlUrl="https://news.example/feed"/></body></opml>"""
    assert parse_opml(content.encode("utf-16")) == [OpmlOutline("Été – nouvelles", "https://news.example/feed")]
