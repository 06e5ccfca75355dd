"""The demo wire outlets: feeds, home and article pages the wire desk can pull with no network.

The tests in this module run without database access (pytest-django refuses
it in unmarked tests), so they also show the outlets never touch the
database; only the 404 test needs it, for the site's 404 handling.
"""

import html
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import feedparser
import pytest
from django.urls import include, path
from django.utils import timezone
from lxml import html as lxml_html

from newsdesk import urls as site_urls
from newsdesk.demo.outlets import catalogue, demo_sources
from newsdesk.wire.extraction import extract
from newsdesk.wire.parsing import parse_feed
from tests.support import REPO_ROOT

# The site's URLs with the outlets mounted before Wagtail's catch-all, as newsdesk/urls.py will.
urlpatterns = [path("demo-outlets/", include("newsdesk.demo.urls")), *site_urls.urlpatterns]
pytestmark = pytest.mark.urls(__name__)

VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SECTIONS = {"world", "politics", "business", "technology", "science", "sports", "culture"}
OUTLETS = list(catalogue().outlets.values())
XML_FEEDS = [
    ("harbour-wire", "feed.xml", "application/rss+xml", "rss20"),
    ("northern-ledger", "feed.xml", "application/atom+xml", "atom10"),
]
ARTICLES = [
    pytest.param(outlet, story, id=f"{outlet['slug']}/{story['slug']}")
    for outlet in OUTLETS
    for story in outlet["stories"]
]
AGE = re.compile(r"\d+ (?:minute|hour|day)s? ago")


@pytest.fixture(autouse=True)
def outlets_on(settings):
    """The outlets answer only where NEWSDESK_DEMO_OUTLETS is on, as under `newsdesk run`."""
    settings.NEWSDESK_DEMO_OUTLETS = True


def article_url(outlet, story):
    return f"/demo-outlets/{outlet['slug']}/{story['slug']}/"


def paragraphs(story):
    return [block["text"] for block in story["body"] if block["type"] == "paragraph"]


def quotes(story):
    return [block for block in story["body"] if block["type"] == "quote"]


def boilerplate(outlet):
    """Strings of an outlet's page that are not its story."""
    year = timezone.now().year
    return [
        outlet["share_prompt"],
        f"© {year}, {outlet['name']}. All rights reserved.",
        "Recent Posts",
        outlet["newsletter"]["heading"],
        outlet["newsletter"]["text"],
        outlet["address"],
        outlet["tagline"],
        "Facebook",
        "LinkedIn",
        "Email address",
        "…",
    ]


# The outlets file


def test_three_outlets_with_six_stories_each():
    """Each outlet has six stories of 4-6 paragraphs, at most one quote, a known section, within three days."""
    assert len(OUTLETS) == 3
    assert {outlet["feed"] for outlet in OUTLETS} == {"rss", "atom", "json"}
    for outlet in OUTLETS:
        stories = outlet["stories"]
        assert len(stories) == 6
        assert len({story["slug"] for story in stories}) == 6
        assert outlet["section"] in SECTIONS
        for story in stories:
            assert 4 <= len(paragraphs(story)) <= 6, story["slug"]
            assert len(quotes(story)) <= 1
            assert all(quote["attribution"] for quote in quotes(story))
            assert story["section"] in SECTIONS
            assert story["title"] and story["author"]
            assert 0 < story["minutes_ago"] <= 3 * 24 * 60
    # together they cover every section of the demo newsroom
    assert {story["section"] for outlet in OUTLETS for story in outlet["stories"]} == SECTIONS


def test_two_outlets_tell_the_same_story_in_their_own_words():
    """Exactly two stories, from different outlets, cover the same event, sharing no paragraph."""
    same = [
        (outlet["slug"], story)
        for outlet in OUTLETS
        for story in outlet["stories"]
        if story.get("same_event")
    ]
    assert len(same) == 2
    (first_outlet, first), (second_outlet, second) = same
    assert first_outlet != second_outlet
    assert first["same_event"] == second["same_event"]
    assert first["title"] != second["title"]
    assert not set(paragraphs(first)) & set(paragraphs(second))


# Feeds


