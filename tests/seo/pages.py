"""Reading what a reader page declares in its <head>, as crawlers and social networks do."""

import json
from html.parser import HTMLParser


class HeadReader(HTMLParser):
    """Collects the canonical link, meta tags and JSON-LD blocks of a page.

    Python's parser ends a <script> at the first "</script", as browsers do,
    so a headline that broke out of the JSON-LD would break it here too.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.canonicals = []
        self.meta = []
        self.json_ld_texts = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonicals.append(attrs.get("href"))
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.append((attrs.get("property") or attrs.get("name"), attrs.get("content")))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld_texts.append("")

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld_texts[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False


def read_head(html):
    reader = HeadReader()
    reader.feed(html)
    reader.close()
    return reader


def json_ld(html):
    """{@type: data} for each JSON-LD block of the page."""
    blocks = [json.loads(text) for text in read_head(html).json_ld_texts]
    return {block["@type"]: block for block in blocks}


def meta_values(html, name):
    return [content for key, content in read_head(html).meta if key == name]


def meta_value(html, name):
    values = meta_values(html, name)
    assert len(values) == 1, f"{name}: {values}"
    return values[0]


def canonical(html):
    links = read_head(html).canonicals
    assert len(links) <= 1, links
    return links[0] if links else None
