"""The hostile feeds and pages, and the good ones served beside them.

Every document is a function of the server's origin (``http://127.0.0.1:<port>``)
so its links point back at the server that serves it. Text that must show
as text on the site is kept in the module's constants, so the tests check
for exactly what the documents carry.
"""

import json
import random
from xml.sax.saxutils import escape

# What escaped markup must look like once it reaches a reader: visible text.
ESCAPED_IMAGE = "<img src=x onerror=alert(1)>"
ESCAPED_SCRIPT = "<script>alert(1)</script>"

# Words for the lead sentences. Stories whose text is mostly the same are
# copies of one another, and the desk holds a copy of a published story
# instead of publishing it twice: each story gets a lead of its own, in which
# no four words in a row are likely to recur in another.
_ADJECTIVES = ["new", "old", "quiet", "busy", "long", "early", "late", "small", "grand", "narrow",
               "windy", "muddy", "bright", "rival", "local", "northern"]
_NOUNS = ["council", "harbour", "bridge", "ferry", "market", "crowd", "library", "museum", "storm",
          "school", "depot", "choir", "clinic", "festival", "railway", "lifeboat"]
_VERBS = ["opened", "praised", "closed", "delayed", "welcomed", "repaired", "visited", "funded",
          "blocked", "rebuilt", "inspected", "celebrated", "cleared", "named", "moved", "doubled"]
_PREPOSITIONS = ["near", "beside", "after", "before", "behind", "under", "beyond", "despite"]


def lead(key):
    """A two-clause lead sentence, the same for a key and different across keys."""
    pick = random.Random(f"lead:{key}").choice

    def clause(opening):
        return (f"{opening} {pick(_ADJECTIVES)} {pick(_NOUNS)} {pick(_VERBS)} the {pick(_ADJECTIVES)} "
                f"{pick(_NOUNS)} {pick(_PREPOSITIONS)} the {pick(_ADJECTIVES)} {pick(_NOUNS)}")

    return f"{clause('The')}, and {clause('the')}."


# Every spelling of a script URL a browser would still run: mixed case,
# entity-encoded, with a tab or a newline inside, with leading space.
SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
    " \tjavascript:alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
]
SCRIPT_IMAGE_SOURCES = [
    "javascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "DaTa:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
]


def rss(title, items, origin, prolog='<?xml version="1.0" encoding="UTF-8"?>', doctype=""):
    """An RSS 2.0 feed; each item is a dict of already-escaped XML fragments."""
    entries = "".join(_rss_item(item) for item in items)
    return (
        f"{prolog}\n{doctype}"
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:media="http://search.yahoo.com/mrss/">\n<channel>\n'
        f"<title>{title}</title>\n<link>{origin}/</link>\n<description>Hostile test outlet</description>\n"
        f"{entries}</channel>\n</rss>\n"
    )


def _rss_item(item):
    parts = ["<item>"]
    for name in ("title", "link", "guid", "description", "content:encoded", "extra"):
        if name in item:
            value = item[name]
            parts.append(value if name == "extra" else f"<{name}>{value}</{name}>")
    parts.append("</item>\n")
    return "".join(parts)


def cdata(html):
    return f"<![CDATA[{html}]]>"


def benign_feed(name, origin):
    """What a disguised source serves until it is armed: a small valid feed."""
    return rss(f"Disguised outlet {escape(name)}", [], origin).encode()


def good_feed(origin):
    """The well-behaved outlet beside every hostile one: two items, two real article pages."""
    items = [
        {
            "title": f"Good outlet story {number}",
            "link": f"{origin}/good/story-{number}.html",
            "guid": f"good-story-{number}",
            "description": cdata(f"<p>{lead(f'good-{number}')}</p>"),
        }
        for number in (1, 2)
    ]
    return rss("Good outlet", items, origin).encode()


def good_article(number):
    paragraphs = "".join(
        f"<p>{lead(f'good-{number}-{index}')} Paragraph {index} of story {number} adds the timetable, the fares and "
        "what the harbour master said about the winter service.</p>"
        for index in range(1, 7)
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Good outlet story {number}</title></head><body>"
        f"<article><h1>Good outlet story {number}</h1>{paragraphs}</article></body></html>"
    ).encode()


# --- markup that must stay text -------------------------------------------

