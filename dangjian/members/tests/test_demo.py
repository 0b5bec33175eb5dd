"""The demo follow-ups build on the demo city."""
from dangjian.members.choices import LostContactStatus, MemberStatus
from dangjian.members.demo import build_demo
from dangjian.members.models import DutyPost, LostContactCase, MemberStatusChange, Pledge, ReserveCadre


def test_build_demo_adds_follow_ups(org):
    build_demo(seed=1)
    assert DutyPost.objects.filter(member__organization=org["branch"], reviews__isnull=False).exists()
    assert Pledge.objects.filter(status=Pledge.Status.KEPT).exists() and Pledge.objects.filter(progress__isnull=False).exists()
    assert ReserveCadre.objects.filter(organization=org["community"]).exists()
    assert ReserveCadre.objects.filter(trainings__isnull=False).exists()
    statuses = set(LostContactCase.objects.values_list("status", flat=True))
    assert {LostContactStatus.SEARCHING, LostContactStatus.SUSPENDED} <= statuses
    assert MemberStatusChange.objects.filter(to_status=MemberStatus.DIED).count() == 1
