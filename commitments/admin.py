"""Staff area for BDS commitments: the pledge moderation queue, commitments with their
history and a "post an update" action, and the queue of contact updates to review."""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from commitments import services as commitment_services
from commitments.forms import CommitmentUpdateForm, GradeForm
from commitments.models import Commitment, CommitmentPledge, CommitmentUpdate, Evidence
from donations.money import format_money
from pledges.admin import ContactForModeratorsMixin, ModerationQueueMixin, run_action
from staff.admin_readonly import ReadOnlyAdmin


class AmountInMajorUnits:
    """A divestment's amount as people read it ("€2,500,000.00", "¥5,000"), never the minor
    units the row stores."""

    @admin.display(description=_("Amount"))
    def amount(self, obj: Commitment) -> str:
        if obj.amount_minor is None:
            return "—"
        return format_money(obj.amount_minor, obj.currency)


class CommitmentInline(AmountInMajorUnits, admin.TabularInline):
    model = Commitment
    fields = ["kind", "other_kind", "target", "action", "amount", "deadline",
              "status"]  # fmt: skip
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CommitmentPledge)
class CommitmentPledgeAdmin(ModerationQueueMixin, ContactForModeratorsMixin, ReadOnlyAdmin):
    """The moderation queue for commitment pledges: the same decisions as sign-ons."""

    moderate_permission = "commitments.moderate_commitmentpledge"

    list_display = ["organisation", "campaign", "status", "commitment_count", "duplicate_hints",
                    "created_at", "contact_confirmed_at"]  # fmt: skip
    list_filter = ["status", "campaign"]
    list_select_related = ["organisation", "campaign"]
    search_fields = ["organisation__name", "organisation__domain"]
    readonly_fields = ["organisation", "campaign", "status", "contact_name", "contact_email",
                       "contact_language", "created_at", "contact_confirmed_at", "moderated_at",
                       "moderated_by", "rejection_reason", "duplicate_hints"]  # fmt: skip
    inlines = [CommitmentInline]
    actions = ["approve", "reject"]

    approved_message = ngettext_lazy("%(n)d pledge approved.", "%(n)d pledges approved.", "n")
    rejected_message = ngettext_lazy("%(n)d pledge rejected.", "%(n)d pledges rejected.", "n")
    reject_title = _("Reject commitment pledges")

    def get_queryset(self, request):
        # One COUNT per listed row otherwise.
        return super().get_queryset(request).annotate(n_commitments=Count("commitments"))

    @admin.display(description=_("commitments"), ordering="n_commitments")
    def commitment_count(self, obj):
        return obj.n_commitments


class CommitmentUpdateInline(admin.TabularInline):
    model = CommitmentUpdate
    fields = ["created_at", "source", "review", "from_status", "status", "note", "evidence_url",
              "reviewed_by"]  # fmt: skip
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _post_update(commitment, *, by, data):
    return commitment_services.post_commitment_update(
        commitment, data, source=CommitmentUpdate.Source.MODERATOR, by=by
    )


