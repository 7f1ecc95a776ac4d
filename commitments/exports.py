"""The BDS commitments export (staff *Signatures › Export*, "BDS commitments")."""

from collections.abc import Iterator

from commitments.models import Commitment
from donations.money import from_minor
from pledges.exports import CHUNK, ExportFilters, filtered


def commitment_rows(filters: ExportFilters, *, personal: bool) -> tuple[list[str], Iterator]:
    """BDS commitments, one row each; `status` filters on the pledge's moderation status."""
    columns = [
        "id", "campaign", "pledge_status", "organisation", "organisation_country", "website",
        "type", "type_other", "target", "action", "amount", "currency", "deadline", "status",
        "status_changed_at", "fulfilled_at", "contact_name", "contact_email", "created_at",
    ]  # fmt: skip
    fields = [
        "pk", "pledge__campaign__slug", "pledge__status", "pledge__organisation__name",
        "pledge__organisation__country", "pledge__organisation__website", "kind", "other_kind",
        "target__slug", "action", "amount_minor", "currency", "deadline", "status",
        "status_changed_at", "fulfilled_at", "pledge__contact_name", "pledge__contact_email",
        "created_at",
    ]  # fmt: skip
    queryset = filtered(
        Commitment.objects.all(),
        filters,
        country_field="pledge__organisation__country",
        campaign_field="pledge__campaign",
        status_field="pledge__status",
    )

    def rows():
        for row in queryset.values_list(*fields).iterator(chunk_size=CHUNK):
            row = list(row)
            row[8] = row[8] or "all"  # every listed target
            if row[10] is not None:  # money as major units, exact, in its currency
                row[10] = str(from_minor(row[10], row[11]))
            if not personal:
                row[16] = row[17] = ""
            yield row

    return columns, rows()
