"""Every reader page passes axe-core's WCAG 2 A and AA rules, light and dark."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = ["home", "section", "article", "author", "tag", "not found", "search"]


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGES)
def test_no_wcag_violations(browser, running_site, reader_pages, axe, kind, color_scheme):
    context = browser.new_context(color_scheme=color_scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(running_site + reader_pages[kind])
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    context.close()
    violations = results.response["violations"]
    assert not violations, results.generate_report()