def _set_grade(commitment, *, by, grade, note):
    return commitment_services.set_commitment_grade(commitment, grade, by=by, note=note)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ["url", "captured_on", "document", "document_type", "document_size",
              "document_sha256", "created_at"]  # fmt: skip
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Commitment)
class CommitmentAdmin(AmountInMajorUnits, ReadOnlyAdmin):
    list_display = ["__str__", "organisation", "campaign", "target", "status", "grade",
                    "deadline", "pledge_status"]  # fmt: skip
    list_filter = ["status", "grade", "kind", "pledge__status", "pledge__campaign", "target"]
    list_select_related = ["pledge__organisation", "pledge__campaign", "target"]
    search_fields = ["pledge__organisation__name", "action"]
    readonly_fields = ["pledge", "kind", "other_kind", "target", "action", "amount",
                       "deadline", "status", "status_changed_at", "fulfilled_at",
                       "lapsed_at", "grade", "grade_changed_at", "graded_by",
                       "created_at"]  # fmt: skip
    # The stored minor units and code are shown as one amount (`amount`), not as fields.
    exclude = ["amount_minor", "currency"]
    inlines = [CommitmentUpdateInline]
    actions = ["post_update", "set_grade"]

    def has_post_permission(self, request) -> bool:
        return request.user.has_perm("commitments.post_commitmentupdate")

    def has_grade_permission(self, request) -> bool:
        return commitment_services.may_grade(request.user)

    @admin.action(description=_("Set the verification grade…"), permissions=["grade"])
    def set_grade(self, request, queryset):
        form = GradeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            run_action(
                self,
                request,
                queryset,
                _set_grade,
                ngettext_lazy("%(n)d commitment graded.", "%(n)d commitments graded.", "n"),
                **form.cleaned_data,
            )
            return None
        return render(
            request,
            "admin/commitments/commitment_update.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Set the verification grade"),
                "queryset": queryset.select_related("pledge__organisation"),
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "action_name": "set_grade",
                "opts": self.model._meta,
            },
            status=400 if form.is_bound else 200,
        )

    @admin.display(description=_("organisation"))
    def organisation(self, obj):
        return obj.pledge.organisation

    @admin.display(description=_("campaign"))
    def campaign(self, obj):
        return obj.pledge.campaign

    @admin.display(description=_("pledge status"))
    def pledge_status(self, obj):
        return obj.pledge.get_status_display()

    @admin.action(description=_("Post an update…"), permissions=["post"])
    def post_update(self, request, queryset):
        form = CommitmentUpdateForm(
            request.POST if "apply" in request.POST else None,
            request.FILES or None,
            statuses=Commitment.Status.choices,
        )
        if form.is_bound and form.is_valid():
            run_action(
                self,
                request,
                queryset,
                _post_update,
                ngettext_lazy("%(n)d commitment updated.", "%(n)d commitments updated.", "n"),
                data=form.update_data(),
            )
            return None
        return render(
            request,
            "admin/commitments/commitment_update.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Post an update"),
                "queryset": queryset.select_related("pledge__organisation"),
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
            status=400 if form.is_bound else 200,
        )


def _accept(update, *, by):
    return commitment_services.review_commitment_update(update, accept=True, by=by)


def _reject(update, *, by):
    return commitment_services.review_commitment_update(update, accept=False, by=by)


@admin.register(CommitmentUpdate)
class CommitmentUpdateAdmin(ReadOnlyAdmin):
    """Updates from contacts wait here; accepted ones become public and move the status."""

    list_display = ["commitment", "organisation", "source", "status", "review", "note",
                    "evidence_url", "created_at"]  # fmt: skip
    list_filter = ["review", "source", "status"]
    list_select_related = ["commitment__pledge__organisation"]
    readonly_fields = ["commitment", "source", "review", "from_status", "status", "note",
                       "evidence_url", "created_at", "reviewed_at", "reviewed_by",
                       "review_reason"]  # fmt: skip
    inlines = [EvidenceInline]
    actions = ["accept", "reject"]

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("commitments.review_commitmentupdate")

    def get_queryset(self, request):
        # `evidence_url` (a column of the list) reads the update's evidence items.
        return super().get_queryset(request).prefetch_related("evidence")

    @admin.display(description=_("organisation"))
    def organisation(self, obj):
        return obj.commitment.pledge.organisation

    @admin.action(description=_("Accept: make public"), permissions=["review"])
    def accept(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            _accept,
            ngettext_lazy("%(n)d update accepted.", "%(n)d updates accepted.", "n"),
        )

    @admin.action(description=_("Reject: keep private"), permissions=["review"])
    def reject(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            _reject,
            ngettext_lazy("%(n)d update rejected.", "%(n)d updates rejected.", "n"),
        )
