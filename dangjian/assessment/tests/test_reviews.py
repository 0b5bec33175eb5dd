"""Work-report reviews (述职评议): opening a round, submitting reports, who may rate, one rating per
rater, the closing date, the score computed by hand, the pages, the export and the workbench."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.accounts.models import User
from dangjian.assessment import selectors_followup as selectors
from dangjian.assessment.choices import RaterCapacity, ReportGrade, ReviewRoundStatus
from dangjian.assessment.models import ReviewRound, WorkReportRating
from dangjian.assessment.services_followup import (
    rater_capacity,
    review_round_close,
    review_round_open,
    work_report_rate,
    work_report_submit,
)
from dangjian.assessment.workbench_followup import items as workbench_items
from dangjian.core.models import AuditEntry
from dangjian.core.spreadsheets import choice_label
from dangjian.members.models import Member
from dangjian.organizations.models import LeadershipPost, Organization

from .fixtures_followup import PDF, REPORT_TEXT, open_round

pytestmark = pytest.mark.django_db
G = ReportGrade


def _report(personas, org, *, submit=True, **kwargs):
    round_ = open_round(personas, **kwargs)
    report = round_.reports.select_related("round", "organization", "reporter").get(organization=org["branch"])
    if submit:
        work_report_submit(actor=personas["branch"], report=report, text=REPORT_TEXT)
        report.refresh_from_db()
    return report


def _member_users(org_obj, n, prefix="rater"):
    """``n`` accounts linked to full members of ``org_obj`` who hold no post (not the reporter)."""
    members = list(org_obj.members.filter(status="full", user__isnull=True, posts__isnull=True).order_by("id")[:n])
    assert len(members) == n
    users = []
    for i, member in enumerate(members):
        user = User.objects.create(username=f"{prefix}{org_obj.pk}-{i}")
        member.user = user
        member.save(update_fields=["user"])
        users.append(user)
    return users


# ---------------------------------------------------------------------------------------------
# Opening a round

def test_open_creates_one_report_per_organization_with_the_secretary_as_reporter(org, personas):
    round_ = open_round(personas)
    branches = list(Organization.objects.get_children(org["community"]).filter(status="active"))
    assert round_.reports.count() == len(branches) >= 2
    assert round_.upper_weight == Decimal("0.50") and round_.rule_version
    secretary = LeadershipPost.objects.current().get(organization=org["branch"], kind__code="secretary").member
    assert round_.reports.get(organization=org["branch"]).reporter == secretary
    assert secretary.user == personas["branch"]
    assert AuditEntry.objects.filter(action="assessment.review_round_opened", object_id=str(round_.pk)).exists()


def test_open_needs_add_over_the_running_organization_and_organizations_strictly_below(org, personas):
    today = timezone.localdate()
    args = {"year": today.year, "title": "述职评议", "rate_until": today + datetime.timedelta(days=7)}
    with pytest.raises(PermissionDenied):
        review_round_open(actor=personas["branch"], organization=org["community"], organizations=[org["branch"]],
                          **args)
    with pytest.raises(ValidationError) as exc:  # the running organization itself does not report
        review_round_open(actor=personas["community"], organization=org["community"],
                          organizations=[org["community"]], **args)
    assert "organizations" in exc.value.message_dict
    other = Organization.objects.get(name="中共临江市青山镇委员会")
    with pytest.raises(ValidationError):
        review_round_open(actor=personas["city"], organization=org["community"], organizations=[other], **args)
    with pytest.raises(ValidationError) as exc:
        review_round_open(actor=personas["community"], organization=org["community"], organizations=[], **args)
    assert "organizations" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        review_round_open(actor=personas["community"], organization=org["community"], organizations=[org["branch"]],
                          **{**args, "rate_until": today - datetime.timedelta(days=1)})
    assert "rate_until" in exc.value.message_dict
    assert not ReviewRound.objects.exists()


# ---------------------------------------------------------------------------------------------
# Submitting

def test_submit_needs_50_characters_or_a_file_and_the_reporter_or_a_secretary_over_it(org, personas):
    report = _report(personas, org, submit=False)
    with pytest.raises(ValidationError) as exc:
        work_report_submit(actor=personas["branch"], report=report, text="今年工作很好。")
    assert "text" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        work_report_submit(actor=personas["sibling"], report=report, text=REPORT_TEXT)
    with pytest.raises(PermissionDenied):
        work_report_submit(actor=personas["member"], report=report, text=REPORT_TEXT)
    report = work_report_submit(actor=personas["branch"], report=report, text="见附件",
                                file=SimpleUploadedFile("report.pdf", PDF))
    assert report.submitted_at and report.file
    assert AuditEntry.objects.filter(action="assessment.work_report_submitted", object_id=str(report.pk)).exists()


# ---------------------------------------------------------------------------------------------
# Rating

def test_score_by_hand(org, personas):
    """Upper: good, good (100, 100); members: good, fair, fair, poor (100, 60, 60, 30 → 62.5);
    weight 0.5 → 81.25 → fairly good."""
    report = _report(personas, org)
    work_report_rate(actor=personas["community"], report=report, grade=G.GOOD)
    work_report_rate(actor=personas["organizer"], report=report, grade=G.GOOD)
    for user, grade in zip(_member_users(org["branch"], 4), [G.GOOD, G.FAIR, G.FAIR, G.POOR], strict=True):
        assert work_report_rate(actor=user, report=report, grade=grade).capacity == RaterCapacity.MEMBER
    row = next(r for r in selectors.report_rows(report.round) if r.report.pk == report.pk)
    assert row.upper == {"good": 2, "fairly_good": 0, "fair": 0, "poor": 0}
    assert row.member == {"good": 1, "fairly_good": 0, "fair": 2, "poor": 1}
    assert row.score == Decimal("81.25") and row.grade == G.FAIRLY_GOOD


@pytest.mark.parametrize(("upper", "member", "weight", "score"), [
    ({"good": 2}, {"good": 1, "fair": 2, "poor": 1}, "0.5", "81.25"),
    ({"good": 1}, {}, "0.5", "100.00"),                 # members silent: the upper level alone
    ({}, {"fair": 1, "poor": 1}, "0.7", "45.00"),       # upper silent: members alone
    ({"poor": 1}, {"good": 1}, "0.7", "51.00"),
    ({}, {}, "0.5", None),
])
def test_overall_score(upper, member, weight, score):
    points = {"good": Decimal(100), "fairly_good": Decimal(80), "fair": Decimal(60), "poor": Decimal(30)}
    result = selectors.overall_score(upper, member, Decimal(weight), points)
    assert result == (Decimal(score) if score else None)


def test_grade_bands_take_the_highest_band_reached(org, personas):
    rules = selectors.ScoreRules.for_round(open_round(personas))
    assert [rules.grade_for(Decimal(s)) for s in ("90", "89.99", "75", "60", "59.99", "0")] == [
        G.GOOD, G.FAIRLY_GOOD, G.FAIRLY_GOOD, G.FAIR, G.POOR, G.POOR]
    assert rules.grade_for(None) == ""


def test_a_later_rule_pack_does_not_move_the_scores_of_an_earlier_round(org, personas):
    """The points and bands are those in force on the day the round was opened."""
    from dangjian.core.models import RulePack

    report = _report(personas, org)
    work_report_rate(actor=personas["community"], report=report, grade=G.FAIRLY_GOOD)
    round_ = report.round
    today = timezone.localdate()
    ReviewRound.objects.filter(pk=round_.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    round_.refresh_from_db()
    before = next(r for r in selectors.report_rows(round_) if r.report.pk == report.pk)
    assert (before.score, before.grade) == (Decimal("80.00"), G.FAIRLY_GOOD)
    RulePack.objects.create(code="assessment", version="2026.9", title="述职评议新分值",
                            effective_from=today - datetime.timedelta(days=30), data={"assessment": {
                                "report_grade_points": {"good": 100, "fairly_good": 95, "fair": 70, "poor": 40},
                                "report_grade_bands": {"good": 95, "fairly_good": 85, "fair": 70, "poor": 0}}})
    after = next(r for r in selectors.report_rows(round_) if r.report.pk == report.pk)
    assert (after.score, after.grade) == (Decimal("80.00"), G.FAIRLY_GOOD)
    # A round opened now follows the new pack.
    ReviewRound.objects.filter(pk=round_.pk).update(created_at=timezone.now())
    round_.refresh_from_db()
    assert selectors.ScoreRules.for_round(round_).points[G.FAIRLY_GOOD] == Decimal(95)


def test_a_member_of_another_branch_cannot_rate(org, personas):
    report = _report(personas, org)
    [outsider] = _member_users(org["sibling"], 1, prefix="outsider")
    with pytest.raises(PermissionDenied):
        work_report_rate(actor=outsider, report=report, grade=G.GOOD)
    with pytest.raises(PermissionDenied):  # nor the other branch's secretary, nor the auditor
        work_report_rate(actor=personas["sibling"], report=report, grade=G.GOOD)
    with pytest.raises(PermissionDenied):
        work_report_rate(actor=personas["auditor"], report=report, grade=G.GOOD)
    assert not WorkReportRating.objects.filter(report=report).exists()


def test_the_reporter_cannot_rate_their_own_report(org, personas):
    report = _report(personas, org)
    with pytest.raises(ValidationError):
        work_report_rate(actor=personas["branch"], report=report, grade=G.GOOD)
    assert not WorkReportRating.objects.filter(report=report).exists()


def test_a_reporter_who_also_runs_the_round_cannot_rate_their_own_report(org, personas):
    """The branch's secretary reports; they also hold a secretary's role over the community running the
    round, which would make them an "upper" rater of every report but their own."""
    from dangjian.accounts.models import RoleAssignment
    from dangjian.core.access import Role

    report = _report(personas, org)
    reporter = User.objects.get(pk=personas["branch"].pk)
    RoleAssignment.objects.create(user=reporter, role=Role.SECRETARY, organization=org["community"])
    assert report.reporter.user_id == reporter.pk
    assert rater_capacity(reporter, report) is None
    with pytest.raises(ValidationError):
        work_report_rate(actor=reporter, report=report, grade=G.GOOD)
    assert not WorkReportRating.objects.filter(report=report).exists()
    # Another branch's report of the same round they rate as the upper level.
    other = report.round.reports.exclude(pk=report.pk).first()
    work_report_submit(actor=personas["community"], report=other, text=REPORT_TEXT)
    assert rater_capacity(reporter, other) == RaterCapacity.UPPER


def test_a_rating_is_refused_once_the_round_closed_under_it(org, personas):
    """The page was loaded while the round was open; it was closed before the rating was saved."""
    report = _report(personas, org)
    assert report.round.status == ReviewRoundStatus.OPEN  # loaded with the page
    ReviewRound.objects.filter(pk=report.round_id).update(status=ReviewRoundStatus.CLOSED)
    with pytest.raises(ValidationError):
        work_report_rate(actor=personas["community"], report=report, grade=G.GOOD)
    assert not WorkReportRating.objects.filter(report=report).exists()


def test_one_rating_per_rater_changeable_until_ratings_close(org, personas):
    report = _report(personas, org)
    work_report_rate(actor=personas["member"], report=report, grade=G.POOR)
    work_report_rate(actor=personas["member"], report=report, grade=G.GOOD, comment="改为好")
    ratings = WorkReportRating.objects.filter(report=report)
    assert list(ratings.values_list("rater", "capacity", "grade")) == [
        (personas["member"].pk, RaterCapacity.MEMBER, G.GOOD)]


def test_ratings_need_a_submitted_report_an_open_round_and_the_closing_day(org, personas):
    report = _report(personas, org, submit=False)
    with pytest.raises(ValidationError):
        work_report_rate(actor=personas["community"], report=report, grade=G.GOOD)
    work_report_submit(actor=personas["branch"], report=report, text=REPORT_TEXT)
    report.refresh_from_db()
    ReviewRound.objects.filter(pk=report.round_id).update(rate_until=timezone.localdate() - datetime.timedelta(days=1))
    report.round.refresh_from_db()
    with pytest.raises(ValidationError):
        work_report_rate(actor=personas["member"], report=report, grade=G.GOOD)
    ReviewRound.objects.filter(pk=report.round_id).update(rate_until=timezone.localdate())
    report.round.refresh_from_db()
    work_report_rate(actor=personas["member"], report=report, grade=G.GOOD)  # the last day still counts
    review_round_close(actor=personas["community"], round=report.round)
    report.round.refresh_from_db()
    assert report.round.status == ReviewRoundStatus.CLOSED
    with pytest.raises(ValidationError):
        work_report_rate(actor=personas["member"], report=report, grade=G.POOR)
    with pytest.raises(ValidationError):
        work_report_submit(actor=personas["branch"], report=report, text=REPORT_TEXT + "补充")
    assert WorkReportRating.objects.get(report=report).grade == G.GOOD


def test_a_rated_report_can_no_longer_be_changed(org, personas):
    report = _report(personas, org)
    work_report_rate(actor=personas["community"], report=report, grade=G.GOOD)
    with pytest.raises(ValidationError):
        work_report_submit(actor=personas["branch"], report=report, text=REPORT_TEXT + "补充")


def test_only_the_upper_level_closes_a_round(org, personas):
    round_ = open_round(personas)
    with pytest.raises(PermissionDenied):
        review_round_close(actor=personas["branch"], round=round_)
    review_round_close(actor=personas["community"], round=round_)
    with pytest.raises(ValidationError):
        review_round_close(actor=personas["community"], round=round_)


# ---------------------------------------------------------------------------------------------
# Pages

def test_round_page_shows_counts_scores_and_takes_few_queries(client_for, org, personas,
                                                              django_assert_max_num_queries):
    report = _report(personas, org)
    work_report_rate(actor=personas["community"], report=report, grade=G.GOOD)
    work_report_rate(actor=personas["member"], report=report, grade=G.FAIR)
    client = client_for("community")
    with django_assert_max_num_queries(14):
        response = client.get(f"/assessment/reviews/{report.round_id}/")
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.report.pk == report.pk)
    assert (row.upper_total, row.member_total, row.score, row.grade) == (1, 1, Decimal("80.00"), G.FAIRLY_GOOD)
    assert client_for("branch").get(f"/assessment/reviews/{report.round_id}/").status_code == 404
    assert client_for("sibling").get(f"/assessment/reviews/{report.round_id}/").status_code == 404


def test_report_page_rating_by_a_member_on_the_phone(client_for, org, personas):
    report = _report(personas, org)
    client = client_for("member")
    page = client.get(f"/assessment/reports/{report.pk}/")
    assert page.status_code == 200 and page.context["may_rate"] and page.context["capacity"] == RaterCapacity.MEMBER
    assert 'class="btn-check"' in page.content.decode()
    response = client.post(f"/assessment/reports/{report.pk}/", {"form": "rate", "rate-grade": "good"})
    assert response.status_code == 302
    assert WorkReportRating.objects.get(report=report).grade == G.GOOD
    # Members' ratings are shown as counts only: the upper level's page names nobody from the members.
    body = client_for("community").get(f"/assessment/reports/{report.pk}/").content.decode()
    assert personas["member"].get_full_name() not in body
    assert [n for _g, _l, n in client_for("community").get(f"/assessment/reports/{report.pk}/")
            .context["member_tallies"]] == [1, 0, 0, 0]
    # The reporter sees their report but gets no rating form; a member of another branch does not see it.
    reporter = client_for("branch").get(f"/assessment/reports/{report.pk}/")
    assert reporter.status_code == 200 and reporter.context["rate_form"] is None
    assert client_for("branch").post(f"/assessment/reports/{report.pk}/", {"form": "rate", "rate-grade": "good"}
                                     ).status_code == 403
    assert client_for("sibling").get(f"/assessment/reports/{report.pk}/").status_code == 404


def test_report_page_submit_form(client_for, org, personas):
    report = _report(personas, org, submit=False)
    client = client_for("branch")
    assert client.get(f"/assessment/reports/{report.pk}/").context["submit_form"] is not None
    short = client.post(f"/assessment/reports/{report.pk}/", {"form": "submit", "report-text": "很好"})
    assert short.status_code == 400 and short.context["submit_form"].errors["text"]
    done = client.post(f"/assessment/reports/{report.pk}/", {"form": "submit", "report-text": REPORT_TEXT,
                                                            "report-file": SimpleUploadedFile("r.pdf", PDF)})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.submitted_at and report.file
    assert client_for("member").get(f"/assessment/reports/{report.pk}/file/").status_code == 200


def test_rounds_page_lists_reports_to_rate_for_members(client_for, org, personas):
    report = _report(personas, org)
    response = client_for("member").get("/assessment/reviews/")
    assert [r.pk for r in response.context["to_rate"]] == [report.pk]
    assert response.context["rounds"] == []
    work_report_rate(actor=personas["member"], report=report, grade=G.GOOD)
    assert client_for("member").get("/assessment/reviews/").context["to_rate"] == []
    assert client_for("sibling").get("/assessment/reviews/").context["to_rate"] == []


def test_create_page_opens_a_round(client_for, org, personas):
    client = client_for("community")
    page = client.get("/assessment/reviews/new/", {"org": org["community"].pk})
    assert page.status_code == 200
    branch_ids = set(Organization.objects.get_children(org["community"]).values_list("pk", flat=True))
    assert set(page.context["form"].fields["organizations"].initial) == branch_ids
    today = timezone.localdate()
    response = client.post("/assessment/reviews/new/", {
        "running": org["community"].pk, "title": "书记述职", "year": today.year,
        "rate_until": (today + datetime.timedelta(days=10)).isoformat(), "organizations": [org["branch"].pk]})
    assert response.status_code == 302
    round_ = ReviewRound.objects.get(title="书记述职")
    assert list(round_.reports.values_list("organization", flat=True)) == [org["branch"].pk]
    # The community is out of the branch secretary's sight: answered as missing.
    assert client_for("branch").get("/assessment/reviews/new/", {"org": org["community"].pk}).status_code == 404
    assert client_for("branch").get("/assessment/reviews/new/", {"org": org["branch"].pk}).status_code == 403


def test_export_is_audited(client_for, org, personas):
    report = _report(personas, org)
    work_report_rate(actor=personas["community"], report=report, grade=G.GOOD)
    response = client_for("community").get(f"/assessment/reviews/{report.round_id}/export/")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="assessment.review_round_exported", object_id=str(report.round_id)).exists()
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    branch_row = next(r for r in rows if r[0] == org["branch"].name)
    assert branch_row[-2] == 100 and branch_row[-1] == choice_label(ReportGrade, G.GOOD)
    assert client_for("auditor").get(f"/assessment/reviews/{report.round_id}/export/").status_code == 403


def test_workbench_asks_members_to_rate_and_the_reporter_to_submit(org, personas):
    today = timezone.localdate()
    report = _report(personas, org, submit=False)
    branch_items = workbench_items(user=personas["branch"], today=today)
    assert any(f"/assessment/reports/{report.pk}/" in i["url"] for i in branch_items)
    assert not [i for i in workbench_items(user=personas["member"], today=today) if "reviews" in i["url"]]
    work_report_submit(actor=personas["branch"], report=report, text=REPORT_TEXT)
    member_items = [i for i in workbench_items(user=personas["member"], today=today) if "reviews" in i["url"]]
    assert len(member_items) == 1 and member_items[0]["when"] == report.round.rate_until
    community_items = [i for i in workbench_items(user=personas["community"], today=today) if "reviews" in i["url"]]
    assert community_items
    assert not [i for i in workbench_items(user=personas["sibling"], today=today) if "reviews" in i["url"]]
    assert Member.objects.filter(user=personas["member"]).exists()
