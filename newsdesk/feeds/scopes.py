"""What a feed covers: the whole site, one section, one author or one tag."""

import uuid

from django.http import Http404
from django.urls import reverse
from taggit.models import Tag
from wagtail.models import Site

from newsdesk.branding.models import NewsroomSettings
from newsdesk.stories.models import Author, HomePage, SectionPage, published_articles


class SiteScope:
    """Every story on the site. The other scopes narrow it down to a subject."""

    kind = "site"

    def __init__(self, home, newsroom, subject=None):
        self.home = home
        self.newsroom = newsroom
        self.subject = subject

    @property
    def site_name(self):
        return self.newsroom.site_name

    @property
    def title(self):
        return self.site_name

    @property
    def description(self):
        return self.newsroom.tagline or f"The latest stories from {self.site_name}."

    def page_url(self, request):
        return self.home.get_url(request)

    def stories(self):
        return self.home.stories()

    def author_path(self, request, author):
        return self.home.get_url(request) + self.home.reverse_subpage("author", kwargs={"slug": author.slug})

    def url_kwargs(self):
        return {}

    def identity(self):
        """What the feed is about, in terms that survive renames: for the Atom feed id."""
        return "site"

    def feed_path(self, filename):
        return reverse(f"feeds:{self.kind}", kwargs={**self.url_kwargs(), "filename": filename})

    def feed_id(self):
        # Derived from the home page's translation key (a UUID Wagtail gives
        # every page once), so the id stays when the host name, a slug or a
        # title changes, and two newsdesk sites never share one.
        return f"urn:uuid:{uuid.uuid5(self.home.translation_key, self.identity())}"


class SectionScope(SiteScope):
    kind = "section"

    @classmethod
    def find(cls, home, slug):
        return SectionPage.objects.live().public().child_of(home).filter(slug=slug).first()

    @property
    def title(self):
        return f"{self.subject.title} — {self.site_name}"

    @property
    def description(self):
        return self.subject.description or f"The latest {self.subject.title} stories from {self.site_name}."

    def page_url(self, request):
        return self.subject.get_url(request)

    def stories(self):
        return published_articles().child_of(self.subject)

    def url_kwargs(self):
        return {"slug": self.subject.slug}

    def identity(self):
        return f"section:{self.subject.translation_key}"


class AuthorScope(SiteScope):
    kind = "author"

    @classmethod
    def find(cls, home, slug):
        return Author.objects.filter(slug=slug).first()

    @property
    def title(self):
        return f"{self.subject.name} — {self.site_name}"

    @property
    def description(self):
        return f"Stories by {self.subject.name} on {self.site_name}."

    def page_url(self, request):
        return self.author_path(request, self.subject)

    def stories(self):
        return super().stories().filter(article_authors__author=self.subject).distinct()

    def url_kwargs(self):
        return {"slug": self.subject.slug}

    def identity(self):
        return f"author:{self.subject.pk}"


class TagScope(SiteScope):
    kind = "tag"

    @classmethod
    def find(cls, home, slug):
        return Tag.objects.filter(slug=slug).first()

    @property
    def title(self):
        return f"Stories tagged “{self.subject.name}” — {self.site_name}"

    @property
    def description(self):
        return f"Stories tagged “{self.subject.name}” on {self.site_name}."

    def page_url(self, request):
        return self.home.get_url(request) + self.home.reverse_subpage("tag", kwargs={"slug": self.subject.slug})

    def stories(self):
        return super().stories().filter(tagged_items__tag=self.subject).distinct()

    def url_kwargs(self):
        return {"slug": self.subject.slug}

    def identity(self):
        return f"tag:{self.subject.pk}"


SCOPES = {scope.kind: scope for scope in (SiteScope, SectionScope, AuthorScope, TagScope)}


def home_for_request(request):
    """The home page of the site the request is for, or None."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    home = site.root_page.specific
    return home if isinstance(home, HomePage) else None


def find_scope(request, kind, slug=None):
    """The scope a feed URL names; 404 when its section, author or tag does not exist."""
    home = home_for_request(request)
    if home is None:
        raise Http404("This site has no home page.")
    scope_class = SCOPES[kind]
    subject = None
    if scope_class is not SiteScope:
        subject = scope_class.find(home, slug)
        if subject is None:
            raise Http404(f"No {kind} {slug!r}.")
    return scope_class(home, NewsroomSettings.for_request(request), subject)


def scopes_for_page(home, newsroom, page=None, author=None, tag=None):
    """The site's scope, then the one a reader page is about (if any)."""
    scopes = [SiteScope(home, newsroom)]
    section = None
    if isinstance(page, SectionPage):
        section = page
    elif page is not None and isinstance(getattr(page, "section", None), SectionPage):
        section = page.section
    if section is not None:
        scopes.append(SectionScope(home, newsroom, section))
    if isinstance(author, Author):
        scopes.append(AuthorScope(home, newsroom, author))
    if isinstance(tag, Tag):
        scopes.append(TagScope(home, newsroom, tag))
    return scopes
