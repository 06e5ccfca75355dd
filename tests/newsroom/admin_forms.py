"""Build the POST data of Wagtail's article editor, as a browser would send it."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def article_form(title, slug, author, action=None, **extra):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "standfirst": "A short summary of the story for readers.",
            "article_authors": inline_formset([{"author": author.pk}], min=1),
            "body": streamfield([("paragraph", rich_text("<p>The first paragraph of the story.</p>"))]),
            "tags": "",
            "source_name": "",
            "source_url": "",
            "corrections": inline_formset([]),
            "comments": inline_formset([]),
            "seo_title": "",
            "search_description": "",
            **extra,
        }
    )
    if action:
        data[action] = "1"
    return data
