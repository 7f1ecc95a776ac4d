"""The built-in moderation queues: organisational sign-ons, commitment pledges, commitment
updates from contacts, and suspect signatures (`register_builtin`, from the app's `ready`).

Each decision calls the owning app's service, which checks the move, audits it and queues
its emails; nothing here writes by itself.
"""

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns import replies
from campaigns.content import render_markdown
from campaigns.models import TargetReply
from commitments import services as commitment_services
from commitments.models import CommitmentPledge, CommitmentUpdate
from lib.encryption import mask_email
from lib.transitions import InvalidTransition
from pledges import contact
from pledges import services as pledge_services
from pledges.admin import DuplicateHints
from pledges.models import ContactConfirmedPledge, Organisation, OrgPledge, Signature
from pledges.organisations import website_domain
from staff import audit
from staff.models import AuditEvent
from workspace import trust
from workspace.moderation import Decided, Decision, Queue, register

PledgeStatus = ContactConfirmedPledge.Status
Review = CommitmentUpdate.Review
DECIDED_PLEDGE = (PledgeStatus.APPROVED, PledgeStatus.REJECTED, PledgeStatus.WITHDRAWN)
SIGNATURE_DECISIONS = {"signature.release", "signature.discard"}


# Organisational pledges (sign-ons and commitment pledges) ---------------------------------


def _approve(pledge, *, by, cleaned):
    contact.approve(pledge, by=by)
    return str(_("Approved: it is public now and the contact is told."))


def _reject(pledge, *, by, cleaned):
    contact.reject(pledge, by=by, reason=cleaned["reason"])
    return str(_("Rejected: the reason is emailed to the contact."))


def _approve_with_trusted_updates(pledge, *, by, cleaned):
    """Approve a commitment pledge and, if ticked, accept the organisation's trusted updates
    that the page listed (those still trusted now): one step, one transaction."""
    shown = set(cleaned.get("trusted") or ()) if cleaned.get("accept_trusted") else set()
    accepted = 0
    with transaction.atomic():
        approved = contact.approve(pledge, by=by)
        for trusted in trust.trusted_updates(approved.organisation_id) if shown else ():
            if trusted.update.pk not in shown:
                continue
            try:
                with transaction.atomic():
                    commitment_services.review_commitment_update(trusted.update, accept=True, by=by)
            except InvalidTransition:
                continue  # reviewed meanwhile, or no longer fits: left as it is
            accepted += 1
    message = str(_("Approved: it is public now and the contact is told."))
    if accepted:
        message += " " + ngettext(
            "%(n)d trusted update accepted too.", "%(n)d trusted updates accepted too.", accepted
        ) % {"n": accepted}
    return message


REJECT_PLEDGE = Decision(
    "reject",
    _("Reject"),
    _("Reject and next"),
    _reject,
    needs_reason=True,
    reason_label=_("Reason for rejecting"),
    reason_help=_("Emailed to the contact person. Never published."),
    danger=True,
    accesskey="r",
)


def _pledge_decisions(approve_run, fields_template: str = ""):
    approve = Decision(
        "approve",
        _("Approve"),
        _("Approve and next"),
        approve_run,
        accesskey="a",
        fields_template=fields_template,
    )

    def decisions(pledge) -> list[Decision]:
        allowed = contact.MODERATION_TRANSITIONS.get(pledge.status, set())
        if pledge.status == PledgeStatus.UNCONFIRMED:
            return []  # the contact has not confirmed: not in the queue yet
        offered = []
        if PledgeStatus.APPROVED in allowed:
            offered.append(approve)
        if PledgeStatus.REJECTED in allowed:
            offered.append(REJECT_PLEDGE)
        return offered

    return decisions


def _pledge_decision(pledge) -> Decided | None:
    if pledge.status not in DECIDED_PLEDGE or pledge.moderated_at is None:
        return None
    by = pledge.moderated_by.get_username() if pledge.moderated_by_id else ""
    return Decided(pledge.get_status_display(), by, pledge.moderated_at, pledge.rejection_reason)


def _pledge_item(model, *related):
    def item(pk: int):
        return (
            model.objects.select_related("organisation", "campaign", "moderated_by", *related)
            .exclude(status=PledgeStatus.UNCONFIRMED)
            .filter(pk=pk)
            .first()
        )

    return item


