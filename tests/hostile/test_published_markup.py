"""Hostile markup published by rule: pages, API and feeds run none of it and show escaped text as text."""

import json

import pytest

from tests.hostile import documents, markup
from tests.hostile.expectations import UNFORESEEN, assert_bounded, assert_stayed_on_loopback
from tests.hostile.processes import ingest_table
from tests.hostile.reading import EditorSession, Reader, require_site, unsafe_urls_in_json
from tests.hostile.scenarios import GOOD_NAME, source_name

IMAGE, SCRIPT = documents.ESCAPED_IMAGE, documents.ESCAPED_SCRIPT

MARKUP_CASES = ["escaped-markup", "escaped-atom", "attribute-smuggling", "script-urls", "hostile-article",
                "json-wrong-types"]

# Headline → the literal text its story must show, by source. None: the
# headline itself is taken from a hostile title, and only its safety is checked.
ESCAPED_TEXT = {
    "escaped-markup": {
        "Escaped image in a division": [IMAGE],
        "Escaped script in a caption": [SCRIPT],
        "Escaped script in a quotation": [SCRIPT],
        "Escaped script in a bare quotation": [SCRIPT],
        "Escaped script in preformatted text": [SCRIPT],
        "Escaped image in a heading and code": [IMAGE, SCRIPT],
    },
    "escaped-atom": {
        # Atom's type="text" title is text: the headline is exactly what it says.
        "<script>alert(1)</script> in a text title": [IMAGE],
        # type="html": markup is markup (<b>), escaped markup is text.
        "Bold title <img src=x onerror=alert(1)>": [IMAGE],
    },
    "hostile-article": {None: [IMAGE]},
    "json-wrong-types": {documents.JSON_GOOD_TITLE: [IMAGE]},
}
EXPECTED_STORIES = {
    "escaped-markup": 7,  # the six above and the one titled with escaped script
    "escaped-atom": 2,
    "attribute-smuggling": 1,
    "script-urls": 2,  # the story whose own link is a script may be skipped
    "hostile-article": 1,
    "json-wrong-types": 1,
}


@pytest.fixture(scope="module")
def publishing(hostile_runs):
    return require_site(hostile_runs.publishing)


@pytest.fixture(scope="module")
def reader(publishing):
    reader = Reader(publishing.base_url)
    yield reader
    reader.client.close()


def stories(reader, case):
    return reader.stories_of(source_name(case))


def page_problems(reader, url):
    page = markup.parse_page(reader.get(url).text)
    problems = markup.unsafe_parts(page, own_static_prefix="/static/")
    for script in page.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json":
            try:
                json.loads(script.text or "")
            except ValueError as error:
                problems.append(f"structured data broken open: {error}")
    return page, problems


def test_the_publishing_run_is_bounded_and_keeps_polling(publishing):
    """Adding the hostile sources and polling them all stays under 300 MB; the good outlet is published."""
    for run in publishing.runs():
        assert_bounded(run)
        assert_stayed_on_loopback(run)
    assert all(run.returncode == 0 for run in publishing.adds.values()), [
        run.describe() for run in publishing.adds.values() if run.returncode != 0]
    assert publishing.rule.returncode == 0, publishing.rule.describe()
    assert publishing.ingest.returncode == 0, publishing.ingest.describe()
    assert ingest_table(publishing.ingest)[GOOD_NAME]["result"] == "ok", publishing.ingest.describe()


@pytest.mark.parametrize("case", MARKUP_CASES)
def test_hostile_stories_are_published(publishing, reader, case):
    """Every item of a markup case is stored and published (safe markup is no reason to lose a story)."""
    table = ingest_table(publishing.ingest)
    assert table[source_name(case)]["result"] == "ok", table.get(source_name(case))
    found = stories(reader, case)
    assert len(found) >= EXPECTED_STORIES[case], [story["headline"] for story in found]
    headlines = {story["headline"] for story in found}
    missing = [headline for headline in ESCAPED_TEXT.get(case, {}) if headline and headline not in headlines]
    assert not missing, f"Not published under these headlines: {missing}; published: {sorted(headlines)}"


@pytest.mark.parametrize("case", MARKUP_CASES)
def test_article_pages_run_no_hostile_markup(reader, case):
    """No injected script, no on… handler, no javascript:/vbscript:/data: URL on the article pages."""
    found = stories(reader, case)
    assert found, f"No story of {case} was published."
    for story in found:
        _, problems = page_problems(reader, story["url"])
        assert not problems, f"{story['headline']!r} at {story['url']}: {problems}"


@pytest.mark.parametrize("case", MARKUP_CASES)
def test_the_api_carries_no_hostile_markup(reader, case):
    """The API's body_html is safe to insert as HTML, and none of its URLs is a script URL."""
    found = stories(reader, case)
    assert found, f"No story of {case} was published."
    for story in found:
        detail = reader.detail(story)
        problems = markup.unsafe_parts(markup.parse_fragment(detail.get("body_html", "")), fragment=True)
        problems += unsafe_urls_in_json(detail)
        assert not problems, f"{story['headline']!r}: {problems}"


@pytest.mark.parametrize("filename", ["rss.xml", "atom.xml", "feed.json"])
def test_the_feeds_carry_no_hostile_markup(reader, filename):
    """Every entry's HTML in the site's RSS, Atom and JSON feeds is safe, and no link is a script URL."""
    entries = reader.feed_entries(filename)
    assert len(entries) >= sum(EXPECTED_STORIES.values()), len(entries)
    for entry in entries:
        problems = [link for link in entry.links if markup.script_scheme(link)]
        for html in entry.html:
            problems += markup.unsafe_parts(markup.parse_fragment(html), fragment=True)
        assert not problems, f"{filename}, {entry.title!r}: {problems}"


