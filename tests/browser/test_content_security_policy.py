"""Under the site's Content-Security-Policy, Chromium blocks nothing that the pages use.

Every violation is collected twice: from the `securitypolicyviolation`
events an init script records in each document, and from Chromium's console,
which reports the ones outside any document's reach (frames, workers).
"""

import re
from datetime import datetime, timedelta

import httpx
import pytest

from newsdesk.stories.ages import age_in_words

pytestmark = pytest.mark.browser

READER_PAGES = ["home", "section", "article", "author", "tag", "section page 2", "not found", "search"]
ADMIN_PASSWORD = "correct-horse-battery"  # tests/conftest.py site_environment

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class Watched:
    """A browser page whose CSP violations and script errors are kept."""

    def __init__(self, context):
        # generous: the admin's first pages are slow on a loaded two-core machine
        context.set_default_timeout(120_000)
        context.add_init_script(RECORD_VIOLATIONS)
        self.page = context.new_page()
        self.problems = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    def collect(self):
        """The violations recorded in the current document so far, plus the console's."""
        for frame in self.page.frames:
            try:
                self.problems += frame.evaluate("window.__cspViolations || []")
            except Exception:  # a frame that navigated away meanwhile
                pass
        problems, self.problems = self.problems, []
        return problems


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Watched(context)
    context.close()


@pytest.fixture
def editor(browser, running_site):
    """A watched page logged in to the admin through its login form."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = Watched(context)
    page = watched.page
    page.goto(running_site + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(running_site + "/admin/")
    yield watched
    context.close()


@pytest.mark.parametrize("kind", READER_PAGES)
def test_reader_pages_cause_no_violation(watched, running_site, reader_pages, kind):
    response = watched.page.goto(running_site + reader_pages[kind])
    assert "script-src 'self'" in response.headers["content-security-policy"]
    watched.page.wait_for_load_state("load")
    # the stylesheet and both scripts loaded
    assert watched.page.evaluate("document.styleSheets[0].cssRules.length") > 10
    assert watched.page.evaluate("typeof window.newsdeskAgeInWords") == "function"
    assert watched.collect() == []


def test_ages_update_under_the_policy(browser, running_site, reader_pages):
    """ages.js runs under the policy: three hours later, the Recent Posts ages have moved on."""
    html = httpx.get(running_site + reader_pages["article"]).text
    stamps = re.findall(r'<time class="age" datetime="([^"]+)" data-age>([^<]+)</time>', html)
    assert stamps
    now = datetime.now().astimezone()
    context = browser.new_context()
    watched = Watched(context)
    watched.page.clock.install(time=now)
    watched.page.goto(running_site + reader_pages["article"])
    watched.page.clock.fast_forward("03:00:00")
    later = now + timedelta(hours=3)
    shown = watched.page.locator(".recent-post time[data-age]").all_inner_texts()
    expected = [age_in_words(datetime.fromisoformat(stamp), now=later) for stamp, _ in stamps]
    assert shown == expected
    assert shown != [words for _, words in stamps]
    assert watched.collect() == []
    context.close()


def test_admin_login_and_dashboard_cause_no_violation(editor):
    assert editor.page.title().startswith("Dashboard")
    assert editor.collect() == []


def test_article_editor_and_its_preview_cause_no_violation(editor, running_site, reader_pages):
    """The page editor loads its widgets, and the preview panel shows the article in a frame."""
    page = editor.page
    page.goto(f"{running_site}/admin/pages/{page_id(page, running_site + reader_pages['article'])}/edit/")
    page.wait_for_selector("#id_title")
    assert page.input_value("#id_title")
    page.click("[data-side-panel-toggle='preview']")
    preview = page.frame_locator("iframe.w-preview__iframe").first
    preview.locator("h1.headline").wait_for()
    assert editor.collect() == []


def page_id(page, url):
    """The Wagtail id of the page at `url`, read from the edit link of its userbar."""
    page.goto(url)
    href = page.evaluate(
        """() => {
            const userbar = document.querySelector("wagtail-userbar");
            const root = userbar && (userbar.shadowRoot || userbar);
            const link = root && root.querySelector("a[href*='/admin/pages/'][href$='/edit/']");
            return link ? link.getAttribute("href") : null;
        }"""
    )
    assert href, "the userbar offers no edit link"
    return int(re.search(r"/admin/pages/(\d+)/edit/", href).group(1))


def test_image_chooser_opens_without_violation(editor, running_site, reader_pages):
    """A new article's "Choose an image" opens the chooser with the library's images."""
    page = editor.page
    section_id = page_id(page, running_site + reader_pages["section"])
    page.goto(f"{running_site}/admin/pages/add/stories/articlepage/{section_id}/")
    page.locator("button:visible", has_text="Choose an image").first.click()
    page.locator(".modal-dialog img").first.wait_for()
    assert editor.collect() == []


def test_wire_desk_causes_no_violation(editor, running_site):
    editor.page.goto(running_site + "/admin/wire/")
    editor.page.wait_for_load_state("load")
    assert editor.collect() == []


def test_django_admin_causes_no_violation(editor, running_site):
    editor.page.goto(running_site + "/django-admin/")
    assert editor.page.locator("#site-name").is_visible()
    assert editor.collect() == []


def test_logged_in_reader_page_with_userbar_causes_no_violation(editor, running_site, reader_pages):
    """An editor reading the site sees Wagtail's userbar; it too works under the readers' policy."""
    editor.page.goto(running_site + reader_pages["article"])
    editor.page.wait_for_selector("wagtail-userbar", state="attached")
    editor.page.wait_for_timeout(500)
    assert editor.collect() == []