def duplicate_hints(organisation: Organisation | None) -> list[dict]:
    """Other organisations with the same website domain or a similar name (one query)."""
    if organisation is None:
        return []
    hints = []
    for other in DuplicateHints.for_organisation(organisation):
        same_domain = bool(other.domain) and other.domain == organisation.domain
        hints.append(
            {
                "organisation": other,
                "why": _("same website domain") if same_domain else _("similar name"),
            }
        )
    return hints


def _contact_hint(pledge, organisation: Organisation | None) -> dict:
    """The contact's address, masked, and whether it is on the organisation's own domain."""
    address = pledge.contact_email or ""
    domain = address.rpartition("@")[2].casefold()
    site = organisation.domain if organisation is not None else ""
    on_site = bool(domain and site) and (domain == site or domain.endswith("." + site))
    return {"masked_email": mask_email(address), "on_site": on_site}


def _organisation_details(pledge) -> dict:
    organisation = pledge.organisation
    return {
        "organisation": organisation,
        "duplicates": duplicate_hints(organisation),
        "contact": _contact_hint(pledge, organisation),
    }


def _sign_on_details(pledge, *, request) -> dict:
    version = pledge.statement_version
    statement = version.text if version is not None else pledge.campaign.statement
    return {
        **_organisation_details(pledge),
        "statement_html": render_markdown(statement),
        "statement_version": version,
    }


def _commitment_pledge_details(pledge, *, request) -> dict:
    commitments = list(pledge.commitments.select_related("target").order_by("pk"))
    trusted = trust.trusted_updates(pledge.organisation_id)
    return {
        **_organisation_details(pledge),
        "commitments": commitments,
        "trusted_updates": trusted,
    }


def _organisation_title(pledge) -> str:
    return pledge.organisation.name if pledge.organisation_id else str(pledge)


# Commitment updates ------------------------------------------------------------------------


def _accept_update(update, *, by, cleaned):
    commitment_services.review_commitment_update(update, accept=True, by=by)
    return str(_("Accepted: the update is public and the commitment's status moved."))


def _reject_update(update, *, by, cleaned):
    commitment_services.review_commitment_update(
        update, accept=False, by=by, reason=cleaned["reason"]
    )
    return str(_("Rejected: the update stays private."))


ACCEPT_UPDATE = Decision("accept", _("Accept"), _("Accept and next"), _accept_update, accesskey="a")
REJECT_UPDATE = Decision(
    "reject",
    _("Reject"),
    _("Reject and next"),
    _reject_update,
    needs_reason=True,
    reason_label=_("Reason for rejecting"),
    reason_help=_("Emailed to the contact with the decision; never published."),
    danger=True,
    accesskey="r",
)

UPDATE_RELATED = (
    "commitment__target",
    "commitment__pledge__organisation",
    "commitment__pledge__campaign",
)


def _update_item(pk: int):
    return (
        CommitmentUpdate.objects.select_related(*UPDATE_RELATED, "reviewed_by")
        .filter(pk=pk, source=CommitmentUpdate.Source.CONTACT)
        .first()
    )


def _update_decision(update) -> Decided | None:
    if update.review == Review.PENDING:
        return None
    by = update.reviewed_by.get_username() if update.reviewed_by_id else ""
    return Decided(update.get_review_display(), by, update.reviewed_at, update.review_reason)


def _update_decisions(update) -> list[Decision]:
    return [ACCEPT_UPDATE, REJECT_UPDATE] if update.review == Review.PENDING else []


def _update_details(update, *, request) -> dict:
    pledge = update.commitment.pledge
    trusted = None
    if update.review == Review.PENDING and pledge.organisation_id:
        trusted = trust.why_trusted(
            update, record_is_clean=trust.clean_record(pledge.organisation_id)
        )
    return {
        "commitment": update.commitment,
        "pledge": pledge,
        "organisation": pledge.organisation,
        "fits": commitment_services.can_move(update.commitment.status, update.status),
        "trusted": trusted,
        "evidence_domain": website_domain(update.evidence_url) if update.evidence_url else "",
    }


def _update_title(update) -> str:
    organisation = update.commitment.pledge.organisation
    return f"{organisation.name if organisation else '—'}: {update.get_status_display()}"


# Suspect signatures ------------------------------------------------------------------------