@pytest.mark.parametrize(("outlet", "name", "media_type", "version"), XML_FEEDS)
def test_xml_feed_parses_cleanly_and_its_links_answer(client, outlet, name, media_type, version):
    """The RSS and Atom feeds parse cleanly, with six dated, signed entries whose pages answer."""
    response = client.get(f"/demo-outlets/{outlet}/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    parsed = feedparser.parse(response.content, response_headers={"content-type": response["Content-Type"]})
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == version
    assert parsed.feed.title == catalogue().outlets[outlet]["name"]
    assert len(parsed.entries) == 6
    for entry in parsed.entries:
        assert entry.id and entry.title and entry.author and entry.published_parsed and entry.summary
        assert client.get(entry.link).status_code == 200


def test_rss_feed_uses_guids_dc_creator_and_dates_relative_to_now(client):
    """RSS items carry a non-permalink GUID, the author as dc:creator, and pubDates minutes_ago before now."""
    before = timezone.now().replace(second=0, microsecond=0)
    response = client.get("/demo-outlets/harbour-wire/feed.xml")
    after = timezone.now()

    body = response.content.decode()
    assert 'xmlns:dc="http://purl.org/dc/elements/1.1/"' in body
    parsed = feedparser.parse(response.content)
    stories = {story["title"]: story for story in catalogue().outlets["harbour-wire"]["stories"]}
    for entry in parsed.entries:
        story = stories[entry.title]
        assert entry.guidislink is False
        assert entry.id.startswith("tag:") and story["slug"] in entry.id
        assert entry.author == story["author"]
        published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
        age = timedelta(minutes=story["minutes_ago"])
        assert before - age <= published <= after - age
        assert paragraphs(story)[0].startswith(html.unescape(entry.summary).removesuffix("…"))


def test_json_feed_follows_json_feed_1_1(client):
    """The JSON Feed has the 1.1 version, six items with id, url, title, HTML content, author and RFC 3339 date."""
    # feedparser 6.0 does not read JSON Feed, so the spec's required and used fields are checked here.
    response = client.get("/demo-outlets/coastline-daily/feed.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    document = json.loads(response.content)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Coastline Daily"
    assert document["feed_url"] == "http://testserver/demo-outlets/coastline-daily/feed.json"
    assert client.get(document["home_page_url"]).status_code == 200
    items = document["items"]
    assert len(items) == 6
    assert len({item["id"] for item in items}) == 6
    dates = []
    for item in items:
        assert isinstance(item["id"], str) and item["title"] and item["summary"]
        assert item["content_html"].startswith("<p>")
        assert [author["name"] for author in item["authors"]]
        dates.append(datetime.fromisoformat(item["date_published"]))
        assert dates[-1].tzinfo is not None
        assert client.get(item["url"]).status_code == 200
    assert dates == sorted(dates, reverse=True)


def test_json_feed_carries_the_full_story(client):
    """Each JSON Feed item's HTML holds every paragraph of its story and its quote as a blockquote."""
    document = json.loads(client.get("/demo-outlets/coastline-daily/feed.json").content)
    stories = {story["title"]: story for story in catalogue().outlets["coastline-daily"]["stories"]}
    for item in document["items"]:
        story = stories[item["title"]]
        text = lxml_html.fromstring(item["content_html"]).text_content()
        for paragraph in paragraphs(story):
            assert paragraph in text
        for quote in quotes(story):
            assert "<blockquote>" in item["content_html"] and quote["text"] in text


@pytest.mark.parametrize("source", demo_sources("http://testserver"), ids=lambda source: source["name"])
def test_wire_desk_parser_reads_each_feed(client, source):
    """The wire desk's own feed parser reads six items from each feed, with author, date and a summary."""
    response = client.get(source["url"])
    feed = parse_feed(response.content, source["url"], response["Content-Type"])

    assert not feed.warnings
    assert len(feed.items) == 6
    for item in feed.items:
        assert item.url.startswith("http://testserver/demo-outlets/")
        assert item.title and item.author and item.published and item.summary_html


# Pages


@pytest.mark.parametrize("outlet", OUTLETS, ids=lambda outlet: outlet["slug"])
def test_home_page_announces_its_feed_and_links_every_story(client, outlet):
    """An outlet's home page links its feed as rel=alternate and each of its six stories."""
    response = client.get(f"/demo-outlets/{outlet['slug']}/")

    assert response.status_code == 200
    page = lxml_html.fromstring(response.content)
    (alternate,) = page.xpath("//head/link[@rel='alternate']")
    feed = client.get(alternate.get("href"))
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith(alternate.get("type"))
    links = set(page.xpath("//main//a/@href"))
    for story in outlet["stories"]:
        assert article_url(outlet, story) in links


def test_index_lists_the_outlets(client):
    """/demo-outlets/ links each outlet's home page and feed."""
    response = client.get("/demo-outlets/")

    assert response.status_code == 200
    links = set(lxml_html.fromstring(response.content).xpath("//a/@href"))
    for source in demo_sources("http://testserver"):
        assert source["url"] in links


@pytest.mark.parametrize("outlet", OUTLETS, ids=lambda outlet: outlet["slug"])
def test_article_page_is_built_like_a_real_outlets(client, outlet):
    """An article page has the story in <article> with its metadata, and the outlet's boilerplate around it."""
    story = outlet["stories"][1]
    before = timezone.now().replace(second=0, microsecond=0)
    response = client.get(article_url(outlet, story))
    after = timezone.now()

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = lxml_html.fromstring(response.content)
    (article,) = page.xpath("//article")
    assert article.xpath("string(.//h1)") == story["title"]
    assert story["author"] in article.xpath("string(.//*[@class='byline'])")
    (time,) = article.xpath(".//time/@datetime")
    published = datetime.fromisoformat(time)
    expected = timedelta(minutes=story["minutes_ago"])
    assert before - expected <= published <= after - expected
    assert page.xpath("//meta[@property='article:published_time']/@content") == [time]
    assert page.xpath("//meta[@property='og:title']/@content") == [story["title"]]
    article_text = article.text_content()
    for paragraph in paragraphs(story):
        assert paragraph in article_text
    for quote in quotes(story):
        assert quote["text"] in article.xpath("string(.//blockquote)")
        assert quote["attribution"] in article.xpath("string(.//blockquote)")

    text = page.text_content()
    for line in boilerplate(outlet):
        assert line in text, line
    share = page.xpath("//*[@class='share']//a/text()")
    assert {"Email", "X", "Facebook", "LinkedIn"} <= set(share)
    assert page.xpath("//form//input[@type='email']")
    assert page.xpath("//footer[@class='site-footer']")
    assert not page.xpath("//script") and not page.xpath("//img") and not page.xpath("//link[@rel='stylesheet']")


def test_recent_posts_show_titles_cut_excerpts_and_ages(client):
    """"Recent Posts" lists four other stories: a linked title, an excerpt ending in “…”, an age in words."""
    outlet = catalogue().outlets["northern-ledger"]
    story = outlet["stories"][0]
    page = lxml_html.fromstring(client.get(article_url(outlet, story)).content)

    (recent,) = page.xpath("//section[h2='Recent Posts']")
    posts = recent.xpath(".//li")
    assert len(posts) == 4
    others = {other["title"]: other for other in outlet["stories"][1:]}
    for post in posts:
        title = post.xpath("string(.//h3/a)")
        assert title in others
        assert client.get(post.xpath(".//h3/a/@href")[0]).status_code == 200
        excerpt, age = [p.text_content() for p in post.xpath("./p")]
        assert excerpt.endswith("…") and paragraphs(others[title])[0].startswith(excerpt[:-1].rstrip())
        assert AGE.fullmatch(age), age
    assert [p.text_content() for p in recent.xpath(".//p[@class='age']")][:2] == ["6 hours ago", "18 hours ago"]


def test_pages_are_valid_html(client, tmp_path):
    """The index, home and article pages are valid HTML according to the Nu Html Checker."""
    if not VNU_JAR.exists() or not shutil.which("java"):
        pytest.fail("The Nu Html Checker is missing: run `make test` (it installs vnu-jar and Java).")
    urls = ["/demo-outlets/"]
    for outlet in OUTLETS:
        urls += [f"/demo-outlets/{outlet['slug']}/", article_url(outlet, outlet["stories"][0])]
    files = []
    for number, url in enumerate(urls):
        page = tmp_path / f"page-{number}.html"
        page.write_bytes(client.get(url).content)
        files.append(str(page))
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *files],
        check=False,  # the checker exits non-zero when it finds errors; they are read below
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    page_url = {f"file:{page}": url for page, url in zip(files, urls)}
    errors = [f"{page_url.get(m['url'], m['url'])}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert not errors, "\n".join(errors)


# Conditional GET and errors


def fetch_twice(client, url, validator):
    """A GET, then a conditional GET with the first answer's validator.

    The outlets' content changes when the clock turns a minute; when it turned
    between the two requests, they are made again.
    """
    header, request_header = {
        "etag": ("ETag", "If-None-Match"),
        "date": ("Last-Modified", "If-Modified-Since"),
    }[validator]
    for _ in range(2):
        first = client.get(url)
        second = client.get(url, headers={request_header: first[header]})
        if second.status_code == 304 or second[header] == first[header]:
            return first, second
    return first, second


@pytest.mark.parametrize("validator", ["etag", "date"])
@pytest.mark.parametrize(
    "url",
    [
        "/demo-outlets/harbour-wire/feed.xml",
        "/demo-outlets/northern-ledger/feed.xml",
        "/demo-outlets/coastline-daily/feed.json",
        "/demo-outlets/harbour-wire/",
        "/demo-outlets/coastline-daily/amber-tern-freed-from-sallow-strait-sandbank/",
    ],
)
def test_conditional_get_of_unchanged_content_is_304(client, url, validator):
    """A conditional GET with the ETag or Last-Modified of unchanged content is answered 304, without a body."""
    first, second = fetch_twice(client, url, validator)

    assert first.status_code == 200
    assert second.status_code == 304
    assert second.content == b""
    assert second["ETag"] == first["ETag"]


def test_a_stale_etag_gets_the_full_response(client):
    """A conditional GET with another ETag is answered 200 with the content."""
    response = client.get("/demo-outlets/harbour-wire/feed.xml", headers={"If-None-Match": '"not-this-one"'})

    assert response.status_code == 200
    assert b"<rss" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/demo-outlets/morning-star-gazette/",
        "/demo-outlets/morning-star-gazette/feed.xml",
        "/demo-outlets/harbour-wire/no-such-story/",
        "/demo-outlets/harbour-wire/feed.json",  # the outlet's feed is RSS
        "/demo-outlets/coastline-daily/feed.xml",  # the outlet's feed is JSON
        "/demo-outlets/northern-ledger/fenwick-hale-to-close-14-supermarkets/extra/",
    ],
)
def test_unknown_outlet_story_or_feed_is_404(client, url):
    """Addresses of outlets, stories or feeds that do not exist answer 404."""
    assert client.get(url).status_code == 404


