"""The wire desk in the admin: the queue, one item's preview, actions, source health."""

from collections import Counter
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail.models import Page, WorkflowState

from newsdesk import conf
from newsdesk.copies.desk import with_clusters, with_originals
from newsdesk.sections.filing import story_text
from newsdesk.sections.labels import record_choice
from newsdesk.stories.models import SectionPage

from .models import Poll, Source, WireItem
from .publishing import Outcome, may_file_into, publish_item, publish_item_as, target_section
from .throughput import Figures, desk_throughput, duration

QUEUE_PAGE_SIZE = 50
HEALTH_DAYS = 14
# A queue page shows 50 items; a request naming more than this did not come from the desk.
MAX_ITEMS_PER_ACTION = 200
# How the desk shows a story waiting in Wagtail's review workflow.
REVIEW_LABELS = {
    WorkflowState.STATUS_IN_PROGRESS: "In review",
    WorkflowState.STATUS_NEEDS_CHANGES: "Changes requested",
}

can_view = permission_required("wire.view_wireitem", raise_exception=True)
can_change = permission_required("wire.change_wireitem", raise_exception=True)


@can_view
def queue(request):
    items = WireItem.objects.select_related("source", "section", "article").order_by("-fetched_at", "-pk")
    filters = {
        "source": request.GET.get("source", ""),
        "section": request.GET.get("section", ""),
        "status": request.GET.get("status", ""),
        "q": request.GET.get("q", "").strip(),
    }
    if filters["source"].isdigit():
        items = items.filter(source_id=filters["source"])
    if filters["section"].isdigit():
        items = items.filter(section_id=filters["section"])
    if filters["status"] in WireItem.Status.values:
        items = items.filter(status=filters["status"])
    if filters["q"]:
        for word in filters["q"].split():
            items = items.filter(Q(title__icontains=word) | Q(text__icontains=word))
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    with_review_states(page.object_list)
    sections = SectionPage.objects.live().order_by("path")
    with_suggestions(page.object_list, sections)
    with_originals(page.object_list)
    with_clusters(page.object_list)
    return TemplateResponse(
        request,
        "wire/queue.html",
        {
            "page_title": "Wire desk",
            "header_icon": "doc-full-inverse",
            "items": page,
            "filters": filters,
            "sources": Source.objects.order_by("name"),
            "sections": sections,
            "filing_sections": filing_sections(request.user, sections),
            "statuses": WireItem.Status.choices,
            "query_string": request.GET.urlencode(),
        },
    )


@can_view
def preview(request, item_id):
    item = get_object_or_404(WireItem.objects.select_related("source", "section", "article"), pk=item_id)
    with_review_states([item])
    with_suggestions([item], SectionPage.objects.live())
    with_originals([item])
    section = target_section(item)
    may_add = section is not None and may_file_into(request.user, section)
    return TemplateResponse(
        request,
        "wire/preview.html",
        {
            "page_title": item.title,
            "header_icon": "doc-full-inverse",
            "item": item,
            "versions": item.versions.all()[:10],
            "target_section": section,
            "may_add": may_add,
            "may_publish": may_add and section.permissions_for_user(request.user).can_publish_subpage(),
            "sections": filing_sections(request.user, SectionPage.objects.live().order_by("path")),
        },
    )


def filing_sections(user, sections):
    """The sections `user` may add stories to: the desk offers only these to publish into."""
    return [section for section in sections if may_file_into(user, section)]


def with_suggestions(items, sections):
    """Give each item `suggestions`: its stored [(section, probability)], best first, live sections only."""
    by_id = {section.pk: section for section in sections}
    for item in items:
        pairs = item.section_suggestions or []
        item.suggestions = [(by_id[pk], probability) for pk, probability in pairs if pk in by_id]
    return items


def with_review_states(items):
    """Give each item `review`: where its story stands in Wagtail's review workflow, if it is in one.

    One query for the whole page of items. "In review" until an editor
    approves (the story goes live) or asks for changes.
    """
    article_ids = [str(item.article_id) for item in items if item.article_id]
    states = dict(
        WorkflowState.objects.active()
        .filter(base_content_type=ContentType.objects.get_for_model(Page), object_id__in=article_ids)
        .values_list("object_id", "status")
    )
    for item in items:
        state = states.get(str(item.article_id))
        item.review = REVIEW_LABELS.get(state, "")
    return items


