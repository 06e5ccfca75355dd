"""What each entry carries: text, dates, authors, categories, lead image."""

import json
from datetime import datetime

import feedparser
import pytest
from lxml import etree
from wagtail.embeds.blocks import EmbedValue
from wagtail.rich_text import RichText

from newsdesk.feeds.entries import LEAD_IMAGE_SPEC
from newsdesk.stories.models import ArticlePage
from tests.feeds.checks import ATOM, CONTENT_ENCODED, DC_CREATOR, check_atom, check_feed_html, check_rss

pytestmark = pytest.mark.django_db


def newest_story():
    return ArticlePage.objects.live().order_by("-first_published_at").first()


def rss_item(client, url, story):
    channel = etree.fromstring(client.get(url).content).find("channel")
    return next(item for item in channel.iter("item") if item.findtext("link").endswith(story.url))


def test_full_text_carries_the_body_with_absolute_urls(client, settings):
    """With full text on, RSS, Atom and JSON carry the rendered body; the summary is the standfirst."""
    settings.NEWSDESK_FEED_FULL_TEXT = True
    story = newest_story()
    paragraph = next(block.value.source for block in story.body if block.block_type == "paragraph")
    first_words = paragraph.removeprefix("<p>")[:60]

    item = rss_item(client, "/feeds/rss.xml", story)
    assert item.findtext("description") == story.standfirst
    content = item.findtext(CONTENT_ENCODED)
    assert first_words in content
    assert 'src="http://testserver/media/images/' in content
    assert check_feed_html(content) == []

    entry = feedparser.parse(client.get("/feeds/atom.xml").content).entries[0]
    assert entry.summary == story.standfirst
    assert first_words in entry.content[0].value

    item = json.loads(client.get("/feeds/feed.json").content)["items"][0]
    assert item["summary"] == story.standfirst
    assert first_words in item["content_html"]
    assert "content_text" not in item


def test_summary_only_when_full_text_is_off(client, settings):
    """With full text off, no feed carries the body: only the standfirst."""
    settings.NEWSDESK_FEED_FULL_TEXT = False
    story = newest_story()

    item = rss_item(client, "/feeds/rss.xml", story)
    assert item.findtext("description") == story.standfirst
    assert item.find(CONTENT_ENCODED) is None

    atom = etree.fromstring(client.get("/feeds/atom.xml").content)
    assert atom.find(f"{ATOM}entry/{ATOM}content") is None
    assert atom.findtext(f"{ATOM}entry/{ATOM}summary") == story.standfirst

    item = json.loads(client.get("/feeds/feed.json").content)["items"][0]
    assert item["content_text"] == story.standfirst
    assert "content_html" not in item


def test_entry_names_every_author_in_byline_order(client):
    story = next(s for s in ArticlePage.objects.live().order_by("-first_published_at") if len(s.authors) > 1)
    names = [author.name for author in story.authors]
    assert [c.text for c in rss_item(client, "/feeds/rss.xml", story).findall(DC_CREATOR)] == names

    entry = next(e for e in feedparser.parse(client.get("/feeds/atom.xml").content).entries if e.title == story.title)
    assert [a["name"] for a in entry.authors] == names
    assert entry.authors[0]["href"] == f"http://testserver/authors/{story.authors[0].slug}/"

    item = next(i for i in json.loads(client.get("/feeds/feed.json").content)["items"] if i["title"] == story.title)
    assert [a["name"] for a in item["authors"]] == names


def test_categories_are_the_section_then_the_tags(client):
    story = newest_story()
    expected = [story.section.title] + sorted((tag.name for tag in story.tags.all()), key=str.casefold)
    assert [c.text for c in rss_item(client, "/feeds/rss.xml", story).findall("category")] == expected
    entry = feedparser.parse(client.get("/feeds/atom.xml").content).entries[0]
    assert [tag.term for tag in entry.tags] == expected
    assert json.loads(client.get("/feeds/feed.json").content)["items"][0]["tags"] == expected


