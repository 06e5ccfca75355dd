"""An outlet for the production tests: RSS feeds of numbered stories, and each story's page, on a FeedServer."""

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape

PARAGRAPHS = [
    "The harbour authority met on {day} to hear the case for dredging the northern channel before the winter "
    "storms, with fishermen, ferry operators and residents of the old quay all asking to speak.",
    "Engineers told the meeting that silt has raised the channel floor by almost a metre in two years, and that "
    "the larger ferries now wait for the tide on most mornings, delaying the first crossing to the islands.",
    "Residents of the quay worried about noise and about the disturbed mud reaching the bathing beach, and asked "
    "for the work to stop during the summer months and for the water to be tested every week while it lasts.",
    "The authority will publish its decision next month, after a second meeting with the island councils, and "
    "said the cost would be shared between the port fees and a grant the region has already promised.",
]


class Outlet:
    """Feeds at /<slug>/feed.xml on `server`, each story's page at /<slug>/<n>.html, `page_delay` slow."""

    def __init__(self, server, page_delay=0.0):
        self.server = server
        self.page_delay = page_delay
        self.published = datetime.now(timezone.utc) - timedelta(hours=1)

    def feed_path(self, slug):
        return f"/{slug}/feed.xml"

    def feed_url(self, slug):
        return self.server.url(self.feed_path(slug))

    def guid(self, slug, number):
        return f"urn:newsdesk-test:{slug}:{number}"

    def story_url(self, slug, number):
        return self.server.url(f"/{slug}/{number}.html")

    def publish(self, slug, count):
        """Serve `slug`'s feed with stories 1 to `count` (newest first), and their pages; return their GUIDs."""
        for number in range(1, count + 1):
            self.server.set(
                f"/{slug}/{number}.html", body=self.page(slug, number), content_type="text/html; charset=utf-8",
                delay=self.page_delay,
            )
        items = "".join(self.item(slug, number) for number in range(count, 0, -1))
        feed = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{slug}</title><link>{self.server.url('/' + slug + '/')}</link>"
            f"<description>Stories of {slug}</description>{items}</channel></rss>"
        )
        self.server.set(self.feed_path(slug), body=feed, content_type="application/rss+xml; charset=utf-8")
        return [self.guid(slug, number) for number in range(1, count + 1)]

    def title(self, slug, number):
        return f"Harbour dredging, part {number} ({slug})"

    def item(self, slug, number):
        published = format_datetime(self.published + timedelta(minutes=number))
        return (
            f"<item><title>{escape(self.title(slug, number))}</title><link>{self.story_url(slug, number)}</link>"
            f'<guid isPermaLink="false">{self.guid(slug, number)}</guid><pubDate>{published}</pubDate>'
            f"<description>{escape(PARAGRAPHS[0].format(day='Monday'))}</description></item>"
        )

    def page(self, slug, number):
        paragraphs = "".join(f"<p>{escape(text.format(day=f'day {number}'))}</p>" for text in PARAGRAPHS)
        return (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(self.title(slug, number))}'
            f"</title></head><body><nav><a href=\"/\">Home</a></nav><article><h1>{escape(self.title(slug, number))}"
            f"</h1>{paragraphs}</article><footer>The Harbour Gazette</footer></body></html>"
        )
