"""The canonical address of each reader page."""

from newsdesk import conf

from .addresses import absolute_url, page_url


def listing_url(base_url, stories):
    """A paginated listing: page 1 is the bare URL, page N keeps ?page=N, nothing else."""
    if base_url is None:
        return None
    number = getattr(stories, "number", 1)
    return f"{base_url}?page={number}" if number > 1 else base_url


def article_url(article, request):
    """This site's URL, or the original's for a wire story when NEWSDESK_WIRE_CANONICAL says 'source'."""
    if article.source_name and article.source_url and conf.get("NEWSDESK_WIRE_CANONICAL") == "source":
        return article.source_url
    return page_url(article, request)


def home_route_url(home, request, route, slug):
    """An author or tag page the home page answers."""
    home_url = home.get_url(request)
    if home_url is None:
        return None
    return absolute_url(request, home_url + home.reverse_subpage(route, kwargs={"slug": slug}))
