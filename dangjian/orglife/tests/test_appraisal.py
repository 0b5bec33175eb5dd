"""The yearly member appraisal: self-review, votes, grades, conclusion."""
import pytest
from django.core.exceptions import ValidationError

from dangjian.orglife import appraisal as services
from dangjian.orglife.models import Appraisal


def test_a_branch_appraises_its_members_once_a_year(personas, org):
    appraisal = services.appraisal_open(actor=personas["branch"], organization=org["branch"], year=2026)
    assert appraisal.entries.count() == org["branch"].members.on_roll().count()
    with pytest.raises(ValidationError):
        services.appraisal_open(actor=personas["branch"], organization=org["branch"], year=2026)
    with pytest.raises(ValidationError):  # a community committee does not appraise members itself
        services.appraisal_open(actor=personas["community"], organization=org["community"], year=2026)


def test_whole_appraisal_through_the_pages(client_for, personas, org):
    client = client_for("branch")
    response = client.post(f"/orglife/appraisals/?org={org['branch'].pk}&year=2026")
    appraisal = Appraisal.objects.get(organization=org["branch"], year=2026)
    assert response.status_code == 302
    entry = appraisal.entries.get(member__user=personas["member"])
    member_client = client_for("member")
    text = "今年认真参加三会一课，积极参加楼道志愿服务，学习还不够系统，明年要加强。"
    assert member_client.post(f"/orglife/appraisals/self-review/{entry.pk}/", {"self_review": text}).status_code == 302
    entry.refresh_from_db()
    assert entry.self_review == text
    client = client_for("branch")
    entries = list(appraisal.entries.all())
    form = {f"grade-{e.pk}": "qualified" for e in entries} | {f"votes_qualified-{e.pk}": "20" for e in entries}
    form[f"grade-{entries[0].pk}"] = "unqualified"
    client.post(f"/orglife/appraisals/{appraisal.pk}/", form | {"close": "1"})
    appraisal.refresh_from_db()
    assert appraisal.status == "open"  # refused: an unqualified grade needs its reasons
    form[f"decision_note-{entries[0].pk}"] = "长期不参加组织生活，经教育仍不改正"
    client.post(f"/orglife/appraisals/{appraisal.pk}/", form | {"close": "1"})
    appraisal.refresh_from_db()
    assert appraisal.status == "closed"
    assert appraisal.entries.filter(grade="qualified", votes_qualified=20).count() == len(entries) - 1
    assert client_for("sibling").get(f"/orglife/appraisals/{appraisal.pk}/").status_code == 404


def test_only_the_member_writes_their_self_review(personas, org):
    appraisal = services.appraisal_open(actor=None, organization=org["branch"], year=2026)
    entry = appraisal.entries.exclude(member__user=personas["member"]).first()
    with pytest.raises(ValidationError):
        services.self_review_submit(user=personas["member"], entry=entry, text="x" * 30)
