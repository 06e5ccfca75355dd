"""Fixtures for the webhook tests: a real HTTP receiver on 127.0.0.1, and stories to publish."""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsdesk.stories.models import ArticleAuthor, ArticlePage, Author, SectionPage
from newsdesk.webhooks.models import Webhook


@dataclass
class ReceivedRequest:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class Receiver:
    """Records each POST; answers with the next of `answers` (the last one repeats).

    An answer is a status code, or "hang" to say nothing until the test ends.
    """

    def __init__(self):
        self.requests = []
        self.answers = [200]
        self.released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(ReceivedRequest(self.path, dict(self.headers), body))
                answer = receiver.answers[min(len(receiver.requests), len(receiver.answers)) - 1]
                if answer == "hang":
                    receiver.released.wait(10)
                    return
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/news"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def webhook(db, receiver):
    return Webhook.objects.create(name="Partner site", url=receiver.url)


@pytest.fixture
def new_story(db):
    """A draft story in World, ready to publish."""
    story = ArticlePage(
        title="Harbour bridge reopens",
        slug="harbour-bridge-reopens",
        standfirst="Traffic crossed the bridge again this morning.",
        body=[("paragraph", "<p>The bridge reopened at dawn.</p>")],
        live=False,
    )
    story.article_authors = [ArticleAuthor(author=Author.objects.get(slug="zoe-alund"))]
    SectionPage.objects.get(slug="world").add_child(instance=story)
    return story


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish a story as the editor's request would, running what waits for the commit."""

    def publish(story):
        with django_capture_on_commit_callbacks(execute=True):
            ArticlePage.objects.get(pk=story.pk).save_revision().publish()

    return publish


@pytest.fixture
def unpublish(django_capture_on_commit_callbacks):
    def unpublish(story):
        with django_capture_on_commit_callbacks(execute=True):
            ArticlePage.objects.get(pk=story.pk).unpublish()

    return unpublish


@pytest.fixture(autouse=True)
def receivers_on_loopback_allowed(settings):
    """The test receiver listens on 127.0.0.1, which deliveries refuse unless allowed."""
    settings.NEWSDESK_FETCH_ALLOWED_NETWORKS = ("127.0.0.1/32",)
