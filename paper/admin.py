"""Staff pages for paper sheets: record a batch, correct it, void it, download its names.

Every change goes through `paper.services` (audited, moves the public tally); nothing is
ever deleted. Communications and Moderators hold the permissions (migration 0002)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from campaigns.admin import PublicPagesChange
from lib.transitions import InvalidTransition
from paper import services, signers
from paper.forms import CorrectionForm, PaperBatchForm, VoidForm
from paper.models import PaperBatch, PaperSigner

VOID_PERMISSION = "paper.void_paperbatch"


def names_as_lines(batch: PaperBatch) -> str:
    return "\n".join(f"{s.name}, {s.country}" for s in batch.signers.order_by("pk"))


@admin.register(PaperBatch)
class PaperBatchAdmin(PublicPagesChange, admin.ModelAdmin):
    list_display = ["pk", "campaign", "collected_on", "collector", "place", "country", "count",
                    "status"]  # fmt: skip
    list_filter = ["status", "campaign", "country"]
    search_fields = ["collector", "place"]
    list_select_related = ["campaign"]
    date_hierarchy = "collected_on"
    actions = None
    shown = ["campaign", "statement_version", "collector", "place", "country", "collected_on",
             "status", "void_reason", "voided_at", "recorded_by", "recorded_at", "updated_at",
             "listed_names"]  # fmt: skip

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # corrected or voided, never deleted

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_voided:
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = CorrectionForm if obj is not None else PaperBatchForm
        kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["campaign", "statement_version", "collector", "place",
                                   "country", "collected_on", "count", "submission_key"]}),
                (_("Signers who agreed to be listed"), {"fields": ["names", "names_file"]}),
            ]  # fmt: skip
        if not self.has_change_permission(request, obj):
            return [(None, {"fields": ["count", *self.shown]})]
        return [
            (None, {"fields": self.shown}),
            (_("Correct"), {"fields": ["count", "names", "names_file"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if not self.has_change_permission(request, obj):
            return ["count", *self.shown]
        return self.shown

    @admin.display(description=_("listed names"))
    def listed_names(self, obj: PaperBatch) -> int:
        return PaperSigner.objects.filter(batch=obj).count()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            batch = services.correct_batch(
                obj, count=data["count"], signers=form.listed_signers(), by=request.user
            )
        else:
            try:
                batch = services.record_batch(
                    campaign=data["campaign"],
                    collector=data["collector"],
                    place=data["place"],
                    country=data["country"],
                    collected_on=data["collected_on"],
                    count=data["count"],
                    signers=form.listed_signers() or [],
                    statement_version=data.get("statement_version"),
                    by=request.user,
                    idempotency_key=data.get("idempotency_key"),
                )
            except services.BatchAlreadyRecorded as repeat:
                batch = repeat.batch
                obj.repeated_submission = True
        for field in batch._meta.concrete_fields:
            setattr(obj, field.attname, getattr(batch, field.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Nothing related to save: the service stored the names."""

    def log_addition(self, request, obj, message):
        if getattr(obj, "repeated_submission", False):
            return None
        return super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(obj, "repeated_submission", False):
            self.message_user(
                request,
                _("This batch was already recorded (the form was sent twice); nothing new "
                  "was counted."),
                messages.WARNING,
            )  # fmt: skip
            return HttpResponseRedirect(self._change_url(obj))
        return super().response_add(request, obj, post_url_continue)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                extra_context["can_void"] = not obj.is_voided and request.user.has_perm(
                    VOID_PERMISSION
                )
                extra_context["names_url"] = reverse(
                    "admin:paper_paperbatch_names", args=[obj.pk], current_app=self.admin_site.name
                )
                extra_context["void_url"] = reverse(
                    "admin:paper_paperbatch_void", args=[obj.pk], current_app=self.admin_site.name
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/void/", wrap(self.void_view), name="paper_paperbatch_void"),
            path("<path:object_id>/names.csv", wrap(self.names_view),
                 name="paper_paperbatch_names"),
            *super().get_urls(),
        ]  # fmt: skip

    def _change_url(self, obj: PaperBatch) -> str:
        return reverse(
            "admin:paper_paperbatch_change", args=[obj.pk], current_app=self.admin_site.name
        )

    def _batch(self, request, object_id: str) -> PaperBatch:
        batch = self.get_object(request, unquote(object_id))
        if batch is None:
            raise Http404
        return batch

    def void_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not request.user.has_perm(VOID_PERMISSION):
            raise PermissionDenied
        batch = self._batch(request, object_id)
        form = VoidForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.void_batch(batch, reason=form.cleaned_data["reason"], by=request.user)
            except InvalidTransition:
                self.message_user(request, _("This batch was already voided."), messages.ERROR)
            except ValidationError as error:
                form.add_error("reason", error.messages)
            else:
                self.message_user(
                    request, _("The batch was voided: its signatures no longer count.")
                )
                return HttpResponseRedirect(self._change_url(batch))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Void paper batch #%(pk)s") % {"pk": batch.pk},
            "batch": batch,
            "form": form,
            "change_url": self._change_url(batch),
        }
        return TemplateResponse(request, "admin/paper/paperbatch/void.html", context)

    def names_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        batch = self._batch(request, object_id)
        rows = [signers.ListedSigner(s.name, str(s.country)) for s in batch.signers.order_by("pk")]
        response = HttpResponse(signers.as_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="paper-batch-{batch.pk}.csv"'
        return response
