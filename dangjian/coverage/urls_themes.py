"""Pages of the coverage work: weekday themes (主题工作法), mounted at /coverage/themes/."""
from django.urls import path

from .views import themes

urlpatterns = [
    path("", themes.index, name="themes"),
    path("new/", themes.plan_new, name="theme_plan_new"),
    path("<int:pk>/", themes.plan_detail, name="theme_plan"),
    path("<int:pk>/edit/", themes.plan_edit, name="theme_plan_edit"),
    path("<int:pk>/end/", themes.plan_end, name="theme_plan_end"),
    path("<int:pk>/tasks/new/", themes.task_add, name="theme_task_add"),
    path("<int:pk>/logs.xlsx", themes.logs_xlsx, name="theme_logs_xlsx"),
    path("tasks/<int:pk>/remove/", themes.task_remove, name="theme_task_remove"),
    path("log/", themes.log, name="theme_log"),
    path("logs/<int:pk>/delete/", themes.log_delete, name="theme_log_delete"),
]
