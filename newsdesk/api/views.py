"""The read-only content API: published stories, sections and authors as JSON."""

import re
from datetime import datetime
from functools import wraps

from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Page, Site

from newsdesk import conf
from newsdesk.stories.models import ArticleAuthor, ArticleTag, Author, SectionPage, published_articles

from .serializers import ContentSerializer

MAX_PAGE_SIZE = 100


class ApiError(Exception):
    def __init__(self, status, message, parameter=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter

    def response(self):
        data = {"error": self.message}
        if self.parameter:
            data["parameter"] = self.parameter
        return JsonResponse(data, status=self.status)


def api_endpoint(view):
    """GET only, errors as JSON, and headers that let any site cache and read the answer.

    The API only reads public data, so it is exempt from CSRF: without that,
    a POST would meet the CSRF middleware's 403 page instead of our 405.
    """

    @csrf_exempt
    @wraps(view)
    def endpoint(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"error": "The content API is read-only: use GET."}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        try:
            response = view(request, *args, **kwargs)
        except ApiError as error:
            response = error.response()
        response["Cache-Control"] = "public, max-age=60"
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return endpoint


def serializer_for(request):
    site = Site.find_for_request(request)
    if site is None:
        raise ApiError(404, "This address serves no site.")
    return site, ContentSerializer.for_site(site, request)


def paginated(request, items, represent):
    """A page of `items`, turned into data by `represent`, with the count and links either side."""
    try:
        number = int(request.GET.get("page", 1))
        if number < 1:
            raise ValueError
    except ValueError:
        raise ApiError(400, "page must be a whole number from 1.", "page") from None
    default_size = conf.get("NEWSDESK_API_PAGE_SIZE")
    try:
        size = int(request.GET.get("page_size", default_size))
        if size < 1:
            raise ValueError
    except ValueError:
        raise ApiError(400, f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}.", "page_size") from None
    paginator = Paginator(items, min(size, MAX_PAGE_SIZE))
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise ApiError(404, f"There is no page {number}: the last page is {paginator.num_pages}.", "page") from None
    return JsonResponse(
        {
            "count": paginator.count,
            "next": page_link(request, page.next_page_number()) if page.has_next() else None,
            "previous": page_link(request, page.previous_page_number()) if page.has_previous() else None,
            "results": represent(page.object_list),
        }
    )


def page_link(request, number):
    query = request.GET.copy()
    query["page"] = number
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


# A "+" in a query string arrives as a space, so "…T09:00:00+02:00" sent
# unencoded reads "…T09:00:00 02:00". Put the sign back rather than refuse
# it; only after a time, since "2025-01-31 09:00" is a date-time as it is.
UNENCODED_OFFSET = re.compile(r"(\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d(?::?\d\d)?)$")


def time_parameter(request, name):
    """An ISO 8601 date or date-time from the query; naive ones are in the newsroom's time zone."""
    raw = request.GET.get(name)
    if not raw:
        return None
    value = UNENCODED_OFFSET.sub(r"\1+\2", raw.strip())
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(
            400,
            f"{name} must be an ISO 8601 date or date-time, such as 2025-01-31 or "
            f"2025-01-31T09:00:00Z; got {raw!r}.",
            name,
        ) from None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def published_stories(site):
    # published_articles() is live().public(): a story behind a view
    # restriction, on it or on a section above it, never reaches the API.
    return published_articles().in_site(site).prefetch_related(
        "tagged_items__tag",
        "corrections",
        # Every story shows its lead image: fetch the renditions in one query.
        "lead_image__renditions",
    )


def filtered_stories(request, site):
    stories = published_stories(site)
    if section_slug := request.GET.get("section"):
        section = SectionPage.objects.live().in_site(site).filter(slug=section_slug).first()
        stories = stories.child_of(section) if section else stories.none()
    if tag_slug := request.GET.get("tag"):
        stories = stories.filter(pk__in=ArticleTag.objects.filter(tag__slug=tag_slug).values("content_object_id"))
    if author_slug := request.GET.get("author"):
        stories = stories.filter(
            pk__in=ArticleAuthor.objects.filter(author__slug=author_slug).values("article_id")
        )
    if after := time_parameter(request, "published_after"):
        stories = stories.filter(first_published_at__gte=after)
    if before := time_parameter(request, "published_before"):
        stories = stories.filter(first_published_at__lt=before)
    return stories


def with_sections(stories, site):
    """The stories, each given its section from one query instead of one per story."""
    sections = {section.path: section for section in SectionPage.objects.in_site(site)}
    for story in stories:
        section = sections.get(story.path[: -Page.steplen])
        if section is not None:
            # `section` is a cached_property: setting it fills the cache.
            story.section = section
    return stories


@api_endpoint
def index(request):
    endpoints = {"stories": "api:story-list", "sections": "api:section-list", "authors": "api:author-list"}
    return JsonResponse({name: request.build_absolute_uri(reverse(url)) for name, url in endpoints.items()})


@api_endpoint
def story_list(request):
    site, serializer = serializer_for(request)
    return paginated(
        request,
        filtered_stories(request, site),
        lambda page: [serializer.story(story, body=False) for story in with_sections(page, site)],
    )


@api_endpoint
def story_detail(request, story_id):
    site, serializer = serializer_for(request)
    story = published_stories(site).filter(pk=story_id).first()
    if story is None:
        raise ApiError(404, f"No published story has id {story_id}.")
    return JsonResponse(serializer.story(story))


@api_endpoint
def section_list(request):
    site, serializer = serializer_for(request)
    sections = SectionPage.objects.live().public().in_site(site).order_by("path")
    return paginated(request, sections, lambda page: [serializer.section(section, detail=True) for section in page])


@api_endpoint
def section_detail(request, slug):
    site, serializer = serializer_for(request)
    section = SectionPage.objects.live().public().in_site(site).filter(slug=slug).first()
    if section is None:
        raise ApiError(404, f"No published section has the slug {slug!r}.")
    return JsonResponse(serializer.section(section, detail=True))


@api_endpoint
def author_list(request):
    _, serializer = serializer_for(request)
    authors = Author.objects.select_related("photo").prefetch_related("links").order_by("name", "pk")
    return paginated(request, authors, lambda page: [serializer.author(author, detail=True) for author in page])


@api_endpoint
def author_detail(request, slug):
    _, serializer = serializer_for(request)
    author = Author.objects.filter(slug=slug).first()
    if author is None:
        raise ApiError(404, f"No author has the slug {slug!r}.")
    return JsonResponse(serializer.author(author, detail=True))


@api_endpoint
def not_found(request):
    raise ApiError(404, "No such endpoint. /api/v1/ lists them.")
