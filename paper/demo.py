"""Demo paper batches for `manage.py load_demo`. Idempotent: a batch already there stays."""

from datetime import date

from campaigns.models import Campaign
from paper import services
from paper.models import PaperBatch
from paper.signers import ListedSigner

BATCHES = [
    ("Kibera Women's Group", "Kibera market, Nairobi", "KE", date(2026, 11, 14), 1240,
     [("Wanjiru Kamau", "KE"), ("Otieno Odhiambo", "KE"), ("Achieng Atieno", "KE")]),
    ("Sindicato de Trabajadores Digitales", "Feria de Mataderos, Buenos Aires", "AR",
     date(2026, 11, 21), 690, [("Sofía Giménez", "AR")]),
]  # fmt: skip


def load_paper_demo(slug: str = "refuse-extraction") -> None:
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None or not campaign.collects_signatures:
        return
    for collector, place, country, collected_on, count, names in BATCHES:
        if PaperBatch.objects.filter(campaign=campaign, collector=collector).exists():
            continue
        services.record_batch(
            campaign=campaign,
            collector=collector,
            place=place,
            country=country,
            collected_on=collected_on,
            count=count,
            signers=[ListedSigner(name, code) for name, code in names],
            by=None,
        )
