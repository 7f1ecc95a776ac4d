"""The one place that decides who may see or edit a campaign."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from campaigns.models import Campaign, TranslatorLanguage


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


def may_publish(user) -> bool:
    """Publish, schedule, close and return to draft (Communications)."""
    return bool(user and user.is_authenticated and user.has_perm("campaigns.publish_campaign"))


def translation_languages(user) -> frozenset[str] | None:
    """The languages whose translations `user` may edit: None for every language (who may
    edit campaigns: Communications), else those set on the account (Translators), maybe none.

    Kept on the user object for the rest of the request."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    if user.has_perm("campaigns.change_campaign") and user.has_perm(
        "campaigns.change_campaigntranslation"
    ):
        return None
    if not user.has_perm("campaigns.change_campaigntranslation"):
        return frozenset()
    cached = getattr(user, "_translator_languages", None)
    if cached is None:
        cached = frozenset(
            TranslatorLanguage.objects.filter(user=user).values_list("language", flat=True)
        )
        user._translator_languages = cached
    return cached


def is_translator(user) -> bool:
    """May edit some translations but not campaigns themselves."""
    languages = translation_languages(user)
    return languages is not None and bool(languages)


def may_edit_translation(user, language: str) -> bool:
    languages = translation_languages(user)
    return languages is None or language in languages


def approves_every_translation(user) -> bool:
    """Whose edits and approvals make any translation public at once (Communications)."""
    return bool(
        user and user.is_authenticated and user.has_perm("campaigns.approve_campaigntranslation")
    )


def may_approve_translation(user, translation) -> bool:
    """Communications approve any translation; a translator of the language approves one
    whose current text another person wrote (a second pair of eyes)."""
    if approves_every_translation(user):
        return True
    languages = translation_languages(user)
    return bool(
        languages
        and translation.language in languages
        and translation.edited_by_id is not None
        and translation.edited_by_id != user.pk
    )
