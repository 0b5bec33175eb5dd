import datetime

from dangjian.volunteers import selectors
from dangjian.volunteers.demo import build_demo
from dangjian.volunteers.models import VolunteerTeam


def test_build_demo_gives_hours_from_check_in_and_out(org):
    build_demo(seed=1, today=datetime.date(2026, 11, 20))
    build_demo(seed=1, today=datetime.date(2026, 11, 20))  # a second run adds nothing
    assert VolunteerTeam.objects.filter(organization=org["community"]).count() == 2
    figures = selectors.community_figures(org["street"], 2026)
    assert figures["activities"] == 1 and figures["people"] >= 10 and figures["hours"] > 0
