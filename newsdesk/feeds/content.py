"""A story's full text as feed readers get it: safe HTML with absolute URLs."""

from django.template.loader import render_to_string

from newsdesk.wire.sanitising import sanitise_story_html


def full_text(story, base_url, lead_image=None):
    """The story's lead picture, body, source credit and corrections as one HTML fragment.

    The body is rendered through a feed template of its own rather than the
    page's: an embed becomes a link (feed readers drop iframes and scripts,
    and validators flag them), and pictures get one large rendition instead
    of a srcset sized for our page layout. The result goes through the story
    sanitiser, the same one the API's body_html does, which keeps the story
    allow-list only and makes every URL absolute against the story's address.
    """
    # Rendered without the request, so that no context processor runs for
    # each of the feed's stories.
    markup = render_to_string("feeds/story_content.html", {"page": story, "lead_image": lead_image})
    return sanitise_story_html(markup, base_url=base_url)
