"""The organizational-life API: meetings, study records, compliance, scoped for every persona."""
import datetime

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.orglife import selectors, services
from dangjian.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from dangjian.orglife.models import Meeting, StudyRecord

MEETINGS = "/api/v1/meetings/"


def plan(organization, *, when=None, kind=MeetingKind.THEME_DAY, **extra):
    when = when or timezone.now() - datetime.timedelta(hours=1)
    return services.meeting_plan(actor=None, organization=organization, kind=kind, topic="学习", starts_at=when,
                                 **extra)


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_meetings_are_scoped_per_persona(client_for, org):
    meeting = plan(org["branch"])
    elsewhere = plan(org["sibling"])
    joint = plan(org["sibling"], joint_organizations=[org["branch"]])
    url = f"{MEETINGS}{meeting.pk}/"

    sibling = client_for("sibling")
    assert sibling.get(url).status_code == 404
    assert post(sibling, f"{url}record/", {"attendance": [], "minutes": "x"}).status_code == 404
    assert meeting.pk not in ids(sibling.get(MEETINGS, {"page_size": 200}))

    branch = client_for("branch")
    detail = branch.get(url).json()
    assert detail["organization"] == org["branch"].pk and detail["status"] == "planned"
    assert detail["sign_in_code"] == meeting.sign_in_code
    assert len(detail["attendances"]) == meeting.attendances.count() > 0
    row = detail["attendances"][0]
    assert set(row) >= {"member", "member_name", "status", "leave_reason", "voting", "signed_in_at"}
    assert detail["resolutions"] == []

    # An ordinary member sees their branch's meetings and those they were invited to, nothing else,
    # and never the sign-in code.
    member = client_for("member")
    seen = ids(member.get(MEETINGS, {"page_size": 200}))
    assert {meeting.pk, joint.pk} <= seen and elsewhere.pk not in seen
    assert member.get(f"{MEETINGS}{joint.pk}/").json()["sign_in_code"] is None
    assert member.get(f"{MEETINGS}{elsewhere.pk}/").status_code == 404

    # The auditor reads, and is refused every write.
    auditor = client_for("auditor")
    assert auditor.get(url).status_code == 200
    assert auditor.get(url).json()["sign_in_code"] is None
    assert post(auditor, MEETINGS, {"organization": org["branch"].pk, "kind": "theme_day", "topic": "t",
                                    "starts_at": "2026-12-01T09:00:00+08:00"}).status_code == 403
    assert post(auditor, f"{url}record/", {"attendance": [], "minutes": "x"}).status_code == 403
    assert post(auditor, f"{url}cancel/", {"reason": "x"}).status_code == 403


def test_list_filters(client_for, org):
    theme = plan(org["branch"], when=timezone.make_aware(datetime.datetime(2026, 3, 5, 9)))
    lecture = plan(org["branch"], kind=MeetingKind.PARTY_LECTURE,
                   when=timezone.make_aware(datetime.datetime(2026, 4, 5, 9)))
    other = plan(org["sibling"], when=timezone.make_aware(datetime.datetime(2026, 3, 6, 9)))
    client = client_for("community")
    assert {theme.pk, lecture.pk} <= ids(client.get(MEETINGS, {"organization": org["branch"].pk}))
    assert other.pk not in ids(client.get(MEETINGS, {"organization": org["branch"].pk}))
    assert {theme.pk, other.pk, lecture.pk} <= ids(client.get(MEETINGS, {"organization": org["community"].pk}))
    assert ids(client.get(MEETINGS, {"kind": "party_lecture", "organization": org["branch"].pk})) == {lecture.pk}
    in_march = ids(client.get(MEETINGS, {"from": "2026-03-01", "to": "2026-03-31"}))
    assert {theme.pk, other.pk} <= in_march and lecture.pk not in in_march
    services.meeting_cancel(actor=None, meeting=theme, reason="台风")
    assert ids(client.get(MEETINGS, {"status": "cancelled"})) >= {theme.pk}
    assert theme.pk not in ids(client.get(MEETINGS, {"status": "planned"}))
    assert client.get(MEETINGS, {"organization": "x"}).status_code == 400
    assert client.get(MEETINGS, {"from": "not a day"}).status_code == 400


