"""Follow-up of duties and pledges: reviews, ending, progress, the year-end verdict, the board."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.members.choices import MemberStatus
from dangjian.members.followups import duty_post_end, duty_post_review, pledge_conclude, pledge_progress_add
from dangjian.members.models import Pledge
from dangjian.members.services import duty_post_create, pledge_create


def members_of(org, key="branch", n=3):
    return list(org[key].members.filter(status=MemberStatus.FULL, user__isnull=True).order_by("id")[:n])


@pytest.fixture
def today():
    return timezone.localdate()


def test_duty_review_and_end(org, personas, today):
    member = members_of(org)[0]
    post = duty_post_create(actor=None, member=member, title="楼栋联络员", started_on=today - datetime.timedelta(days=200))
    review = duty_post_review(actor=personas["branch"], post=post, reviewed_on=today, rating="good", comment="履职尽责")
    assert review.reviewer == personas["branch"].get_full_name() or review.reviewer == "branch"
    with pytest.raises(ValidationError) as exc:
        duty_post_review(actor=None, post=post, reviewed_on=today + datetime.timedelta(days=1), rating="good", reviewer="支委会")
    assert "reviewed_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        duty_post_review(actor=None, post=post, reviewed_on=post.started_on - datetime.timedelta(days=1), rating="fair",
                         reviewer="支委会")
    with pytest.raises(ValidationError):
        duty_post_end(actor=None, post=post, ended_on=post.started_on - datetime.timedelta(days=1))
    duty_post_end(actor=None, post=post, ended_on=today, note="换岗")
    post.refresh_from_db()
    assert post.ended_on == today and post.end_note == "换岗" and not post.is_open
    with pytest.raises(ValidationError):
        duty_post_end(actor=None, post=post, ended_on=today)
    assert set(AuditEntry.objects.filter(object_id=str(member.pk)).values_list("action", flat=True)) >= {
        "duty_post.created", "duty_post.reviewed", "duty_post.ended"}


def test_pledge_progress_and_verdict(org, today):
    member = members_of(org)[0]
    pledge = pledge_create(actor=None, member=member, year=today.year, content="每月参加一次志愿服务")
    pledge_progress_add(actor=None, pledge=pledge, on=today, note="参加小区环境整治")
    with pytest.raises(ValidationError) as exc:
        pledge_progress_add(actor=None, pledge=pledge, on=today, note="  ")
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        pledge_conclude(actor=None, pledge=pledge, kept=False, on=today, note="")
    assert "note" in exc.value.message_dict  # not kept: say why
    pledge_conclude(actor=None, pledge=pledge, kept=True, on=today, note="全部兑现")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.KEPT and pledge.verdict_on == today and pledge.follow_up == "全部兑现"
    with pytest.raises(ValidationError):
        pledge_conclude(actor=None, pledge=pledge, kept=False, on=today, note="改判")
    with pytest.raises(ValidationError):
        pledge_progress_add(actor=None, pledge=pledge, on=today, note="又做了一件事")
    assert pledge.progress.count() == 1


def test_verdict_cannot_precede_the_pledge_year(org, today):
    pledge = pledge_create(actor=None, member=members_of(org)[0], year=today.year + 1, content="明年的承诺")
    with pytest.raises(ValidationError) as exc:
        pledge_conclude(actor=None, pledge=pledge, kept=True, on=today)
    assert "on" in exc.value.message_dict


def test_pages_on_the_member_record(client_for, org, today):
    member = members_of(org)[0]
    post = duty_post_create(actor=None, member=member, title="政策宣传员", started_on=today - datetime.timedelta(days=30))
    pledge = pledge_create(actor=None, member=member, year=today.year, content="带头垃圾分类")
    client = client_for("branch")
    response = client.post(f"/members/duties/{post.pk}/review/", {
        "reviewed_on": today.isoformat(), "rating": "fair", "comment": "主动性有待加强", "reviewer": "支部委员会"})
    assert response.status_code == 302
    response = client.post(f"/members/pledges/{pledge.pk}/progress/", {"on": today.isoformat(), "note": "发放宣传单"})
    assert response.status_code == 302
    assert client.post(f"/members/pledges/{pledge.pk}/verdict/", {"kept": "1", "on": today.isoformat(),
                                                                 "note": ""}).status_code == 302
    html = client.get(f"/members/{member.pk}/").content.decode()
    assert "主动性有待加强" in html and "发放宣传单" in html
    assert client.post(f"/members/duties/{post.pk}/end/", {"ended_on": today.isoformat(), "note": "岗位调整"}).status_code == 302
    # Out of sight answers 404; in sight but not allowed 403.
    assert client_for("sibling").get(f"/members/duties/{post.pk}/review/").status_code == 404
    assert client_for("member").get(f"/members/pledges/{pledge.pk}/verdict/").status_code == 403


def test_commitments_board(client_for, org, personas, today, django_assert_max_num_queries):
    members = members_of(org, n=6)
    for i, member in enumerate(members):
        post = duty_post_create(actor=None, member=member, title=f"岗位{i}", started_on=datetime.date(today.year, 1, 5),
                                is_model_post=i == 0)
        duty_post_review(actor=None, post=post, reviewed_on=datetime.date(today.year, 2, 1), rating="poor", reviewer="支委会",
                         comment=f"评价{i}")
        pledge = pledge_create(actor=None, member=member, year=today.year, content=f"承诺{i}")
        pledge_progress_add(actor=None, pledge=pledge, on=datetime.date(today.year, 2, 1), note=f"进展{i}")
    pledge_create(actor=None, member=members[0], year=today.year - 1, content="去年的承诺")
    other = members_of(org, "sibling", 1)[0]
    pledge_create(actor=None, member=other, year=today.year, content="隔壁支部的承诺")
    client = client_for("branch")
    with django_assert_max_num_queries(16):
        response = client.get("/members/commitments/", {"org": org["branch"].pk, "year": today.year})
    assert response.status_code == 200
    assert len(response.context["pledges"]) == 6 and response.context["counts"]["open"] == 6
    html = response.content.decode()
    assert "进展5" in html and "评价5" in html and "去年的承诺" not in html and "隔壁支部的承诺" not in html
    assert response.context["model_posts"] == 1
    # An ordinary member sees the branch's public pledges, but not the ratings of others' duties.
    response = client_for("member").get("/members/commitments/")
    assert response.status_code == 200 and len(response.context["pledges"]) == 6
    assert "评价5" not in response.content.decode() and not response.context["show_reviews"]
    # The sibling branch neither sees them nor can ask for them.
    assert client_for("sibling").get("/members/commitments/", {"org": org["branch"].pk}).status_code == 404
    response = client_for("sibling").get("/members/commitments/")
    assert "隔壁支部的承诺" in response.content.decode() and "承诺0" not in response.content.decode()
