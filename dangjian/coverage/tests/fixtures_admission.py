"""Objects of the coverage work's admission part for tests and for the authorization matrix."""
import datetime

from dangjian.organizations.models import Organization

from .. import services_admission as services
from ..models import AdmissionProcedure

STREET = "中共临江市江滨街道工作委员会"
COMMUNITY = "滨河社区党委"


def request_fields(**overrides) -> dict:
    """The content of a believable request (民政局's yearly check of subsistence allowances)."""
    fields = {"title": "低保年审入户核查", "department": "临江市民政局", "contact_person": "王科长",
              "contact_phone": "0571-86001234", "description": "协助入户核查低保家庭收入和财产状况",
              "legal_basis": "《社会救助暂行办法》第十一条", "resources": "民政局派专员2名驻街道指导",
              "funding": 20000, "starts_on": datetime.date(2026, 1, 1), "ends_on": datetime.date(2026, 12, 31)}
    return fields | overrides


def make_request(actor, *, authority=None, communities=None, **overrides):
    authority = authority or Organization.objects.get(name=STREET)
    if communities is None:
        communities = [Organization.objects.get(name=COMMUNITY)]
    return services.admission_create(actor=actor, organization=authority, communities=communities,
                                     **request_fields(**overrides))


def matrix_samples(personas):
    """For the authorization matrix: a draft request of 江滨街道工作委员会 concerning 滨河社区党委
    ("affair_admission"), a draft procedure copied by the street ("admission_procedure") and the street
    itself, whose public list of admitted tasks anyone may read ("admission_authority")."""
    street = Organization.objects.get(name=STREET)
    shipped = AdmissionProcedure.objects.filter(organization__isnull=True).order_by("-version").first()
    return {
        "affair_admission": make_request(personas["admin"], authority=street, title="矩阵准入事项"),
        "admission_procedure": services.procedure_copy(actor=personas["admin"], procedure=shipped, organization=street),
        "admission_authority": street,
    }