def test_lead_image_is_an_enclosure_with_its_size_and_type(client):
    """The fill-1200x675 rendition, by absolute URL, with its file's real length."""
    story = newest_story()
    rendition = story.lead_image.renditions.get(filter_spec=LEAD_IMAGE_SPEC)
    url = "http://testserver" + rendition.url

    enclosure = rss_item(client, "/feeds/rss.xml", story).find("enclosure")
    assert enclosure.attrib == {"url": url, "length": str(rendition.file.size), "type": "image/jpeg"}

    atom = etree.fromstring(client.get("/feeds/atom.xml").content)
    link = next(x for x in atom.find(ATOM + "entry").findall(ATOM + "link") if x.get("rel") == "enclosure")
    assert (link.get("href"), link.get("length"), link.get("type")) == (url, str(rendition.file.size), "image/jpeg")

    assert json.loads(client.get("/feeds/feed.json").content)["items"][0]["image"] == url


def test_story_without_a_readable_image_goes_out_without_an_enclosure(client):
    story = newest_story()
    story.lead_image.file.name = "original_images/gone.jpg"
    story.lead_image.save()
    story.lead_image.renditions.all().delete()
    item = rss_item(client, "/feeds/rss.xml", story)
    assert item.find("enclosure") is None
    assert check_rss(client.get("/feeds/rss.xml").content, "http://testserver/feeds/rss.xml") == []


def test_dates_are_first_publication_and_latest_correction(client):
    """A corrected story is updated at its correction's time; published stays the first publication."""
    story = next(s for s in ArticlePage.objects.live() if s.corrections.exists())
    atom = etree.fromstring(client.get("/feeds/atom.xml").content)
    entry = next(e for e in atom.iter(ATOM + "entry") if e.findtext(ATOM + "title") == story.title)
    published = datetime.fromisoformat(entry.findtext(ATOM + "published"))
    updated = datetime.fromisoformat(entry.findtext(ATOM + "updated"))
    assert published.tzinfo is not None and updated.tzinfo is not None
    assert published == story.first_published_at.replace(microsecond=0)
    assert updated == story.updated_at.replace(microsecond=0)
    assert updated > published


def test_wire_story_links_to_its_source(client):
    """A wire story's JSON item points at the original; its full text credits the source."""
    story = ArticlePage.objects.live().exclude(source_url="").order_by("-first_published_at").first()
    feed = json.loads(client.get(f"/feeds/sections/{story.section.slug}/feed.json").content)
    item = next(i for i in feed["items"] if i["title"] == story.title)
    assert item["external_url"] == story.source_url
    assert f'Originally published by <a href="{story.source_url}">{story.source_name}</a>' in item["content_html"]


def test_full_text_makes_embeds_links_and_every_url_absolute(client):
    """Embeds become links, pictures one absolute rendition, internal links absolute; no iframe or srcset."""
    story = newest_story()
    other = ArticlePage.objects.live().exclude(pk=story.pk).first()
    story.body.append(
        ("paragraph", RichText(f'<p>See <a linktype="page" id="{other.pk}">the earlier story</a>.</p>'))
    )
    story.body.append(("image", {"image": other.lead_image, "caption": "A second picture", "credit": "Archive"}))
    story.body.append(("embed", {"embed": EmbedValue("https://www.youtube.com/watch?v=abc123"), "caption": "Video"}))
    story.save_revision().publish()

    atom = client.get("/feeds/atom.xml").content
    assert check_atom(atom, "http://testserver/feeds/atom.xml") == []
    content = etree.fromstring(atom).findtext(f"{ATOM}entry/{ATOM}content")
    assert f'<a href="http://testserver{other.url}">the earlier story</a>' in content
    assert '<a href="https://www.youtube.com/watch?v=abc123">Video</a>' in content
    assert 'src="http://testserver/media/images/' in content and "width-1200" in content
    assert "A second picture" in content
    for unwanted in ("<iframe", "srcset", "<script", 'class="'):
        assert unwanted not in content
