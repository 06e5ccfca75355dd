import re

import pytest

from newsdesk.stories.models import ArticlePage, Author

pytestmark = pytest.mark.django_db


def result_titles(html):
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a></h2>', html)


def test_search_finds_words_in_headline_body_and_highlights_them(client):
    response = client.get("/search/", {"q": "reservoirs"})
    html = response.content.decode()
    assert response.status_code == 200
    assert result_titles(html)
    assert re.search(r"<mark>reservoirs</mark>", html, re.I)


def test_search_matches_author_names_and_tags(client):
    author = Author.objects.get(slug="zoe-alund") if Author.objects.filter(slug="zoe-alund").exists() else Author.objects.first()
    surname = author.name.split()[-1]
    html = client.get("/search/", {"q": surname}).content.decode()
    assert len(result_titles(html)) >= 1
    tagged = ArticlePage.objects.live().filter(tags__name="football").first()
    if tagged:
        html = client.get("/search/", {"q": "football"}).content.decode()
        assert tagged.title.replace("'", "&#x27;") in html or tagged.title in html


def test_newer_stories_rank_first_among_equal_matches(client):
    """Stories that match equally well are listed newest first."""
    html = client.get("/search/", {"q": "Port Alder"}).content.decode()
    stamps = re.findall(r'<time class="age" datetime="([^"]+)"', html)
    assert len(stamps) >= 2
    assert stamps[0] >= stamps[-1]


def test_search_paginates(client):
    first = client.get("/search/", {"q": "Port Alder"}).content.decode()
    assert len(result_titles(first)) == 10
    assert 'rel="next"' in first
    second = client.get("/search/", {"q": "Port Alder", "page": 2}).content.decode()
    assert set(result_titles(second)).isdisjoint(result_titles(first))


def test_empty_and_unmatched_queries(client):
    assert "No stories match" in client.get("/search/", {"q": "zzyzxquux"}).content.decode()
    html = client.get("/search/").content.decode()
    assert 'role="search"' in html and "result" not in html.split("</form>")[1]


def test_markup_in_the_query_is_escaped(client):
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html