@can_change
@require_POST
def act(request):
    """Publish, open in the editor, hold or discard the chosen items.

    The desk's own permission (change wire items) lets someone work the
    queue; what they may do to a section is Wagtail's page permission there,
    checked for every item as the page editor would: adding a story needs
    "add" in its section, and one who may add but not publish sends it to
    review instead. Refused items are left exactly as they were.
    """
    action = request.POST.get("action")
    back = back_url(request)
    ids = [value for value in request.POST.getlist("items") if value.isdigit()]
    section_id = request.POST.get("section")
    # A suggestion's own button files one item: "<item id>-<section id>".
    item_id, _, suggested_id = request.POST.get("file_into", "").partition("-")
    if item_id.isdigit() and suggested_id.isdigit():
        action, ids, section_id = "file", [item_id], suggested_id
    if len(ids) > MAX_ITEMS_PER_ACTION:
        messages.error(request, f"Choose at most {MAX_ITEMS_PER_ACTION} items at a time.")
        return redirect(back)
    items = list(WireItem.objects.filter(pk__in=ids).select_related("source", "section"))
    if not items:
        messages.warning(request, "Choose at least one item.")
        return redirect(back)
    chosen = SectionPage.objects.filter(pk=section_id or 0).first()
    if action == "file":
        file_items(request, items, chosen)
        return redirect(back)
    if action == "edit":
        return open_in_editor(request, items, chosen, back)
    if action == "publish":
        publish(request, [item for item in items if item.article_id is None], chosen)
    elif action in {"hold", "discard"}:
        set_status(request, items, action)
    else:
        messages.error(request, "Unknown action.")
    return redirect(back)


