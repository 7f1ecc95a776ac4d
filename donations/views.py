from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods, require_safe

from campaigns.access import access_campaign
from campaigns.progress import campaign_progress
from donations import money, mpesa, references, reports, services, stripe_gateway
from donations.forms import CancelMonthlyForm, ChartForm, DonateForm, MpesaDonateForm
from donations.models import Donation
from donations.queries import open_books as open_books_query
from donations.queries import ways_to_give
from lib.public_forms import public_form
from staff import audit
from staff.personal_admin import PERSONAL

STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"

# The donate form posts here and is redirected to Stripe Checkout; browsers apply
# form-action to that redirect, so this one view allows Checkout's origin.
DONATE_CSP = {
    **settings.SECURE_CSP,
    "form-action": [CSP.SELF, STRIPE_CHECKOUT_ORIGIN],
}
REPORTS_PERMISSION = "donations.view_donation_reports"
# Names and emails of donors in the reports: the personal-data permission only.
PERSONAL_DATA_PERMISSION = PERSONAL


def _donate_page(request: HttpRequest, slug: str | None):
    """The campaign (None: the general fund) and its progress, or 404."""
    if slug is None:
        return None, None
    campaign = access_campaign(request.user, slug)
    if not campaign.collects_donations:
        raise Http404("This campaign does not take donations")
    return campaign, campaign_progress(campaign)


def _render_donate(
    request: HttpRequest,
    campaign,
    progress,
    *,
    form: DonateForm,
    mpesa_form: MpesaDonateForm | None,
    status: int = 200,
    problem: str = "",
) -> HttpResponse:
    closed = bool(campaign and campaign.is_closed())
    language = get_language()
    content = campaign.content(language) if campaign else None
    return render(
        request,
        "donations/donate.html",
        {
            "campaign": campaign,
            "content": content,
            "progress": progress,
            "form": form,
            "card_ready": stripe_gateway.is_configured(),
            # M-Pesa only where Finance turned it on and the site has Daraja keys.
            "mpesa_form": None if closed else mpesa_form,
            "closed": closed,
            "problem": problem,
            # Offline ways to give, with or without Stripe, and the code donors quote.
            "ways": [] if closed else ways_to_give(language),
            "reference": references.reference_for(campaign),
        },
        status=status,
    )


def _mpesa_form(request: HttpRequest, campaign, data=None) -> MpesaDonateForm | None:
    if not mpesa.offered(campaign):
        return None
    return MpesaDonateForm(data, ref=request.GET.get("ref"))


