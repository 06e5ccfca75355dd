"""Demo wire outlets: fictional news sites served by the site itself, for a wire desk with no network.

wire_outlets.json holds the outlets and their stories. Each outlet has a feed
(RSS 2.0, Atom 1.0 or JSON Feed 1.1), a home page linking its stories, and a
page per story wrapped in the boilerplate a real outlet puts around a story
(share prompt, newsletter box, copyright line, "Recent Posts", footer), which
the desk's extractor has to leave behind. `demo_sources` gives the Source
definitions that point the desk at the three feeds.

Nothing here touches the database: the outlets are what the desk reads, not
part of the newsroom. They answer only where NEWSDESK_DEMO_OUTLETS is on
(`newsdesk run` turns it on); elsewhere every address of theirs is a 404.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, wraps
from pathlib import Path

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, rfc3339_date
from django.utils.html import escape
from django.utils.http import http_date

from newsdesk import conf
from newsdesk.stories.ages import age_in_words
from newsdesk.stories.excerpts import cut_excerpt

OUTLETS_FILE = Path(__file__).with_name("wire_outlets.json")

# The feed each format is served as: its file name under the outlet and its media type.
FEED_FILES = {"rss": "feed.xml", "atom": "feed.xml", "json": "feed.json"}
FEED_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
SECTION_NAMES = {
    "world": "World",
    "politics": "Politics",
    "business": "Business",
    "technology": "Technology",
    "science": "Science",
    "sports": "Sports",
    "culture": "Culture",
}
# A feed's description of a story: its opening, cut like the excerpts most outlets send.
SUMMARY_LENGTH = 200
RECENT_POSTS = 4
RECENT_POST_EXCERPT_LENGTH = 120
# The desk polls each outlet this often (demo_sources); the RSS feed's ttl says the same.
POLL_MINUTES = 10


@dataclass(frozen=True)
class Catalogue:
    """The outlets of wire_outlets.json by slug, and a digest of the file for ETags."""

    outlets: dict
    digest: str


@cache
def catalogue():
    """The outlets file, read once per process on first use."""
    data = OUTLETS_FILE.read_bytes()
    outlets = {outlet["slug"]: outlet for outlet in json.loads(data)["outlets"]}
    return Catalogue(outlets=outlets, digest=hashlib.sha256(data).hexdigest())


def demo_sources(base_url):
    """The wire desk's Source definitions for the three outlets, their feeds under base_url."""
    base_url = base_url.rstrip("/")
    return [
        {
            "name": outlet["name"],
            "url": f"{base_url}/demo-outlets/{outlet['slug']}/{FEED_FILES[outlet['feed']]}",
            "kind": "feed",
            "section_slug": outlet["section"],
            "poll_minutes": POLL_MINUTES,
        }
        for outlet in catalogue().outlets.values()
    ]


def outlet_clock():
    """The outlets' “now”: the current time floored to the minute.

    Every date the outlets show is this clock minus the story's minutes_ago,
    so the demo looks current whenever it runs, and a page or feed stays
    byte-identical for a whole minute: its ETag holds and a conditional GET
    in that minute is answered 304.
    """
    return timezone.now().replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Story:
    """One story of an outlet as served at a given clock."""

    slug: str
    title: str
    author: str
    section: str
    published: object  # aware datetime
    body: list
    path: str

    @property
    def section_name(self):
        return SECTION_NAMES[self.section]

    @property
    def paragraphs(self):
        return [block["text"] for block in self.body if block["type"] == "paragraph"]

    @property
    def summary(self):
        summary = cut_excerpt(escape(self.paragraphs[0]), SUMMARY_LENGTH)
        # A cut that falls just after a full stop ends a sentence: no “…” needed.
        return summary.removesuffix("…") if summary.endswith(".…") else summary

    @property
    def excerpt(self):
        return cut_excerpt(escape(self.paragraphs[0]), RECENT_POST_EXCERPT_LENGTH)

    @property
    def html(self):
        """The story's body as HTML, for feeds that carry the full text."""
        parts = []
        for block in self.body:
            if block["type"] == "quote":
                parts.append(
                    f"<blockquote><p>{escape(block['text'])}</p>"
                    f"<footer>— {escape(block['attribution'])}</footer></blockquote>"
                )
            else:
                parts.append(f"<p>{escape(block['text'])}</p>")
        return "".join(parts)


def outlet_or_404(slug):
    try:
        return catalogue().outlets[slug]
    except KeyError:
        raise Http404(f"No demo outlet {slug!r}") from None


def outlet_stories(outlet, clock):
    """The outlet's stories dated at clock, newest first."""
    stories = [
        Story(
            slug=data["slug"],
            title=data["title"],
            author=data["author"],
            section=data["section"],
            published=clock - timedelta(minutes=data["minutes_ago"]),
            body=data["body"],
            path=reverse("demo_outlets:article", kwargs={"outlet": outlet["slug"], "story": data["slug"]}),
        )
        for data in outlet["stories"]
    ]
    return sorted(stories, key=lambda story: story.published, reverse=True)


def outlet_links(request, outlet):
    """Absolute addresses of the outlet's home page and feed, for pages and feeds alike."""
    feed_name = FEED_FILES[outlet["feed"]]
    return {
        "home_url": request.build_absolute_uri(reverse("demo_outlets:home", kwargs={"outlet": outlet["slug"]})),
        "feed_url": request.build_absolute_uri(
            reverse("demo_outlets:feed", kwargs={"outlet": outlet["slug"], "feed_name": feed_name})
        ),
        "feed_type": FEED_TYPES[outlet["feed"]].split(";")[0],
    }