def escaped_markup_feed(origin):
    """RSS whose content carries markup as escaped text, in every place it can sit."""
    escaped_script = "&lt;script&gt;alert(1)&lt;/script&gt;"
    items = [
        ("escaped-div", "Escaped image in a division",
         f"<p>{lead('escaped-div')}</p><div>&lt;img src=x onerror=alert(1)&gt;</div>"),
        ("escaped-title", escape(escaped_script), f"<p>{lead('escaped-title')}</p>"),
        ("escaped-caption", "Escaped script in a caption",
         f'<p>{lead("escaped-caption")}</p><figure><img src="{origin}/pictures/ferry.jpg" alt="The ferry">'
         f"<figcaption>{escaped_script}</figcaption></figure><p>After the picture.</p>"),
        ("escaped-quote", "Escaped script in a quotation",
         f"<p>{lead('escaped-quote')}</p><blockquote><p>{escaped_script}</p></blockquote><p>After the quotation.</p>"),
        ("escaped-bare-quote", "Escaped script in a bare quotation",
         f"<p>{lead('escaped-bare-quote')}</p><blockquote>{escaped_script}</blockquote><p>After the quotation.</p>"),
        ("escaped-pre", "Escaped script in preformatted text",
         f"<p>{lead('escaped-pre')}</p><pre>{escaped_script}</pre><p>After the code.</p>"),
        ("escaped-code", "Escaped image in a heading and code",
         f"<p>{lead('escaped-code')}</p><h2>&lt;img src=x onerror=alert(1)&gt;</h2><p><code>{escaped_script}</code></p>"),
    ]
    return rss("Escaped markup outlet", [
        {
            "title": title,
            # The article page is gone, so the feed's own content is what gets published.
            "link": f"{origin}/gone/{slug}",
            "guid": slug,
            "content:encoded": cdata(html),
        }
        for slug, title, html in items
    ], origin).encode()


def escaped_markup_atom(origin):
    """Atom, where a title of type "text" is text by definition, whatever it looks like."""
    html_content = escape(f"<p>{lead('atom-html')}</p><div>&lt;img src=x onerror=alert(1)&gt;</div>")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Escaped Atom outlet</title>
  <id>urn:hostile:atom</id>
  <updated>2026-11-30T08:00:00Z</updated>
  <link href="{origin}/"/>
  <entry>
    <title type="text">&lt;script&gt;alert(1)&lt;/script&gt; in a text title</title>
    <id>urn:hostile:atom:text-title</id>
    <link href="{origin}/gone/atom-text-title"/>
    <updated>2026-11-30T08:00:00Z</updated>
    <content type="html">{html_content}</content>
  </entry>
  <entry>
    <title type="html">&lt;b&gt;Bold&lt;/b&gt; title &amp;lt;img src=x onerror=alert(1)&amp;gt;</title>
    <id>urn:hostile:atom:xhtml</id>
    <link href="{origin}/gone/atom-xhtml"/>
    <updated>2026-11-30T07:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>{escape(lead("atom-xhtml"))}</p><p>&lt;img src=x onerror=alert(1)&gt;</p></div></content>
  </entry>
</feed>
""".encode()


def attribute_smuggling_feed(origin):
    """Markup hidden in attribute values, which a careless re-serialiser lets out."""
    html = (
        f"<p>{lead('attributes')}</p>"
        f'<p><img alt="<script>alert(1)</script>" src="{origin}/pictures/ferry.jpg"></p>'
        f'<p><a title="&lt;/a&gt;&lt;script&gt;alert(1)&lt;/script&gt;" href="{origin}/more">Read more</a></p>'
        f'<p><a href="{origin}/x" title="x&quot; onmouseover=&quot;alert(1)">Quoted attribute</a></p>'
        f"<p><img src=\"{origin}/pictures/ferry.jpg\" alt='\"><img src=x onerror=alert(1)>'></p>"
        '<p><a href="http://127.0.0.1/" style="background:url(javascript:alert(1))" onclick="alert(1)">Styled</a></p>'
        "<p>After the smuggling.</p>"
    )
    return rss("Attribute smuggling outlet", [
        {"title": "Attributes carrying markup", "link": f"{origin}/gone/attributes", "guid": "attributes",
         "content:encoded": cdata(html)},
    ], origin).encode()


def script_url_feed(origin):
    """Script URLs in links and images, in the content and in the item's own link and image."""
    links = "".join(f'<p><a href="{url}">Link {index}</a></p>' for index, url in enumerate(SCRIPT_URLS))
    images = "".join(
        f'<p><img src="{url}" alt="Image {index}"></p>' for index, url in enumerate(SCRIPT_IMAGE_SOURCES)
    )
    html = f"<p>{lead('script-links')}</p>{links}{images}<p>After the links.</p>"
    items = [
        {"title": "Script links in the story", "link": f"{origin}/gone/script-links", "guid": "script-links",
         "content:encoded": cdata(html)},
        {
            "title": "A story whose own link is a script",
            "link": "javascript:alert(document.domain)",
            "guid": '<guid isPermaLink="false">script-item-link</guid>',
            "content:encoded": cdata(f"<p>{lead('script-item-link')}</p>"),
        },
        {
            "title": "A story whose image is a script",
            "link": f"{origin}/gone/script-image",
            "guid": "script-image",
            "content:encoded": cdata(f"<p>{lead('script-image')}</p>"),
            "extra": '<enclosure url="javascript:alert(1)" type="image/jpeg" length="1"/>'
                     '<media:content url="data:image/svg+xml,&lt;svg onload=alert(1)&gt;" medium="image"/>',
        },
    ]
    # The guid written as a whole element for the item whose link is a script.
    items[1]["extra"] = items[1].pop("guid")
    return rss("Script URL outlet", items, origin).encode()


