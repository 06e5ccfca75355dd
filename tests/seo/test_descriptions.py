"""Every reader page carries one meta description: search engines show it under the link."""

import pytest
from wagtail.models import Site

from newsdesk.branding.models import NewsroomSettings
from newsdesk.stories.models import ArticlePage, Author, HomePage, SectionPage
from tests.seo.pages import meta_value, meta_values

pytestmark = pytest.mark.django_db


def newsroom():
    return NewsroomSettings.for_site(Site.objects.get(is_default_site=True))


def description(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return meta_value(response.content.decode(), "description")


def test_home_search_and_tag_pages_fall_back_to_the_newsroom_tagline(client):
    tagline = newsroom().tagline
    assert tagline
    tag = ArticlePage.objects.live().filter(tags__isnull=False).first().tags.first()
    for url in ("/", "/search/", "/search/?q=water", f"/tags/{tag.slug}/"):
        assert description(client, url) == tagline, url


def test_a_search_description_set_by_an_editor_comes_first(client):
    home = HomePage.objects.live().first()
    home.search_description = "The news of the Meridian coast, every hour."
    home.save_revision().publish()
    assert description(client, "/") == "The news of the Meridian coast, every hour."


def test_sections_describe_themselves_then_fall_back_to_the_tagline(client):
    section = SectionPage.objects.live().first()
    section.description = "Diplomacy, conflict and the world's economies."
    section.search_description = ""
    section.save_revision().publish()
    assert description(client, section.url) == "Diplomacy, conflict and the world's economies."
    section.description = ""
    section.save_revision().publish()
    assert description(client, section.url) == newsroom().tagline


def test_authors_are_described_by_their_bio(client):
    author = Author.objects.exclude(bio="").first()
    assert description(client, f"/authors/{author.slug}/") == author.bio


def test_articles_keep_their_search_description_else_their_standfirst(client):
    article = ArticlePage.objects.live().exclude(standfirst="").first()
    article.search_description = ""
    article.save_revision().publish()
    assert description(client, article.url) == article.standfirst
    article.search_description = "Three states share the river's water until the rains."
    article.save_revision().publish()
    assert description(client, article.url) == "Three states share the river's water until the rains."


def test_no_description_at_all_when_there_is_nothing_to_say(client):
    settings = newsroom()
    settings.tagline = ""
    settings.save()
    html = client.get("/search/").content.decode()
    assert meta_values(html, "description") == []