def conditional(request, response, clock, stories):
    """Answer a conditional GET: ETag and Last-Modified stay put while the clock does.

    The ETag covers the outlets file, the address asked for (pages carry
    absolute links, so the host counts) and the clock; Last-Modified is the
    newest story's time, whole minutes by construction.
    """
    key = f"{catalogue().digest}|{request.build_absolute_uri()}|{clock.isoformat()}"
    etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
    last_modified = int(max(story.published for story in stories).timestamp())
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    # Fresh until the clock can next turn: then the dates, and so the content, change.
    patch_cache_control(response, max_age=60)
    return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)


# Views


def only_where_enabled(view):
    """Answer 404 unless NEWSDESK_DEMO_OUTLETS is on.

    The outlets belong to a demo site (`newsdesk run` turns them on); on a
    deployed newsroom they would be fictional news on the public site. The
    setting is read on each request rather than when the URLs load, so one
    route serves both cases and a test can switch it.
    """

    @wraps(view)
    def answer(request, *args, **kwargs):
        if not conf.get("NEWSDESK_DEMO_OUTLETS"):
            raise Http404("The demo outlets are off on this site.")
        return view(request, *args, **kwargs)

    return answer


@only_where_enabled
def index(request):
    """A list of the demo outlets and their feeds, for people looking around."""
    outlets = [
        {"name": outlet["name"], "tagline": outlet["tagline"], **outlet_links(request, outlet)}
        for outlet in catalogue().outlets.values()
    ]
    return HttpResponse(render_to_string("demo/outlets_index.html", {"outlets": outlets}))


@only_where_enabled
def home(request, outlet):
    """An outlet's home page: its stories, newest first, and a link to its feed."""
    outlet = outlet_or_404(outlet)
    clock = outlet_clock()
    stories = outlet_stories(outlet, clock)
    context = page_context(request, outlet, clock) | {"stories": stories, "lead": stories[0], "rest": stories[1:]}
    response = HttpResponse(render_to_string("demo/outlet_home.html", context))
    return conditional(request, response, clock, stories)


@only_where_enabled
def article(request, outlet, story):
    """A story's page, wrapped in the outlet's boilerplate."""
    outlet = outlet_or_404(outlet)
    clock = outlet_clock()
    stories = outlet_stories(outlet, clock)
    current = next((item for item in stories if item.slug == story), None)
    if current is None:
        raise Http404(f"No story {story!r} at {outlet['name']}")
    recent = [
        {"story": item, "age": age_in_words(item.published, clock)} for item in stories if item is not current
    ][:RECENT_POSTS]
    context = page_context(request, outlet, clock) | {
        "story": current,
        "story_url": request.build_absolute_uri(current.path),
        "recent_posts": recent,
    }
    response = HttpResponse(render_to_string("demo/outlet_article.html", context))
    return conditional(request, response, clock, stories)


@only_where_enabled
def feed(request, outlet, feed_name):
    """An outlet's feed, in the outlet's own format."""
    outlet = outlet_or_404(outlet)
    if FEED_FILES[outlet["feed"]] != feed_name:
        raise Http404(f"{outlet['name']} has no {feed_name}")
    clock = outlet_clock()
    stories = outlet_stories(outlet, clock)
    links = outlet_links(request, outlet)
    render_feed = {"rss": rss_feed, "atom": atom_feed, "json": json_feed}[outlet["feed"]]
    body = render_feed(request, outlet, stories, links)
    response = HttpResponse(body, content_type=FEED_TYPES[outlet["feed"]])
    return conditional(request, response, clock, stories)


def page_context(request, outlet, clock):
    return {
        "outlet": outlet,
        "year": clock.year,
        "nav": outlet["nav"],
        **outlet_links(request, outlet),
    }


# Feeds


def rss_feed(request, outlet, stories, links):
    """RSS 2.0 with a summary, dc:creator and a GUID that is not the story's address, as wire services do."""
    feed = Rss201rev2Feed(
        title=outlet["name"],
        link=links["home_url"],
        description=outlet["description"],
        language="en-gb",
        feed_url=links["feed_url"],
        ttl=str(POLL_MINUTES),
    )
    for story in stories:
        feed.add_item(
            title=story.title,
            link=request.build_absolute_uri(story.path),
            description=story.summary,
            author_name=story.author,
            pubdate=story.published,
            unique_id=f"tag:{outlet['slug']}.demo,2026:{story.slug}",
            unique_id_is_permalink=False,
            categories=[story.section_name],
        )
    return feed.writeString("utf-8")


def atom_feed(request, outlet, stories, links):
    """Atom 1.0 with a summary per entry; the story's text is on its page."""
    feed = Atom1Feed(
        title=outlet["name"],
        link=links["home_url"],
        description=outlet["description"],
        language="en-gb",
        feed_url=links["feed_url"],
        feed_guid=links["home_url"],
        author_name=outlet["name"],
    )
    for story in stories:
        url = request.build_absolute_uri(story.path)
        feed.add_item(
            title=story.title,
            link=url,
            description=story.summary,
            author_name=story.author,
            pubdate=story.published,
            updateddate=story.published,
            unique_id=url,
            categories=[story.section_name],
        )
    return feed.writeString("utf-8")


def json_feed(request, outlet, stories, links):
    """JSON Feed 1.1 carrying each story's full text as HTML."""
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet["name"],
        "home_page_url": links["home_url"],
        "feed_url": links["feed_url"],
        "description": outlet["description"],
        "language": "en-GB",
        "items": [
            {
                "id": request.build_absolute_uri(story.path),
                "url": request.build_absolute_uri(story.path),
                "title": story.title,
                "content_html": story.html,
                "summary": story.summary,
                "date_published": rfc3339_date(story.published),
                "authors": [{"name": story.author}],
                "tags": [story.section_name],
            }
            for story in stories
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
