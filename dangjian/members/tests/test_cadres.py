"""Reserve cadres: the pool per organization, training, evaluations, appointment, leaving; pages."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.members.cadres import (
    cadre_evaluation_add,
    cadre_training_add,
    reserve_cadre_add,
    reserve_cadre_leave,
    reserve_cadre_mark_appointed,
)
from dangjian.members.choices import CadreStatus, MemberStatus
from dangjian.members.models import Member, ReserveCadre
from dangjian.organizations.models import PostKind
from dangjian.organizations.services import post_appoint


@pytest.fixture
def kinds(db):
    return {k.code: k for k in PostKind.objects.all()}


def full(org, key="branch", n=0):
    return org[key].members.filter(status=MemberStatus.FULL, user__isnull=True, posts__isnull=True).order_by("id")[n]


def test_pool_entry_checks(org, kinds):
    today = timezone.localdate()
    member = full(org)
    cadre = reserve_cadre_add(actor=None, organization=org["branch"], member=member, intended_kind=kinds["secretary"],
                              added_on=today, note="群众基础好")
    assert cadre.status == CadreStatus.IN_POOL
    with pytest.raises(ValidationError) as exc:  # the same pool and post twice
        reserve_cadre_add(actor=None, organization=org["branch"], member=member, intended_kind=kinds["secretary"],
                          added_on=today)
    assert "member" in exc.value.message_dict
    # A community committee draws on its branches; a branch not on another branch's members.
    reserve_cadre_add(actor=None, organization=org["community"], member=member, intended_kind=kinds["deputy_secretary"],
                      added_on=today)
    with pytest.raises(ValidationError):
        reserve_cadre_add(actor=None, organization=org["sibling"], member=member, intended_kind=kinds["secretary"],
                          added_on=today)
    other = full(org, n=1)
    Member.objects.filter(pk=other.pk).update(status=MemberStatus.PROBATIONARY)
    other.refresh_from_db()
    with pytest.raises(ValidationError):
        reserve_cadre_add(actor=None, organization=org["branch"], member=other, intended_kind=kinds["secretary"],
                          added_on=today)


def test_training_evaluation_appointment_and_leaving(org, kinds, personas):
    today = timezone.localdate()
    member = full(org)
    cadre = reserve_cadre_add(actor=None, organization=org["branch"], member=member,
                              intended_kind=kinds["organization_member"], added_on=today - datetime.timedelta(days=300))
    cadre_training_add(actor=None, cadre=cadre, on=today, course="后备干部培训班", hours=Decimal("16"), organizer="街道党工委")
    with pytest.raises(ValidationError):
        cadre_training_add(actor=None, cadre=cadre, on=today, course="x", hours=Decimal("0"))
    cadre_evaluation_add(actor=personas["community"], cadre=cadre, on=today, year=today.year, grade="excellent",
                         comment="表现突出")
    with pytest.raises(ValidationError):
        cadre_evaluation_add(actor=None, cadre=cadre, on=today, year=today.year + 1, grade="competent", evaluator="党委")
    # Marking appointed needs a post the member holds now, filled through the organization's service.
    sibling_member = full(org, "sibling")
    with pytest.raises(ValidationError):
        reserve_cadre_mark_appointed(actor=None, cadre=cadre, post=post_appoint(
            actor=None, organization=org["sibling"], kind=kinds["organization_member"], member=sibling_member,
            term_start=today))
    post = post_appoint(actor=None, organization=org["branch"], kind=kinds["organization_member"], member=member,
                        term_start=today)
    cadre.refresh_from_db()
    assert cadre.status == CadreStatus.IN_POOL  # no magic: appointing does not touch the pool
    reserve_cadre_mark_appointed(actor=personas["branch"], cadre=cadre, post=post)
    cadre.refresh_from_db()
    assert cadre.status == CadreStatus.APPOINTED and cadre.appointed_post == post and cadre.status_on == today
    with pytest.raises(ValidationError):
        reserve_cadre_leave(actor=None, cadre=cadre, on=today, note="调整")
    second = reserve_cadre_add(actor=None, organization=org["branch"], member=full(org, n=1),
                               intended_kind=kinds["secretary"], added_on=today)
    with pytest.raises(ValidationError) as exc:
        reserve_cadre_leave(actor=None, cadre=second, on=today, note="")
    assert "note" in exc.value.message_dict
    reserve_cadre_leave(actor=None, cadre=second, on=today, note="外出务工")
    second.refresh_from_db()
    assert second.status == CadreStatus.LEFT


def test_pool_pages_are_scoped(client_for, org, kinds, personas, django_assert_max_num_queries):
    today = timezone.localdate()
    for n in range(4):
        reserve_cadre_add(actor=None, organization=org["branch"], member=full(org, n=n), intended_kind=kinds["secretary"],
                          added_on=today)
    sibling_cadre = reserve_cadre_add(actor=None, organization=org["sibling"], member=full(org, "sibling"),
                                      intended_kind=kinds["secretary"], added_on=today)
    own = personas["member"].member
    own_cadre = reserve_cadre_add(actor=None, organization=org["branch"], member=own,
                                  intended_kind=kinds["propaganda_member"], added_on=today)
    client = client_for("community")
    with django_assert_max_num_queries(18):  # flat: no query per row
        response = client.get("/members/cadres/", {"org": org["community"].pk})
    assert response.status_code == 200 and response.context["counts"]["in_pool"] == 6
    assert {r["organization"] for r in response.context["by_org"]} == {org["branch"].pk, org["sibling"].pk}
    branch = client_for("branch")
    response = branch.get("/members/cadres/")
    assert response.context["counts"]["in_pool"] == 5
    assert branch.get(f"/members/cadres/{sibling_cadre.pk}/").status_code == 404
    # Add through the page.
    response = branch.post(f"/members/cadres/add/?org={org['branch'].pk}", {
        "member": full(org, n=5).pk, "intended_kind": kinds["deputy_secretary"].pk, "added_on": today.isoformat(),
        "note": "推荐"})
    assert response.status_code == 302
    cadre = ReserveCadre.objects.get(member=full(org, n=5))
    assert branch.post(f"/members/cadres/{cadre.pk}/training/", {"on": today.isoformat(), "course": "培训",
                                                                "hours": "8", "organizer": "党委"}).status_code == 302
    assert branch.post(f"/members/cadres/{cadre.pk}/evaluation/", {"on": today.isoformat(), "year": today.year,
                                                                  "grade": "competent", "evaluator": "支委会"}).status_code == 302
    assert branch.get(f"/members/cadres/{cadre.pk}/appoint/").status_code == 200
    assert "培训" in branch.get(f"/members/cadres/{cadre.pk}/").content.decode()
    # An ordinary member: no pool overview, sees their own entry only.
    member = client_for("member")
    assert member.get("/members/cadres/").status_code == 403
    assert member.get(f"/members/cadres/{own_cadre.pk}/").status_code == 200
    assert member.get(f"/members/cadres/{cadre.pk}/").status_code == 404
    assert member.get(f"/members/cadres/{own_cadre.pk}/training/").status_code == 403
