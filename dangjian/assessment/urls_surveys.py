"""URLs of the assessment surveys pages (满意度测评, 民主测评), under /assessment/surveys/."""
from django.urls import path

from .views import surveys as views

urlpatterns = [
    path("", views.surveys, name="surveys"),
    path("new/", views.survey_create, name="survey_create"),
    path("<int:pk>/", views.survey_detail, name="survey"),
    path("<int:pk>/edit/", views.survey_edit, name="survey_edit"),
    path("<int:pk>/step/", views.survey_step, name="survey_step"),
    path("<int:pk>/questions/new/", views.question_add, name="survey_question_add"),
    path("questions/<int:pk>/", views.question_edit, name="survey_question_edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="survey_question_delete"),
    path("questions/<int:pk>/move/", views.question_move, name="survey_question_move"),
    path("<int:pk>/ballots/", views.ballots, name="survey_ballots"),
    path("<int:pk>/results/", views.results, name="survey_results"),
    path("<int:pk>/results.xlsx", views.results_xlsx, name="survey_xlsx"),
    # The public answer page (a link or QR code) and its thank-you page.
    path("a/<str:key>/", views.answer, name="survey_answer"),
    path("a/<str:key>/thanks/", views.thanks, name="survey_thanks"),
]