@pytest.mark.parametrize("case", sorted(ESCAPED_TEXT))
def test_escaped_markup_shows_as_text(reader, case):
    """Markup the source escaped reaches readers as visible text: on the page, in the API and in every feed."""
    found = stories(reader, case)
    assert found, f"No story of {case} was published."
    feeds = {name: reader.feed_entries(name) for name in ("rss.xml", "atom.xml", "feed.json")}
    for headline, texts in ESCAPED_TEXT[case].items():
        matching = [story for story in found if headline is None or story["headline"] == headline]
        assert matching, f"No story headlined {headline!r}; published: {[story['headline'] for story in found]}"
        story = matching[0]
        page, _ = page_problems(reader, story["url"])
        page_text = markup.text_of(page.body)
        body_text = markup.text_of(markup.parse_fragment(reader.detail(story).get("body_html", "")))
        for text in texts:
            # The headline may itself hold the text; the story body must show it too.
            assert page_text.count(text) > story["headline"].count(text), (
                f"{story['headline']!r}: {text!r} is not visible on its page")
            assert text in body_text, f"{story['headline']!r}: {text!r} is not text in the API's body_html"
            for name, entries in feeds.items():
                entry = next((entry for entry in entries if entry.title == story["headline"]), None)
                assert entry is not None, f"{story['headline']!r} is not in {name}"
                shown = " ".join(markup.text_of(markup.parse_fragment(html)) for html in entry.html)
                assert text in shown, f"{story['headline']!r}: {text!r} is not text in {name}"


def test_a_headline_from_a_hostile_title_is_text(reader):
    """An RSS title and a page title of escaped script become headlines that are text, shown as text."""
    hostile = [story for case in ("escaped-markup", "hostile-article") for story in stories(reader, case)
               if "alert(1)" in story["headline"]]
    assert len(hostile) >= 2, [story["headline"] for story in hostile]
    for story in hostile:
        page, problems = page_problems(reader, story["url"])
        assert not problems, problems
        headings = [markup.text_of(heading) for heading in page.iter("h1")]
        assert story["headline"] in headings, f"{story['headline']!r} is not the page's headline: {headings}"


def test_home_and_section_pages_run_no_hostile_markup(reader):
    """The lists that show the hostile headlines and excerpts are safe too."""
    for path in ("/", "/world/"):
        _, problems = page_problems(reader, path)
        assert not problems, f"{path}: {problems}"


@pytest.mark.parametrize("case", sorted(documents.ENCODING_TITLES))
def test_a_lying_encoding_is_read_right(publishing, reader, case):
    """A feed whose declared encoding contradicts its bytes (or its BOM) still gives the right headline."""
    table = ingest_table(publishing.ingest)
    assert table[source_name(case)]["result"] == "ok", table.get(source_name(case))
    headlines = [story["headline"] for story in stories(reader, case)]
    assert headlines == [documents.ENCODING_TITLES[case]], headlines


def test_a_json_feed_with_wrong_types_keeps_its_good_item(publishing, reader):
    """Items of the wrong shape are skipped, not fatal: the poll succeeds and the good item is published."""
    result = ingest_table(publishing.ingest)[source_name("json-wrong-types")]["result"]
    assert result == "ok", result
    headlines = [story["headline"] for story in stories(reader, "json-wrong-types")]
    assert documents.JSON_GOOD_TITLE in headlines, headlines


def test_a_json_feed_whose_items_are_an_object_fails_clearly(publishing):
    """A JSON Feed whose items are an object, not a list, fails its source with a reason, not a crash."""
    source = publishing.database.source(publishing.urls["json-items-object"])
    reason = source["last_error"]
    assert source["consecutive_failures"] >= 1 and reason, "The source is not marked failing."
    assert not UNFORESEEN.search(reason), reason


def test_no_stored_item_keeps_a_script_url(publishing):
    """An item whose own link or image is a script URL is skipped or stored without it: the desk links to both."""
    items = publishing.database.rows("SELECT title, url, image_url FROM wire_wireitem")
    kept = [(item["title"], item["url"], item["image_url"]) for item in items
            if markup.script_scheme(item["url"]) or markup.script_scheme(item["image_url"])]
    assert not kept, f"Stored with a script URL: {kept}"


def test_a_hostile_outlet_name_is_shown_as_text(reader):
    """A source named by its feed's escaped-script title: the byline and attribution show that name as text."""
    found = [story for story in reader.stories() if story["headline"] == documents.HOSTILE_NAME_HEADLINE]
    assert found, "The story of the outlet with a hostile name was not published."
    story = found[0]
    page, problems = page_problems(reader, story["url"])
    assert not problems, problems
    name = story["source"]["name"]
    assert "alert(1)" in name, f"The outlet's name lost its text: {name!r}"
    assert name in markup.text_of(page.body), f"{name!r} is not shown on the page"
    for author in story["authors"]:
        _, problems = page_problems(reader, author["url"])
        assert not problems, f"{author['url']}: {problems}"


def test_the_wire_desk_shows_hostile_items_without_running_them(publishing):
    """The editors' queue, health page and every item's preview run none of the hostile markup or links."""
    editor = EditorSession(publishing.base_url, (publishing.data_dir / "admin_password").read_text().strip())
    try:
        items = [row["id"] for row in publishing.database.rows("SELECT id FROM wire_wireitem ORDER BY id")]
        problems = {}
        for path in ["/admin/wire/", "/admin/wire/health/", *(f"/admin/wire/items/{item}/" for item in items)]:
            found = markup.hostile_parts(markup.parse_page(editor.get(path).text))
            if found:
                problems[path] = found
        assert not problems, problems
    finally:
        editor.close()
