"""The JSON view behind the editor's section panel."""

import json

from django.http import HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.views.decorators.http import require_POST

from .filing import file_story, live_sections

# A story's opening decides its section (filing.MAX_TEXT_CHARS); a larger
# request did not come from the panel.
MAX_BODY_BYTES = 200_000


def may_write_stories(user, sections):
    """Editors only: someone who may add or edit stories in at least one section."""
    for section in sections:
        permissions = section.permissions_for_user(user)
        if permissions.can_add_subpage() or permissions.can_edit():
            return True
    return False


@require_POST
def suggest(request):
    """The three likeliest sections for {"title": ..., "text": ...}.

    A POST, so Django's CSRF check applies: the panel sends the editor
    form's token, and another site cannot make an editor's browser ask.
    """
    sections = live_sections()
    if not may_write_stories(request.user, sections):
        return HttpResponseForbidden("Only editors may ask for section suggestions.")
    if len(request.body) > MAX_BODY_BYTES:
        return HttpResponseBadRequest("The story is too long to suggest a section for.")
    try:
        story = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("Expected a JSON object.")
    if not isinstance(story, dict):
        return HttpResponseBadRequest("Expected a JSON object.")
    title, text = str(story.get("title") or ""), str(story.get("text") or "")
    filing = file_story(title, text, sections=sections)
    if filing is None:
        return JsonResponse({"method": None, "suggestions": []})
    return JsonResponse(
        {
            "method": filing.method,
            "uncertain": filing.uncertain,
            "suggestions": [
                {"id": section.pk, "title": section.title, "confidence": round(probability, 4)}
                for section, probability in filing.suggestions
            ],
        }
    )
