"""Share links for an article: plain links, no scripts from the networks."""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

# (key, label, URL template). The templates take the encoded url and title;
# each is the network's documented "share intent" endpoint.
NETWORKS = [
    ("x", "X", "https://x.com/intent/post?{query}", lambda u, t: {"url": u, "text": t}),
    ("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?{query}", lambda u, t: {"u": u}),
    ("linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?{query}", lambda u, t: {"url": u}),
    ("telegram", "Telegram", "https://t.me/share/url?{query}", lambda u, t: {"url": u, "text": t}),
    ("whatsapp", "WhatsApp", "https://wa.me/?{query}", lambda u, t: {"text": f"{t} {u}"}),
    ("reddit", "Reddit", "https://www.reddit.com/submit?{query}", lambda u, t: {"url": u, "title": t}),
    ("email", "E-mail", "mailto:?{query}", lambda u, t: {"subject": t, "body": u}),
]
NETWORK_CHOICES = [(key, label) for key, label, _, _ in NETWORKS]
DEFAULT_NETWORKS = [key for key, _, _, _ in NETWORKS]


@dataclass(frozen=True)
class ShareLink:
    network: str
    label: str
    href: str

    @property
    def opens_tab(self):
        return not self.href.startswith("mailto:")


def share_links(url, title, networks=None):
    """Return the share links for `url` and `title`, for the chosen networks."""
    chosen = set(DEFAULT_NETWORKS if networks is None else networks)
    links = []
    for key, label, template, params in NETWORKS:
        if key in chosen:
            query = urlencode(params(url, title), quote_via=quote)
            links.append(ShareLink(key, label, template.format(query=query)))
    return links
