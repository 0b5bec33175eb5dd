from django.urls import path

from . import views

app_name = "orglife"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/plan/", views.plan, name="plan"),
    path("meetings/<int:pk>/", views.detail, name="detail"),
    path("meetings/<int:pk>/record/", views.record, name="record"),
    path("meetings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("compliance/", views.compliance, name="compliance"),
    path("study/", views.study_overview, name="study"),
    path("study/export/", views.study_xlsx, name="study_xlsx"),
    path("meetings/<int:pk>/docx/", views.meeting_docx, name="meeting_docx"),
    path("ledger/", views.ledger_docx, name="ledger_docx"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("courses/", views.courses, name="courses"),
    path("courses/new/", views.course_publish, name="course_publish"),
    path("courses/<int:pk>/finish/", views.course_finish, name="course_finish"),
    path("courses/<int:pk>/material/", views.course_material, name="course_material"),
    path("notes/", views.notes, name="notes"),
    path("appraisals/", views.appraisals, name="appraisals"),
    path("elections/", views.election_list, name="elections"),
    path("elections/<int:pk>/", views.election_detail, name="election"),
    path("appraisals/<int:pk>/", views.appraisal_detail, name="appraisal"),
    path("appraisals/self-review/<int:pk>/", views.self_review, name="self_review"),
    path("notes/<int:pk>/review/", views.note_review, name="note_review"),
    path("home-delivery/<int:pk>/", views.home_delivery, name="home_delivery"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
