"""The staff home, the moderation queues and their items, and "My notifications".

Every page is for verified staff (`workspace.access.staff_page`); a queue and its items only
for those who decide them (403 otherwise). A decision is a POST with Django's CSRF token that
calls the owning app's service through the queue's `Decision`, then opens the next waiting
item of the queue (or stays, with "Approve" rather than "Approve and next").
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lib.transitions import InvalidTransition
from staff import preferences
from workspace import moderation
from workspace.access import staff_page
from workspace.forms import DECIDED, WAITING, DecisionForm, NotificationsForm, QueueFilterForm

PER_PAGE = 50


def _page(request: HttpRequest, template: str, context: dict, *, status: int = 200):
    """Render inside the staff area's frame (its header, menu and messages)."""
    return render(request, template, {**admin.site.each_context(request), **context}, status=status)


def _service_level_days() -> dict[str, int]:
    return {
        "overdue_days": settings.MODERATION_OVERDUE_DAYS,
        "nearly_overdue_days": settings.MODERATION_NEARLY_OVERDUE_DAYS,
    }


def _queue(request: HttpRequest, slug: str) -> moderation.Queue:
    queue = moderation.get(slug)
    if queue is None:
        raise Http404("No such queue")
    if not queue.may_decide(request.user):
        raise PermissionDenied
    return queue


def _item(queue: moderation.Queue, pk: int):
    obj = queue.item(pk)
    if obj is None:
        raise Http404("Not an item of this queue")
    return obj


# Staff home --------------------------------------------------------------------------------


@require_safe
@staff_page
def home(request: HttpRequest) -> HttpResponse:
    summaries = moderation.summary_for(request.user)
    return _page(
        request,
        "workspace/home.html",
        {
            "title": _("Staff home"),
            "summaries": summaries,
            "totals": moderation.totals(summaries),
            **_service_level_days(),
        },
    )


# Queues ------------------------------------------------------------------------------------


@require_safe
@staff_page
def queue_list(request: HttpRequest, queue: str) -> HttpResponse:
    queue = _queue(request, queue)
    form = QueueFilterForm(request.GET)
    state = form.state_or_default()
    items = queue.for_list(queue.waiting_in_order()) if state == WAITING else queue.decided()
    page = Paginator(items, PER_PAGE).get_page(form.page_or_first())
    now = timezone.now()
    rows = [
        {
            "obj": obj,
            "since": getattr(obj, queue.since_field, None),
            "level": moderation.service_level(getattr(obj, queue.since_field, None), now),
        }
        for obj in page
    ]
    return _page(
        request,
        "workspace/queue.html",
        {
            "title": queue.label,
            "queue": queue,
            "counts": moderation.counts().get(queue.slug, moderation.Counts()),
            "state": state,
            "states": [(WAITING, _("Waiting")), (DECIDED, _("Decided"))],
            "page_obj": page,
            "rows": rows,
            "row_template": queue.template("row" if state == WAITING else "decided_row"),
            **_service_level_days(),
        },
    )


@require_safe
@staff_page
def next_item(request: HttpRequest, queue: str) -> HttpResponse:
    """The oldest waiting item of the queue (its "Start" link), or the queue when empty."""
    queue = _queue(request, queue)
    following = queue.next_waiting()
    if following is None:
        messages.info(request, _("Nothing waits in this queue."))
        return redirect("workspace:queue", queue=queue.slug)
    return redirect("workspace:item", queue=queue.slug, pk=following.pk)


def _item_page(request, queue, obj, *, form=None, status: int = 200) -> HttpResponse:
    decisions = queue.decisions(obj)
    details = queue.details(obj, request=request)
    since = getattr(obj, queue.since_field, None)
    decided = queue.decision_of(obj)
    following = queue.next_waiting(after=obj)
    return _page(
        request,
        "workspace/item.html",
        {
            "title": queue.title(obj),
            "queue": queue,
            "obj": obj,
            "since": since,
            "level": "" if decided else moderation.service_level(since, timezone.now()),
            "decided": decided,
            "decisions": decisions,
            "form": form,
            "item_template": queue.template("item"),
            "next_item": following if following is not None and following.pk != obj.pk else None,
            "decide_url": reverse("workspace:decide", kwargs={"queue": queue.slug, "pk": obj.pk}),
            **details,
            **_service_level_days(),
        },
        status=status,
    )


@require_safe
@staff_page
def item(request: HttpRequest, queue: str, pk: int) -> HttpResponse:
    queue = _queue(request, queue)
    return _item_page(request, queue, _item(queue, pk))


@require_POST
@staff_page
def decide(request: HttpRequest, queue: str, pk: int) -> HttpResponse:
    queue = _queue(request, queue)
    obj = _item(queue, pk)
    decisions = queue.decisions(obj)
    if request.POST.get("decision") not in {d.slug for d in decisions}:
        messages.warning(request, _("This item was decided meanwhile: its page shows how."))
        return redirect("workspace:item", queue=queue.slug, pk=obj.pk)
    form = DecisionForm(request.POST, decisions=decisions)
    if not form.is_valid():
        return _item_page(request, queue, obj, form=form, status=400)
    try:
        done = form.chosen.run(obj, by=request.user, cleaned=form.cleaned_data)
    except InvalidTransition:
        messages.warning(request, _("This item was decided meanwhile: its page shows how."))
        return redirect("workspace:item", queue=queue.slug, pk=obj.pk)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _item_page(request, queue, obj, form=form, status=400)
    moderation.forget_counts()
    # Named (and linked, unless it is gone): after "… and next" the page is another item's.
    decision = form.chosen
    if decision.removes:
        messages.success(request, format_html("{}: {}", queue.title(obj), done))
    else:
        item_url = reverse("workspace:item", kwargs={"queue": queue.slug, "pk": obj.pk})
        messages.success(
            request, format_html('<a href="{}">{}</a>: {}', item_url, queue.title(obj), done)
        )
    if form.goes_next:
        following = queue.next_waiting(after=obj)
        if following is not None:
            return redirect("workspace:item", queue=queue.slug, pk=following.pk)
        messages.info(request, _("Nothing else waits in this queue."))
        return redirect("workspace:queue", queue=queue.slug)
    if decision.removes:  # gone (a discarded signature)
        return redirect("workspace:queue", queue=queue.slug)
    return redirect("workspace:item", queue=queue.slug, pk=obj.pk)


# My notifications --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@staff_page
def notifications(request: HttpRequest) -> HttpResponse:
    """The moderator's own switches for the digest and the alerts."""
    if not moderation.decidable_by(request.user):
        raise PermissionDenied
    current = preferences.notification_preferences(request.user)
    form = NotificationsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "moderation_digest": current.moderation_digest,
            "moderation_alerts": current.moderation_alerts,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            preferences.set_notification_preferences(
                request.user, preferences.Notifications(**form.cleaned_data)
            )
            messages.success(request, _("Your notification choices are saved."))
            return redirect("workspace:notifications")
        status = 400
    else:
        status = 200
    return _page(
        request,
        "workspace/notifications.html",
        {"title": _("My notifications"), "form": form, **_service_level_days()},
        status=status,
    )


urlpatterns = [
    path("", home, name="home"),
    path("notifications/", notifications, name="notifications"),
    path("moderation/<slug:queue>/", queue_list, name="queue"),
    path("moderation/<slug:queue>/next/", next_item, name="next"),
    path("moderation/<slug:queue>/<int:pk>/", item, name="item"),
    path("moderation/<slug:queue>/<int:pk>/decide/", decide, name="decide"),
]
