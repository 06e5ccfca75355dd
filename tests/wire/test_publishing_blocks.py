"""Story blocks: a wire story's HTML as article body blocks, where text from outside never becomes markup."""

import lxml.html
import pytest
from wagtail.blocks import StreamValue

from newsdesk.stories.models import ArticlePage
from newsdesk.wire.blocks import body_blocks

# What the article page's body may hold once a wire story's blocks are rendered:
# the block templates' own markup plus the rich text body_blocks writes.
PAGE_TAGS = {
    "div", "p", "h2", "figure", "blockquote", "figcaption", "br", "a", "b", "i", "sup", "sub", "ul", "ol", "li",
}  # fmt: skip
PAGE_ATTRIBUTES = {"class", "href", "rel"}

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def rendered(blocks):
    """The blocks as the article page renders them: each through its block template."""
    stream = StreamValue(ArticlePage._meta.get_field("body").stream_block, blocks)
    return "".join(block.render_as_block() for block in stream)


def page_elements(html):
    """The rendered body parsed the way a browser would read it, and checked against what the page may hold."""
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in wrapper.iterdescendants():
        assert isinstance(element.tag, str), f"unexpected node {element!r}"
        assert element.tag in PAGE_TAGS, f"<{element.tag}> reached the page"
        assert set(element.attrib) <= PAGE_ATTRIBUTES, f"attributes {dict(element.attrib)} reached the page"
        if element.tag == "a" and element.get("href") is not None:
            assert element.get("href").startswith(("https://", "http://", "mailto:"))
            assert element.get("rel") == "nofollow noopener"
    return wrapper


@pytest.mark.parametrize(
    "html",
    [
        f"<div>{ESCAPED}</div>",
        f"{ESCAPED}",
        f"<p>{ESCAPED}</p>",
        f"<section><div><span>{ESCAPED}</span></div></section>",
        f"<table><tr><td>{ESCAPED}</td></tr></table>",
    ],
    ids=["div", "loose text", "paragraph", "nested containers", "table cell"],
)
def test_escaped_markup_stays_text(html):
    """Markup written as text in the story (&lt;img onerror…&gt;) is shown as text, never made an element."""
    blocks = body_blocks(html)
    assert [kind for kind, _ in blocks] == ["paragraph"]
    page = page_elements(rendered(blocks))
    assert page.find(".//img") is None
    assert page.text_content().strip() == HOSTILE


@pytest.mark.parametrize(
    ("html", "kind"),
    [
        (f"<h2>{ESCAPED}</h2>", "heading"),
        (f"<h1>Title {ESCAPED}</h1>", "heading"),
        (f"<blockquote><p>{ESCAPED}</p><cite>{ESCAPED}</cite></blockquote>", "quote"),
        (f'<figure><img src="https://img.example/a.jpg"><figcaption>{ESCAPED}</figcaption></figure>', "paragraph"),
        (f"<pre>{ESCAPED}\n  second line</pre>", "paragraph"),
        (f"<pre><code>{ESCAPED}</code></pre>", "paragraph"),
        (f"<ul><li>{ESCAPED}</li></ul>", "paragraph"),
        (f'<p><a href="https://news.example/">{ESCAPED}</a></p>', "paragraph"),
        (f"<p><em>{ESCAPED}</em></p>", "paragraph"),
    ],
    ids=["heading", "h1", "quote and attribution", "caption", "pre", "code", "list item", "link text", "emphasis"],
)
def test_escaped_markup_stays_text_in_every_kind_of_block(html, kind):
    """Headings, quotations, their attributions, captions, code, list items and link text keep markup as text."""
    blocks = body_blocks(html)
    assert blocks[0][0] == kind
    page = page_elements(rendered(blocks))
    assert page.find(".//img") is None
    assert HOSTILE in page.text_content()


def test_attribute_values_cannot_break_out_of_a_link():
    """A link whose address holds quotes and brackets stays one link with that address."""
    href = 'https://news.example/a"><img src=x onerror=alert(1)>'
    html = f'<p><a href="{href.replace(chr(34), "&quot;").replace("<", "&lt;").replace(">", "&gt;")}">story</a></p>'
    page = page_elements(rendered(body_blocks(html)))
    [link] = page.iter("a")
    assert link.get("href") == href
    assert page.find(".//img") is None


