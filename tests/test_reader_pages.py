import re

import pytest
from django.utils import timezone

from newsdesk.branding.models import NewsroomSettings
from newsdesk.stories.models import ArticlePage, Author, SectionPage

pytestmark = pytest.mark.django_db


def newest_article():
    return ArticlePage.objects.live().order_by("-first_published_at").first()


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_article_page_shows_every_reference_element_in_order(client):
    """Section label, headline, byline, body, share line, copyright, Recent Posts."""
    article = newest_article()
    html = client.get(article.url).content.decode()
    settings = NewsroomSettings.objects.get()
    markers = [
        f'class="section-label"><a href="{article.section.url}">{article.section.title.upper()}</a>',
        f'<h1 id="headline" class="headline">',
        'class="byline">Published by <a href="/authors/',
        'class="story-body"',
        f'class="share-cta">{settings.share_call_to_action}',
        f"© {settings.copyright_start_year}–{timezone.localdate().year}, {settings.copyright_holder}. All rights reserved.",
        '<h2 id="recent-posts-heading">Recent Posts</h2>',
    ]
    positions = [html.find(marker) for marker in markers]
    assert -1 not in positions, [m for m, p in zip(markers, positions) if p == -1]
    assert positions == sorted(positions)


def test_article_keeps_block_quotes_as_quotations(client):
    article = next(a for a in ArticlePage.objects.live() if any(b.block_type == "quote" for b in a.body))
    html = client.get(article.url).content.decode()
    assert re.search(r"<blockquote><p>.+?</p></blockquote>\s*<figcaption>— ", html, re.S)


def test_recent_posts_lists_the_latest_other_stories(client):
    """Six by default, newest first, never the story itself, each with excerpt and age."""
    article = newest_article()
    html = client.get(article.url).content.decode()
    block = html[html.index('class="recent-posts"') :]
    titles = re.findall(r'class="recent-title" href="([^"]+)"', block)
    expected = [a.url for a in ArticlePage.objects.live().exclude(pk=article.pk).order_by("-first_published_at")[:6]]
    assert titles == expected
    excerpts = re.findall(r'class="recent-excerpt">([^<]*)</p>', block)
    assert len(excerpts) == 6 and all(e.endswith("…") for e in excerpts)
    ages = re.findall(r"<time class=\"age\" datetime=\"[^\"]+\" data-age>([^<]+)</time>", block)
    assert len(ages) == 6
    assert all(re.fullmatch(r"just now|1 (minute|hour|day) ago|\d+ (minutes|hours|days) ago|\d{1,2} \w+ \d{4}", a) for a in ages)


def test_recent_posts_count_is_a_setting(client):
    settings = NewsroomSettings.objects.get()
    settings.recent_posts_count = 3
    settings.save()
    html = client.get(newest_article().url).content.decode()
    assert html.count('class="recent-post"') == 3


def test_share_links_carry_the_encoded_url_and_title(client):
    """Plain links for seven networks plus a copy button; no third-party script."""
    article = newest_article()
    html = client.get(article.url).content.decode()
    share = html[html.index('class="share"') : html.index('class="copyright"')]
    for network in ["x", "facebook", "linkedin", "telegram", "whatsapp", "reddit", "email"]:
        assert f'class="share-{network}"' in share
    assert "http%3A%2F%2Ftestserver%2F" in share
    assert 'data-copy-url="http://testserver' in share
    assert not re.search(r"<script[^>]+src=\"https?://", html)


def test_share_networks_are_a_setting(client):
    settings = NewsroomSettings.objects.get()
    settings.share_networks = ["x", "email"]
    settings.save()
    html = client.get(newest_article().url).content.decode()
    assert 'class="share-x"' in html and 'class="share-email"' in html
    assert 'class="share-facebook"' not in html


def test_correction_is_shown_with_its_date(client):
    article = ArticlePage.objects.live().filter(corrections__isnull=False).first()
    html = client.get(article.url).content.decode()
    assert "Corrections" in html
    assert article.corrections.first().note in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert "Updated <time" in html


def test_wire_story_credits_its_source(client):
    article = ArticlePage.objects.live().exclude(source_name="").first()
    html = client.get(article.url).content.decode()
    assert f'Originally published by <a href="{article.source_url}"' in html


def test_home_page_has_lead_story_section_blocks_and_recent_posts(client):
    html = client.get("/").content.decode()
    assert 'class="lead-story"' in html
    for section in SectionPage.objects.live():
        assert f'id="section-{section.slug}"' in html
    assert "Recent Posts" in html


def test_section_page_paginates_its_stories(client):
    section = max(SectionPage.objects.live(), key=lambda s: ArticlePage.objects.child_of(s).count())
    first = client.get(section.url).content.decode()
    assert section.title in first
    count = ArticlePage.objects.live().child_of(section).count()
    cards = first.count('class="story-card"')
    assert cards == min(count, 12)
    if count > 12:
        assert 'rel="next"' in first
        assert 'rel="prev"' in client.get(section.url + "?page=2").content.decode()


def test_author_page_lists_their_stories(client):
    author = Author.objects.first()
    response = client.get(f"/authors/{author.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert author.name in html
    assert html.count('class="story-card"') >= 1


def test_tag_page_lists_tagged_stories(client):
    article = ArticlePage.objects.live().filter(tags__isnull=False).first()
    tag = article.tags.first()
    html = client.get(f"/tags/{tag.slug}/").content.decode()
    assert article.title in html.replace("&#x27;", "'")


def test_unknown_author_and_page_answer_404_in_site_style(client):
    assert client.get("/authors/nobody-at-all/").status_code == 404
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()
    assert 'class="sections-nav"' in response.content.decode()


def test_images_carry_width_and_height(client):
    """No layout shift: every <img> states its size."""
    for url in ["/", newest_article().url]:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<img [^>]+>", html):
            assert 'width="' in tag and 'height="' in tag, tag


def test_listing_queries_do_not_grow_with_the_stories_listed(client, django_assert_max_num_queries):
    """A section page of twelve cards costs a fixed handful of queries, not one per card."""
    section = SectionPage.objects.get(slug="world")
    client.get(section.url)  # renditions made on the first view
    with django_assert_max_num_queries(20):
        client.get(section.url)