def _release(signature, *, by, cleaned):
    pledge_services.release_suspect(signature, by=by)
    return str(_("Released: the confirmation email is on its way."))


def _discard(signature, *, by, cleaned):
    pledge_services.discard_suspect(signature, by=by)
    return str(_("Discarded: the signature is deleted."))


RELEASE = Decision("release", _("Release"), _("Release and next"), _release, accesskey="a")
DISCARD = Decision(
    "discard",
    _("Discard"),
    _("Discard and next"),
    _discard,
    danger=True,
    accesskey="d",
    removes=True,
)


def _signature_audit(signature_pk: int) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(
            action__in=SIGNATURE_DECISIONS,
            object_type=Signature._meta.label_lower,
            object_id=str(signature_pk),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _signature_item(pk: int):
    signature = Signature.objects.select_related("campaign").filter(pk=pk).first()
    if signature is None:
        return None
    if signature.status != Signature.Status.SUSPECT:
        # Only signatures this queue held (and released) are its items.
        signature.queue_decision = _signature_audit(signature.pk)
        if signature.queue_decision is None:
            return None
    return signature


def _signature_decision(signature) -> Decided | None:
    if signature.status == Signature.Status.SUSPECT:
        return None
    event = getattr(signature, "queue_decision", None) or _signature_audit(signature.pk)
    if event is None:
        return None
    return Decided(_("Released"), event.actor_username, event.created_at)


def _signature_decisions(signature) -> list[Decision]:
    return [RELEASE, DISCARD] if signature.status == Signature.Status.SUSPECT else []


def _signature_details(signature, *, request) -> dict:
    # The name is decrypted for this page: recorded, as the staff area's signature page does.
    audit.record("signature.view", actor=request.user, target=signature)
    same_address = 0
    if signature.ip_hash:
        same_address = (
            Signature.objects.filter(status=Signature.Status.SUSPECT, ip_hash=signature.ip_hash)
            .exclude(pk=signature.pk)
            .count()
        )
    return {"masked_email": mask_email(signature.email or ""), "same_address": same_address}


def _signature_title(signature) -> str:
    return str(_("Signature #%(id)s") % {"id": signature.pk})


# Target replies (right of reply) -----------------------------------------------------------


def _publish_reply(reply, *, by, cleaned):
    replies.publish_reply(reply, by=by)
    return str(_("Published: the reply is on the target's page."))


def _reject_reply(reply, *, by, cleaned):
    replies.reject_reply(reply, by=by, reason=cleaned["reason"])
    return str(_("Rejected: the reply stays private; Communications may record another."))


PUBLISH_REPLY = Decision(
    "publish", _("Publish"), _("Publish and next"), _publish_reply, accesskey="a"
)
REJECT_REPLY = Decision(
    "reject",
    _("Reject"),
    _("Reject and next"),
    _reject_reply,
    needs_reason=True,
    reason_label=_("Reason for rejecting"),
    reason_help=_("Kept with the reply for Communications; never published."),
    danger=True,
    accesskey="r",
)
REPLY_RELATED = ("request__target", "request__campaign", "recorded_by")


def _reply_item(pk: int):
    return TargetReply.objects.select_related(*REPLY_RELATED, "decided_by").filter(pk=pk).first()


def _reply_decision(reply) -> Decided | None:
    if reply.status == TargetReply.Status.PENDING or reply.decided_at is None:
        return None
    by = reply.decided_by.get_username() if reply.decided_by_id else ""
    return Decided(reply.get_status_display(), by, reply.decided_at, reply.rejection_reason)


def _reply_decisions(reply) -> list[Decision]:
    return [PUBLISH_REPLY, REJECT_REPLY] if reply.status == TargetReply.Status.PENDING else []


def _reply_details(reply, *, request) -> dict:
    return {
        "reply_request": reply.request,
        "target": reply.request.target,
        "clock": replies.clock(reply.request),
        "late": reply.received_on > reply.request.due_on,
        "link_domain": website_domain(reply.url) if reply.url else "",
    }


def _reply_title(reply) -> str:
    return str(
        _("%(target)s: reply of %(date)s")
        % {"target": reply.request.target.name, "date": reply.received_on.isoformat()}
    )


def register_target_replies() -> None:
    register(
        Queue(
            slug="target-replies",
            label=_("Target replies"),
            model=TargetReply,
            permission="campaigns.moderate_targetreply",
            since_field="recorded_at",
            waiting=lambda: TargetReply.objects.filter(status=TargetReply.Status.PENDING),
            for_list=lambda qs: qs.select_related(*REPLY_RELATED),
            decided=lambda: (
                TargetReply.objects.exclude(status=TargetReply.Status.PENDING)
                .select_related(*REPLY_RELATED, "decided_by")
                .order_by("-decided_at", "-pk")
            ),
            item=_reply_item,
            title=_reply_title,
            decision_of=_reply_decision,
            decisions=_reply_decisions,
            details=_reply_details,
        )
    )


# Registration ------------------------------------------------------------------------------


def _decided_pledges(model):
    def decided():
        return (
            model.objects.filter(status__in=DECIDED_PLEDGE, moderated_at__isnull=False)
            .select_related("organisation", "campaign", "moderated_by")
            .order_by("-moderated_at", "-pk")
        )

    return decided


def register_builtin() -> None:
    register(
        Queue(
            slug="sign-ons",
            label=_("Organisational sign-ons"),
            model=OrgPledge,
            permission="pledges.moderate_orgpledge",
            since_field="contact_confirmed_at",
            waiting=lambda: OrgPledge.objects.filter(status=PledgeStatus.AWAITING_MODERATION),
            for_list=lambda qs: qs.select_related("organisation", "campaign"),
            decided=_decided_pledges(OrgPledge),
            item=_pledge_item(OrgPledge, "statement_version"),
            title=_organisation_title,
            decision_of=_pledge_decision,
            decisions=_pledge_decisions(_approve),
            details=_sign_on_details,
        )
    )
    register(
        Queue(
            slug="commitment-pledges",
            label=_("Commitment pledges"),
            model=CommitmentPledge,
            permission="commitments.moderate_commitmentpledge",
            since_field="contact_confirmed_at",
            waiting=lambda: CommitmentPledge.objects.filter(
                status=PledgeStatus.AWAITING_MODERATION
            ),
            for_list=lambda qs: qs.select_related("organisation", "campaign").annotate(
                n_commitments=Count("commitments")
            ),
            decided=_decided_pledges(CommitmentPledge),
            item=_pledge_item(CommitmentPledge),
            title=_organisation_title,
            decision_of=_pledge_decision,
            decisions=_pledge_decisions(
                _approve_with_trusted_updates,
                fields_template="workspace/queues/trusted_updates_fields.html",
            ),
            details=_commitment_pledge_details,
        )
    )
    register(
        Queue(
            slug="commitment-updates",
            label=_("Commitment updates"),
            model=CommitmentUpdate,
            permission="commitments.review_commitmentupdate",
            since_field="created_at",
            waiting=lambda: CommitmentUpdate.objects.filter(review=Review.PENDING),
            # Rows say "with evidence": the items in one query for the page.
            for_list=lambda qs: qs.select_related(*UPDATE_RELATED).prefetch_related("evidence"),
            decided=lambda: (
                CommitmentUpdate.objects.filter(
                    source=CommitmentUpdate.Source.CONTACT,
                    review__in=(Review.ACCEPTED, Review.REJECTED),
                )
                .select_related(*UPDATE_RELATED, "reviewed_by")
                .order_by("-reviewed_at", "-pk")
            ),
            item=_update_item,
            title=_update_title,
            decision_of=_update_decision,
            decisions=_update_decisions,
            details=_update_details,
        )
    )
    register(
        Queue(
            slug="suspect-signatures",
            label=_("Suspect signatures"),
            model=Signature,
            permission="pledges.review_signature",
            since_field="created_at",
            waiting=lambda: Signature.objects.filter(status=Signature.Status.SUSPECT),
            for_list=lambda qs: qs.select_related("campaign"),
            # Discarded signatures are deleted: the audit log is the record of decisions.
            decided=lambda: AuditEvent.objects.filter(
                action__in=SIGNATURE_DECISIONS, object_type=Signature._meta.label_lower
            ).order_by("-created_at", "-pk"),
            item=_signature_item,
            title=_signature_title,
            decision_of=_signature_decision,
            decisions=_signature_decisions,
            details=_signature_details,
        )
    )
    register_target_replies()