# Extraction


@pytest.mark.parametrize(("outlet", "story"), ARTICLES)
def test_extractor_takes_the_story_and_leaves_the_boilerplate(client, outlet, story):
    """The wire desk's extractor gets every paragraph and quote of the story, and none of the page's boilerplate."""
    url = "http://testserver" + article_url(outlet, story)
    extraction = extract(client.get(url).content, url)

    for paragraph in paragraphs(story):
        assert paragraph in extraction.text
    for quote in quotes(story):
        assert quote["text"] in extraction.text
    for line in boilerplate(outlet):
        assert line not in extraction.text, line
        assert line not in extraction.html, line
    assert not AGE.search(extraction.text)
    assert extraction.title == story["title"]
    assert extraction.author == story["author"]


# The desk's sources


def test_demo_sources_point_at_the_three_feeds(client):
    """demo_sources gives one feed source per outlet, polled every 10 minutes, filed under its main section."""
    sources = demo_sources("http://127.0.0.1:8000/")

    assert [source["name"] for source in sources] == [outlet["name"] for outlet in OUTLETS]
    for source, outlet in zip(sources, OUTLETS):
        assert source["kind"] == "feed"
        assert source["poll_minutes"] == 10
        assert source["section_slug"] == outlet["section"]
        assert source["url"].startswith("http://127.0.0.1:8000/demo-outlets/")
        assert client.get(urlsplit(source["url"]).path).status_code == 200
