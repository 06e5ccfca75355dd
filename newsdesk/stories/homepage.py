"""The site's home page: every site has exactly one, at the root of the default Wagtail site.

Setting up a site and loading the demo both need it, so it lives here,
beneath both: bootstrap and the demo loader import it, never each other.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction


@transaction.atomic
def ensure_home_page():
    """Give the default site a newsdesk home page, replacing Wagtail's welcome page."""
    from wagtail.models import Page, Site

    from newsdesk.stories.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        welcome = Page.objects.filter(depth=2, slug="home").exclude(
            content_type__model="homepage", content_type__app_label="stories"
        )
        for page in welcome:
            if not page.get_children().exists():
                page.delete()
        home = root.add_child(instance=HomePage(title="Home", slug="home"))
        home.save_revision().publish()
    base_url = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    hostname = base_url.hostname or "localhost"
    port = base_url.port or (443 if base_url.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk or (site.hostname, site.port) == ("localhost", 80):
        # Wagtail's first site is localhost:80; full URLs (feeds, share
        # links outside a request) should name the address the site runs on.
        site.root_page = home
        site.hostname, site.port = hostname, port
        site.save()
    return home
