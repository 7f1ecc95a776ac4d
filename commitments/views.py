"""BDS pages: pledging commitments, the contact's progress page, the public tracker, and
the per-target and per-organisation pages. Parse, call one service or read, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import replies, targets
from campaigns.access import access_campaign
from campaigns.models import Campaign, Target
from campaigns.pages import public_page
from commitments import chart, tracker
from commitments import evidence as evidence_files
from commitments import services as commitment_services
from commitments.forms import (
    CommitmentFormSet,
    CommitmentPledgeForm,
    CommitmentUpdateForm,
    ReportLinkForm,
    TrackerFilterForm,
)
from commitments.models import Commitment, CommitmentPledge, CommitmentUpdate, Evidence
from commitments.services import CommitmentData, CommitmentPledgeData, InvalidCommitment
from lib.languages import recipient_language
from lib.public_forms import public_form
from lib.transitions import InvalidTransition
from pledges import tokens
from pledges.abuse import Client
from pledges.models import Organisation
from pledges.services import CampaignNotOpen, OrgSignOnData
from pledges.views import GET_POST, link_problem, render_for

TRACKER_PAGE_SIZE = 50
Status = Commitment.Status


def _in_page_language(campaigns: list[Campaign]) -> None:
    """Give each campaign its texts in the page's language (`page_content`), reading every
    translation in one query."""
    prefetch_related_objects(campaigns, "translations")
    for campaign in campaigns:
        campaign.page_content = campaign.content(get_language())


def _drive(request: HttpRequest, slug: str) -> Campaign:
    campaign = access_campaign(request.user, slug)
    if not campaign.collects_commitments:
        raise Http404("This campaign takes no commitments")
    return campaign


# Pledging ----------------------------------------------------------------------------------


def _row(data: dict) -> CommitmentData:
    return CommitmentData(
        kind=data["kind"],
        action=data["action"],
        target="" if data["target"] == tracker.ALL_TARGETS else data["target"],
        other_kind=data.get("other_kind", ""),
        amount=data.get("amount"),
        currency=data.get("currency", ""),
        deadline=data.get("deadline"),
    )


@public_form
@require_http_methods(GET_POST)
def pledge(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _drive(request, slug)
    posted = request.method == "POST"
    form = CommitmentPledgeForm(request.POST if posted else None, request.FILES or None)
    formset = CommitmentFormSet(
        request.POST if posted else None,
        prefix="commitments",
        form_kwargs={"campaign": campaign},
    )
    status = 200
    if posted:
        if form.is_valid() and formset.is_valid():
            if form.is_bot():
                return redirect("commitments:pledge_done", slug=campaign.slug)
            rows = [f for f in formset.forms if f.has_changed()]
            fields = {k: form.cleaned_data[k] for k in OrgSignOnData.__dataclass_fields__}
            data = CommitmentPledgeData(
                organisation=OrgSignOnData(**fields),
                commitments=tuple(_row(f.cleaned_data) for f in rows),
            )
            try:
                commitment_services.pledge_commitments(
                    campaign, data, client=Client.from_request(request)
                )
            except CampaignNotOpen:
                form.add_error(None, gettext("This drive is not taking commitments now."))
            except InvalidCommitment as exc:
                row = rows[exc.index]
                for name, errors in exc.message_dict.items():
                    row.add_error(name if name in row.fields else None, errors)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return redirect("commitments:pledge_done", slug=campaign.slug)
        status = 400
    return render(
        request,
        "commitments/pledge.html",
        {
            "campaign": campaign,
            "content": campaign.content(get_language()),
            "form": form,
            "formset": formset,
        },
        status=status,
    )


@require_safe
def pledge_done(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _drive(request, slug)
    return render(request, "commitments/check_email.html", {"campaign": campaign})


# The contact's private progress page -------------------------------------------------------


def _statuses_for(commitment: Commitment) -> list[tuple[str, str]]:
    """What the contact may report next: a note on the current status, or a move."""
    out = []
    for value, label in Status.choices:
        if value == commitment.status and commitment.is_open:
            out.append((value, gettext("%(status)s (a note, no change)") % {"status": label}))
        elif (
            value != commitment.status
            and value in commitment_services.CONTACT_STATUSES
            and commitment_services.can_move(commitment.status, value)
        ):
            out.append((value, label))
    return out


def _update_form(commitment: Commitment, data=None, files=None) -> CommitmentUpdateForm | None:
    statuses = _statuses_for(commitment)
    if not statuses:
        return None
    return CommitmentUpdateForm(
        data, files, statuses=statuses, auto_id=f"id_c{commitment.pk}_%s", initial={}
    )


def _report_link_problem(request: HttpRequest, *, expired: bool) -> HttpResponse:
    """A report link that no longer works: the way to a fresh one, without staff help."""
    response = render(request, "commitments/link_expired.html", {"expired": expired}, status=400)
    response["Cache-Control"] = "no-store"
    return response


@public_form
@require_http_methods(GET_POST)
def update(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pledge_id = tokens.read_token("commitment-update", token)
    except tokens.BadToken as exc:
        return _report_link_problem(request, expired=exc.expired)
    pledge = None
    if isinstance(pledge_id, int):
        pledge = (
            CommitmentPledge.objects.select_related("organisation", "campaign")
            .filter(pk=pledge_id, status=CommitmentPledge.Status.APPROVED)
            .first()
        )
    if pledge is None:
        return link_problem(request, campaign=None, expired=False, status=404)
    # The contact's page, its messages and its errors speak the contact's language.
    with recipient_language(request, pledge.contact_language):
        return _update_page(request, token, pledge)


def _update_page(request: HttpRequest, token: str, pledge: CommitmentPledge) -> HttpResponse:
    language = pledge.contact_language
    commitments = list(pledge.commitments.select_related("target").order_by("pk"))
    bound: dict[int, CommitmentUpdateForm] = {}
    status = 200
    if request.method == "POST":
        raw = request.POST.get("commitment", "")
        # Scoped to this pledge: a link for one organisation never reaches another's rows.
        commitment = next((c for c in commitments if raw.isdigit() and c.pk == int(raw)), None)
        if commitment is None:
            return link_problem(
                request, campaign=pledge.campaign, expired=False, status=404, language=language
            )
        form = _update_form(commitment, request.POST, request.FILES)
        if form is not None and form.is_valid():
            try:
                commitment_services.post_commitment_update(
                    commitment,
                    form.update_data(),
                    source=CommitmentUpdate.Source.CONTACT,
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            except InvalidTransition:
                form.add_error("status", gettext("This commitment cannot move to that status."))
            else:
                messages.success(
                    request,
                    gettext("Thank you. Our moderators will review the update before it is shown."),
                )
                return redirect("commitments:update", token=token)
        if form is None:
            return link_problem(
                request, campaign=pledge.campaign, expired=False, status=400, language=language
            )
        bound[commitment.pk] = form
        status = 400
    pending = {}
    for item in CommitmentUpdate.objects.filter(
        commitment__in=commitments, review=CommitmentUpdate.Review.PENDING
    ).order_by("created_at"):
        pending.setdefault(item.commitment_id, []).append(item)
    histories = tracker.histories(commitments)
    rows = [
        (c, histories[c.pk], pending.get(c.pk, []), bound.get(c.pk) or _update_form(c))
        for c in commitments
    ]
    response = render_for(
        request,
        language,
        "commitments/update.html",
        {"pledge": pledge, "campaign": pledge.campaign, "rows": rows},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


# The public tracker ------------------------------------------------------------------------


@require_safe
@public_page
def tracker_page(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _drive(request, slug)
    form = TrackerFilterForm(request.GET, campaign=campaign)
    context = {
        "campaign": campaign,
        "content": campaign.content(get_language()),
        "form": form,
    }
    if not form.is_valid():
        return render(
            request, "commitments/tracker/tracker.html", {**context, "invalid": True}, status=400
        )
    filters = form.filters()
    paginator = Paginator(tracker.filter_commitments(campaign, filters), TRACKER_PAGE_SIZE)
    page = paginator.get_page(form.cleaned_data["page"] or 1)
    base = {k: v for k, v in request.GET.items() if k in form.fields and k != "page" and v}
    link = lambda n: "?" + urlencode({**base, "page": n})  # noqa: E731 - a tiny local helper
    return render(
        request,
        "commitments/tracker/tracker.html",
        {
            **context,
            "filtered": any(base.values()),
            "totals": tracker.commitment_totals(campaign, filters),
            "page": page,
            "previous_link": link(page.previous_page_number()) if page.has_previous() else None,
            "next_link": link(page.next_page_number()) if page.has_next() else None,
            "chart": chart.commitments_chart_svg(tracker.commitment_series(campaign)),
            "reply_rows": _reply_rows(campaign),
        },
    )


def _reply_rows(campaign: Campaign) -> list[tuple[Target, replies.Clock | None]]:
    """The drive's targets, each with the clock of its newest reply request (if any)."""
    drive_targets = list(campaign.targets.all())
    clocks = replies.latest_clocks(drive_targets)
    return [(target, clocks.get(target.pk)) for target in drive_targets]


