"""The JSON shapes of stories, sections and authors, shared by the API and webhooks."""

from urllib.parse import urlencode, urljoin

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from newsdesk.stories.models import HomePage
from newsdesk.wire.sanitising import sanitise_story_html

# The article page shows its lead image at up to 1200×675; the API hands out
# that same rendition so apps get the picture the site itself shows.
LEAD_IMAGE_FILTER = "fill-1200x675"
AUTHOR_PHOTO_FILTER = "fill-400x400"


def iso_time(when):
    """ISO 8601 to the second, in the newsroom's time zone, with its offset."""
    if when is None:
        return None
    return timezone.localtime(when).isoformat(timespec="seconds")


class ContentSerializer:
    """Turns pages and snippets into plain data whose URLs are all absolute.

    `base_url` is the site's address (the request's in the API, the Site's
    root URL in webhooks); `home` is the site's home page, which answers the
    author and tag pages.
    """

    def __init__(self, base_url, home, request=None):
        self.base_url = base_url
        self.home = home
        self.request = request

    @classmethod
    def for_site(cls, site, request=None):
        base_url = request.build_absolute_uri("/") if request else site.root_url + "/"
        home = site.root_page.specific
        if not isinstance(home, HomePage):
            home = HomePage.objects.live().first()
        return cls(base_url, home, request)

    def absolute(self, url):
        return urljoin(self.base_url, url) if url else None

    def api_url(self, name, *args):
        return self.absolute(reverse(f"api:{name}", args=args))

    @cached_property
    def home_url(self):
        return self.home.get_url(self.request) if self.home else None

    def subpage_url(self, name, slug):
        if self.home_url is None:
            return None
        return self.absolute(self.home_url + self.home.reverse_subpage(name, kwargs={"slug": slug}))

    def image(self, image, filter_spec):
        if image is None:
            return None
        rendition = image.get_rendition(filter_spec)
        return {"url": self.absolute(rendition.url), "width": rendition.width, "height": rendition.height}

    def section(self, section, detail=False):
        data = {
            "slug": section.slug,
            "name": section.title,
            "url": self.absolute(section.get_url(self.request)),
        }
        if detail:
            data["description"] = section.description
            data["api_url"] = self.api_url("section-detail", section.slug)
            data["stories_url"] = self.api_url("story-list") + "?" + urlencode({"section": section.slug})
        return data

    def author(self, author, detail=False):
        data = {"slug": author.slug, "name": author.name, "url": self.subpage_url("author", author.slug)}
        if detail:
            data["bio"] = author.bio
            data["photo"] = self.image(author.photo, AUTHOR_PHOTO_FILTER)
            data["links"] = [{"label": link.label, "url": link.url} for link in author.links.all()]
            data["api_url"] = self.api_url("author-detail", author.slug)
            data["stories_url"] = self.api_url("story-list") + "?" + urlencode({"author": author.slug})
        return data

    def story(self, story, body=True):
        """A story; `body` adds its rendered body, which list pages leave out."""
        lead_image = self.image(story.lead_image, LEAD_IMAGE_FILTER)
        if lead_image is not None:
            lead_image.update(caption=story.lead_image_caption, credit=story.lead_image_credit)
        section = story.section
        data = {
            "id": story.pk,
            "url": self.absolute(story.get_url(self.request)),
            "api_url": self.api_url("story-detail", story.pk),
            "headline": story.title,
            "standfirst": story.standfirst,
            "section": self.section(section) if section is not None else None,
            "authors": [self.author(link.author) for link in story.article_authors.all()],
            "tags": [
                {"slug": item.tag.slug, "name": item.tag.name, "url": self.subpage_url("tag", item.tag.slug)}
                for item in story.tagged_items.all()
            ],
            "first_published_at": iso_time(story.first_published_at),
            "last_published_at": iso_time(story.last_published_at),
            "updated_at": iso_time(story.updated_at),
            "lead_image": lead_image,
            "source": {"name": story.source_name, "url": story.source_url or None}
            if story.source_name
            else None,
            "corrections": [
                {"corrected_at": iso_time(correction.corrected_at), "note": correction.note}
                for correction in story.corrections.all()
            ],
        }
        if body:
            data["body_html"] = self.body_html(story)
        return data

    def body_html(self, story):
        """The body as the article page renders it, sanitised, its links and images made absolute.

        Readers of the API show the HTML on other sites and in apps, where a
        relative `/media/…` or `/world/…` would point nowhere, and where our
        page's classes mean nothing. The sanitiser is the last step: whatever
        a block renders (an editor's rich text, a wire story's), only the
        story allow-list reaches them.
        """
        # Block by block, as the article page includes them: rendering the
        # whole stream would wrap each block in a <div> of Wagtail's.
        html = "".join(self.block_html(block) for block in story.body)
        return sanitise_story_html(html, base_url=self.base_url)

    def block_html(self, block):
        # An embed renders as the provider's iframe, which the sanitiser
        # drops: hand out a link to it instead, as the feeds do.
        if block.block_type == "embed":
            embed = block.value.get("embed")
            if not embed:
                return ""
            return format_html('<p><a href="{}">{}</a></p>', embed.url, block.value.get("caption") or embed.url)
        return block.render_as_block()