@public_form
@require_http_methods(["GET", "HEAD", "POST"])
@csp_override(DONATE_CSP)
def donate(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    campaign, progress = _donate_page(request, slug)
    currency = (
        money.normalise_currency(request.GET.get("currency", ""))
        or (campaign.fundraising_currency if campaign else "")
        or money.supported_currencies()[0]
    )
    closed = bool(campaign and campaign.is_closed())
    card_ready = stripe_gateway.is_configured()
    status = 200
    problem = ""
    form = DonateForm(request.POST or None, currency=currency, ref=request.GET.get("ref"))
    if request.method == "POST":
        if closed:
            status, problem = 400, "closed"
        elif not card_ready:
            status, problem = 503, "not-configured"
        elif form.is_valid():
            here = settings.SITE_URL + request.path
            try:
                _donation, checkout_url = services.begin_checkout(
                    campaign,
                    form.gift_details(),
                    language=get_language() or settings.LANGUAGE_CODE,
                    success_url=settings.SITE_URL + reverse("donations:thanks"),
                    cancel_url=here,
                    partner=form.partner,
                )
            except services.CheckoutUnavailable:
                status, problem = 503, "unavailable"
            else:
                return HttpResponseRedirect(checkout_url, status=303)
        else:
            status = 400
    return _render_donate(
        request,
        campaign,
        progress,
        form=form,
        mpesa_form=_mpesa_form(request, campaign),
        status=status,
        problem=problem,
    )


@public_form
@require_http_methods(["POST"])
def donate_mpesa(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """The M-Pesa form: store the gift, send the STK push, then the "check your phone" page."""
    campaign, progress = _donate_page(request, slug)
    fundraising = campaign.fundraising_currency if campaign else ""
    card_form = DonateForm(
        currency=fundraising or money.supported_currencies()[0], ref=request.POST.get("ref")
    )
    if campaign is not None and campaign.is_closed():
        return _render_donate(
            request, campaign, progress, form=card_form, mpesa_form=None, status=400
        )
    form = _mpesa_form(request, campaign, request.POST)
    if form is None:
        # Not offered here (no Daraja keys, or Finance turned it off since the page loaded).
        return _render_donate(
            request,
            campaign,
            progress,
            form=card_form,
            mpesa_form=None,
            status=503,
            problem="mpesa-not-offered",
        )
    if not form.is_valid():
        return _render_donate(
            request, campaign, progress, form=card_form, mpesa_form=form, status=400
        )
    try:
        donation = services.begin_mpesa_payment(
            campaign,
            form.gift_details(),
            language=get_language() or settings.LANGUAGE_CODE,
            partner=form.partner,
        )
    except services.MpesaUnavailable:
        return _render_donate(
            request,
            campaign,
            progress,
            form=card_form,
            mpesa_form=form,
            status=503,
            problem="mpesa-unavailable",
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return _render_donate(
            request, campaign, progress, form=card_form, mpesa_form=form, status=400
        )
    url = reverse("donations:mpesa_status", kwargs={"reference": donation.reference})
    return HttpResponseRedirect(url, status=303)


# Seconds between two looks at a gift still waiting for the donor's phone.
MPESA_REFRESH_SECONDS = 5


@require_safe
@never_cache
def mpesa_status(request: HttpRequest, reference) -> HttpResponse:
    """The "check your phone" page: it refreshes itself until the platform's own check settles
    the gift.

    The address is the gift's random reference; the page names no person and no number."""
    donation = (
        Donation.objects.select_related("campaign")
        .filter(reference=reference, method=Donation.Method.MPESA)
        .first()
    )
    if donation is None:
        raise Http404("No such M-Pesa gift")
    Status = Donation.Status
    if donation.status in Donation.RECEIVED:
        state = "paid"
    elif donation.status == Status.PENDING:
        state = "waiting"
    else:
        state = "failed"
    campaign = donation.campaign
    again = (
        reverse("donations:donate", kwargs={"slug": campaign.slug})
        if campaign
        else reverse("donations:donate_general")
    )
    return render(
        request,
        "donations/mpesa_status.html",
        {
            "donation": donation,
            "campaign": campaign,
            "content": campaign.content(get_language()) if campaign else None,
            "state": state,
            "refresh_seconds": MPESA_REFRESH_SECONDS,
            "failure": mpesa.failure_message(donation.mpesa_result_code)
            if state == "failed"
            else "",
            "expired": donation.status == Status.EXPIRED,
            "donate_again_url": again,
        },
    )


@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "donations/thanks.html")


@public_form
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def cancel_monthly(request: HttpRequest, token: str) -> HttpResponse:
    gift = services.gift_for_cancel_token(token)
    if gift is None:
        raise Http404("Unknown or damaged link")
    form = CancelMonthlyForm(request.POST or None)
    done = bool(gift.subscription_ended_at or gift.cancel_requested_at)
    status = 200
    if request.method == "POST" and not done:
        if form.is_valid():
            gift = services.request_monthly_cancellation(gift)
            done = True
        else:
            status = 400
    return render(
        request,
        "donations/cancel_monthly.html",
        {"gift": gift, "form": form, "done": done},
        status=status,
    )


@require_safe
def open_books(request: HttpRequest) -> HttpResponse:
    return render(request, "donations/open_books.html", {"books": open_books_query()})


def _require_finance(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(REPORTS_PERMISSION):
        raise PermissionDenied
    return None


@require_safe
@never_cache
def finance_reports(request: HttpRequest) -> HttpResponse:
    if (refusal := _require_finance(request)) is not None:
        return refusal
    # The page lists donors by name and email (masked without the personal-data permission),
    # like the downloads.
    personal = request.user.has_perm(PERSONAL_DATA_PERMISSION)
    audit.record("donations.reports_view", actor=request.user, details={"personal_data": personal})
    return render(
        request,
        "donations/reports.html",
        {
            # In the staff area's frame (header, breadcrumbs, theme), like the admin's pages.
            **admin.site.each_context(request),
            "title": _("Finance reports"),
            "sections": reports.report_sections(reports.build_reports(personal=personal)),
            "personal": personal,
        },
    )


@require_safe
@never_cache
def finance_report_file(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if (refusal := _require_finance(request)) is not None:
        return refusal
    if name not in reports.REPORT_NAMES or fmt not in ("csv", "xlsx"):
        raise Http404("No such report")
    personal = request.user.has_perm(PERSONAL_DATA_PERMISSION)
    frame = reports.build_reports(personal=personal)[name]
    audit.record(
        "donations.report_download",
        actor=request.user,
        details={"report": name, "format": fmt, "personal_data": personal},
    )
    if fmt == "csv":
        body, content_type = reports.to_csv(frame), "text/csv; charset=utf-8"
    else:
        body = reports.to_xlsx(frame)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="donations-{name}.{fmt}"'
    return response


@require_safe
@never_cache
def finance_chart(request: HttpRequest) -> HttpResponse:
    if (refusal := _require_finance(request)) is not None:
        return refusal
    form = ChartForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Unknown currency")
    svg = reports.monthly_chart_svg(currency=form.cleaned_data["currency"] or None)
    return HttpResponse(svg, content_type="image/svg+xml")
