"""Pages of the coverage work: the firm register (两新组织名录), mounted at /coverage/firms/."""
from django.urls import path

from .views import firms, firms_actions, firms_io

urlpatterns = [
    path("", firms.firm_list, name="firms"),
    path("ready/", firms.firms_ready, name="firms_ready"),
    path("new/", firms_actions.firm_new, name="firm_new"),
    path("import/", firms_io.firms_import, name="firms_import"),
    path("import/template/", firms_io.firms_import_template, name="firms_import_template"),
    path("export/", firms_io.firms_xlsx, name="firms_xlsx"),
    path("<int:pk>/", firms.firm_detail, name="firm"),
    path("<int:pk>/edit/", firms_actions.firm_edit, name="firm_edit"),
    path("<int:pk>/surveys/new/", firms_actions.firm_survey_add, name="firm_survey_add"),
    path("<int:pk>/staff/", firms_actions.firm_staff, name="firm_staff"),
    path("<int:pk>/branch/", firms_actions.firm_branch_form, name="firm_branch_form"),
]
