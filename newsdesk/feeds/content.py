"""A story's full text as feed readers get it: safe HTML with absolute URLs."""

from copy import deepcopy
from urllib.parse import urljoin

import nh3
from django.template.loader import render_to_string

# Attributes that hold a URL. A feed reader shows the story away from our
# site, so a relative URL there would point at the reader's own host.
URL_ATTRIBUTES = {"href", "src", "cite"}


def allowed_attributes():
    attributes = deepcopy(nh3.ALLOWED_ATTRIBUTES)
    attributes.setdefault("time", set()).add("datetime")
    return attributes


def full_text(story, base_url, lead_image=None):
    """The story's lead picture, body, source credit and corrections as one HTML fragment.

    The body is rendered through a feed template of its own rather than the
    page's: an embed becomes a link (feed readers drop iframes and scripts,
    and validators flag them), and pictures get one large rendition instead
    of a srcset sized for our page layout. The result is sanitised with nh3,
    which also drops any markup a wire story brought in, and every URL is
    made absolute against the story's address.
    """
    # Rendered without the request, so that no context processor runs for
    # each of the feed's stories.
    markup = render_to_string("feeds/story_content.html", {"page": story, "lead_image": lead_image})

    def absolute(element, attribute, value):
        if attribute in URL_ATTRIBUTES:
            return urljoin(base_url, value.strip())
        return value

    return nh3.clean(
        markup,
        attributes=allowed_attributes(),
        attribute_filter=absolute,
        link_rel=None,
    ).strip()
