from datetime import datetime

import pytest

from newsdesk.branding.models import NewsroomSettings
from newsdesk.stories.models import ArticlePage, Author
from tests.seo.pages import meta_value, meta_values, read_head

pytestmark = pytest.mark.django_db


def story():
    return ArticlePage.objects.live().filter(source_name="").order_by("-first_published_at").first()


def test_article_has_open_graph_article_tags(client):
    article = story()
    html = client.get(article.url).content.decode()
    assert meta_value(html, "og:type") == "article"
    assert meta_value(html, "og:title") == article.title
    assert meta_value(html, "og:description") == article.search_description
    assert meta_value(html, "og:url") == f"http://testserver{article.url}"
    assert meta_value(html, "og:site_name") == "The Meridian Courier"
    assert meta_value(html, "article:section") == article.section.title
    assert meta_values(html, "article:tag") == [tag.name for tag in article.tags.all()]
    for name in ("article:published_time", "article:modified_time"):
        assert datetime.fromisoformat(meta_value(html, name)).tzinfo is not None


def test_article_card_image_is_a_1200_by_630_rendition_with_alt_text(client):
    html = client.get(story().url).content.decode()
    assert meta_value(html, "og:image").startswith("http://testserver/media/images/")
    assert meta_value(html, "og:image:width") == "1200"
    assert meta_value(html, "og:image:height") == "630"
    assert meta_value(html, "og:image:alt")
    assert meta_value(html, "twitter:card") == "summary_large_image"


def test_twitter_site_is_the_newsrooms_x_handle_when_set(client):
    article = story()
    assert meta_values(client.get(article.url).content.decode(), "twitter:site") == []
    newsroom = NewsroomSettings.objects.get()
    newsroom.x_handle = "meridiancourier"
    newsroom.save()
    assert meta_value(client.get(article.url).content.decode(), "twitter:site") == "@meridiancourier"


def test_other_pages_are_websites_with_the_logo_as_image(client):
    html = client.get("/").content.decode()
    assert meta_value(html, "og:type") == "website"
    assert meta_value(html, "og:title") == "The Meridian Courier"
    assert meta_value(html, "twitter:card") == "summary"
    assert meta_values(html, "og:image") == []
    newsroom = NewsroomSettings.objects.get()
    newsroom.logo = Author.objects.exclude(photo=None).first().photo
    newsroom.save()
    html = client.get(story().section.url).content.decode()
    assert meta_value(html, "og:image").startswith("http://testserver/media/images/")
    assert meta_value(html, "og:title") == story().section.title


def test_head_keeps_one_title_and_one_description(client):
    """base.html writes <title> and the description; the SEO tags add neither again."""
    html = client.get(story().url).content.decode()
    assert html.count("<title>") == 1
    assert [key for key, _ in read_head(html).meta].count("description") == 1
