import io
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from PIL import Image

from newsdesk.branding.models import NewsroomSettings
from newsdesk.stories.models import ArticlePage, Author, Correction
from tests.seo.pages import json_ld, read_head

pytestmark = pytest.mark.django_db


def wire_story():
    return ArticlePage.objects.live().exclude(source_name="").order_by("-first_published_at").first()


def own_story():
    return ArticlePage.objects.live().filter(source_name="").order_by("-first_published_at").first()


def aware(value):
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def image_size(client, url):
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Image.open(io.BytesIO(body)).size


def test_article_carries_a_complete_news_article(client):
    article = own_story()
    data = json_ld(client.get(article.url).content.decode())["NewsArticle"]
    url = f"http://testserver{article.url}"
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == article.title
    assert data["description"] == article.search_description
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["articleSection"] == article.section.title
    assert data["keywords"] == [tag.name for tag in article.tags.all()]
    assert data["author"] == [
        {"@type": "Person", "name": a.name, "url": f"http://testserver/authors/{a.slug}/"}
        for a in article.authors
    ]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "The Meridian Courier"
    assert data["copyrightHolder"] == {"@type": "Organization", "name": "The Meridian Courier"}
    assert data["copyrightYear"] == timezone.localtime(article.first_published_at).year
    assert aware(data["datePublished"]) == article.first_published_at.replace(microsecond=0)
    assert aware(data["dateModified"]) >= aware(data["datePublished"])
    assert "isBasedOn" not in data


def test_article_images_come_in_three_ratios_at_absolute_urls(client):
    """16:9, 4:3 and 1:1 renditions of the lead image, as Google asks."""
    data = json_ld(client.get(own_story().url).content.decode())["NewsArticle"]
    assert len(data["image"]) == 3
    ratios = []
    for url in data["image"]:
        assert url.startswith("http://testserver/media/")
        width, height = image_size(client, url)
        ratios.append(round(width / height, 2))
    assert ratios == [round(16 / 9, 2), round(4 / 3, 2), 1.0]


def test_date_modified_is_the_latest_correction_when_later_than_publication(client):
    article = own_story()
    corrected_at = timezone.now().replace(microsecond=0)
    Correction.objects.create(article=article, corrected_at=corrected_at, note="The vote count was wrong.")
    data = json_ld(client.get(article.url).content.decode())["NewsArticle"]
    assert aware(data["dateModified"]) == corrected_at
    assert aware(data["datePublished"]) == article.first_published_at.replace(microsecond=0)


def test_wire_story_says_what_it_is_based_on(client):
    article = wire_story()
    data = json_ld(client.get(article.url).content.decode())["NewsArticle"]
    assert data["isBasedOn"]["url"] == article.source_url
    assert data["isBasedOn"]["publisher"] == {"@type": "Organization", "name": article.source_name}


def test_publisher_always_has_a_logo_the_uploaded_one_once_there_is_one(client):
    """Without a logo the site's square icon (512 px); with one, an ImageObject of it with its size."""
    article = own_story()
    default = json_ld(client.get(article.url).content.decode())["NewsArticle"]["publisher"]["logo"]
    assert urlsplit(default["url"]).path == "/icon-512.png"
    assert image_size(client, default["url"]) == (default["width"], default["height"]) == (512, 512)
    newsroom = NewsroomSettings.objects.get()
    newsroom.logo = Author.objects.exclude(photo=None).first().photo
    newsroom.save()
    logo = json_ld(client.get(article.url).content.decode())["NewsArticle"]["publisher"]["logo"]
    assert logo["@type"] == "ImageObject"
    assert image_size(client, logo["url"]) == (logo["width"], logo["height"])


def test_articles_and_sections_carry_breadcrumbs(client):
    article = own_story()
    crumbs = json_ld(client.get(article.url).content.decode())["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "The Meridian Courier", "http://testserver/"),
        (2, article.section.title, f"http://testserver{article.section.url}"),
        (3, article.title, f"http://testserver{article.url}"),
    ]
    section = json_ld(client.get(article.section.url).content.decode())
    assert [c["name"] for c in section["BreadcrumbList"]["itemListElement"]] == [
        "The Meridian Courier",
        article.section.title,
    ]


def test_home_page_declares_the_website_and_its_search(client):
    blocks = json_ld(client.get("/").content.decode())
    assert set(blocks) == {"WebSite"}
    site = blocks["WebSite"]
    assert site["url"] == "http://testserver/"
    assert site["name"] == "The Meridian Courier"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


def test_every_type_and_property_is_in_the_schema_org_vocabulary(client, schema_org):
    """Types exist, properties exist and belong to their type, nested objects fit the range."""
    newsroom = NewsroomSettings.objects.get()
    newsroom.logo = Author.objects.exclude(photo=None).first().photo
    newsroom.save()
    pages = ["/", wire_story().url, own_story().url, own_story().section.url]
    blocks = [block for url in pages for block in json_ld(client.get(url).content.decode()).values()]
    assert {block["@type"] for block in blocks} == {"WebSite", "NewsArticle", "BreadcrumbList"}
    problems = [problem for block in blocks for problem in schema_org.problems(block)]
    assert not problems, "\n".join(problems)


def test_a_headline_cannot_close_the_json_ld_script(client):
    """"</script>", "<!--" and "&" in a headline stay inside the JSON and read back intact."""
    article = own_story()
    headline = 'Minister says </script><script>alert("x")</script> <!-- & goes'
    article.title = headline
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert '<script>alert("x")' not in html
    head = read_head(html)
    assert len(head.json_ld_texts) == 2
    assert all("<" not in text and ">" not in text and "&" not in text for text in head.json_ld_texts)
    blocks = json_ld(html)
    assert blocks["NewsArticle"]["headline"] == headline
    assert blocks["BreadcrumbList"]["itemListElement"][-1]["name"] == headline
