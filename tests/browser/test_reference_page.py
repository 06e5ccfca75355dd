"""The article page, seen in a real browser, has every element of the reference page."""

import re
from datetime import datetime, timedelta

import pytest

from newsdesk.stories.ages import age_in_words

pytestmark = pytest.mark.browser

REFERENCE_ORDER = [
    ".section-label",
    "h1.headline",
    ".byline",
    ".story-body",
    ".share-cta",
    ".copyright",
    ".recent-posts",
]
AGE_WORDS = re.compile(r"just now|1 (minute|hour|day) ago|\d+ (minutes|hours|days) ago|\d{1,2} [A-Z][a-z]+ \d{4}")
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def document_order(page, selectors):
    """True when the selectors' first matches follow each other in the document."""
    return page.evaluate(
        """(selectors) => {
            const nodes = selectors.map((s) => document.querySelector(s));
            return nodes.every((node, i) => i === 0 ||
                (nodes[i - 1].compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING));
        }""",
        selectors,
    )


def test_article_page_shows_reference_elements_in_order(page, running_site, reader_pages):
    page.goto(running_site + reader_pages["article"])
    for selector in REFERENCE_ORDER:
        assert page.locator(selector).first.is_visible(), selector
    assert document_order(page, REFERENCE_ORDER)

    label = page.locator(".section-label").first.inner_text()
    assert label == label.upper() and label.strip()
    assert page.locator(".section-label a").first.get_attribute("href").strip("/") in reader_pages["article"]
    byline = page.locator(".byline").first
    assert byline.inner_text().startswith("Published by ")
    assert byline.locator("a[href^='/authors/']").count() >= 1
    assert byline.locator("time[datetime]").count() >= 1
    assert page.locator(".story-body p").count() >= 3
    assert re.fullmatch(
        r"© (\d{4}–)?\d{4}, .+\. All rights reserved\.", page.locator(".copyright").inner_text()
    )
    shares = page.locator(".share-links a")
    assert shares.count() == 7
    assert page.locator("button.copy-link").is_visible()


def test_recent_posts_have_titles_excerpts_and_ages(page, running_site, reader_pages):
    page.goto(running_site + reader_pages["article"])
    posts = page.locator(".recent-post")
    assert posts.count() == 6
    for index in range(posts.count()):
        post = posts.nth(index)
        assert post.locator("a.recent-title").inner_text().strip()
        excerpt = post.locator(".recent-excerpt").inner_text()
        assert excerpt.endswith("…") and not excerpt.endswith(" …")
        age = post.locator("time[data-age]")
        words = age.inner_text()
        assert AGE_WORDS.fullmatch(words), words
        published = datetime.fromisoformat(age.get_attribute("datetime"))
        assert words in {age_in_words(published), age_in_words(published - timedelta(minutes=1))}


def test_ages_stay_current_on_a_cached_page(browser, running_site, reader_pages):
    """A page served hours later from a cache still says the right age."""
    import httpx

    html = httpx.get(running_site + reader_pages["article"]).text
    stamps = re.findall(r'<time class="age" datetime="([^"]+)" data-age>([^<]+)</time>', html)
    later = datetime.now().astimezone() + timedelta(hours=3)
    context = browser.new_context()
    page = context.new_page()
    page.clock.install(time=later)
    page.goto(running_site + reader_pages["article"])
    shown = page.locator(".recent-post time[data-age]").all_inner_texts()
    expected = [age_in_words(datetime.fromisoformat(stamp), now=later) for stamp, _ in stamps]
    assert shown == expected
    assert shown != [words for _, words in stamps]
    context.close()


def test_browser_and_server_word_ages_alike(page, running_site):
    """ages.js follows the same rules as newsdesk.stories.ages."""
    page.goto(running_site + "/")
    now = datetime(2026, 11, 27, 12, 0).astimezone()
    for age in [timedelta(seconds=5), timedelta(seconds=60), timedelta(minutes=59), timedelta(hours=1),
                timedelta(hours=23), timedelta(days=1), timedelta(days=2), timedelta(days=6),
                timedelta(seconds=-90)]:
        when = now - age
        in_browser = page.evaluate(
            "([when, now]) => window.newsdeskAgeInWords(Date.parse(when), Date.parse(now))",
            [when.isoformat(), now.isoformat()],
        )
        assert in_browser == age_in_words(when, now=now)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("kind", ["home", "section", "article"])
def test_screenshots(browser, running_site, reader_pages, screenshot_dir, viewport, kind):
    """Pages render without horizontal scrolling; screenshots are saved for review."""
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.goto(running_site + reader_pages[kind])
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    for image in page.locator("img").all():
        assert image.get_attribute("width") and image.get_attribute("height")
    page.screenshot(path=screenshot_dir / f"{kind}-{viewport}.png", full_page=True)
    context.close()


def test_keyboard_focus_is_visible(page, running_site):
    page.goto(running_site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