def back_url(request):
    """Where an action returns to: `next` when it is an address on this site, else the queue."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("wire:queue")


def permitted(request, items, chosen=None):
    """The items the user may act on in their target section; an error message names the rest."""
    verdicts, allowed, refused = {}, [], {}
    for item in items:
        section = target_section(item, chosen)
        if section is None:
            refused.setdefault(None, []).append(item)
            continue
        if section.pk not in verdicts:
            verdicts[section.pk] = may_file_into(request.user, section)
        if verdicts[section.pk]:
            allowed.append((item, section))
        else:
            refused.setdefault(section.title, []).append(item)
    for title, refused_items in refused.items():
        count = count_of(len(refused_items))
        if title is None:
            messages.error(request, f"Not done for {count}: the site has no section to file them in.")
        else:
            messages.error(request, f"Not done for {count}: you may not add stories to {title}.")
    return allowed


def open_in_editor(request, items, chosen, back):
    if len(items) != 1:
        messages.warning(request, "Open one item at a time in the editor.")
        return redirect(back)
    item = items[0]
    if item.article_id is None:
        # A draft only: the editor page offers publishing or submitting for
        # review, as the user's permissions allow.
        allowed = permitted(request, [item], chosen)
        if not allowed:
            return redirect(back)
        remember_choice(request, item, chosen)
        publish_item(item, section=allowed[0][1], user=request.user, live=False)
    # Wagtail's editor checks the user may edit an existing article.
    return redirect("wagtailadmin_pages:edit", item.article_id)


def publish(request, items, chosen):
    if not items:
        messages.info(request, "Nothing to publish: the chosen items have articles already.")
        return
    outcomes = Counter()
    for item, section in permitted(request, items, chosen):
        remember_choice(request, item, chosen)
        _, outcome = publish_item_as(request.user, item, section)
        outcomes[outcome] += 1
    if outcomes[Outcome.PUBLISHED]:
        messages.success(request, f"Published {count_of(outcomes[Outcome.PUBLISHED])}.")
    if outcomes[Outcome.IN_REVIEW]:
        messages.success(
            request, f"Submitted {count_of(outcomes[Outcome.IN_REVIEW])} for review: an editor approves them."
        )
    if outcomes[Outcome.DRAFT]:
        messages.warning(
            request,
            f"Saved {count_of(outcomes[Outcome.DRAFT])} as drafts: you may not publish there "
            "and the section has no review workflow.",
        )


def remember_choice(request, item, chosen):
    """Keep an editor's choice of another section than the item's as a label the model learns from.

    A story published where it was filed teaches the model anyway, as part
    of the archive; a different choice marks where the model went wrong.
    """
    if chosen is not None and chosen.pk != item.section_id:
        record_choice(item_text(item), chosen, suggested=item.section, user=request.user)


def item_text(item):
    return story_text(item.title, item.summary, item.text)


def file_items(request, items, chosen):
    """File the items under the chosen section, and release those held only for want of one."""
    if chosen is None:
        messages.warning(request, "Choose a section to file the items under.")
        return
    published = [item for item in items if item.article_id is not None]
    if published:
        messages.warning(request, f"Not filed: {count_of(len(published))} already published; move the story instead.")
    filed = 0
    threshold = conf.get("NEWSDESK_SECTION_CONFIDENCE")
    for item, section in permitted(request, [item for item in items if item.article_id is None], chosen):
        record_choice(item_text(item), section, suggested=item.section, user=request.user)
        held_for_section = (
            item.status == WireItem.Status.HELD
            and item.section_confidence is not None
            and item.section_confidence < threshold
        )
        item.section, item.section_confidence = section, 1.0
        fields = ["section", "section_confidence", "updated_at"]
        if held_for_section:
            item.status, item.status_reason = WireItem.Status.NEW, f"Filed under {section.title} by {request.user}"
            fields += ["status", "status_reason"]
        item.save(update_fields=fields)
        filed += 1
    if filed:
        messages.success(request, f"Filed {count_of(filed)} under {chosen.title}.")


def set_status(request, items, action):
    status = WireItem.Status.HELD if action == "hold" else WireItem.Status.DISCARDED
    allowed = [item for item, _ in permitted(request, items)]
    for item in allowed:
        item.status = status
        item.status_reason = f"{status.label} by {request.user}"
        item.decide_at = None  # an editor's choice ends any wait for the story's best report
        item.save(update_fields=["status", "status_reason", "decide_at", "updated_at"])
    if allowed:
        messages.success(request, f"{status.label}: {count_of(len(allowed))}.")


def count_of(number):
    return f"{number} item{'s' if number != 1 else ''}"


@can_view
def health(request):
    since = timezone.now() - timedelta(days=HEALTH_DAYS - 1)
    start = timezone.localdate(since)
    days = [start + timedelta(days=n) for n in range(HEALTH_DAYS)]
    items = per_day(WireItem.objects.filter(fetched_at__gte=since), "fetched_at")
    failures = per_day(Poll.objects.filter(started_at__gte=since, ok=False), "started_at")
    throughput = desk_throughput()
    rows = []
    for source in Source.objects.select_related("section").order_by("-consecutive_failures", "name"):
        item_counts = [items.get((source.pk, day), 0) for day in days]
        failure_counts = [failures.get((source.pk, day), 0) for day in days]
        figures = shown(throughput.by_source.get(source.pk, Figures()))
        rows.append({"source": source, "chart": bar_chart(item_counts, failure_counts, days), "figures": figures})
    overall = shown(throughput.overall)
    overall.update(sources_due=throughput.sources_due, oldest_due=duration(throughput.oldest_due_seconds))
    return TemplateResponse(
        request,
        "wire/health.html",
        {"page_title": "Source health", "header_icon": "pick", "rows": rows, "days": HEALTH_DAYS,
         "overall": overall},
    )


def shown(figures):
    """Throughput figures as the health page prints them."""
    return {
        "items_last_hour": figures.items_last_hour,
        "items_per_second": f"{figures.items_per_second:.2f}",
        "waiting": figures.waiting,
        "waiting_new": figures.waiting_new,
        "waiting_held": figures.waiting_held,
        "median_delay": duration(figures.median_delay),
        "slow_delay": duration(figures.slow_delay),
        "delay_count": len(figures.delays or ()),
    }


def per_day(queryset, field):
    counts = queryset.annotate(day=TruncDate(field)).values("source_id", "day").annotate(n=Count("pk"))
    return {(row["source_id"], row["day"]): row["n"] for row in counts}


def bar_chart(item_counts, failure_counts, days, width=168, height=40):
    """Bars of items per day, with a red mark on days with failed polls."""
    step = width / len(days)
    top = max(item_counts + [1])
    bars = []
    for index, (count, failed, day) in enumerate(zip(item_counts, failure_counts, days)):
        bar_height = round((height - 6) * count / top, 1)
        x = round(index * step, 1)
        bars.append(
            {
                "x": x,
                "y": round(height - bar_height, 1),
                "width": round(step - 2, 1),
                "height": bar_height,
                "failed": failed,
                "label": f"{day:%d %b}: {count} item{'s' if count != 1 else ''}"
                + (f", {failed} failed poll{'s' if failed != 1 else ''}" if failed else ""),
            }
        )
    return {"width": width, "height": height, "bars": bars, "total": sum(item_counts), "failures": sum(failure_counts)}
