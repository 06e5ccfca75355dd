"""410 Gone for stories that were published and then taken down.

A reader, a search engine or a feed reader following an old link learns the
story was withdrawn on purpose (410), not that the link is wrong (404), so
search engines drop it quickly.
"""

from django.template.response import TemplateResponse


class StoryGone(Exception):
    def __init__(self, page):
        super().__init__(f"{page} was unpublished")
        self.page = page


class GoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, StoryGone):
            response = TemplateResponse(request, "stories/410.html", {"gone": exception.page}, status=410)
            return response.render()
        return None
