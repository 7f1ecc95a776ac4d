"""Commitment labels carry their own context: they agree with "commitment", not with the
signatures and sign-ons that share the English words."""

from django.utils import translation

from commitments.models import Commitment
from pledges.models import Signature
from tests.catalogue import CONTEXT, extra_translations


def test_a_withdrawn_commitment_is_not_worded_as_a_withdrawn_signature():
    """Spanish: una firma retirada, un compromiso retirado."""
    with translation.override("es"):
        signature = str(Signature.Status.WITHDRAWN.label)
        with extra_translations("es", {"commitment status" + CONTEXT + "Withdrawn": "Retirado"}):
            commitment = str(Commitment.Status.WITHDRAWN.label)
    assert (signature, commitment) == ("Retirada", "Retirado")


def test_every_status_and_type_label_has_its_context():
    with translation.override("fr"):
        marked = {
            f"commitment status{CONTEXT}{english}": f"statut {value}"
            for value, english in _english(Commitment.Status)
        } | {
            f"commitment type{CONTEXT}{english}": f"type {value}"
            for value, english in _english(Commitment.Kind)
        }
        with extra_translations("fr", marked):
            statuses = [str(label) for label in Commitment.Status.labels]
            kinds = [str(label) for label in Commitment.Kind.labels]
    assert statuses == [f"statut {value}" for value in Commitment.Status.values]
    assert kinds == [f"type {value}" for value in Commitment.Kind.values]


def _english(choices) -> list[tuple[str, str]]:
    with translation.override("en"):
        return [(value, str(label)) for value, label in choices.choices]
