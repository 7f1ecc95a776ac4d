"""Public pledge pages: parse the input, call one service, render.

Links from emails open a page with a button (GET changes nothing: mail scanners
follow links); the button POSTs.
"""

from dataclasses import replace
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import sharing
from campaigns.access import access_campaign
from campaigns.models import Campaign
from campaigns.pages import public_page
from campaigns.progress import campaign_progress
from campaigns.views import render_campaign_page
from lib.languages import recipient_language
from lib.personal_data import retention_days
from lib.public_forms import public_form
from pledges import contact, intake, queries, services, tokens
from pledges.abuse import Client
from pledges.emails import MAILBOX_TOKEN_LABEL
from pledges.forms import EmailForm, OrgSignOnForm, SignatoryFilterForm, SignForm
from pledges.models import ContactConfirmedPledge, Signature
from pledges.services import CampaignNotOpen, OrgSignOnData, SignatureData
from pledges.snapshots import SigningSnapshot, signing_snapshot
from pledges.widgets import country_names, country_positions

GET_POST = ["GET", "HEAD", "POST"]


def render_for(
    request: HttpRequest, language: str, template: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """`render` for a page an emailed link opened: in the recipient's `language` (see
    `lib.languages`), with the campaign's texts in that language as `content`."""
    with recipient_language(request, language):
        campaign = context.get("campaign")
        if campaign is not None and "content" not in context:
            context = {**context, "content": campaign.content(get_language())}
        response = render(request, template, context, status=status)
        response.headers["Content-Language"] = get_language()
    return response


def link_problem(
    request: HttpRequest,
    *,
    campaign: Campaign | None,
    expired: bool,
    status: int = 400,
    language: str = "",
) -> HttpResponse:
    """The page for a link that does not work; in `language` (the recipient's) once the
    token has named them, otherwise in the language of the address."""
    return render_for(
        request,
        language,
        "pledges/link_problem.html",
        {"campaign": campaign, "expired": expired},
        status=status,
    )


# Signing -------------------------------------------------------------------------------------


@public_form
@require_http_methods(GET_POST)
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    # An anonymous POST signs against the cached snapshot of the campaign (no read of it);
    # anything else, and a form sent back with errors, loads the whole campaign.
    snapshot = _signing_snapshot(request, slug)
    campaign = snapshot.campaign if snapshot else access_campaign(request.user, slug)
    if not campaign.collects_signatures:
        raise Http404("This campaign takes no signatures")
    form = SignForm(request.POST or None, ref=request.GET.get("ref"))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if form.is_bot():
                return redirect("pledges:sign_done", slug=campaign.slug)
            data = SignatureData(
                **{k: form.cleaned_data[k] for k in SignatureData.__dataclass_fields__}
            )
            try:
                # One INSERT; the intake job signs it within a second (pledges/intake.py).
                intake.submit(
                    campaign,
                    data,
                    client=Client.from_request(request),
                    partner=form.partner,
                    statement_version_id=snapshot.statement_version_id if snapshot else None,
                )
            except CampaignNotOpen:
                form.add_error(None, _not_open_message())
            else:
                return redirect("pledges:sign_done", slug=campaign.slug)
        status = 400
        if snapshot:
            campaign = access_campaign(request.user, slug)  # the page shows its texts
    # The campaign page itself, the form in place (with its error summary when sent back).
    return render_campaign_page(
        request, campaign, extra={"sign_form": form if form.is_bound else None}, status=status
    )


def _signing_snapshot(request: HttpRequest, slug: str) -> SigningSnapshot | None:
    if request.method != "POST" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None  # a page to render, or maybe staff: previews are access_campaign's
    return signing_snapshot(slug)


def _not_open_message() -> str:
    return gettext("This campaign is not taking signatures now.")


@require_safe
def sign_done(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Check your email", with the share box: the moment people are keenest to pass it on."""
    campaign = access_campaign(request.user, slug)
    return render(
        request,
        "pledges/check_email.html",
        {"campaign": campaign, "next_steps": sharing.next_steps(campaign)},
    )


def _signature_from_token(request: HttpRequest, slug: str, token: str, purpose: str):
    campaign = access_campaign(request.user, slug)
    try:
        signature_id = tokens.read_token(purpose, token)
    except tokens.BadToken as exc:
        return campaign, None, link_problem(request, campaign=campaign, expired=exc.expired)
    signature = None
    if isinstance(signature_id, int):
        signature = Signature.objects.filter(pk=signature_id, campaign=campaign).first()
    if signature is None:
        return campaign, None, link_problem(request, campaign=campaign, expired=False, status=404)
    return campaign, signature, None


@public_form
@require_http_methods(GET_POST)
def confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    campaign, signature, problem = _signature_from_token(request, slug, token, "confirm")
    if problem:
        return problem
    outcome = None
    if request.method == "POST":
        signature, outcome = services.confirm_signature(signature.pk)
    elif signature.status == Signature.Status.CONFIRMED:
        outcome = "already-confirmed"
    context = {"campaign": campaign, "signature": signature, "outcome": outcome}
    if outcome == "confirmed":
        with recipient_language(request, signature.language):
            # The public figure (it may lag the counting by a few seconds), and what next.
            context["others"] = max(0, campaign_progress(campaign).signatures - 1)
            context["next_steps"] = sharing.next_steps(campaign)
    return render_for(request, signature.language, "pledges/confirm.html", context)


@public_form
@require_http_methods(GET_POST)
def withdraw(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    campaign, signature, problem = _signature_from_token(request, slug, token, "withdraw")
    if problem:
        return problem
    done = False
    if request.method == "POST":
        signature = services.withdraw_signature(signature.pk)
        done = True
    return render_for(
        request,
        signature.language,
        "pledges/withdraw.html",
        {"campaign": campaign, "signature": signature, "done": done},
    )


# RFC 8058 one-click: mail providers POST without our cookie; the token authenticates.
# One-click unsubscribe (RFC 8058): the mail provider POSTs from its own servers; the token
# in the link is the authority, so the origin of the request does not matter.
@csrf_exempt
@require_http_methods(GET_POST)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signature_id = tokens.read_token("unsubscribe", token)
    except tokens.BadToken as exc:
        return link_problem(request, campaign=None, expired=exc.expired)
    signature = None
    if isinstance(signature_id, int):
        signature = Signature.objects.select_related("campaign").filter(pk=signature_id).first()
    if signature is None:
        return link_problem(request, campaign=None, expired=False, status=404)
    done = False
    if request.method == "POST":
        signature = services.unsubscribe(signature.pk)
        done = True
    return render_for(
        request,
        signature.language,
        "pledges/unsubscribe.html",
        {"campaign": signature.campaign, "done": done},
    )


# Organisations -------------------------------------------------------------------------------


@public_form
@require_http_methods(GET_POST)
def org_sign_on(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    if not campaign.collects_organisations:
        raise Http404("This campaign takes no organisations")
    form = OrgSignOnForm(request.POST or None, request.FILES or None, ref=request.GET.get("ref"))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if form.is_bot():
                return redirect("pledges:org_sign_on_done", slug=campaign.slug)
            fields = {k: form.cleaned_data[k] for k in OrgSignOnData.__dataclass_fields__}
            try:
                services.sign_on(
                    campaign,
                    OrgSignOnData(**fields),
                    client=Client.from_request(request),
                    partner=form.partner,
                )
            except CampaignNotOpen:
                form.add_error(None, _not_open_message())
            else:
                return redirect("pledges:org_sign_on_done", slug=campaign.slug)
        status = 400
    return render(
        request,
        "pledges/org_sign_on.html",
        {"campaign": campaign, "content": campaign.content(get_language()), "form": form},
        status=status,
    )


@require_safe
def org_sign_on_done(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    return render(request, "pledges/check_email.html", {"campaign": campaign, "organisation": True})


@public_form
@require_http_methods(GET_POST)
def contact_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        value = tokens.read_token("contact", token)
    except tokens.BadToken as exc:
        return link_problem(request, campaign=None, expired=exc.expired)
    pledge = contact.pledge_for_token_value(value)
    if pledge is None:
        return link_problem(request, campaign=None, expired=False, status=404)
    outcome = None
    if request.method == "POST":
        pledge, outcome = contact.confirm_contact(pledge)
    elif pledge.status != ContactConfirmedPledge.Status.UNCONFIRMED:
        outcome = "already-confirmed"
    return render_for(
        request,
        pledge.contact_language,
        "pledges/contact_confirm.html",
        {"pledge": pledge, "campaign": pledge.campaign, "outcome": outcome},
    )


# Public lists --------------------------------------------------------------------------------


@require_safe
@public_page  # the first page; a filtered or deeper page has a query string and renders
def signatories(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    form = SignatoryFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "pledges/signatories.html",
            {"campaign": campaign, "form": form, "invalid": True},
            status=400,
        )
    filters = form.query_kwargs()
    organisations, individuals = queries.signatory_pages(campaign, **filters)
    sections = queries.signatory_sections(
        campaign, name=filters["name"], country=filters["country"], kind=filters["kind"]
    )
    base = {k: v for k, v in request.GET.items() if k in ("q", "country", "type") and v}
    return render(
        request,
        "pledges/signatories.html",
        {
            "campaign": campaign,
            "content": campaign.content(get_language()),
            "form": form,
            "organisations": organisations,
            "individuals": individuals,
            "sections": sections,  # other rooms' (signed on paper)
            "countries": _in_page_language(queries.counts_by_country(campaign)),
            "next_individuals": _page_link(base, "before", individuals),
            "next_organisations": _page_link(base, "org_before", organisations),
        },
    )


def _in_page_language(counts: queries.CountryCounts) -> queries.CountryCounts:
    """Counts by country named and ordered (ties) as the page's country select names them.

    The counts are cached for every language alike; the names are the page's own. Rows
    without a published count are ordered by name only."""
    language = get_language()
    names, positions = country_names(language), country_positions(language)
    named = [replace(row, name=names.get(row.code, row.name)) for row in counts.rows]
    named.sort(
        key=lambda row: (
            row.people is None,
            -(row.people or 0) if row.people is not None else 0,
            positions.get(row.code, len(names)),
        )
    )
    return replace(counts, rows=named)


def _page_link(base: dict, key: str, page) -> str | None:
    if page is None or page.next_cursor is None:
        return None
    return "?" + urlencode({**base, key: page.next_cursor})


@require_safe
def versions(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    all_versions = queries.statement_versions(campaign)
    counts = queries.version_counts(campaign)
    return render(
        request,
        "pledges/versions.html",
        {
            "campaign": campaign,
            "content": campaign.content(get_language()),
            "versions": [(v, counts.get(v.pk, 0)) for v in all_versions],
        },
    )


# Personal data -------------------------------------------------------------------------------


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """What is stored, how it is protected and when it is erased."""
    return render(
        request,
        "pledges/privacy.html",
        {"retention_days": retention_days(), "purge_days": services.purge_days()},
    )


@public_form
@require_http_methods(GET_POST)
def my_data(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            if not form.is_bot():
                services.request_my_data(
                    form.cleaned_data["email"],
                    language=form.cleaned_data["language"],
                    client=Client.from_request(request),
                )
            return redirect("pledges:my_data_sent")
        return render(request, "pledges/my_data.html", {"form": form}, status=400)
    return render(request, "pledges/my_data.html", {"form": form})


@require_safe
def my_data_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "pledges/check_email.html", {"my_data": True})


def _mailbox_from_token(request: HttpRequest, token: str):
    """The keyed hash of the mailbox a personal-data link was sent to, and the language of
    the email that carried it ("" for links from before emails named it).

    Links name the mailbox by its hash (`mailbox:<hash>:<language>`); links sent before
    named the row (`<model label>:<pk>`), and still open."""
    try:
        value = tokens.read_token("my-data", token)
    except tokens.BadToken as exc:
        return None, "", link_problem(request, campaign=None, expired=exc.expired)
    parts = value.split(":") if isinstance(value, str) else []
    label, key, language = (parts + ["", "", ""])[:3] if 2 <= len(parts) <= 3 else ("", "", "")
    hashed = ""
    if label == MAILBOX_TOKEN_LABEL and len(key) == 64:
        # Signed by us; once everything was erased, the link has nothing left to show.
        hashed = key if services.holds_mailbox(key) else ""
    elif key.isdigit() and label == Signature._meta.label_lower:
        hashed = Signature.objects.filter(pk=int(key)).values_list("email_hash", flat=True).first()
    elif key.isdigit() and (kind := contact.kind_for_label(label)):
        hashed = (
            kind.model.objects.filter(pk=int(key))
            .values_list("contact_email_hash", flat=True)
            .first()
        )
    if not hashed:
        return None, "", link_problem(request, campaign=None, expired=False, status=404)
    return hashed, language, None


@require_safe
def my_data_show(request: HttpRequest, token: str) -> HttpResponse:
    hashed, language, problem = _mailbox_from_token(request, token)
    if problem:
        return problem
    data = services.mailbox_data(hashed)
    with recipient_language(request, language):
        titles = {}  # each campaign's title in the page's language, read once per campaign
        for row in (row for rows in data.values() for row in rows):
            if row.campaign_id not in titles:
                titles[row.campaign_id] = row.campaign.content(get_language())
            row.campaign_content = titles[row.campaign_id]
        response = render_for(
            request, language, "pledges/my_data_show.html", {"data": data, "token": token}
        )
    response["Cache-Control"] = "no-store"
    return response


@public_form
@require_http_methods(GET_POST)
def my_data_erase(request: HttpRequest, token: str) -> HttpResponse:
    hashed, language, problem = _mailbox_from_token(request, token)
    if problem:
        return problem
    erased = None
    if request.method == "POST":
        erased = services.erase_mailbox(hashed)
    with recipient_language(request, language):
        response = render_for(
            request,
            language,
            "pledges/my_data_erase.html",
            {"erased": erased, "show_url": reverse("pledges:my_data_show", args=[token])},
        )
    response["Cache-Control"] = "no-store"
    return response
