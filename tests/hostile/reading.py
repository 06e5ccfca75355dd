"""Reading the publishing site as its readers do: the API, the article pages and the three feeds."""

import json
from dataclasses import dataclass, field

import httpx
import pytest
from lxml import etree

from tests.hostile import markup

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


@dataclass
class FeedEntry:
    title: str
    links: list = field(default_factory=list)
    html: list = field(default_factory=list)  # fields that hold HTML


class Reader:
    """A client of the running site, with the stories of the API fetched once."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.client = httpx.Client(base_url=base_url, timeout=30)
        self._stories = None
        self._details = {}

    def get(self, path_or_url):
        response = self.client.get(path_or_url)
        assert response.status_code == 200, f"GET {path_or_url}: HTTP {response.status_code}"
        return response

    def stories(self):
        if self._stories is None:
            stories, url = [], "/api/v1/stories/?page_size=100"
            while url:
                answer = self.get(url).json()
                stories += answer["results"]
                url = answer.get("next")
            self._stories = stories
        return self._stories

    def stories_of(self, source_name):
        return [story for story in self.stories() if (story.get("source") or {}).get("name") == source_name]

    def detail(self, story):
        if story["id"] not in self._details:
            self._details[story["id"]] = self.get(story["api_url"]).json()
        return self._details[story["id"]]

    def feed_entries(self, filename):
        body = self.get(f"/feeds/{filename}").content
        if filename.endswith(".json"):
            return json_feed_entries(body)
        return xml_feed_entries(body)


class EditorSession:
    """The admin account logged into the desk, as an editor's browser would be."""

    def __init__(self, base_url, password):
        self.client = httpx.Client(base_url=base_url, timeout=30)
        self.client.get("/admin/login/")
        answer = self.client.post("/admin/login/", data={
            "username": "admin", "password": password, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken"),
        }, headers={"Referer": base_url + "/admin/login/"})
        assert answer.status_code == 302, f"Could not log in: HTTP {answer.status_code}"

    def get(self, path):
        response = self.client.get(path)
        assert response.status_code == 200, f"GET {path}: HTTP {response.status_code}"
        return response

    def close(self):
        self.client.close()


def json_feed_entries(body):
    feed = json.loads(body)
    entries = []
    for item in feed["items"]:
        links = [item.get(key) for key in ("url", "external_url", "image", "banner_image") if item.get(key)]
        links += [attachment.get("url", "") for attachment in item.get("attachments", [])]
        entries.append(FeedEntry(item.get("title", ""), links, [item.get("content_html") or ""]))
    return entries


def xml_feed_entries(body):
    # The feeds are ours: entities and network stay off all the same.
    root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    entries = []
    for item in root.iter("item"):
        links = [element.text or "" for element in item.iter("link", "comments")]
        links += [enclosure.get("url", "") for enclosure in item.iter("enclosure")]
        html = [element.text or "" for element in item.iter("description", CONTENT_ENCODED)]
        entries.append(FeedEntry(item.findtext("title") or "", links, html))
    for entry in root.iter(f"{ATOM}entry"):
        links = [link.get("href", "") for link in entry.iter(f"{ATOM}link")]
        html = [element.text or "" for element in entry.iter(f"{ATOM}content", f"{ATOM}summary")
                if element.get("type") == "html"]
        unsafe_title = entry.find(f"{ATOM}title")
        title = unsafe_title.text or "" if unsafe_title is not None else ""
        if unsafe_title is not None and unsafe_title.get("type") == "html":
            html.append(title)
            title = markup.text_of(markup.parse_fragment(title))
        entries.append(FeedEntry(title, links, html))
    return entries


def unsafe_urls_in_json(value, path="$"):
    """Every string in the JSON answer, under a key naming a URL, that holds a script URL."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and (key.endswith("url") or key in {"href", "src", "link"}):
                if markup.script_scheme(item):
                    found.append(f"{path}.{key} = {item[:60]!r}")
            else:
                found += unsafe_urls_in_json(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += unsafe_urls_in_json(item, f"{path}[{index}]")
    return found


def require_site(publishing):
    if isinstance(publishing, Exception):
        pytest.fail(f"The publishing site could not be prepared: {publishing!r}")
    if publishing.site_error:
        pytest.fail(f"The publishing site did not start: {publishing.site_error}")
    return publishing
