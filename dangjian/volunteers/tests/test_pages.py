"""Volunteering as people use the pages and the API; what others may not see."""
import datetime

from django.utils import timezone

from dangjian.volunteers import services
from dangjian.volunteers.models import SignUp, Volunteer, VolunteerActivity

from .factories import make_activity, make_team


def test_secretary_sets_up_a_team_and_a_resident_signs_up_and_checks_in(client_for, personas, org):
    today = timezone.localdate()
    client = client_for("community")
    response = client.post("/volunteers/teams/new/", {"organization": org["community"].pk, "name": "夕阳红巡逻队",
                                                     "kind": "patrol", "leader": "community"})
    assert response.status_code == 302
    team = org["community"].volunteer_teams.get(name="夕阳红巡逻队")
    response = client.post(f"/volunteers/teams/{team.pk}/volunteers/new/", {
        "name": "王阿姨", "username": "resident", "phone": "13912345678", "joined_on": today.isoformat()})
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(team=team, user=personas["resident"])
    assert volunteer.phone == "13912345678" and volunteer.phone_masked == "139****5678"
    response = client.post(f"/volunteers/teams/{team.pk}/activities/new/", {
        "title": "夜间巡逻", "place": "滨河社区", "date": today.isoformat(), "start_time": "00:00",
        "end_time": "23:59", "needs": "巡逻员, 00:00, 23:30, 2"})
    activity = VolunteerActivity.objects.get(team=team)
    assert response.status_code == 302 and response["Location"] == f"/volunteers/activities/{activity.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert activity.checkin_code in page and "13912345678" not in page

    resident = client_for("resident")
    assert resident.get("/volunteers/mine/").status_code == 200
    page = resident.get(f"/volunteers/activities/{activity.pk}/").content.decode()
    assert activity.checkin_code not in page and "13912345678" not in page
    need = activity.needs.get()
    assert resident.post(f"/volunteers/activities/{activity.pk}/signup/", {"need": need.pk}).status_code == 302
    signup = SignUp.objects.get(volunteer=volunteer)
    assert signup.status == "signed_up"
    response = resident.post("/volunteers/checkin/", {"code": activity.checkin_code})
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == "checked_in"
    # A wrong code is refused beside the field.
    page = resident.post("/volunteers/checkin/", {"code": "99999a"})
    assert page.status_code == 200
    # The resident cannot use the leader's panel.
    assert resident.post(f"/volunteers/signups/{signup.pk}/step/", {"step": "check_out"}).status_code == 403
    leader = client_for("community")
    assert leader.post(f"/volunteers/signups/{signup.pk}/step/", {"step": "check_out"}).status_code == 302
    signup.refresh_from_db()
    assert signup.status == "checked_out"
    idle = services.volunteer_add(actor=None, team=team, name="李叔叔")  # on the team, never served
    response = leader.get(f"/volunteers/figures/?org={org['community'].pk}&year={today.year}")
    assert response.status_code == 200
    # The hours ledger lists those who served, not every volunteer of the teams.
    ledger = response.context["ledger"]
    assert all(v.hours > 0 for v in ledger)
    assert (signup.volunteer_id in {v.pk for v in ledger}) == (signup.hours > 0)
    assert idle.pk not in {v.pk for v in ledger}
    assert leader.get(f"/volunteers/teams/{team.pk}/").status_code == 200


def test_out_of_scope_users_do_not_see_a_team(client_for, personas):
    team = make_team()
    activity = make_activity(team, day=datetime.date(2026, 11, 20))
    for persona in ("sibling", "resident", "team"):
        client = client_for(persona)
        assert client.get(f"/volunteers/teams/{team.pk}/").status_code == 404
        assert client.get(f"/volunteers/activities/{activity.pk}/").status_code == 404
        assert team.name not in client.get("/volunteers/").content.decode()
    assert client_for("auditor").get(f"/volunteers/teams/{team.pk}/volunteers/new/").status_code == 403
    # A leader who is no secretary runs the team's activities.
    services.volunteer_add(actor=None, team=team, user=personas["team"])
    team.leader = personas["team"]
    team.save()
    assert client_for("team").get(f"/volunteers/teams/{team.pk}/activities/new/").status_code == 200


def test_api_sign_up_and_check_in(client_for, personas):
    team = make_team()
    volunteer = services.volunteer_add(actor=None, team=team, user=personas["resident"])
    activity = make_activity(team, day=timezone.localdate(), needs=[
        {"role": "搬运", "start_time": datetime.time(8, 30), "end_time": datetime.time(12), "quantity": 1}])
    client = client_for("resident")
    listing = client.get("/api/v1/volunteer-activities/").json()
    assert [row["id"] for row in listing["results"]] == [activity.pk]
    detail = client.get(f"/api/v1/volunteer-activities/{activity.pk}/").json()
    need_id = detail["needs"][0]["id"]
    response = client.post(f"/api/v1/volunteer-activities/{activity.pk}/signup/", {"need": need_id},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "signed_up"
    response = client.post(f"/api/v1/volunteer-activities/{activity.pk}/checkin/", {"code": "abcdef"},
                           content_type="application/json")
    assert response.status_code == 400
    response = client.post(f"/api/v1/volunteer-activities/{activity.pk}/checkin/", {"code": activity.checkin_code},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "checked_in"
    assert SignUp.objects.get(volunteer=volunteer).status == "checked_in"
    team_row = client.get(f"/api/v1/volunteer-teams/{team.pk}/").json()
    assert team_row["totals"]["volunteers"] == 1
    assert client_for("sibling").get(f"/api/v1/volunteer-teams/{team.pk}/").status_code == 404
    assert client_for("sibling").post(f"/api/v1/volunteer-activities/{activity.pk}/signup/", {"need": need_id},
                                      content_type="application/json").status_code == 404
