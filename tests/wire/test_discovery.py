"""Discovery: feeds a page advertises, and story links on a page without a feed."""

from newsdesk.wire.discovery import DiscoveredFeed, discover_feeds, find_article_links
from newsdesk.outbound import Fetcher
from newsdesk.wire.parsing import parse_feed

STORIES = [
    "/2024/05/17/fishing-cooperative-reports-record-mackerel-season.html",
    "/2024/05/16/library-opens-tool-lending-shelf-in-old-customs-house.html",
    "/2024/05/16/night-trains-return-to-the-coast-line-after-nine-years.html",
    "/2024/05/15/drought-forces-marrow-valley-farmers-to-share-wells.html",
    "/2024/05/14/kestrel-bay-council-votes-to-rebuild-the-north-pier.html",
]


def test_feeds_advertised_by_a_page(feed_server):
    """RSS, Atom and JSON Feed links come back absolute, titled, in document order; REST API and oEmbed links do not."""
    feeds = discover_feeds(feed_server.saved("news/index.html"), feed_server.url("/news/"))
    assert feeds == [
        DiscoveredFeed(feed_server.url("/rss.xml"), "application/rss+xml", "The Harbour Gazette » Feed"),
        DiscoveredFeed(feed_server.url("/atom.xml"), "application/atom+xml", "The Harbour Gazette » Atom"),
        DiscoveredFeed(feed_server.url("/feed.json"), "application/feed+json", "The Harbour Gazette » JSON Feed"),
        DiscoveredFeed(feed_server.url("/comments/feed/"), "application/rss+xml", "The Harbour Gazette » Comments Feed"),
    ]


def test_a_pasted_page_leads_to_its_feed(feed_server):
    """From a section page's URL to its feed's stories: fetch, discover, fetch, parse."""
    with Fetcher("NewsdeskTest/1.0", allowed_networks=["127.0.0.1/32"], per_host_delay=0) as fetcher:
        page = fetcher.fetch(feed_server.url("/news/"))
        feed_url = discover_feeds(page.content, page.url)[0].url
        result = fetcher.fetch(feed_url)
    feed = parse_feed(result.content, result.url, result.content_type)
    assert [item.url for item in feed.items] == [feed_server.url(path) for path in STORIES[2:]]


def test_feed_links_honour_base_rel_tokens_and_types():
    """<base href>, rel with several tokens in any case, types with parameters, plain application/json; duplicates once."""
    html = """<!DOCTYPE html><html><head>
    <base href="https://news.example/section/">
    <link rel="Alternate Feed" type="application/RSS+XML; charset=utf-8" href="rss">
    <link rel="alternate" type="application/json" title="  JSON  " href="/feed.json">
    <link rel="alternate" type="application/rss+xml" href="https://news.example/section/rss">
    <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
    <link rel="stylesheet" type="text/css" href="/style.css">
    <link rel="alternate" type="application/atom+xml" href="">
    <link rel="alternate" type="application/atom+xml" href="javascript:alert(1)">
    </head><body></body></html>"""
    assert discover_feeds(html, "https://news.example/section/page") == [
        DiscoveredFeed("https://news.example/section/rss", "application/rss+xml", None),
        DiscoveredFeed("https://news.example/feed.json", "application/json", "JSON"),
    ]


def test_no_feeds_and_no_html():
    """A page without feed links, or no page at all, gives an empty list."""
    assert discover_feeds(b"<html><head><title>x</title></head></html>", "https://news.example/") == []
    assert discover_feeds(b"", "https://news.example/") == []
    assert find_article_links("   ", "https://news.example/") == []


def test_article_links_on_a_section_page(feed_server):
    """The five stories, once each, in page order: tracked, fragment and image links folded in; the rest left out."""
    links = find_article_links(feed_server.saved("news/index.html"), feed_server.url("/news/"))
    assert links == [feed_server.url(path) for path in STORIES]


def test_article_page_links_to_other_stories_but_not_itself(feed_server):
    """On an article page, the Recent Posts stories are found and the page itself is not."""
    page = STORIES[2]
    links = find_article_links(feed_server.saved(page.lstrip("/")), feed_server.url(page))
    assert links == [feed_server.url(path) for path in STORIES if path != page]


def test_what_is_and_is_not_an_article_link():
    """Long slugs and dated paths on the same site are stories; navigation, lists, accounts and sharing are not."""
    html = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
    <nav><a href="/world/a-story-linked-only-from-the-menu-bar">menu</a></nav>
    <div role="navigation"><a href="/2024/05/01/also-in-a-menu">menu</a></div>
    <main>
      <a href="/world/ferry-strike-ends-after-three-weeks">slug</a>
      <a href="https://www.news.example/2024/05/16/12345">date and id</a>
      <a href="/news/2024-05-16-harbour">dated slug</a>
      <a href="ferry-timetable-changes-from-june?utm_source=home#top">relative, tracked</a>
      <a href="/world/ferry-strike-ends-after-three-weeks?ref=homepage">duplicate</a>
      <a href="/world/">section</a>
      <a href="/2024/05/">archive</a>
      <a href="/2024/05/16/">day archive</a>
      <a href="/tag/ferry-strike-ends-after-three-weeks/">tag</a>
      <a href="/author/maria-del-mar-lopez-garcia/">author</a>
      <a href="/category/world-news-from-the-coast/">category</a>
      <a href="/login/?next=/world/ferry-strike-ends-after-three-weeks">login</a>
      <a href="/share/ferry-strike-ends-after-three-weeks">share</a>
      <a href="/world/page/2/">page 2</a>
      <a href="/privacy-and-cookie-policy/">privacy</a>
      <a href="/about-the-news-example-team">about</a>
      <a href="/media/2024/05/ferry-at-the-quay-in-may.jpg">image</a>
      <a href="mailto:desk@news.example?subject=a-story-about-the-ferry">mail</a>
      <a href="javascript:void(0)">js</a>
      <a href="https://twitter.com/intent/tweet?url=https://news.example/world/ferry-strike-ends-after-three-weeks">x</a>
      <a href="https://other.example/world/their-story-about-the-ferry-strike">other site</a>
      <a rel="tag" href="/topics-of-the-week-in-the-bay">rel tag</a>
      <a href="/world/front-page-of-the-world-section">the page itself</a>
      <a href="https://news.example/Ferry-Strike-Ends-After-Three-Weeks">case matters in paths</a>
    </main></body></html>"""
    assert find_article_links(html, "https://news.example/world/front-page-of-the-world-section") == [
        "https://news.example/world/ferry-strike-ends-after-three-weeks",
        "https://www.news.example/2024/05/16/12345",
        "https://news.example/news/2024-05-16-harbour",
        "https://news.example/world/ferry-timetable-changes-from-june",
        "https://news.example/Ferry-Strike-Ends-After-Three-Weeks",
    ]
