"""What makes published markup unsafe, found by parsing it as a browser would, never by regex.

``unsafe_parts(html)`` parses a page or a fragment and lists what a reader's
browser would run: a <script> the site did not write, an element with an
on… handler, a URL whose scheme is javascript:, vbscript: or data: in an
attribute that loads or follows it, or CSS that can run script. Browsers
drop ASCII tabs and newlines inside URLs and ignore leading spaces and case
in the scheme, so those are removed before the scheme is read.
"""

import re

from lxml import etree
from lxml import html as lxml_html

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset",
                  "data", "ping", "lowsrc", "dynsrc"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
# The site's own scripts: structured data and its static files.
OWN_SCRIPT_TYPES = {"application/ld+json"}
DANGEROUS_ELEMENTS = {"iframe", "object", "embed", "frame", "frameset", "base", "applet", "meta"}
_URL_NOISE = re.compile(r"[\x00-\x20]")


def parse_page(text):
    return lxml_html.document_fromstring(text)


def parse_fragment(text):
    """A fragment of HTML (a body_html, a feed's content) as a tree under one <div>."""
    wrapper = lxml_html.fragment_fromstring(text or "", create_parent="div")
    return wrapper


def script_scheme(url):
    squeezed = _URL_NOISE.sub("", url or "").lower()
    return squeezed.startswith(SCRIPT_SCHEMES)


def unsafe_parts(tree, own_static_prefix=None, fragment=False):
    """Descriptions of every unsafe thing in the parsed `tree`; empty when it is safe.

    In a whole page, scripts with a src under `own_static_prefix` or of type
    application/ld+json are the site's own; in a fragment no script is.
    """
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        tag = element.tag.lower()
        if tag == "script":
            if fragment or not _own_script(element, own_static_prefix):
                found.append(f"<script> {etree.tostring(element, encoding='unicode')[:120]!r}")
            continue
        if fragment and tag in DANGEROUS_ELEMENTS | {"style", "link", "svg", "math", "form"}:
            found.append(f"<{tag}> in story content")
        elif not fragment and tag in {"iframe", "object", "embed", "frame", "applet"} and _looks_injected(element):
            found.append(f"<{tag}> {etree.tostring(element, encoding='unicode')[:120]!r}")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            elif lowered in URL_ATTRIBUTES and _any_script_url(lowered, value):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            elif lowered == "style" and re.search(r"(?i)(expression\s*\(|javascript:|vbscript:)", value):
                found.append(f"<{tag} style={value[:60]!r}>")
    if not fragment:
        found += _unsafe_meta_refresh(tree)
    return found


def _any_script_url(attribute, value):
    if attribute == "srcset":
        return any(script_scheme(part.strip().split(" ")[0]) for part in value.split(","))
    return script_scheme(value)


def _own_script(element, own_static_prefix):
    if (element.get("type") or "").strip().lower() in OWN_SCRIPT_TYPES:
        # Data, not code: hostile text inside it is harmless while it stays
        # valid JSON, which the page checks parse separately.
        return True
    source = element.get("src")
    return bool(source and own_static_prefix and source.startswith(own_static_prefix))


def _looks_injected(element):
    # The site's own embeds (video players) come from the allowed frame origins;
    # anything pointing at a script URL or at the hostile outlet is not ours.
    source = element.get("src") or element.get("data") or ""
    return script_scheme(source) or "127.0.0.1" in source


def _unsafe_meta_refresh(tree):
    found = []
    for meta in tree.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "refresh" and script_scheme(
                (meta.get("content") or "").partition("url=")[2]):
            found.append(f"<meta refresh {meta.get('content')[:60]!r}>")
    return found


def text_of(tree):
    """The text a reader sees, whitespace collapsed."""
    return " ".join(tree.text_content().split())


# Every payload in documents.py carries one of these; the admin's own
# scripts and links never do.
HOSTILE_MARKERS = ("alert(", "msgbox(", "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg", "PHN2ZyBvbmxvYWQ9YWxlcnQoMSk")


def hostile_parts(tree):
    """Like unsafe_parts, for pages with scripts of their own (the admin): only what carries a payload."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "script" and "json" not in (element.get("type") or "").lower():
            if any(marker in (element.text or "") + (element.get("src") or "") for marker in HOSTILE_MARKERS):
                found.append(f"<script> {etree.tostring(element, encoding='unicode')[:120]!r}")
        for name, value in element.attrib.items():
            lowered = name.lower()
            carries = any(marker in value for marker in HOSTILE_MARKERS)
            if lowered.startswith("on") and carries:
                found.append(f"<{tag} {name}={value[:60]!r}>")
            elif lowered in URL_ATTRIBUTES and script_scheme(value) and (carries or value.lower().startswith("data:")):
                found.append(f"<{tag} {name}={value[:60]!r}>")
    return found
