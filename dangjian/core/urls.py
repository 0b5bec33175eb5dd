from django.urls import path

from . import calendar_views, privacy_views, task_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/personal-data/", privacy_views.personal_data_report, name="personal_data_report"),
    path("prefs/large-font/", views.large_font, name="large_font"),
    path("healthz", views.healthz, name="healthz"),
    path("tasks/", task_views.task_list, name="tasks"),
    path("tasks/<uuid:pk>/", task_views.task_detail, name="task_detail"),
    path("tasks/<uuid:pk>/retry/", task_views.task_retry, name="task_retry"),
    path("calendar/", calendar_views.calendar_year, name="calendar"),
    path("calendar/day/", calendar_views.calendar_day, name="calendar_day"),
    path("calendar/day/delete/", calendar_views.calendar_day_delete, name="calendar_day_delete"),
    path("calendar/import/", calendar_views.calendar_import, name="calendar_import"),
    path("calendar/template/", calendar_views.calendar_template, name="calendar_template"),
    path("calendar/load/", calendar_views.calendar_load, name="calendar_load"),
    path("calendar/confirm/", calendar_views.calendar_year_confirm, name="calendar_year_confirm"),
]
