"""An editor publishing a story every few seconds, timing how soon readers see each one.

    NEWSDESK_DATA_DIR=... .venv/bin/python benchmarks/publisher.py --base http://127.0.0.1:8000
        [--every 5] [--duration 55] [--max-delay 1.0]

Runs inside the site's Django environment (the same environment variables
as the server). Every --every seconds it adds an article to a section and
publishes it as the admin's Publish button does (add_child, then
save_revision().publish()), then asks the running site for the home page
and the section page over HTTP until both show the new headline. The delay
is counted from the start of the publish to the first reader response that
has the story: the page cache must have dropped its stale copies by then.

Prints one line per story and exits 1 when any took longer than
--max-delay to appear (or never did). The stories are deleted at the end.
"""

import argparse
import os
import sys
import time
import uuid
from html import escape
from urllib.parse import urlsplit

import httpx

# How often a reader's request is repeated while waiting for the story.
POLL_SECONDS = 0.02
# Past this, a story is reported as never seen.
GIVE_UP_SECONDS = 10


def publish_story(section, author, number):
    from wagtail.rich_text import RichText

    from newsdesk.stories.models import ArticleAuthor, ArticlePage

    token = uuid.uuid4().hex[:8]
    article = ArticlePage(
        title=f"Harbour council vote {number} ({token})",
        slug=f"harbour-council-vote-{token}",
        standfirst="Councillors met late to settle the harbour budget.",
        body=[("paragraph", RichText("<p>The vote was close, and the chamber was full.</p>"))],
    )
    if author is not None:
        article.article_authors = [ArticleAuthor(author=author)]
    section.add_child(instance=article)
    article.save_revision().publish()
    return article


def seen(client, url, headline):
    response = client.get(url)
    return response.status_code == 200 and headline in response.text


def wait_until_visible(client, urls, headline):
    """Seconds until every URL shows the headline, asking each again until it does; None if never."""
    started = time.perf_counter()
    waiting = list(urls)
    while waiting:
        waiting = [url for url in waiting if not seen(client, url, headline)]
        if time.perf_counter() - started > GIVE_UP_SECONDS:
            return None
        if waiting:
            time.sleep(POLL_SECONDS)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="The running site, e.g. http://127.0.0.1:8000")
    parser.add_argument("--every", type=float, default=5.0, help="Seconds between two publications.")
    parser.add_argument("--duration", type=float, default=55.0, help="Seconds to keep publishing.")
    parser.add_argument("--max-delay", type=float, default=1.0, help="Longest acceptable delay, in seconds.")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()
    from newsdesk.stories.models import Author, SectionPage

    section = SectionPage.objects.live().order_by("path").first()
    if section is None:
        sys.exit("The site has no live section to publish in.")
    author = Author.objects.order_by("pk").first()
    urls = [args.base + "/", args.base + urlsplit(section.get_url()).path]

    published, delays = [], []
    ends = time.monotonic() + args.duration
    with httpx.Client(timeout=10) as client:
        number = 0
        while time.monotonic() < ends:
            number += 1
            next_start = time.monotonic() + args.every
            started = time.perf_counter()
            article = publish_story(section, author, number)
            publish_seconds = time.perf_counter() - started
            published.append(article)
            visible = wait_until_visible(client, urls, escape(article.title))
            delay = None if visible is None else publish_seconds + visible
            delays.append(delay)
            shown = "never (gave up)" if delay is None else f"{delay * 1000:.0f} ms"
            print(f"publish {number:>2}: publish() {publish_seconds * 1000:.0f} ms, visible on home and "
                  f"{section.title} after {shown}", flush=True)
            time.sleep(max(0.0, next_start - time.monotonic()))

    for article in published:
        article.delete()
    late = [delay for delay in delays if delay is None or delay > args.max_delay]
    worst = "never" if None in delays else f"{max(delays) * 1000:.0f} ms" if delays else "-"
    print(f"published {len(delays)}, slowest to appear {worst}, over {args.max_delay * 1000:.0f} ms: {len(late)}")
    sys.exit(1 if late or not delays else 0)


if __name__ == "__main__":
    main()
