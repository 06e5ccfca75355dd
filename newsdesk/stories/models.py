from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail.url_routing import RouteResult

from newsdesk import conf
from newsdesk.pagecache.dependencies import depends_on
from newsdesk.pagecache.memo import remembered

from .blocks import StoryBodyBlock
from .excerpts import cut_excerpt
from .gone import StoryGone
from .listings import linked_count, linked_stories
from .renditions import CARD_RENDITIONS, LEAD_RENDITIONS
from .restrictions import RestrictablePage
from .tree import public_live_children, public_live_children_count


def paginate(request, items, per_page, count=None, cards=None):
    """The requested page of the items, or the last one.

    `count` saves the paginator counting the items. `cards` loads the
    page's stories when `items` finds them more cheaply without the story
    table (as Wagtail pages): the stories with the ids `items` gives.
    """
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: given, it is never computed
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    shown = by_ids(items if cards is None else cards, page.object_list.values("pk"))
    page.object_list = with_renditions(with_sections(shown), CARD_RENDITIONS)
    return page


def by_ids(items, ids):
    """The items whose ids the query `ids` selects, loaded as `items` loads them and in its order.

    The stories skipped to reach a deep page are read for their ids only
    (in an index, where one serves the order); only the page's own stories
    are read in full, chosen by id in the same statement. They are selected
    by id alone: given the listing's filters too, SQLite would walk them
    through the whole listing again.
    """
    ordering = items.query.order_by or items.model._meta.ordering
    shown = items.model._default_manager.filter(pk__in=ids).order_by(*ordering)
    shown.query.select_related = items.query.select_related
    shown.query.deferred_loading = items.query.deferred_loading
    return shown.prefetch_related(*items._prefetch_related_lookups)


def with_sections(stories):
    """The stories as a list, each knowing its section, in one query for them all.

    A story card shows its section; asking each story for its parent page
    would cost a query per card.
    """
    stories = list(stories)
    parent_paths = {story.path[: -Page.steplen] for story in stories}
    sections = {section.path: section for section in SectionPage.objects.filter(path__in=parent_paths)}
    for story in stories:
        section = sections.get(story.path[: -Page.steplen])
        if section is not None:
            story.__dict__["section"] = section  # fills the cached_property
    return stories


def published_articles():
    """Live articles, newest first, with their lead image and bylines."""
    return (
        ArticlePage.objects.live()
        .public()
        .select_related("lead_image")
        .prefetch_related(bylines())
        .order_by("-first_published_at", "-pk")
    )


def story_cards():
    """Published articles as listings show them: a card needs no body, the largest column by far."""
    return published_articles().defer_streamfields()


def bylines():
    """Each story's authors in one query: the links and their authors joined."""
    return Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author"))


def with_renditions(stories, specs):
    """The stories' lead images given their `specs` renditions, in one query for them all.

    Wagtail's image tags read renditions prefetched this way before asking
    the cache or the database; a rendition that does not exist yet is made
    as usual.
    """
    images = [story.lead_image for story in stories if story.lead_image is not None]
    rendition_model = get_image_model().get_rendition_model()
    prefetch_related_objects(
        images,
        Prefetch(
            "renditions",
            queryset=rendition_model.objects.filter(filter_spec__in=specs),
            to_attr="prefetched_renditions",
        ),
    )
    return stories


# The lead story is the newest of this many with a lead image.
HOME_LATEST = 8
# Stories under each section's heading on the home page.
SECTION_BLOCK_STORIES = 4