def hostile_article_feed(origin):
    """A feed whose item has no text of its own: the story comes from a hostile article page."""
    return rss("Hostile page outlet", [
        {"link": f"{origin}/page/hostile-article", "guid": "hostile-article"},
    ], origin).encode()


def hostile_article_page(origin):
    """An article page with every markup trick inside the story, for extraction to clean."""
    links = "".join(f'<a href="{url}">script link {index}</a> ' for index, url in enumerate(SCRIPT_URLS))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>&lt;script&gt;alert(1)&lt;/script&gt; Ferry terminal opens</title>
<meta property="og:title" content="&lt;script&gt;alert(1)&lt;/script&gt; Ferry terminal opens">
<meta property="og:image" content="javascript:alert(1)">
<script>alert("page script")</script>
</head><body onload="alert(1)">
<article>
<h1>&lt;script&gt;alert(1)&lt;/script&gt; Ferry terminal opens</h1>
<p>{lead("hostile-article")}</p>
<p>&lt;img src=x onerror=alert(1)&gt;</p>
<p>The crossing to the islands takes forty minutes, and the harbour master said the timetable
would double in summer when the second ship arrives from the yard in the north.</p>
<figure><img src="{origin}/pictures/ferry.jpg" alt="&lt;script&gt;alert(1)&lt;/script&gt;" onerror="alert(1)">
<figcaption>&lt;script&gt;alert(1)&lt;/script&gt; The new ferry at dawn</figcaption></figure>
<blockquote><p>&lt;script&gt;alert(1)&lt;/script&gt; We waited a long time for this.</p></blockquote>
<pre>&lt;script&gt;alert(1)&lt;/script&gt;</pre>
<p>Links in the story: {links}</p>
<p><img src="javascript:alert(1)" alt="script image"><img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"></p>
<p onclick="alert(1)">Fares stay at the old price until the end of the year, the operator said,
and season tickets bought before the opening remain valid on the new route.</p>
<svg><script>alert(1)</script></svg>
<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>
<p>The terminal cost twelve million and was paid for by the port and the regional council together.</p>
</article>
</body></html>
""".encode()


HOSTILE_NAME_HEADLINE = "A story from an outlet with a hostile name"


def hostile_name_feed(origin):
    """A feed whose own title is escaped script: added without --name, it names the source and the byline."""
    return rss("&lt;script&gt;alert(1)&lt;/script&gt; Gazette", [
        {"title": HOSTILE_NAME_HEADLINE, "link": f"{origin}/gone/hostile-name", "guid": "hostile-name",
         "content:encoded": cdata(f"<p>{lead('hostile-name')}</p>")},
    ], origin).encode()


# --- encodings ---------------------------------------------------------------

ENCODING_TITLES = {
    "declared-windows-1252-sent-utf-8": "Euro € and Zoë’s café",
    "declared-utf-8-sent-latin-1": "Café Zoë à Noël",
    "utf-8-bom-declared-windows-1252": "Straße € “quoted”",
    "utf-16-bom-declared-utf-8": "Łódź € naïve",
}


def encoding_feed(case, origin):
    """A feed whose declared encoding lies about its bytes; returns (body, content type)."""
    title = ENCODING_TITLES[case]
    link = f"{origin}/gone/{case}"

    def document(declared):
        return rss(f"Encoding outlet {case}", [
            {"title": title, "link": link, "guid": case, "description": cdata(f"<p>{title}. {lead(case)}</p>")},
        ], origin, prolog=f'<?xml version="1.0" encoding="{declared}"?>')

    if case == "declared-windows-1252-sent-utf-8":
        return document("windows-1252").encode("utf-8"), "application/rss+xml"
    if case == "declared-utf-8-sent-latin-1":
        return document("utf-8").encode("latin-1"), "application/rss+xml; charset=utf-8"
    if case == "utf-8-bom-declared-windows-1252":
        return b"\xef\xbb\xbf" + document("windows-1252").encode("utf-8"), "application/rss+xml"
    if case == "utf-16-bom-declared-utf-8":
        return document("utf-8").encode("utf-16"), "application/rss+xml"
    raise ValueError(case)


# --- JSON Feed with the wrong types ----------------------------------------

def json_feed_items_object(origin):
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON outlet with items as an object",
        "home_page_url": origin + "/",
        "items": {"id": "1", "title": "Not a list", "url": origin + "/gone/json-object",
                  "content_html": "<p>x</p>"},
    }).encode()


JSON_GOOD_TITLE = "The one well-formed JSON item"


def json_feed_wrong_types(origin):
    """Items whose fields have every wrong type, around one good item that must still be read."""
    items = [
        {"id": 1, "title": 12345, "url": {"href": origin + "/gone/json-1"},
         "content_html": ["<script>alert(1)</script>"], "date_published": "yesterday-ish"},
        {"id": ["list"], "title": ["a", "b"], "url": 42, "content_html": {"html": "<p>x</p>"},
         "date_published": 1700000000, "authors": "nobody", "tags": "not-a-list"},
        {"id": None, "title": None, "url": "javascript:alert(1)", "content_html": 3.5,
         "date_modified": {"when": "now"}, "image": ["javascript:alert(1)"], "attachments": {"url": 1}},
        {"id": "deep", "title": "Deep", "url": origin + "/gone/json-deep",
         "content_html": "<p>Deep</p>", "_ext": _deep(500)},
        "a string where an item should be",
        None,
        17,
        {"id": "good", "title": JSON_GOOD_TITLE, "url": origin + "/gone/json-good",
         "content_html": f"<p>{lead('json-good')}</p><p>&lt;img src=x onerror=alert(1)&gt;</p>",
         "date_published": "2026-02-30T25:61:00Z", "authors": [{"name": ["x"]}, "plain string"]},
    ]
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": {"not": "a string"},
        "home_page_url": ["not", "a", "string"],
        "items": items,
    }).encode()


def _deep(levels):
    value = "bottom"
    for _ in range(levels):
        value = {"d": value}
    return value


# --- XML entities ------------------------------------------------------------

def billion_laughs(origin):
    entities = '<!ENTITY lol "lol">\n<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    for level in range(2, 10):
        refs = f"&lol{level - 1};" * 10
        entities += f'<!ENTITY lol{level} "{refs}">\n'
    doctype = f"<!DOCTYPE rss [\n{entities}]>\n"
    return rss("Laughing outlet &lol9;", [
        {"title": "Laughs &lol9;", "link": f"{origin}/gone/laughs", "guid": "laughs",
         "description": "&lol9;"},
    ], origin, doctype=doctype).encode()


BIG_ENTITY_BYTES = 1_000_000
BIG_ENTITY_USES = 60


def big_entity(origin):
    """One 1 MB internal entity used 60 times: 60 MB from a 1 MB file, under most amplification limits."""
    doctype = f'<!DOCTYPE rss [\n<!ENTITY big "{"A" * BIG_ENTITY_BYTES}">\n]>\n'
    return rss("Big entity outlet", [
        {"title": "Big entity", "link": f"{origin}/gone/big-entity", "guid": "big-entity",
         "description": "&big;" * BIG_ENTITY_USES},
    ], origin, doctype=doctype).encode()


def external_entity(origin):
    doctype = '<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
    return rss("External entity outlet", [
        {"title": "Leak &xxe;", "link": f"{origin}/gone/external-entity", "guid": "external-entity",
         "description": f"<![CDATA[<p>{lead('external-entity')}</p>]]>&xxe;"},
    ], origin, doctype=doctype).encode()


# --- many items, many hosts -----------------------------------------------

MANY_ITEMS = 100_000


def many_hosts_feed():
    """100,000 items, each on a host of its own (h0.example … h99999.example), under 5 MB."""
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            "<title>Many hosts outlet</title><link>http://h0.example/</link><description>x</description>")
    items = "".join(f"<item><link>http://h{number}.example/</link></item>" for number in range(MANY_ITEMS))
    return (head + items + "</channel></rss>\n").encode()


# --- hostile article links -------------------------------------------------

def bombs_behind_links_feed(origin, targets):
    """A good feed whose article links lead to the hostile responses."""
    return rss("Outlet linking to bombs", [
        {"title": f"Story linking to {name}", "link": f"{origin}{path}", "guid": f"linked-{name}",
         "description": cdata(f"<p>{lead(name)}</p>")}
        for name, path in targets
    ], origin).encode()
