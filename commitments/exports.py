"""The BDS commitments export (staff *Signatures › Export*, "BDS commitments")."""

from collections import defaultdict
from collections.abc import Iterator

from commitments.models import Commitment, CommitmentUpdate, Evidence
from donations.money import from_minor
from pledges.exports import CHUNK, ExportFilters, filtered


def _evidence_of(commitment_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Accepted evidence of these commitments: (links, document hashes), oldest first."""
    out: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    items = (
        Evidence.objects.filter(
            update__commitment__in=commitment_ids,
            update__review=CommitmentUpdate.Review.ACCEPTED,
        )
        .order_by("pk")
        .values_list("update__commitment_id", "url", "document_sha256")
    )
    for commitment_id, url, sha256 in items:
        links, hashes = out[commitment_id]
        if url:
            links.append(url)
        if sha256:
            hashes.append(sha256)
    return out


def commitment_rows(filters: ExportFilters, *, personal: bool) -> tuple[list[str], Iterator]:
    """BDS commitments, one row each; `status` filters on the pledge's moderation status."""
    columns = [
        "id", "campaign", "pledge_status", "organisation", "organisation_country", "website",
        "type", "type_other", "target", "action", "amount", "currency", "deadline", "status",
        "status_changed_at", "fulfilled_at", "contact_name", "contact_email", "created_at",
        "grade", "grade_changed_at", "lapsed_at", "evidence_urls", "evidence_sha256",
    ]  # fmt: skip
    fields = [
        "pk", "pledge__campaign__slug", "pledge__status", "pledge__organisation__name",
        "pledge__organisation__country", "pledge__organisation__website", "kind", "other_kind",
        "target__slug", "action", "amount_minor", "currency", "deadline", "status",
        "status_changed_at", "fulfilled_at", "pledge__contact_name", "pledge__contact_email",
        "created_at", "grade", "grade_changed_at", "lapsed_at",
    ]  # fmt: skip
    queryset = filtered(
        Commitment.objects.all(),
        filters,
        country_field="pledge__organisation__country",
        campaign_field="pledge__campaign",
        status_field="pledge__status",
    )

    def rows():
        chunk: list[list] = []
        for row in queryset.values_list(*fields).iterator(chunk_size=CHUNK):
            chunk.append(list(row))
            if len(chunk) == CHUNK:
                yield from finish(chunk)
                chunk = []
        yield from finish(chunk)

    def finish(chunk: list[list]):
        # The evidence of a chunk in one query; cells neutralised by the export writer.
        evidence = _evidence_of([row[0] for row in chunk]) if chunk else {}
        for row in chunk:
            row[8] = row[8] or "all"  # every listed target
            if row[10] is not None:  # money as major units, exact, in its currency
                row[10] = str(from_minor(row[10], row[11]))
            if not personal:
                row[16] = row[17] = ""
            links, hashes = evidence.get(row[0], ([], []))
            row += [" ".join(links), " ".join(hashes)]
            yield row

    return columns, rows()