def test_text_that_looks_like_a_wagtail_link_is_not_expanded():
    """Rich text's own link and embed tags, written as text, stay text: Wagtail never resolves them."""
    html = '<p>&lt;a linktype="page" id="1"&gt;x&lt;/a&gt; &lt;embed embedtype="image" id="1"/&gt;</p>'
    page = page_elements(rendered(body_blocks(html)))
    assert page.find(".//a") is None
    assert '<a linktype="page" id="1">' in page.text_content()


def test_blocks_keep_the_story_structure():
    """Paragraphs with inline markup, headings, quotations, lists, code and captions keep their roles."""
    html = (
        '<p>Ministers <strong>met</strong> in <em>Lisbon</em>; <a href="https://source.example/report">the report</a>'
        ' and <a href="mailto:desk@source.example">the desk</a>.<br>Second line.</p>'
        "<h3>What comes next</h3>"
        "<blockquote><p>Nobody can make it rain.</p><p>We can share.</p><cite>A minister</cite></blockquote>"
        "<ul><li>One</li><li>Two<ul><li>Two and a half</li></ul></li></ul>"
        "<pre>line one\nline two</pre>"
        '<figure><img src="https://img.example/dam.jpg" alt="The dam"><figcaption>The dam in May</figcaption></figure>'
    )
    blocks = body_blocks(html)
    assert [kind for kind, _ in blocks] == ["paragraph", "heading", "quote", "paragraph", "paragraph", "paragraph"]
    assert blocks[0][1].source == (
        '<p>Ministers <b>met</b> in <i>Lisbon</i>; '
        '<a href="https://source.example/report" rel="nofollow noopener">the report</a> and '
        '<a href="mailto:desk@source.example" rel="nofollow noopener">the desk</a>.<br/>Second line.</p>'
    )
    assert blocks[1][1] == "What comes next"
    assert blocks[2][1] == {"quote": "Nobody can make it rain.\n\nWe can share.", "attribution": "A minister"}
    assert blocks[3][1].source == "<ul><li>One</li><li>Two<ul><li>Two and a half</li></ul></li></ul>"
    assert blocks[4][1].source == "<p>line one<br/>line two</p>"
    assert blocks[5][1].source == "<p>The dam in May</p>"
    page_elements(rendered(blocks))


def test_a_pull_quote_figure_stays_a_quote():
    """A figure around a blockquote (as our own pages and many themes write them) is a quote with its attribution."""
    html = (
        '<figure class="pull-quote"><blockquote><p>We kept the timetable.</p></blockquote>'
        "<figcaption>— A driver</figcaption></figure>"
    )
    assert body_blocks(html) == [("quote", {"quote": "We kept the timetable.", "attribution": "A driver"})]


def test_unsafe_links_lose_their_target_but_keep_their_words():
    """javascript:, data: and relative links are not links on our page; their words stay."""
    html = '<p><a href="javascript:alert(1)">one</a> <a href="data:text/html,x">two</a> <a href="/local">three</a></p>'
    [(kind, value)] = body_blocks(html)
    assert value.source == "<p>one two three</p>"


def test_scripts_styles_and_event_handlers_never_reach_the_page():
    """Unsanitised input still yields only safe blocks: scripts go with their text, attributes are never copied."""
    html = (
        '<p onclick="steal()" style="color:red" class="lead">Text<script>alert(1)</script></p>'
        "<style>p{}</style><div><iframe src='https://evil.example/'>framed</iframe>After</div>"
    )
    blocks = body_blocks(html)
    assert [value.source for _, value in blocks] == ["<p>Text</p>", "<p>After</p>"]
    page_elements(rendered(blocks))


@pytest.mark.parametrize("html", ["", "   ", "<p> </p>", "<img src='https://img.example/a.jpg'>", "<!-- comment -->"])
def test_nothing_to_show_gives_no_blocks(html):
    """Empty or wordless HTML gives no blocks."""
    assert body_blocks(html) == []


@pytest.mark.parametrize("html", ["<html>", "<html><head></head></html>", "<html><frameset></frameset></html>"])
def test_documents_without_a_body_give_no_blocks(html):
    """A document with no body gives no blocks instead of failing."""
    assert body_blocks(html) == []
