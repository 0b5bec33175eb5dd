"""URLs of the assessment cycles pages: the landing page, opening a cycle, a cycle's results and exports,
one organization's assessment with its review steps, evidence files and an organization's history."""
from django.urls import path

from .views import cycles, cycles_exports

urlpatterns = [
    path("", cycles.index, name="cycles"),
    path("cycles/new/", cycles.cycle_open_page, name="cycle_open"),
    path("cycles/<int:pk>/", cycles.cycle_page, name="cycle"),
    path("cycles/<int:pk>/measure/", cycles.cycle_measure_view, name="cycle_measure"),
    path("cycles/<int:pk>/close/", cycles.cycle_close_view, name="cycle_close"),
    path("cycles/<int:pk>/results.xlsx", cycles_exports.cycle_xlsx, name="cycle_xlsx"),
    path("cycles/<int:pk>/results.docx", cycles_exports.cycle_docx, name="cycle_docx"),
    path("a/<int:pk>/", cycles.assessment_page, name="assessment"),
    path("a/<int:pk>/step/", cycles.assessment_step, name="assessment_step"),
    path("results/<int:pk>/record/", cycles.result_record_view, name="result_record"),
    path("results/<int:pk>/review/", cycles.result_review_view, name="result_review"),
    path("results/<int:pk>/evidence/", cycles.evidence_add_view, name="evidence_add"),
    path("evidence/<int:pk>/", cycles.evidence_file, name="evidence_file"),
    path("orgs/<int:pk>/history/", cycles.org_history, name="org_history"),
]
