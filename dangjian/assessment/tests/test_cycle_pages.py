"""The cycle pages: who sees them, opening a cycle through its form, recording and walking an assessment's
steps through the page forms, the exports (xlsx, Word) and the cycle page's fixed number of queries."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext
from docx import Document
from openpyxl import load_workbook

from dangjian.assessment.choices import AssessmentStatus, Verdict
from dangjian.assessment.models import AssessmentLog, CriterionResult, Cycle, Evidence, Scheme
from dangjian.assessment.services_cycles import cycle_open, recompute
from dangjian.core.models import AuditEntry
from dangjian.organizations.models import Organization

from .fixtures_cycles import judged_scheme, set_results, villages_under, walk_to_approval

PERIOD = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 10, 31)}


@pytest.fixture
def checklist(personas, org):
    """A 六个有 checklist (judged, no evidence needed) run by the street over 滨河社区党委 and 望江社区党委."""
    scheme = judged_scheme("liu-ge-you")
    communities = list(Organization.objects.filter(name__in=["滨河社区党委", "望江社区党委"]).order_by("path"))
    cycle = cycle_open(actor=personas["organizer"], scheme=scheme, organization=org["street"], name="页面测试六个有",
                       year=2026, organizations=communities, **PERIOD)
    return cycle, cycle.assessments.get(organization__name="滨河社区党委")


def test_pages_render_for_those_who_see_the_cycle(client_for, checklist):
    cycle, assessment = checklist
    for persona in ("city", "organizer", "community", "auditor"):
        client = client_for(persona)
        page = client.get(f"/assessment/cycles/{cycle.pk}/")
        assert page.status_code == 200, persona
        assert f"/assessment/a/{assessment.pk}/" in page.content.decode()
        assert client.get(f"/assessment/a/{assessment.pk}/").status_code == 200
        assert cycle.name in client.get("/assessment/").content.decode()
    for persona in ("sibling", "branch", "member", "grid"):
        client = client_for(persona)
        assert client.get(f"/assessment/cycles/{cycle.pk}/").status_code == 404, persona
        assert client.get(f"/assessment/a/{assessment.pk}/").status_code == 404, persona
        assert cycle.name not in client.get("/assessment/").content.decode()


def test_community_secretary_sees_only_its_own_row(client_for, checklist):
    cycle, _ = checklist
    rows = client_for("community").get(f"/assessment/cycles/{cycle.pk}/").context["page_obj"].object_list
    assert [r.organization.name for r in rows] == ["滨河社区党委"]
    rows = client_for("organizer").get(f"/assessment/cycles/{cycle.pk}/").context["page_obj"].object_list
    assert {r.organization.name for r in rows} == {"滨河社区党委", "望江社区党委"}


def test_open_form_offers_the_communities_and_opens_a_cycle(client_for, org):
    client = client_for("organizer")
    scheme = Scheme.objects.get(code="community-tiers", version=1)
    page = client.get("/assessment/cycles/new/", {"scheme": scheme.pk, "organization": org["street"].pk})
    offered = {o.name for o in page.context["form"].eligible}
    assert "滨河社区党委" in offered and "望江社区党委" in offered
    # One organization per community: not its branches, nor the committee grouping the communities.
    assert not offered & {"滨河社区第一党支部", "江滨街道居民区党委", "滨河社区1号楼党小组"}
    # The default name is the translated "%(year)d %(scheme)s" (zh-hans: "2026年度…" once translated).
    default = gettext("%(year)d %(scheme)s") % {"year": 2026, "scheme": scheme.name}
    assert page.context["form"]["name"].initial == default
    community = Organization.objects.get(name="滨河社区党委")
    response = client.post("/assessment/cycles/new/", {
        "scheme": scheme.pk, "organization": org["street"].pk, "year": 2026, "name": "",
        "period_start": "2026-01-01", "period_end": "2026-12-31", "organizations": [community.pk]})
    cycle = Cycle.objects.get(organization=org["street"], scheme=scheme, year=2026, name=default)
    assert response.status_code == 302 and response["Location"] == f"/assessment/cycles/{cycle.pk}/"
    assert [a.organization for a in cycle.assessments.all()] == [community]


def test_open_form_refuses_bad_input_in_chinese(client_for, org):
    client = client_for("organizer")
    scheme = Scheme.objects.get(code="community-tiers", version=1)
    before = Cycle.objects.count()
    page = client.post("/assessment/cycles/new/", {"organization": org["street"].pk, "year": 2026,
                                                   "period_start": "2026-01-01", "period_end": "2026-12-31"})
    assert page.status_code == 200
    assert page.context["form"].errors["scheme"] == ["这个字段是必填项。"]
    # The service's refusal of a period ending before it starts shows beside the field; nothing is opened.
    community = Organization.objects.get(name="滨河社区党委")
    page = client.post("/assessment/cycles/new/", {
        "scheme": scheme.pk, "organization": org["street"].pk, "year": 2026, "name": "倒置的期间",
        "period_start": "2026-12-31", "period_end": "2026-01-01", "organizations": [community.pk]})
    assert "period_end" in page.context["form"].errors
    # A village cannot be rated in a community scheme under the street (it is not offered, and refused).
    village = Organization.objects.get(name="青山村党支部")
    page = client.post("/assessment/cycles/new/", {
        "scheme": scheme.pk, "organization": org["street"].pk, "year": 2026, "name": "错误的组织",
        "period_start": "2026-01-01", "period_end": "2026-12-31", "organizations": [village.pk]})
    assert "organizations" in page.context["form"].errors
    assert Cycle.objects.count() == before


def test_open_form_is_for_those_who_may_run_a_cycle(client_for):
    assert client_for("branch").get("/assessment/cycles/new/").status_code == 403
    assert client_for("member").get("/assessment/cycles/new/").status_code == 403


def test_recording_and_submitting_through_the_pages_moves_the_step(client_for, checklist):
    cycle, assessment = checklist
    results = list(assessment.results.select_related("criterion").order_by("criterion__order"))
    client = client_for("community")  # the community's secretary performs its own step
    page = client.get(f"/assessment/a/{assessment.pk}/")
    assert page.context["recording"]
    assert f"/assessment/results/{results[0].pk}/record/" in page.content.decode()
    # Submitting with criteria undecided is refused: the step stays.
    client.post(f"/assessment/a/{assessment.pk}/step/", {"action": "submit"})
    assessment.refresh_from_db()
    assert assessment.step == 0
    for result in results[:-1]:
        response = client.post(f"/assessment/results/{result.pk}/record/", {"met": "1", "note": ""})
        assert response.status_code == 302 and response["Location"].endswith(f"#c{result.pk}")
    client.post(f"/assessment/results/{results[-1].pk}/record/", {"met": "0", "note": "正在建设"})
    assessment.refresh_from_db()
    assert assessment.points == len(results) - 1 and assessment.grade == "failed"
    page = client.get(f"/assessment/a/{assessment.pk}/")
    assert page.context["detail"]["grade_name"] == "未达标"
    client.post(f"/assessment/a/{assessment.pk}/step/", {"action": "submit", "note": "自查完毕"})
    assessment.refresh_from_db()
    assert (assessment.step, assessment.status) == (1, AssessmentStatus.IN_REVIEW)
    assert AssessmentLog.objects.filter(assessment=assessment, action="submit", note="自查完毕").exists()
    # The community no longer records at the street's step; the street's organizer reviews.
    assert not client.get(f"/assessment/a/{assessment.pk}/").context["recording"]
    client.post(f"/assessment/results/{results[0].pk}/record/", {"met": "0"})
    assert CriterionResult.objects.get(pk=results[0].pk).met is True
    reviewer = client_for("organizer")
    page = reviewer.get(f"/assessment/a/{assessment.pk}/")
    assert page.context["reviewing"]
    assert [code for code, _ in page.context["actions"]] == ["approve", "return"]
    reviewer.post(f"/assessment/results/{results[0].pk}/review/", {"verdict": "rejected", "note": ""})
    assert CriterionResult.objects.get(pk=results[0].pk).verdict == Verdict.PENDING  # a rejection needs a reason
    reviewer.post(f"/assessment/results/{results[0].pk}/review/", {"verdict": "rejected", "note": "制度未上墙"})
    assert CriterionResult.objects.get(pk=results[0].pk).met is False
    # A return needs a comment (refused by the form, in Chinese): nothing moves.
    response = reviewer.post(f"/assessment/a/{assessment.pk}/step/", {"action": "return", "note": ""}, follow=True)
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    assessment.refresh_from_db()
    assert assessment.step == 1
    reviewer.post(f"/assessment/a/{assessment.pk}/step/", {"action": "approve", "note": "同意"})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.APPROVED and assessment.points == len(results) - 2


def test_evidence_through_the_page_and_its_file(client_for, personas, org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    scheme = judged_scheme("liu-ge-you", evidence=None)
    community = Organization.objects.get(name="滨河社区党委")
    cycle = cycle_open(actor=personas["organizer"], scheme=scheme, organization=org["street"], name="证据测试",
                       year=2026, organizations=[community], **PERIOD)
    result = cycle.assessments.get().results.first()
    client = client_for("community")
    client.post(f"/assessment/results/{result.pk}/evidence/", {"kind": "record", "record_url": "https://evil.example/"})
    assert not Evidence.objects.filter(result=result).exists()
    client.post(f"/assessment/results/{result.pk}/evidence/", {"kind": "record", "record_url": f"/orgs/{community.pk}/",
                                                              "caption": "场所台账"})
    client.post(f"/assessment/results/{result.pk}/evidence/", {
        "kind": "file", "file": SimpleUploadedFile("制度.pdf", b"%PDF-1.4 test", content_type="application/pdf")})
    evidence = list(Evidence.objects.filter(result=result).order_by("id"))
    assert [e.kind for e in evidence] == ["record", "file"]
    page = client.get(f"/assessment/a/{cycle.assessments.get().pk}/").content.decode()
    assert f"/orgs/{community.pk}/" in page and f"/assessment/evidence/{evidence[1].pk}/" in page
    download = client.get(f"/assessment/evidence/{evidence[1].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert client_for("sibling").get(f"/assessment/evidence/{evidence[1].pk}/").status_code == 404
    assert client_for("community").get(f"/assessment/evidence/{evidence[0].pk}/").status_code == 404  # a link


@pytest.fixture
def approved_stars(personas, org):
    """A judged star cycle over three new villages, approved: 先进 (9 stars), 一般 (6), 后进 by a veto item."""
    villages = villages_under(org["town"], 3, prefix="页面村")
    scheme = judged_scheme("village-stars")
    cycle = cycle_open(actor=personas["city"], scheme=scheme, organization=org["city"], name="页面星级评定",
                       year=2026, organizations=villages, **PERIOD)
    codes = [c.code for c in scheme.criteria.filter(is_veto=False).order_by("order")]
    vetoes = [c.code for c in scheme.criteria.filter(is_veto=True)]
    plans = [(9, False), (6, False), (7, True)]
    for village, (stars, vetoed) in zip(villages, plans, strict=True):
        assessment = cycle.assessments.get(organization=village)
        met = {code: i < stars for i, code in enumerate(codes)}
        met.update({code: not (vetoed and i == 0) for i, code in enumerate(vetoes)})
        set_results(assessment, met)
        walk_to_approval(recompute(assessment))
    return cycle, villages


def test_exports_hold_the_counts(client_for, approved_stars):
    cycle, villages = approved_stars
    client = client_for("city")
    response = client.get(f"/assessment/cycles/{cycle.pk}/results.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    results, summary = book.worksheets[0], book.worksheets[1]
    rows = list(results.iter_rows(values_only=True))
    header = rows[0]
    by_org = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_org) == {v.name for v in villages}
    # The grade column comes fifth from the end (before veto, target, whether reached, movement).
    assert [by_org[v.name][header[-5]] for v in villages] == ["先进", "一般", "后进"]
    assert by_org[villages[0].name]["班子建设星"] == "是"
    distribution = {row[0]: row[1] for row in summary.iter_rows(values_only=True)}
    assert (distribution["先进"], distribution["一般"], distribution["后进"]) == (1, 1, 1)
    assert AuditEntry.objects.filter(action="assessment.cycle_exported", object_id=str(cycle.pk)).count() == 1

    response = client.get(f"/assessment/cycles/{cycle.pk}/results.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert table[1:4] == [["先进", "1", "33.33%"], ["一般", "1", "33.33%"], ["后进", "1", "33.33%"]]
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{cycle.name}评定结果" in text
    assert "50.00%" in text  # star rate: 15 of 30 stars (the vetoed village earns none)
    assert all(v.name in text for v in villages)
    assert AuditEntry.objects.filter(action="assessment.cycle_exported", object_id=str(cycle.pk)).count() == 2


def test_exports_are_for_those_who_may_export(client_for, checklist):
    cycle, _ = checklist
    assert client_for("community").get(f"/assessment/cycles/{cycle.pk}/results.xlsx").status_code == 403
    assert client_for("auditor").get(f"/assessment/cycles/{cycle.pk}/results.docx").status_code == 403
    assert client_for("sibling").get(f"/assessment/cycles/{cycle.pk}/results.docx").status_code == 404


def test_cycle_page_shows_distribution_and_star_rate(client_for, approved_stars):
    cycle, _ = approved_stars
    page = client_for("city").get(f"/assessment/cycles/{cycle.pk}/")
    dist = page.context["dist"]
    assert [(g.name, g.count) for g in dist.rows] == [("先进", 1), ("一般", 1), ("后进", 1)]
    assert str(dist.star_rate) == "50.00"
    body = page.content.decode()
    assert 'id="grade-data"' in body and "50.00%" in body
    sorted_rows = client_for("city").get(f"/assessment/cycles/{cycle.pk}/", {"sort": "grade"}).context["page_obj"].object_list
    assert [r.grade_name for r in sorted_rows] == ["先进", "一般", "后进"]
    only = client_for("city").get(f"/assessment/cycles/{cycle.pk}/", {"grade": "lagging"}).context["page_obj"].object_list
    assert [r.vetoed for r in only] == [True]


def test_org_history_lists_every_rating(client_for, approved_stars):
    cycle, villages = approved_stars
    page = client_for("city").get(f"/assessment/orgs/{villages[0].pk}/history/")
    assert [(r.cycle.pk, r.grade_name, r.movement) for r in page.context["rows"]] == [(cycle.pk, "先进", "new")]
    assert client_for("sibling").get(f"/assessment/orgs/{villages[0].pk}/history/").status_code == 404


def _cycle_page_queries(client, cycle) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/assessment/cycles/{cycle.pk}/").status_code == 200
    return len(queries)


def test_cycle_page_queries_do_not_grow_with_organizations(client_for, personas, org):
    scheme = judged_scheme("village-stars")
    villages = villages_under(org["town"], 10, prefix="查询村")
    small = cycle_open(actor=personas["city"], scheme=scheme, organization=org["city"], name="三个村", year=2026,
                       organizations=villages[:3], **PERIOD)
    large = cycle_open(actor=personas["city"], scheme=scheme, organization=org["city"], name="十个村", year=2026,
                       organizations=villages, **PERIOD)
    for cycle in (small, large):
        for assessment in cycle.assessments.all():
            CriterionResult.objects.filter(assessment=assessment).update(met=True)
            if assessment.organization in villages[:2]:
                walk_to_approval(recompute(assessment))
    client = client_for("city")
    _cycle_page_queries(client, small)  # warm the session and caches alike
    assert _cycle_page_queries(client, large) <= _cycle_page_queries(client, small)
