"""The sitemap index, the child and news sitemaps, and robots.txt."""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from wagtail.models import Site

from newsdesk import conf
from newsdesk.branding.models import NewsroomSettings
from newsdesk.pagecache.dependencies import depends_on, depends_on_every_story

from . import sitemaps
from .addresses import origin

XML = "application/xml; charset=utf-8"


def site_or_404(request):
    # Sitemaps list every page of the site: any change to any of them purges them.
    depends_on("sitemap")
    depends_on_every_story()
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site answers to this host.")
    return site


@require_safe
def sitemap_index(request):
    site = site_or_404(request)
    return HttpResponse(sitemaps.sitemap_index(sitemaps.index_locations(site, request)), content_type=XML)


@require_safe
def sitemap(request, name, number):
    site = site_or_404(request)
    child = sitemaps.child_sitemap(name, site, request)
    # An empty <urlset> is invalid, so an empty kind has no file at all.
    if child is None or not 1 <= number <= child.file_count():
        raise Http404("No such sitemap.")
    return StreamingHttpResponse(sitemaps.urlset(child.entries(number)), content_type=XML)


@require_safe
def news_sitemap(request):
    site = site_or_404(request)
    name = NewsroomSettings.for_site(site).site_name
    entries = sitemaps.news_entries(site, request, name)
    return StreamingHttpResponse(
        sitemaps.urlset(entries, namespaces=(("news", sitemaps.NEWS_NS),)), content_type=XML
    )


def robots_token():
    """The wire desk's name in robots.txt: its User-Agent up to the first "/"."""
    # Imported here: the outbound package brings httpx, which reader pages never need.
    from newsdesk.outbound.configured import user_agent

    return user_agent().split("/", 1)[0].split()[0]


@require_safe
def robots_txt(request):
    # /demo-outlets/ is disallowed even where the outlets are off (it is a
    # 404 there): their fictional news must never be indexed as this site's.
    private = ["Disallow: /admin/", "Disallow: /django-admin/"]
    lines = ["User-agent: *", *private, "Disallow: /demo-outlets/", ""]
    if conf.get("NEWSDESK_DEMO_OUTLETS"):
        # The site's own wire desk reads the outlets and obeys robots.txt like
        # any crawler, so it gets a group of its own (matched on the first
        # token of its User-Agent) that lets it in there and nowhere else new.
        lines += [f"User-agent: {robots_token()}", "Allow: /demo-outlets/", *private, ""]
    lines += [
        f"Sitemap: {origin(request)}{reverse('seo:sitemap_index')}",
        f"Sitemap: {origin(request)}{reverse('seo:news_sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
