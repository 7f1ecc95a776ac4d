"""The one place that decides who may see or edit a campaign."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from campaigns.models import Campaign


def can_preview(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("campaigns.view_campaign"))


def access_campaign(user, slug: str, *, for_edit: bool = False) -> Campaign:
    """Return the campaign `user` may see (or edit), else raise Http404/PermissionDenied.

    The public sees live, closed and due scheduled campaigns; staff who may view
    campaigns also see drafts as a preview. Unknown and hidden campaigns are 404
    alike, so a draft's existence does not leak.
    """
    campaign = (
        Campaign.objects.prefetch_related("translations", "targets").filter(slug=slug).first()
    )
    if campaign is None:
        raise Http404("No such campaign")
    if for_edit:
        if not (user and user.is_authenticated and user.has_perm("campaigns.change_campaign")):
            raise PermissionDenied
        return campaign
    if campaign.is_public() or can_preview(user):
        return campaign
    raise Http404("No such campaign")
