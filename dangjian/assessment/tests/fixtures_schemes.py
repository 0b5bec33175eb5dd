"""Scheme objects for tests and for the authorization matrix."""
from dangjian.assessment.models import Scheme
from dangjian.assessment.services_schemes import scheme_copy
from dangjian.organizations.models import Organization

STREET = "中共临江市江滨街道工作委员会"


def shipped(code: str) -> Scheme:
    return Scheme.objects.get(code=code, owner__isnull=True, version=1)


def street_draft(personas) -> Scheme:
    """A draft copy of the shipped community tiering, owned by the 江滨 street (its organizer copies it)."""
    return scheme_copy(actor=personas["organizer"], scheme=shipped("community-tiers"),
                       owner=Organization.objects.get(name=STREET))


def matrix_samples(personas):
    """"assessment_scheme": a draft copy of ``community-tiers`` owned by 江滨街道工作委员会. Those over the
    street change it; everyone with a place below it (secretaries, members) sees it, as defined above them."""
    return {"assessment_scheme": street_draft(personas)}
