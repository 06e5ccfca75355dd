from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
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
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from newsdesk import conf

from .blocks import StoryBodyBlock
from .excerpts import cut_excerpt
from .gone import StoryGone


def paginate(request, items, per_page):
    paginator = Paginator(items, per_page)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    page.object_list = with_sections(page.object_list)
    return page


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
    """Live articles, newest first."""
    return (
        ArticlePage.objects.live()
        .public()
        .select_related("lead_image")
        .prefetch_related("article_authors__author", "lead_image__renditions")
        .order_by("-first_published_at", "-pk")
    )


# The lead story is the newest of this many with a lead image.
HOME_LATEST = 8


class HomePage(RoutablePageMixin, Page):
    """The front page; it also answers the author and tag pages under it."""

    max_count = 1
    subpage_types = ["stories.SectionPage"]
    template = "stories/home_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        latest = with_sections(published_articles().descendant_of(self)[:HOME_LATEST])
        lead = next((story for story in latest if story.lead_image_id), latest[0] if latest else None)
        context["lead_story"] = lead
        context["top_stories"] = [story for story in latest if story is not lead][:4]
        context["section_blocks"] = []
        for section in SectionPage.objects.live().child_of(self).order_by("path"):
            stories = list(published_articles().child_of(section)[:4])
            for story in stories:
                story.__dict__["section"] = section
            context["section_blocks"].append((section, stories))
        return context

    @path("authors/<slug:slug>/", name="author")
    def author_page(self, request, slug):
        author = get_object_or_404(Author, slug=slug)
        stories = published_articles().descendant_of(self).filter(article_authors__author=author)
        return self.render(
            request,
            template="stories/author_page.html",
            context_overrides={
                "author": author,
                "stories": paginate(request, stories, conf.get("NEWSDESK_LIST_PAGE_SIZE")),
            },
        )

    @path("tags/<str:slug>/", name="tag")
    def tag_page(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        stories = published_articles().descendant_of(self).filter(tagged_items__tag=tag)
        return self.render(
            request,
            template="stories/tag_page.html",
            context_overrides={
                "tag": tag,
                "stories": paginate(request, stories, conf.get("NEWSDESK_LIST_PAGE_SIZE")),
            },
        )


class SectionPage(Page):
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
        context["stories"] = paginate(
            request, published_articles().child_of(self), conf.get("NEWSDESK_LIST_PAGE_SIZE")
        )
        return context


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

    def get_url(self, request=None):
        home = HomePage.objects.live().first()
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


class ArticlePage(Page):
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
        parent = self.get_parent()
        return parent.specific if parent else None

    @cached_property
    def authors(self):
        return [link.author for link in self.article_authors.all()]

    @property
    def published_at(self):
        return self.first_published_at or self.last_published_at or timezone.now()

    @property
    def updated_at(self):
        """The latest correction's time, when the story has been corrected."""
        times = [c.corrected_at for c in self.corrections.all()]
        return max(times) if times else None

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


class ArticleAuthor(Orderable):
    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("author")]

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
