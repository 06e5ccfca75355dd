"""Sanitising article HTML down to the story page's allow-list."""

import re

import pytest

from newsdesk.wire.sanitising import sanitise_html


def test_script_style_and_iframe_are_removed_with_their_content():
    """Scripts, styles and iframes disappear, content and all."""
    html = sanitise_html(
        "<p>Story</p><script>alert('x')</script><style>p { color: red }</style>"
        "<iframe src='https://evil.example/'>framed text</iframe><noscript>enable js</noscript>"
    )

    assert html == "<p>Story</p>"


def test_event_handler_attributes_are_removed():
    """on* attributes never survive, on any tag."""
    html = sanitise_html(
        '<p onclick="steal()">Tap</p><img src="https://img.example/a.jpg" onerror="steal()">'
        '<a href="https://example.org/" onmouseover="steal()">link</a>'
    )

    assert not re.search(r"\son\w+=", html)
    assert "steal" not in html
    assert '<img src="https://img.example/a.jpg">' in html


@pytest.mark.parametrize(
    "link",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JavaScript:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
    ],
)
def test_script_urls_are_removed_from_links(link):
    """A link to a javascript:, data: or vbscript: URL loses its target."""
    html = sanitise_html(link)

    assert "href" not in html
    assert html == '<a rel="nofollow noopener">x</a>'


def test_images_keep_only_web_sources():
    """An image with a non-http(s) source is dropped entirely."""
    html = sanitise_html(
        '<img src="javascript:alert(1)"><img src="data:image/png;base64,AAAA"><img src="mailto:a@b.example">'
        '<img src="http://img.example/ok.png" alt="ok" width="640" height="auto" class="wide">'
    )

    assert html == '<img src="http://img.example/ok.png" alt="ok" width="640">'


def test_allowed_tags_are_kept():
    """Paragraphs, headings, lists, quotes, figures, emphasis and code pass through unchanged."""
    html = (
        "<h2>Heading</h2><h3>Sub</h3><h4>Minor</h4><p>Text with <em>em</em>, <strong>strong</strong>, "
        "<b>b</b>, <i>i</i>, <q>q</q>, <cite>cite</cite> and <code>code</code>.<br></p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>Quoted</p></blockquote>"
        '<figure><img src="https://img.example/a.jpg" alt="A"><figcaption>Caption</figcaption></figure>'
        "<pre>preformatted</pre>"
    )

    assert sanitise_html(html) == html


def test_rel_is_forced_on_links():
    """Every link carries rel="nofollow noopener", whatever rel it came with."""
    html = sanitise_html(
        '<a href="https://example.org/" rel="author" target="_blank" title="Source">source</a>'
        '<a href="mailto:desk@example.org">mail</a>'
    )

    assert html == (
        '<a href="https://example.org/" title="Source" rel="nofollow noopener">source</a>'
        '<a href="mailto:desk@example.org" rel="nofollow noopener">mail</a>'
    )


def test_relative_urls_resolve_against_the_base_or_go():
    """Relative links and images resolve against base_url, and are dropped without one."""
    html = '<a href="/world/">World</a><img src="img/a.jpg">'

    assert sanitise_html(html, base_url="https://herald.example/news/story") == (
        '<a href="https://herald.example/world/" rel="nofollow noopener">World</a>'
        '<img src="https://herald.example/news/img/a.jpg">'
    )
    assert sanitise_html(html) == '<a rel="nofollow noopener">World</a>'


def test_other_tags_are_unwrapped_without_gluing_words():
    """Tags outside the allow-list go but their text stays, with words kept apart."""
    html = sanitise_html(
        '<div class="x"><span style="color:red">one</span></div><table><tr><td>two</td><td>three</td></tr></table>'
        "<h1>Title</h1><h6>Small</h6>"
    )

    assert "style" not in html and "class" not in html and "<div" not in html and "<td" not in html
    assert "one two three" in " ".join(html.split())
    assert "<h2>Title</h2>" in html
    assert "<h4>Small</h4>" in html
