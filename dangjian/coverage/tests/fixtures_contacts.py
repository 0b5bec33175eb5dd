"""Objects of the coverage work's contacts part for tests and for the authorization matrix."""
import datetime

from django.utils import timezone

from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from ..services_contacts import assignment_create, contact_log_add
from .fixtures import make_firm


def make_assignment(actor, firm, *, appointed_by, role="instructor", name="王指导", member=None,
                    started_on=None, **attrs):
    return assignment_create(actor=actor, firm=firm, appointed_by=appointed_by, role=role, name=name, member=member,
                             started_on=started_on or timezone.localdate() - datetime.timedelta(days=30), **attrs)


def matrix_samples(personas):
    """For the authorization matrix: a key firm of 滨河社区党委's area whose contact leader is the
    ``member`` persona (appointed by the community), a contact with an open problem, and the community."""
    community = Organization.objects.get(name="滨河社区党委")
    firm = make_firm(personas["organizer"], community, 930001, name="矩阵联系企业", is_key=True)
    member = Member.objects.get(user=personas["member"])
    assignment = make_assignment(personas["organizer"], firm, appointed_by=community, role="leader", member=member)
    log = contact_log_add(actor=personas["organizer"], assignment=assignment, contacted_on=timezone.localdate(),
                          topic="走访了解经营情况", problems="招工难")
    return {"firm_assignment": assignment, "contact_log": log, "coverage_org": community}
