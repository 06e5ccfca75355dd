"""Open Graph and Twitter card tags: what a shared link looks like on social networks."""

from dataclasses import dataclass, field

from django.utils import translation

from .addresses import absolute_url
from .images import LOGO_SPEC, SOCIAL_CARD_SPEC
from .structured_data import iso_datetime


@dataclass
class Card:
    """What a reader page offers as its card; `meta` turns it into tags."""

    title: str
    url: str
    site_name: str
    description: str = ""
    type: str = "website"
    image: object = None  # a rendition
    image_alt: str = ""
    article_properties: list = field(default_factory=list)

    def open_graph(self, request):
        tags = [
            ("og:title", self.title),
            ("og:type", self.type),
            ("og:url", self.url),
            ("og:site_name", self.site_name),
            ("og:locale", translation.to_locale(translation.get_language() or "en")),
        ]
        if self.description:
            tags.append(("og:description", self.description))
        if self.image is not None:
            tags += [
                ("og:image", absolute_url(request, self.image.url)),
                ("og:image:width", str(self.image.width)),
                ("og:image:height", str(self.image.height)),
                ("og:image:alt", self.image_alt),
            ]
        return [(name, value) for name, value in tags + self.article_properties if value]

    def twitter(self, x_handle):
        # X reads title, description and image from the Open Graph tags;
        # only the card type and the site's account are its own.
        large = self.image is not None and self.image.width >= 300
        tags = [("twitter:card", "summary_large_image" if large else "summary")]
        if x_handle:
            tags.append(("twitter:site", "@" + x_handle.lstrip("@")))
        return tags


def article_card(story, newsroom):
    """The card of a story (StoryFacts): its own URL, as the share links use."""
    article = story.article
    properties = [
        ("article:published_time", iso_datetime(story.published)),
        ("article:modified_time", iso_datetime(story.modified)),
    ]
    if article.section is not None:
        properties.append(("article:section", article.section.title))
    properties += [("article:author", url) for _, url in story.authors]
    properties += [("article:tag", name) for name in story.tag_names]
    return Card(
        title=article.seo_title or article.title,
        url=story.url,
        site_name=newsroom.site_name,
        description=article.search_description or article.standfirst or article.excerpt(),
        type="article",
        image=story.renditions.get(SOCIAL_CARD_SPEC),
        image_alt=article.lead_image_caption or (article.lead_image.title if article.lead_image else ""),
        article_properties=properties,
    )


def site_card(title, url, newsroom, description=""):
    """Home, section, author and tag pages: the newsroom's logo, when it has one."""
    logo = newsroom.logo.get_rendition(LOGO_SPEC) if newsroom.logo_id else None
    return Card(
        title=title,
        url=url,
        site_name=newsroom.site_name,
        description=description or newsroom.tagline,
        image=logo,
        image_alt=f"{newsroom.site_name} logo" if logo else "",
    )