@require_safe
@public_page
def target_page(request: HttpRequest, slug: str) -> HttpResponse:
    target = get_object_or_404(Target, slug=slug)
    public_campaigns = [c for c in target.campaigns.all() if c.is_public()]
    if not public_campaigns:
        raise Http404("No such target")
    commitments = list(tracker.target_commitments(target)[:200])
    _in_page_language(public_campaigns)
    history = targets.target_history(target)
    pressure = tracker.target_pressure(target)
    return render(
        request,
        "commitments/tracker/target.html",
        {
            "target": target,
            # The right of reply and the target's dated history on the list.
            "reply_clocks": replies.clocks(target),
            "list_history": history,
            "removal": targets.removal(history),
            "campaigns": public_campaigns,
            "counts": tracker.target_status_counts(target),
            "status_labels": dict(Status.choices),
            "commitments": commitments,
            "histories": tracker.histories(commitments),
            # Who presses the company: organisations, countries, money, over time.
            "pressure": pressure,
            "pressure_chart": chart.pressure_chart_svg(pressure.series),
        },
    )


@require_safe
@public_page
def organisation_page(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not tracker.has_public_record(organisation):
        raise Http404("No public record")
    record = tracker.organisation_record(organisation)
    _in_page_language(
        [pledge.campaign for pledge in record.sign_ons]
        + [commitment.pledge.campaign for commitment in record.commitments]
    )
    return render(request, "commitments/tracker/organisation.html", {"record": record})


# Evidence documents and fresh report links -----------------------------------------------


@require_safe
def evidence_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A public evidence document, as a download only (never rendered inline)."""
    item = (
        Evidence.objects.filter(
            pk=pk,
            update__review=CommitmentUpdate.Review.ACCEPTED,
            update__commitment__in=tracker.public_commitments(),
        )
        .exclude(document="")
        .first()
    )
    if item is None:
        raise Http404("No such document")
    return evidence_files.download_response(item)


@public_form
@require_http_methods(GET_POST)
def report_link(request: HttpRequest) -> HttpResponse:
    """A contact whose report link expired asks for a new one by email. The answer is the
    same for any address: it never says whether the address is a contact."""
    form = ReportLinkForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            if not form.is_bot():
                commitment_services.request_report_link(
                    form.cleaned_data["email"], client=Client.from_request(request)
                )
            return redirect("commitments:report_link_sent")
        return render(request, "commitments/report_link.html", {"form": form}, status=400)
    return render(request, "commitments/report_link.html", {"form": form})


@require_safe
def report_link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "commitments/report_link_sent.html")
