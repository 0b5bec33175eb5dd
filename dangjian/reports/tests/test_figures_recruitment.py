"""The recruitment section: the pipeline by stage on a day and the steps taken in the year, for a
small branch whose files are walked through the recruitment services."""
import datetime

import pytest
from django.utils import timezone

from conftest import DEMO_TODAY
from dangjian.recruitment import services
from dangjian.recruitment.tests.factories import advance, new_file
from dangjian.reports.figures import Scope, recruitment
from dangjian.reports.tests.test_figures_orglife import new_branch, person

D = datetime.date
STAGES = ["applicant", "activist", "candidate", "admission", "probation"]


def done(applicant, number):
    return applicant.steps.get(number=number).done_on


@pytest.fixture
def files(org):
    branch = new_branch(org["community"], "FIGR01", on=D(2020, 1, 1))
    for name in ("甲", "乙", "丙", "丁"):
        person(branch, name=name, on=D(2020, 1, 1))
    f1 = new_file(branch, applied_on=D(2026, 3, 1), name="一号")
    f2 = new_file(branch, applied_on=D(2026, 1, 5), name="二号")
    advance(f2, 3, start=D(2026, 1, 5))
    f3 = new_file(branch, applied_on=D(2025, 1, 10), name="三号")
    advance(f3, 19, start=D(2025, 1, 10))
    f4 = new_file(branch, applied_on=D(2024, 1, 10), name="四号")
    advance(f4, 24, start=D(2024, 1, 10))
    f5 = new_file(branch, applied_on=D(2026, 2, 1), name="五号")
    services.applicant_stop(actor=None, applicant=f5, reason="本人撤回申请")
    # The dates the rules gave the walked files, which the expectations below rely on.
    assert D(2026, 1, 6) < done(f2, 2) < done(f2, 3) < D(2026, 4, 15)
    assert done(f3, 3) < D(2026, 1, 1) <= D(2026, 1, 6) < done(f3, 7) and done(f3, 19) < D(2026, 4, 15)
    assert D(2025, 1, 1) <= done(f4, 7) and done(f4, 21) < D(2026, 1, 1) and D(2026, 1, 6) < done(f4, 24) < D(2026, 4, 15)
    return {"branch": branch, "files": [f1, f2, f3, f4, f5]}


def test_pipeline_and_flows_in_spring(files):
    # 15 April: 一号 and 五号 applied (五号 was stopped only later), 二号 is an activist, 三号 a
    # probationary member who joined the branch, 四号 a full member (out of the pipeline).
    answer = recruitment.compute(Scope(files["branch"], D(2026, 4, 15)))
    assert answer == {
        "in_pipeline": 4, "by_stage": {"applicant": 2, "activist": 1, "candidate": 0, "admission": 0, "probation": 1},
        "stopped": 0, "applied": 3, "activists": 1, "candidates": 1, "admitted": 1, "converted": 1,
    }


def test_pipeline_as_it_stood_in_january(files):
    # 6 January: 二号 had only applied, 三号 was still an activist, 四号 on probation; 一号 and 五号 not yet.
    answer = recruitment.compute(Scope(files["branch"], D(2026, 1, 6)))
    assert answer == {
        "in_pipeline": 3, "by_stage": {"applicant": 1, "activist": 1, "candidate": 0, "admission": 0, "probation": 1},
        "stopped": 0, "applied": 1, "activists": 0, "candidates": 0, "admitted": 0, "converted": 0,
    }
    # The last day of 2025: 三号 applied and became an activist in 2025; 四号 became a development
    # target and was admitted in 2025 and was on probation.
    last_year = recruitment.compute(Scope(files["branch"], D(2025, 12, 31)))
    assert last_year == {
        "in_pipeline": 2, "by_stage": {"applicant": 0, "activist": 1, "candidate": 0, "admission": 0, "probation": 1},
        "stopped": 0, "applied": 1, "activists": 1, "candidates": 1, "admitted": 1, "converted": 0,
    }


def test_a_stopped_file_counts_as_stopped_from_the_day_it_was_stopped(files):
    today = timezone.localdate()
    answer = recruitment.compute(Scope(files["branch"], today))
    assert answer["stopped"] == 1
    assert answer["by_stage"]["applicant"] == 1  # 一号 alone


def test_records_link_to_the_recruitment_dashboard(files):
    scope = Scope(files["branch"], D(2026, 4, 15))
    pk = files["branch"].pk
    section = recruitment.SECTION
    assert section.figure("by_stage").records(scope, "activist") == \
        f"/recruitment/?org={pk}&stage=activist&status=in_progress"
    assert section.figure("stopped").records(scope, "") == f"/recruitment/?org={pk}&status=stopped"
    assert section.figure("admitted").records is None
    assert list(section.figure("by_stage").keys()) == STAGES


def test_whole_city_in_a_constant_number_of_queries(files, org, django_assert_max_num_queries):
    # The demo city holds no other files: on the demo day 一号, 二号, 三号 and 五号 are in the pipeline.
    with django_assert_max_num_queries(6):
        answer = recruitment.compute(Scope(org["city"], DEMO_TODAY))
    assert answer["in_pipeline"] == sum(answer["by_stage"].values()) == 4
