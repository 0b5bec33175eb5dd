from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("publish/", views.notice_publish, name="publish"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/attachment/", views.notice_attachment, name="attachment"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/report/", views.assignment_report, name="assignment_report"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
]
