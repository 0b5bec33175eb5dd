"""Sample objects of the follow-up work for the authorization matrix and the tests."""
import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from dangjian.organizations.models import Organization

from ..choices import RectificationAction
from ..services_followup import rectification_open, rectification_transition, review_round_open, work_report_submit

PDF = b"%PDF-1.4\n% sample\n"
REPORT_TEXT = "一年来，支部坚持“三会一课”制度，组织党员开展主题党日和志愿服务，认真落实各项工作任务，" * 2


def pdf(name="evidence.pdf") -> ContentFile:
    return ContentFile(PDF, name=name)


def open_round(personas, *, rate_until=None):
    """A round run by 滨河社区党委 (opened by the ``community`` persona) for its branches."""
    community = Organization.objects.get(name="滨河社区党委")
    today = timezone.localdate()
    branches = list(Organization.objects.get_children(community).filter(status="active"))
    return review_round_open(actor=personas["community"], organization=community, year=today.year,
                             title=f"{today.year}年度支部书记述职评议", organizations=branches,
                             rate_until=rate_until or today + datetime.timedelta(days=14))


def matrix_samples(personas) -> dict:
    """A rectification task of 滨河社区第一党支部 submitted with evidence (the branch submits; the community
    accepts), a review round of 滨河社区党委 for its branches and the first branch's submitted report."""
    branch = Organization.objects.get(name="滨河社区第一党支部")
    task = rectification_open(actor=None, organization=branch, title="组织生活会召开不规范",
                              description="补开组织生活会并完善会议记录")
    task = rectification_transition(actor=personas["branch"], task=task, action=RectificationAction.SUBMIT,
                                    note="已补开组织生活会，会议记录见附件", evidence=pdf())
    round_ = open_round(personas)
    report = round_.reports.get(organization=branch)
    work_report_submit(actor=personas["branch"], report=report, text=REPORT_TEXT, file=pdf("report.pdf"))
    return {"rectification": task, "review_round": round_, "work_report": report}
