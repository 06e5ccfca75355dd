"""An article's facts as its head tags state them, each read from the database once.

The JSON-LD and the social card say the same things (dates, tags, authors,
images); gathering them here keeps the two in agreement and the article
page from asking for its tags and corrections twice.
"""

from dataclasses import dataclass

from .addresses import page_url
from .canonical import home_route_url
from .images import lead_image_renditions


@dataclass
class StoryFacts:
    article: object
    url: str  # this site's absolute URL for the story
    published: object
    modified: object
    tag_names: list
    authors: list  # (name, absolute author page URL)
    renditions: dict  # image spec -> rendition of the lead image

    @classmethod
    def gather(cls, article, request, home):
        """`home` is the site's HomePage, which answers the author pages (or None)."""
        return cls(
            article=article,
            url=page_url(article, request),
            published=article.published_at,
            modified=modified_at(article),
            tag_names=[tag.name for tag in article.tag_list],
            authors=[
                (author.name, home_route_url(home, request, "author", author.slug) if home else None)
                for author in article.authors
            ],
            renditions=lead_image_renditions(article.lead_image_with_renditions),
        )


def modified_at(article):
    """The later of the last publication and the latest correction."""
    times = [t for t in (article.last_published_at, article.updated_at) if t]
    return max(times) if times else article.published_at
