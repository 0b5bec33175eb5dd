"""URLs of the follow-up pages: rectification tasks (整改) and work-report reviews (述职评议)."""
from django.urls import path

from .views import rectifications, reviews

urlpatterns = [
    path("rectifications/", rectifications.rectification_list, name="rectifications"),
    path("rectifications/new/", rectifications.rectification_new, name="rectification_create"),
    path("rectifications/export/", rectifications.rectification_export, name="rectifications_xlsx"),
    path("rectifications/<int:pk>/", rectifications.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/evidence/", rectifications.rectification_file, name="rectification_file"),
    path("reviews/", reviews.round_list, name="review_rounds"),
    path("reviews/new/", reviews.round_new, name="review_round_create"),
    path("reviews/<int:pk>/", reviews.round_detail, name="review_round"),
    path("reviews/<int:pk>/export/", reviews.round_export, name="review_round_xlsx"),
    path("reports/<int:pk>/", reviews.report_detail, name="work_report"),
    path("reports/<int:pk>/file/", reviews.report_file, name="work_report_file"),
]
