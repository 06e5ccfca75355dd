"""What each kind of reader page puts in its <head>: canonical link, social cards, JSON-LD.

seo/head.html calls `head_tags` with the page's template context. The kind of
page is read from that context: `page` is the Wagtail page (on author and
tag pages it is the home page, which answers them, with `author` or `tag`
beside it). Pages of no known kind (the 404 page, search results) get
nothing: they have no address of their own to declare.
"""

from dataclasses import dataclass, field

from taggit.models import Tag
from wagtail.models import Site

from newsdesk.branding.models import NewsroomSettings
from newsdesk.stories.models import ArticlePage, Author, HomePage, SectionPage

from . import canonical, social_cards, structured_data
from .addresses import origin, page_url
from .facts import StoryFacts


@dataclass
class HeadTags:
    canonical: str = None
    open_graph: list = field(default_factory=list)
    twitter: list = field(default_factory=list)
    json_ld: list = field(default_factory=list)


def head_tags(context):
    request = context.get("request")
    page = context.get("page")
    if request is None or page is None:
        return None
    newsroom = context.get("newsroom") or NewsroomSettings.for_request(request)
    author, tag = context.get("author"), context.get("tag")
    if isinstance(page, HomePage) and isinstance(author, Author):
        tags = author_head(page, author, context.get("stories"), request, newsroom)
    elif isinstance(page, HomePage) and isinstance(tag, Tag):
        tags = tag_head(page, tag, context.get("stories"), request, newsroom)
    elif isinstance(page, ArticlePage):
        tags = article_head(page, request, newsroom)
    elif isinstance(page, SectionPage):
        tags = section_head(page, context.get("stories"), request, newsroom)
    elif isinstance(page, HomePage):
        tags = home_head(page, request, newsroom)
    else:
        return None
    tags.json_ld = [structured_data.script_json(data) for data in tags.json_ld]
    return tags


def with_card(tags, card, request, newsroom):
    tags.open_graph = card.open_graph(request)
    tags.twitter = card.twitter(newsroom.x_handle)
    return tags


def site_home(request):
    site = Site.find_for_request(request)
    root = site.root_page.specific if site and site.root_page_id else None
    return root if isinstance(root, HomePage) else None


def home_url(request):
    return origin(request) + "/"


def article_head(article, request, newsroom):
    story = StoryFacts.gather(article, request, site_home(request))
    trail = [(newsroom.site_name, home_url(request))]
    if article.section is not None:
        trail.append((article.section.title, page_url(article.section, request)))
    trail.append((article.title, story.url))
    tags = HeadTags(
        canonical=canonical.article_url(article, request),
        json_ld=[structured_data.news_article(story, request, newsroom), structured_data.breadcrumbs(trail)],
    )
    return with_card(tags, social_cards.article_card(story, newsroom), request, newsroom)


def section_head(section, stories, request, newsroom):
    url = page_url(section, request)
    tags = HeadTags(
        canonical=canonical.listing_url(url, stories),
        json_ld=[
            structured_data.breadcrumbs([(newsroom.site_name, home_url(request)), (section.title, url)])
        ],
    )
    card = social_cards.site_card(
        section.seo_title or section.title,
        tags.canonical,
        newsroom,
        description=section.search_description or section.description,
    )
    return with_card(tags, card, request, newsroom)


def home_head(home, request, newsroom):
    tags = HeadTags(
        canonical=page_url(home, request),
        json_ld=[structured_data.website(newsroom, request)],
    )
    card = social_cards.site_card(
        newsroom.site_name, tags.canonical, newsroom, description=home.search_description
    )
    return with_card(tags, card, request, newsroom)


def author_head(home, author, stories, request, newsroom):
    url = canonical.home_route_url(home, request, "author", author.slug)
    tags = HeadTags(canonical=canonical.listing_url(url, stories))
    card = social_cards.site_card(author.name, tags.canonical, newsroom, description=author.bio)
    return with_card(tags, card, request, newsroom)


def tag_head(home, tag, stories, request, newsroom):
    url = canonical.home_route_url(home, request, "tag", tag.slug)
    tags = HeadTags(canonical=canonical.listing_url(url, stories))
    card = social_cards.site_card(f"Stories tagged “{tag.name}”", tags.canonical, newsroom)
    return with_card(tags, card, request, newsroom)
