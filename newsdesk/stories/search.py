"""The reader's search page: stories matching the words, with highlighted snippets."""

import re

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from newsdesk.pagecache.dependencies import depends_on

from .excerpts import plain_text
from .fulltext import newest_matches
from .models import ArticlePage, bylines, published_articles, with_sections

RESULTS_PER_PAGE = 10
# Scores within this fraction of each other count as equal, and the newer
# story comes first: readers of news want the latest of equally good matches.
SCORE_TIE = 0.05
SNIPPET_WORDS = 30
# Ranking happens here, among the newest matches the index finds: the bound
# keeps a common word as cheap in a million stories as in a thousand (on
# PostgreSQL each match read is a stored vector: 500 took twice as long as
# the same search on a small site), and twenty pages are more than readers
# of news page through for one word.
MAX_RESULTS = 200


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    page = None
    # Any story published, changed or withdrawn may change the results.
    depends_on("list:site")
    if query:
        # Ranking needs only each match's date and score: the page's ten
        # stories are loaded in full afterwards, not the five hundred.
        results = newest_matches(published_articles(), query, MAX_RESULTS)
        best = max((match.score or 0 for match in results), default=0) or 1

        def rank(match):
            return (-round((match.score or 0) / best / SCORE_TIE), -match.published_at.timestamp())

        results.sort(key=rank)
        page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        # The matches are live and public already: no need to ask again.
        stories = ArticlePage.objects.select_related("lead_image").prefetch_related(bylines())
        page.object_list = with_sections(in_order(stories, [match.pk for match in page]))
        for story in page:
            story.snippet = highlighted_snippet(story, query)
    return TemplateResponse(request, "stories/search.html", {"query": query, "results": page})


def in_order(stories, pks):
    """The stories with these primary keys, in the order of the keys."""
    by_pk = stories.in_bulk(pks)
    return [by_pk[pk] for pk in pks if pk in by_pk]


def highlighted_snippet(story, query):
    """A stretch of the story around the first matching word, the matches in <mark>."""
    words = [re.escape(word) for word in re.findall(r"\w+", query) if len(word) > 1]
    text = plain_text(story.standfirst + " " + story.body_text())
    if not words:
        return escape(" ".join(text.split()[:SNIPPET_WORDS]))
    pattern = re.compile(r"\b(" + "|".join(words) + r")", re.IGNORECASE)
    tokens = text.split()
    first = next((i for i, token in enumerate(tokens) if pattern.search(token)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    chunk = " ".join(tokens[start : start + SNIPPET_WORDS])
    marked = pattern.sub(lambda m: f"\0{m.group(0)}\1", chunk)
    html = escape(marked).replace("\0", "<mark>").replace("\1", "</mark>")
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(tokens) else ""
    return mark_safe(prefix + html + suffix)
