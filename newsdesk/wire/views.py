"""The wire desk in the admin: the queue, one item's preview, actions, source health."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from newsdesk.stories.models import SectionPage

from .models import Poll, Source, WireItem
from .publishing import publish_item

QUEUE_PAGE_SIZE = 50
HEALTH_DAYS = 14

can_view = permission_required("wire.view_wireitem", raise_exception=True)
can_change = permission_required("wire.change_wireitem", raise_exception=True)


@can_view
def queue(request):
    items = WireItem.objects.select_related("source", "section").order_by("-fetched_at", "-pk")
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
    return TemplateResponse(
        request,
        "wire/queue.html",
        {
            "page_title": "Wire desk",
            "header_icon": "doc-full-inverse",
            "items": page,
            "filters": filters,
            "sources": Source.objects.order_by("name"),
            "sections": SectionPage.objects.live().order_by("path"),
            "statuses": WireItem.Status.choices,
            "query_string": request.GET.urlencode(),
        },
    )


@can_view
def preview(request, item_id):
    item = get_object_or_404(WireItem.objects.select_related("source", "section", "article"), pk=item_id)
    return TemplateResponse(
        request,
        "wire/preview.html",
        {
            "page_title": item.title,
            "header_icon": "doc-full-inverse",
            "item": item,
            "versions": item.versions.all()[:10],
            "sections": SectionPage.objects.live().order_by("path"),
        },
    )


@can_change
@require_POST
def act(request):
    """Publish, open in the editor, hold or discard the chosen items."""
    action = request.POST.get("action")
    ids = [value for value in request.POST.getlist("items") if value.isdigit()]
    items = list(WireItem.objects.filter(pk__in=ids).select_related("source", "section"))
    back = request.POST.get("next") or reverse("wire:queue")
    if not back.startswith("/"):
        back = reverse("wire:queue")
    if not items:
        messages.warning(request, "Choose at least one item.")
        return redirect(back)
    section = SectionPage.objects.filter(pk=request.POST.get("section") or 0).first()
    if action == "edit":
        if len(items) != 1:
            messages.warning(request, "Open one item at a time in the editor.")
            return redirect(back)
        article = items[0].article or publish_item(items[0], section=section, user=request.user, live=False)
        return redirect("wagtailadmin_pages:edit", article.pk)
    if action == "publish":
        published = [publish_item(item, section=section, user=request.user) for item in items if item.article_id is None]
        messages.success(request, f"Published {len(published)} item{'s' if len(published) != 1 else ''}.")
    elif action in {"hold", "discard"}:
        status = WireItem.Status.HELD if action == "hold" else WireItem.Status.DISCARDED
        for item in items:
            item.status = status
            item.status_reason = f"{status.label} by {request.user}"
            item.save(update_fields=["status", "status_reason", "updated_at"])
        messages.success(request, f"{status.label}: {len(items)} item{'s' if len(items) != 1 else ''}.")
    else:
        messages.error(request, "Unknown action.")
    return redirect(back)


@can_view
def health(request):
    since = timezone.now() - timedelta(days=HEALTH_DAYS - 1)
    start = timezone.localdate(since)
    days = [start + timedelta(days=n) for n in range(HEALTH_DAYS)]
    items = per_day(WireItem.objects.filter(fetched_at__gte=since), "fetched_at")
    failures = per_day(Poll.objects.filter(started_at__gte=since, ok=False), "started_at")
    rows = []
    for source in Source.objects.select_related("section").order_by("-consecutive_failures", "name"):
        item_counts = [items.get((source.pk, day), 0) for day in days]
        failure_counts = [failures.get((source.pk, day), 0) for day in days]
        rows.append({"source": source, "chart": bar_chart(item_counts, failure_counts, days)})
    return TemplateResponse(
        request,
        "wire/health.html",
        {"page_title": "Source health", "header_icon": "pick", "rows": rows, "days": HEALTH_DAYS},
    )


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