def test_planning_through_the_api(client_for, org):
    data = {"organization": org["branch"].pk, "kind": "theme_day", "topic": "主题党日",
            "starts_at": "2026-12-01T09:00:00+08:00", "place": "社区活动室"}
    response = post(client_for("branch"), MEETINGS, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "planned" and body["invited_count"] == org["branch"].members.on_roll().count()
    # Another branch's secretary does not see the branch: it answers as a missing one.
    response = post(client_for("sibling"), MEETINGS, data)
    assert response.status_code == 400 and "organization" in response.json()
    assert post(client_for("member"), MEETINGS, data).status_code == 403
    # The service's own checks come back field by field.
    response = post(client_for("branch"), MEETINGS, {**data, "kind": "group_meeting"})
    assert response.status_code == 400 and "kind" in response.json()


def test_recording_credits_hours_and_changes_compliance(client_for, org, personas):
    branch = org["branch"]
    meeting = plan(branch)
    local = timezone.localtime(meeting.starts_at)

    def this_month(rows):
        return [r for r in rows if r["organization"] == branch.pk and r["kind"] == "theme_day"
                and r["period"] == "month" and r["period_index"] == local.month]

    client = client_for("branch")
    before = client.get("/api/v1/compliance/", {"org": branch.pk, "year": local.year}).json()["rows"]
    assert [(r["held"], r["missing"]) for r in this_month(before)] == [(0, 1)]

    rows = list(meeting.attendances.order_by("pk"))
    own = personas["member"].member.pk
    attendance = [{"member": a.member_id, "status": "present"} for a in rows[:10]]
    attendance += [{"member": own, "status": "present"}] if own not in {a.member_id for a in rows[:10]} else []
    attendance.append({"member": rows[-1].member_id, "status": "leave", "leave_reason": ""})
    url = f"{MEETINGS}{meeting.pk}/record/"
    response = post(client, url, {"attendance": attendance, "minutes": "书记领学。"})
    assert response.status_code == 400 and "attendance" in response.json()
    attendance[-1]["leave_reason"] = "出差"
    response = post(client, url, {"attendance": [*attendance, {"member": 10**9, "status": "present"}],
                                  "minutes": "书记领学。"})
    assert response.status_code == 400
    response = post(client, url, {"attendance": attendance, "minutes": "书记领学。",
                                  "resolutions": [{"text": "开展志愿服务", "votes_for": 5}]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "recorded" and body["present_count"] == len(attendance) - 1
    assert body["rule_version"] and len(body["resolutions"]) == 1
    on_leave = next(a for a in body["attendances"] if a["member"] == rows[-1].member_id)
    assert on_leave["status"] == "leave" and on_leave["leave_reason"] == "出差"

    records = StudyRecord.objects.filter(meeting=meeting)
    assert records.count() == len(attendance) - 1
    assert set(records.values_list("hours", flat=True)) == {Meeting.objects.get(pk=meeting.pk).study_hours}
    after = client.get("/api/v1/compliance/", {"org": branch.pk, "year": local.year}).json()["rows"]
    assert [(r["held"], r["missing"], r["status"]) for r in this_month(after)] == [(1, 0, "ok")]

    # Study records: the member sees their own hours only; the secretary sees the branch's.
    mine = client_for("member").get("/api/v1/study-records/", {"year": local.year, "page_size": 200}).json()
    assert mine["count"] >= 1 and {r["member"] for r in mine["results"]} == {own}
    branch_rows = client_for("branch").get("/api/v1/study-records/", {"year": local.year, "page_size": 200}).json()
    assert {r.member_id for r in records} <= {r["member"] for r in branch_rows["results"]}
    filtered = client_for("branch").get("/api/v1/study-records/", {"member": rows[0].member_id}).json()
    assert {r["member"] for r in filtered["results"]} == {rows[0].member_id}
    assert client_for("sibling").get("/api/v1/study-records/", {"member": own}).json()["count"] == 0
    assert client_for("branch").get("/api/v1/study-records/", {"year": "abc"}).status_code == 400


def test_cancel(client_for, org):
    meeting = plan(org["branch"], when=timezone.now() + datetime.timedelta(days=3))
    url = f"{MEETINGS}{meeting.pk}/cancel/"
    client = client_for("branch")
    response = post(client, url, {"reason": " "})
    assert response.status_code == 400 and "reason" in response.json()
    response = post(client, url, {"reason": "台风预警"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert post(client, url, {"reason": "again"}).status_code == 400
    response = post(client, f"{MEETINGS}{meeting.pk}/record/", {"attendance": [], "minutes": "x"})
    assert response.status_code == 400


def test_members_sign_in_with_the_code(client_for, org, personas):
    meeting = plan(org["branch"], when=timezone.now())
    client = client_for("member")
    wrong = "000000" if meeting.sign_in_code != "000000" else "111111"
    response = post(client, f"{MEETINGS}sign-in/", {"code": wrong})
    assert response.status_code == 400 and "code" in response.json()
    response = post(client, f"{MEETINGS}sign-in/", {"code": meeting.sign_in_code})
    assert response.status_code == 200 and response.json()["id"] == meeting.pk
    row = meeting.attendances.get(member=personas["member"].member)
    assert row.status == AttendanceStatus.PRESENT and row.self_signed and row.signed_in_at
    # The auditor holds no member record: the service refuses.
    assert post(client_for("auditor"), f"{MEETINGS}sign-in/", {"code": meeting.sign_in_code}).status_code == 400
    assert post(client_for(None), f"{MEETINGS}sign-in/", {"code": meeting.sign_in_code}).status_code in (401, 403)


def test_compliance_matches_the_selector(client_for, org):
    branch, year = org["branch"], timezone.localdate().year
    services.meeting_record(actor=None, meeting=plan(branch), minutes="记录",
                            attendance={})
    response = client_for("branch").get("/api/v1/compliance/", {"org": branch.pk, "year": year})
    assert response.status_code == 200
    body = response.json()
    assert body["organization"] == branch.pk and body["year"] == year
    expected = [
        {"organization": r.organization.pk, "kind": r.kind, "period": r.span.period, "period_index": r.span.index,
         "start": r.span.start.isoformat(), "end": r.span.end.isoformat(), "required": r.required, "held": r.held,
         "missing": r.missing, "status": r.status, "rule_version": r.rule_version}
        for r in selectors.compliance(branch, year)
    ]
    assert expected and [{k: row[k] for k in expected[0]} for row in body["rows"]] == expected
    assert {row["status"] for row in body["rows"]} <= {"ok", "due", "overdue"}

    # A subtree: the community committee's report covers both of its branches.
    rows = client_for("community").get("/api/v1/compliance/", {"org": org["community"].pk, "year": year}).json()
    assert {org["branch"].pk, org["sibling"].pk} <= {r["organization"] for r in rows["rows"]}


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"org": "BRANCH"}, "year", "Give the year: year=<yyyy>."),
    ({"org": "BRANCH", "year": "20x6"}, "year", "The year is four digits, such as 2026."),
    ({"org": "BRANCH", "year": "26"}, "year", "The year is four digits, such as 2026."),
    ({"year": "2026"}, "org", "Name the organization: org=<id>."),
    ({"org": "abc", "year": "2026"}, "org", "The organization is named by its number: org=<id>."),
])
def test_compliance_refuses_a_missing_or_malformed_query(client_for, org, params, field, message):
    params = {k: (org["branch"].pk if v == "BRANCH" else v) for k, v in params.items()}
    response = client_for("branch").get("/api/v1/compliance/", params)
    assert response.status_code == 400
    # The message in the interface language (Chinese once the msgid is translated).
    assert response.json() == {field: [gettext(message)]}


def test_compliance_of_an_organization_out_of_sight_is_missing(client_for, org):
    assert client_for("sibling").get("/api/v1/compliance/", {"org": org["branch"].pk, "year": 2026}).status_code == 404
    assert client_for("branch").get("/api/v1/compliance/", {"org": 10**9, "year": 2026}).status_code == 404
    assert client_for(None).get("/api/v1/compliance/", {"org": org["branch"].pk, "year": 2026}).status_code in (401, 403)


def test_lists_take_a_bounded_number_of_queries(client_for, org, django_assert_max_num_queries):
    for day in range(1, 13):
        meeting = plan(org["branch"], when=timezone.now() - datetime.timedelta(days=day))
        rows = meeting.attendances.all()
        services.meeting_record(actor=None, meeting=meeting, minutes="记录",
                                attendance={a.member_id: (AttendanceStatus.PRESENT, "") for a in rows})
    assert StudyRecord.objects.filter(meeting__organization=org["branch"]).count() > 50
    for persona in ("branch", "member", "community"):
        client = client_for(persona)
        with django_assert_max_num_queries(7):
            response = client.get(MEETINGS, {"page_size": 200})
        assert response.json()["count"] >= 12
        with django_assert_max_num_queries(7):
            response = client.get("/api/v1/study-records/", {"page_size": 200})
        assert response.json()["count"] >= 12
    meeting_id = response.json()["results"][0]["meeting"]
    client = client_for("branch")
    with django_assert_max_num_queries(10):
        detail = client.get(f"{MEETINGS}{meeting_id}/")
    assert detail.json()["status"] == MeetingStatus.RECORDED


def test_compliance_can_list_only_the_rows_not_met(client_for, org):
    response = client_for("community").get("/api/v1/compliance/", {"org": org["community"].pk, "year": 2026,
                                                                     "behind": "true"})
    rows = response.json()["rows"]
    assert rows and all(r["status"] in ("due", "overdue") and r["missing"] > 0 for r in rows)
