"""Sanitising: reduce untrusted article HTML to the small set of tags a story page may show."""

import re
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "img",
        "figure", "figcaption", "em", "strong", "b", "i", "br", "cite", "q",
        "code", "pre",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
}

# Elements removed together with everything inside them: their content is
# code, markup for another renderer or an embedded page, never article text.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "noscript", "template", "object", "embed", "svg", "math", "form", "textarea", "select"}
)

# Headings outside the allowed range keep their role at the nearest allowed level
# (the page's own <h1> is the story headline, so a body <h1> becomes <h2>).
HEADING_LEVELS = {"h1": "h2", "h5": "h4", "h6": "h4"}
_HEADING_TAG = re.compile(r"<(/?)(h1|h5|h6)(?=[\s/>])", re.IGNORECASE)

# Block elements outside the allow-list are unwrapped, keeping their text; a
# space after each closing tag keeps "<td>a</td><td>b</td>" from becoming "ab".
_UNWRAPPED_BLOCK_END = re.compile(
    r"(</(?:div|section|article|header|footer|main|aside|nav|table|thead|tbody|tfoot|tr|td|th|"
    r"dl|dt|dd|address|details|summary|caption)\s*>)",
    re.IGNORECASE,
)
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# An image is fetched by every reader's browser: only web URLs, never mailto:.
IMAGE_SCHEMES = frozenset({"http", "https"})

# A republished story links out on the outlet's behalf without vouching for
# the target, and the target must not get a handle on our window.
LINK_REL = "nofollow noopener"


def sanitise_html(html: str, base_url: str | None = None) -> str:
    """Return html reduced to the allow-list, safe to render on a story page.

    Links keep only http, https and mailto targets and always carry
    rel="nofollow noopener"; images keep only http and https sources. Relative
    URLs are resolved against base_url, or dropped when there is none.
    """
    html = _HEADING_TAG.sub(lambda m: f"<{m[1]}{HEADING_LEVELS[m[2].lower()]}", html)
    html = _UNWRAPPED_BLOCK_END.sub(r"\1 ", html)
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(LINK_SCHEMES),
        url_relative=("rewrite_with_base", base_url) if base_url else "deny",
    )
    # an image whose source was refused is an empty box: drop it
    return _IMG_WITHOUT_SRC.sub("", cleaned).strip()


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Drop image sources that are not web URLs and sizes that are not pixel counts."""
    if tag == "img" and attribute == "src":
        scheme = urlsplit(value.strip()).scheme.lower()
        # no scheme: a relative URL, which url_relative resolves or drops
        return value if not scheme or scheme in IMAGE_SCHEMES else None
    if tag == "img" and attribute in {"width", "height"}:
        return value if value.isdigit() else None
    return value