class FrontPage:
    """The front page's stories, read when the template first asks for them.

    The home page keeps its story blocks as a fragment: while the content
    version holds, they render from it and these queries never run.
    """

    def __init__(self, home):
        self.home = home

    @cached_property
    def latest(self):
        return with_sections(self.home.stories(story_cards())[:HOME_LATEST])

    @cached_property
    def lead_story(self):
        self.prepare()
        return next((story for story in self.latest if story.lead_image_id), self.latest[0] if self.latest else None)

    @cached_property
    def top_stories(self):
        self.prepare()
        return [story for story in self.latest if story is not self.lead_story][:4]

    @cached_property
    def section_blocks(self):
        self.prepare()
        return self.blocks

    @cached_property
    def blocks(self):
        return self.home.section_blocks()

    def prepare(self):
        """Every rendition the blocks show, in one query."""
        if not getattr(self, "_prepared", False):
            self._prepared = True
            shown = self.latest + [story for _, stories in self.blocks for story in stories]
            with_renditions(shown, CARD_RENDITIONS + LEAD_RENDITIONS)


class HomePage(RestrictablePage, RoutablePageMixin, Page):
    """The front page; it also answers the author and tag pages under it."""

    max_count = 1
    subpage_types = ["stories.SectionPage"]
    template = "stories/home_page.html"

    def get_context(self, request, *args, front_page=True, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if not front_page:
            return context  # an author or tag page, which shows none of the front page's stories
        depends_on("list:home")
        context["front"] = FrontPage(self)
        return context

    def stories(self, articles=None):
        """The site's stories from `articles` (by default published_articles()).

        Stories sit two levels down, under a section. Asking for that depth
        rather than any depth below lets the listing index give them newest
        first without sorting the archive.
        """
        articles = published_articles() if articles is None else articles
        return articles.filter(depth=self.depth + 2, path__startswith=self.path)

    def section_blocks(self):
        """(section, its newest stories) for each live section, the stories in one query.

        Each section's newest are a subquery of their own, so each is read
        from the listing index however long the archive, and the page costs
        the same two queries whatever the number of sections.
        """
        sections = list(SectionPage.objects.live().child_of(self).order_by("path"))
        published = story_cards()
        # One small query per section, each read from the listing index newest
        # first: OR-ing them as subqueries of one query made SQLite test every
        # story of the archive against each (seconds at a million stories).
        newest = [
            pk
            for section in sections
            for pk in published.child_of(section).prefetch_related(None)
            .values_list("pk", flat=True)[:SECTION_BLOCK_STORIES]
        ]
        stories = list(published.filter(pk__in=newest)) if newest else []
        blocks = []
        for section in sections:
            own = [story for story in stories if story.path.startswith(section.path)]
            for story in own:
                story.__dict__["section"] = section  # fills the cached_property
            blocks.append((section, own))
        return blocks

    def route(self, request, path_components):
        # A story is two steps down, /section/story/. Walking there a step at
        # a time costs six queries (each step and its specific page, plus the
        # withdrawn-story check); its URL path finds it in one. Anything else,
        # and a story that is not live (withdrawn: 410), goes the usual way.
        if len(path_components) == 2 and self.live and not self.answers_itself(path_components):
            url_path = f"{self.url_path}{path_components[0]}/{path_components[1]}/"
            story = story_at(url_path)
            if story is not None:
                return RouteResult(story)
        return super().route(request, path_components)

    def answers_itself(self, path_components):
        """Whether one of the home page's own routes (author, tag pages) takes the path."""
        try:
            self.resolve_subpage("/" + "/".join(path_components) + "/")
        except Http404:
            return False
        return True

    @path("authors/<slug:slug>/", name="author")
    def author_page(self, request, slug):
        author = get_object_or_404(Author, slug=slug)
        depends_on(f"list:author:{author.pk}")
        links = ArticleAuthor.objects.filter(author=author)
        stories = linked_stories(self, story_cards(), links, "article")
        count = linked_count(self, links, "article")
        return self.render(
            request,
            front_page=False,
            template="stories/author_page.html",
            context_overrides={
                "author": author,
                "stories": paginate(request, stories, conf.get("NEWSDESK_LIST_PAGE_SIZE"), count=count),
            },
        )

    @path("tags/<str:slug>/", name="tag")
    def tag_page(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        depends_on(f"list:tag:{tag.pk}")
        links = ArticleTag.objects.filter(tag=tag)
        stories = linked_stories(self, story_cards(), links, "content_object")
        count = linked_count(self, links, "content_object")
        return self.render(
            request,
            front_page=False,
            template="stories/tag_page.html",
            context_overrides={
                "tag": tag,
                "stories": paginate(request, stories, conf.get("NEWSDESK_LIST_PAGE_SIZE"), count=count),
            },
        )


def story_at(url_path):
    """The live story at an address, read once per content version (a shared, read-only instance).

    A story page rendered from its fragments costs less than reading the
    story itself; the instance keeps what its first rendering looked up
    (section, byline) until anything changes.
    """

    def lookup():
        # Unordered: the address is one story's, and ordering costs more
        # than the query. The lead image is not joined: a page rendered
        # from its fragments never reads it.
        found = ArticlePage.objects.filter(url_path=url_path, live=True).order_by()
        return next(iter(found[:1]), None)

    story = remembered(("story-at", url_path), lookup)
    if story is not None:
        depends_on(f"story:{story.pk}")
    return story


def section_at(path):
    """The section at a tree path, read once per content version (a shared, read-only instance)."""
    section = remembered(("section-at", path), lambda: SectionPage.objects.filter(path=path).first())
    if section is not None:
        # Taken from memory, it was not loaded in this request: say it is shown.
        depends_on(f"section:{section.pk}")
    return section


class SectionPage(RestrictablePage, Page):
    """A section of the site (World, Business…): its stories, newest first."""

    description = models.TextField(blank=True, help_text="One or two sentences about the section.")

    parent_page_types = ["stories.HomePage"]
    subpage_types = ["stories.ArticlePage"]
    template = "stories/section_page.html"
    content_panels = Page.content_panels + [FieldPanel("description")]
    search_fields = Page.search_fields + [index.SearchField("description")]

    class Meta:
        verbose_name = "section"

    def route(self, request, path_components):
        if len(path_components) == 1:
            withdrawn = (
                ArticlePage.objects.child_of(self)
                .filter(slug=path_components[0], live=False, first_published_at__isnull=False)
                .first()
            )
            if withdrawn is not None:
                raise StoryGone(withdrawn)
        return super().route(request, path_components)

    @property
    def name(self):
        return self.title

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        depends_on(f"list:section:{self.pk}")
        context["stories"] = paginate(
            request,
            # The section's pages, not its stories: without the story table,
            # the children index alone gives them in order, to any depth.
            public_live_children(self).order_by("-first_published_at", "-pk"),
            conf.get("NEWSDESK_LIST_PAGE_SIZE"),
            self.story_count(),
            cards=story_cards(),
        )
        return context

    def story_count(self):
        """The section's live public stories, without counting them: its children are all stories (subpage_types)."""
        return public_live_children_count(self)


@register_snippet
class Author(index.Indexed, ClusterableModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        InlinePanel("links", label="Links"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)

    def get_url(self, request=None, home=None):
        """The author's page; pass the site's `home` page when the caller has it, to save a query."""
        home = home or HomePage.objects.live().first()
        if home is None:
            return None
        return home.get_url(request) + home.reverse_subpage("author", kwargs={"slug": self.slug})


class AuthorLink(Orderable):
    author = ParentalKey(Author, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=60)
    url = models.URLField()

    panels = [FieldPanel("label"), FieldPanel("url")]


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey("stories.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        # A tag page reads its stories from here: the tag's rows, with the
        # story ids in the index itself.
        indexes = [models.Index(fields=["tag", "content_object"], name="stories_tag_stories")]


class ArticlePage(RestrictablePage, Page):
    """A story: headline, standfirst, body, byline, and where it came from."""

    standfirst = models.TextField(blank=True, help_text="The one- or two-sentence summary under the headline.")
    lead_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_caption = models.CharField(max_length=300, blank=True)
    lead_image_credit = models.CharField(max_length=200, blank=True)
    body = StreamField(StoryBodyBlock(), blank=True)
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)
    source_name = models.CharField(
        max_length=200, blank=True, help_text="For a wire story: the outlet that first published it."
    )
    source_url = models.URLField(max_length=1000, blank=True, help_text="The original story's address.")

    parent_page_types = ["stories.SectionPage"]
    subpage_types = []
    template = "stories/article_page.html"

    content_panels = [
        FieldPanel("title", heading="Headline"),
        FieldPanel("standfirst"),
        InlinePanel("article_authors", label="Authors", min_num=1),
        MultiFieldPanel(
            [FieldPanel("lead_image"), FieldPanel("lead_image_caption"), FieldPanel("lead_image_credit")],
            heading="Lead image",
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        MultiFieldPanel([FieldPanel("source_name"), FieldPanel("source_url")], heading="Source"),
        InlinePanel("corrections", label="Corrections", heading="Corrections and updates"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.SearchField("author_names"),
        index.SearchField("tag_names"),
        index.FilterField("first_published_at"),
    ]

    class Meta:
        verbose_name = "article"

    @property
    def headline(self):
        return self.title

    @cached_property
    def section(self):
        # The parent by its path: one query for the section itself, where
        # get_parent().specific costs two, and none while the content version
        # holds (every story of a section shares it).
        section = section_at(self.path[: -self.steplen]) if self.path else None
        if section is None:
            parent = self.get_parent()
            section = parent.specific if parent else None
        return section

    @cached_property
    def authors(self):
        if getattr(self, "_bylines_from_database", False):
            # The byline in one query, made only when something shows it: a
            # story page rendered from its fragments never does.
            prefetch_related_objects([self], bylines())
        return [link.author for link in self.article_authors.all()]

    @property
    def published_at(self):
        return self.first_published_at or self.last_published_at or timezone.now()

    @property
    def updated_at(self):
        """The latest correction's time, when the story has been corrected."""
        times = [c.corrected_at for c in self.correction_list]
        return max(times) if times else None

    @cached_property
    def correction_list(self):
        """The corrections, read once: the byline, the page and its head tags all show them."""
        return list(self.corrections.all())

    @cached_property
    def tag_list(self):
        """The tags, read once: the page lists them and its head tags name them."""
        return list(self.tags.all())

    def author_names(self):
        return " ".join(author.name for author in self.authors)

    def tag_names(self):
        return " ".join(tag.name for tag in self.tags.all())

    def body_text(self):
        """The body's paragraphs and quotes as one plain string, for excerpts."""
        parts = []
        for block in self.body:
            if block.block_type == "paragraph":
                parts.append(block.value.source)
            elif block.block_type == "quote":
                parts.append(block.value["quote"])
        return " ".join(parts)

    def excerpt(self, length=None):
        return cut_excerpt(self.body_text() or self.standfirst, length or conf.get("NEWSDESK_EXCERPT_LENGTH"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Not in a preview: there the bylines are the draft's, held in
        # memory, not the published ones in the database.
        self._bylines_from_database = self.pk is not None and not getattr(request, "is_preview", False)
        return context

    @cached_property
    def lead_image_with_renditions(self):
        """The lead image with every rendition in one query: the page shows three sizes and its head
        tags name four more. Read only when they render (not from a fragment)."""
        if self.lead_image is not None:
            prefetch_related_objects([self.lead_image], "renditions")
        return self.lead_image


class ArticleAuthor(Orderable):
    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        # An author page reads its stories from here, as a tag page does.
        indexes = [models.Index(fields=["author", "article"], name="stories_author_stories")]

    def __str__(self):
        return str(self.author)


class Correction(Orderable):
    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="corrections")
    corrected_at = models.DateTimeField(default=timezone.now)
    note = models.TextField()

    panels = [FieldPanel("corrected_at"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = "correction"

    def __str__(self):
        return self.note
