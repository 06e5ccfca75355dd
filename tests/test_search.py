import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.stories.models import ArticleAuthor, ArticlePage, Author, SectionPage

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
    """Stories that match equally well (the same words, once each) are listed newest first."""
    section = SectionPage.objects.get(slug="world")
    now = timezone.now()
    for days in (3, 1, 2):
        story = ArticlePage(title="Quillonby ferry timetable changes", slug=f"quillonby-{days}", live=False,
                            standfirst="The crossing keeps its winter hours.")
        story.article_authors = [ArticleAuthor(author=Author.objects.order_by("pk").first())]
        section.add_child(instance=story)
        story.save_revision().publish()
        ArticlePage.objects.filter(pk=story.pk).update(first_published_at=now - timedelta(days=days))
    html = client.get("/search/", {"q": "Quillonby"}).content.decode()
    stamps = re.findall(r'<time class="age" datetime="([^"]+)"', html)
    assert len(stamps) == 3
    assert stamps == sorted(stamps, reverse=True)


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


def ranked_by_every_match(query):
    """Titles as ranking all matches by the backend's own score, newest first among ties, would list them."""
    from newsdesk.stories.models import published_articles
    from newsdesk.stories.search import SCORE_TIE

    results = list(published_articles().search(query).annotate_score("_score"))
    # FTS5's bm25() is negative, lower the better; the page scores as PostgreSQL does, higher the better.
    sign = -1 if connection.vendor == "sqlite" else 1
    scores = {story.pk: sign * (story._score or 0) for story in results}
    best = max(scores.values(), default=0) or 1
    results.sort(key=lambda story: (-round(scores[story.pk] / best / SCORE_TIE), -story.published_at.timestamp()))
    return [story.title for story in results]


@pytest.mark.parametrize("query", ["Port Alder", "water", "council", "football"])
def test_results_and_order_match_ranking_every_match(client, query):
    """In an archive smaller than the bound, the page lists what ranking every match would."""
    expected = ranked_by_every_match(query)
    listed = []
    for number in range(1, 5):
        html = client.get("/search/", {"q": query, "page": number}).content.decode()
        listed += [title.replace("&#x27;", "'").replace("&amp;", "&") for title in result_titles(html)]
        if 'rel="next"' not in html:
            break
    assert listed == expected[: len(listed)]
    assert listed


@pytest.mark.parametrize(
    "query",
    ['"', 'a"b', "(port OR alder", "NOT water", "water AND", "water*", "*", "-", "^water", "title:water",
     "NEAR(port alder)", "O'Brien", "\\", "café", "水", "!&|", "':*"],
)
def test_queries_in_full_text_syntax_are_taken_as_words(client, query):
    """Quotes, operators and punctuation in the query never reach the index as syntax."""
    assert client.get("/search/", {"q": query}).status_code == 200


def test_the_newest_matches_are_listed_when_there_are_more_than_the_bound(client, monkeypatch):
    """Beyond the bound, the newest matching stories are the ones ranked."""
    from newsdesk.stories import search

    every = ArticlePage.objects.live().search("Port Alder")
    newest = sorted(every, key=lambda story: -story.pk)[:3]
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    html = client.get("/search/", {"q": "Port Alder"}).content.decode()
    assert sorted(result_titles(html)) == sorted(story.title.replace("'", "&#x27;") for story in newest)


def fts5_scores(query):
    """{story pk: FTS5's own bm25() for the query, negated} over every match, as the backend scores them."""
    from newsdesk.stories.models import published_articles

    return {story.pk: -story._score for story in published_articles().search(query).annotate_score("_score")}


@pytest.mark.skipif("connection.vendor != 'sqlite'")
@pytest.mark.parametrize("query", ["Port Alder", "water", "council vote", "football", "café"])
def test_scores_on_sqlite_are_fts5s_bm25_when_every_match_is_read(query):
    """Below the sample a word's count is exact, so the page's scores are FTS5's to rounding."""
    from newsdesk.stories.fulltext import newest_matches
    from newsdesk.stories.models import published_articles

    expected = fts5_scores(query)
    found = {match.pk: match.score for match in newest_matches(published_articles(), query, 1000)}
    assert found.keys() == expected.keys()
    for pk, score in expected.items():
        assert found[pk] == pytest.approx(score, rel=1e-6)


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_common_words_count_is_estimated_from_its_newest_entries(monkeypatch):
    """Past the sample, the count follows where the word's newest entries start: close to the true count."""
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

    from newsdesk.stories import fts5_ranking

    table = SQLiteFTSIndexEntry._meta.db_table
    with connection.cursor() as cursor:
        rows, _, newest = fts5_ranking.index_totals(cursor, table)
        [exact] = fts5_ranking.estimated_counts(cursor, table, ("title", "body"), ["the"], rows, newest)
        monkeypatch.setattr(fts5_ranking, "SAMPLE", 5)
        [estimate] = fts5_ranking.estimated_counts(cursor, table, ("title", "body"), ["the"], rows, newest)
    assert exact > 5
    assert exact / 3 <= estimate <= min(rows, exact * 3)


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_word_without_letters_or_digits_adds_nothing_to_the_scores():
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

    from newsdesk.stories.fts5_ranking import bm25_scores

    entries = list(SQLiteFTSIndexEntry.objects.order_by("-pk").values_list("pk", flat=True)[:5])
    with connection.cursor() as cursor:
        alone = bm25_scores(cursor, SQLiteFTSIndexEntry._meta.db_table, entries, ["water"])
        with_underscores = bm25_scores(cursor, SQLiteFTSIndexEntry._meta.db_table, entries, ["water", "__"])
    assert with_underscores == alone
