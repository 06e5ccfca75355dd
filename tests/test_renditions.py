"""The pictures' sizes readers are shown are made when a story is published, not while a reader waits."""

import io
import json
import logging

import pytest
from click.testing import CliRunner
from django.core.files.images import ImageFile
from PIL import Image
from wagtail.images import get_image_model

from newsdesk.stories.cli import renditions as renditions_command
from newsdesk.stories.models import ArticleAuthor, ArticlePage, Author, SectionPage
from newsdesk.stories.renditions import AUTHOR_PHOTO, FIGURE, LEAD_IMAGE, make_for_article, specs

pytestmark = pytest.mark.django_db


def picture(name, size=(1400, 800), colour="#336699"):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    image = get_image_model()(title=name)
    image.file = ImageFile(io.BytesIO(out.getvalue()), name=f"{name}.jpg")
    image.save()
    return image


def rendition_specs(image):
    return set(image.renditions.values_list("filter_spec", flat=True))


def body_with_figure(image):
    return json.dumps([
        {"type": "paragraph", "value": "<p>The harbour wall was finished a week early.</p>"},
        {"type": "image", "value": {"image": image.pk, "caption": "The new wall", "credit": ""}},
    ])


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """A story with a lead picture and a figure, published as an editor would; queued tasks run."""
    lead, figure = picture("harbour-wall-lead"), picture("harbour-wall-figure", colour="#993366")
    story = ArticlePage(title="Harbour wall finished early", slug="harbour-wall-finished-early",
                        lead_image=lead)
    story.body = body_with_figure(figure)
    story.article_authors = [ArticleAuthor(author=Author.objects.order_by("pk").first())]
    with django_capture_on_commit_callbacks(execute=True):
        SectionPage.objects.get(slug="world").add_child(instance=story)
        story.save_revision().publish()
    return ArticlePage.objects.get(pk=story.pk), lead, figure


def test_publishing_makes_every_size_the_pictures_are_shown_in(published):
    story, lead, figure = published
    assert rendition_specs(lead) == set(specs(LEAD_IMAGE))
    assert rendition_specs(figure) == set(specs(FIGURE))
    # The apps' own sizes are declared too: the feeds', the API's, the search engines' cards.
    assert {"fill-1200x675", "fill-1200x630", "format-webp|fill-400x225"} <= set(specs(LEAD_IMAGE))
    assert "width-1200" in specs(FIGURE)
    assert "fill-400x400" in specs(AUTHOR_PHOTO)


def test_reader_pages_feeds_and_the_api_make_no_rendition_of_a_published_story(client, published):
    story, lead, figure = published
    rendition_model = get_image_model().get_rendition_model()
    before = rendition_model.objects.count()
    for url in (story.url, "/", "/world/", "/feeds/rss.xml", "/feeds/sections/world/rss.xml", f"/api/v1/stories/{story.pk}/",
                "/api/v1/stories/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert rendition_model.objects.count() == before
    page = client.get(story.url).content.decode()
    assert lead.renditions.get(filter_spec="format-webp|fill-1200x675").url in page
    assert figure.renditions.get(filter_spec="format-jpeg|width-800").url in page


def test_an_authors_photo_gets_its_sizes_when_the_author_is_saved(client, django_capture_on_commit_callbacks):
    photo = picture("portrait-of-a-reporter", size=(600, 600))
    with django_capture_on_commit_callbacks(execute=True):
        author = Author.objects.create(name="Ilse Marren", photo=photo)
    assert rendition_specs(photo) == set(specs(AUTHOR_PHOTO))
    rendition_model = get_image_model().get_rendition_model()
    before = rendition_model.objects.count()
    assert client.get(f"/authors/{author.slug}/").status_code == 200
    assert rendition_model.objects.count() == before


def test_the_command_makes_sizes_missing_from_the_archive(published):
    story, lead, figure = published
    lead.renditions.all().delete()
    figure.renditions.filter(filter_spec__startswith="format-webp").delete()

    result = CliRunner().invoke(renditions_command, [])

    assert result.exit_code == 0, result.output
    assert "Renditions made or found for" in result.output
    assert rendition_specs(lead) == set(specs(LEAD_IMAGE))
    assert rendition_specs(figure) == set(specs(FIGURE))


def test_an_unreadable_picture_is_logged_and_the_others_are_still_made(published, caplog):
    story, lead, figure = published
    lead.renditions.all().delete()
    figure.renditions.all().delete()
    figure.file.storage.delete(figure.file.name)

    with caplog.at_level(logging.ERROR, logger="newsdesk.stories.renditions"):
        assert make_for_article(ArticlePage.objects.get(pk=story.pk)) == 1

    assert rendition_specs(lead) == set(specs(LEAD_IMAGE))
    assert not rendition_specs(figure)
    assert f"Could not make the renditions of image {figure.pk}" in caplog.text
