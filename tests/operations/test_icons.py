"""Favicon, touch icon and square logo: drawn from the newsroom's logo, else from the site's initial."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.test import Client
from PIL import Image
from wagtail.images import get_image_model

from newsdesk.branding.icons import ACCENT, PAPER
from newsdesk.branding.models import NewsroomSettings
from newsdesk.stories.models import ArticlePage
from tests.seo.pages import json_ld

pytestmark = pytest.mark.django_db


def picture(response):
    assert response.status_code == 200, response.status_code
    return Image.open(io.BytesIO(response.content))


def png_file(size, colour, name):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return ImageFile(io.BytesIO(out.getvalue()), name=name)


def upload_logo(size=(400, 300), colour=(20, 90, 160)):
    image = get_image_model().objects.create(title="Logo", file=png_file(size, colour, "logo.png"))
    newsroom = NewsroomSettings.objects.get()
    newsroom.logo = image
    newsroom.save()
    return image


def test_without_a_logo_the_icons_are_the_initial_on_the_accent_colour(client):
    favicon = picture(client.get("/favicon.ico"))
    assert favicon.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= set(favicon.info["sizes"])
    touch = picture(client.get("/apple-touch-icon.png"))
    assert (touch.format, touch.size, touch.mode) == ("PNG", (180, 180), "RGB")  # opaque, as iOS wants
    square = picture(client.get("/icon-512.png")).convert("RGB")
    assert square.size == (512, 512)
    assert square.getpixel((4, 4)) == ACCENT
    # The letter is drawn in paper white in the middle.
    assert PAPER in {colour for _, colour in square.getcolors(512 * 512)}


def test_an_uploaded_logo_becomes_the_icons(client):
    upload_logo(colour=(20, 90, 160))
    square = picture(client.get("/icon-512.png")).convert("RGB")
    assert square.getpixel((4, 4)) == PAPER  # the margin
    assert square.getpixel((256, 256)) == (20, 90, 160)
    assert picture(client.get("/favicon.ico")).convert("RGB").getpixel((24, 24)) == (20, 90, 160)


def test_pages_link_the_icons_and_a_banner_logo_gives_search_engines_the_square(client):
    """Every reader page links its icons. Google wants the publisher logo 112 px or more each way:
    a 600x60 banner logo gets the square drawn from it."""
    upload_logo(size=(600, 60))
    story = ArticlePage.objects.live().order_by("first_published_at").first()
    page = client.get(story.url).content.decode()
    head = page.split("</head>")[0]
    assert re.search(r'<link rel="icon" href="/favicon.ico"', head)
    assert re.search(r'<link rel="apple-touch-icon" href="/apple-touch-icon.png">', head)
    logo = json_ld(page)["NewsArticle"]["publisher"]["logo"]
    assert logo == {"@type": "ImageObject", "url": "http://testserver/icon-512.png", "width": 512, "height": 512}


def test_cached_icons_are_purged_when_the_logo_changes(metered_site, committed):
    first = metered_site.get("/favicon.ico")
    assert metered_site.get("/favicon.ico").headers["X-Page-Cache"] == "hit"
    with committed():
        image = upload_logo(colour=(20, 90, 160))
    after_settings = metered_site.get("/favicon.ico")
    assert after_settings.headers["X-Page-Cache"] == "miss"
    assert after_settings.content != first.content
    assert metered_site.get("/favicon.ico").headers["X-Page-Cache"] == "hit"
    # The editor replaces the logo's file in the image library: the settings are not saved.
    editor = Client()
    editor.force_login(get_user_model().objects.create_superuser("logo-editor", password="not-used-here-1"))
    with committed():
        response = editor.post(f"/admin/images/{image.pk}/", {
            "title": "Logo", "file": png_file((400, 300), (200, 150, 0), "logo-2.png"),
            "collection": image.collection_id, "tags": "",
        })
    assert response.status_code == 302, response.content.decode()[-2000:]
    replaced = metered_site.get("/favicon.ico")
    assert replaced.headers["X-Page-Cache"] == "miss"
    assert Image.open(io.BytesIO(replaced.content)).convert("RGB").getpixel((24, 24)) == (200, 150, 0)
