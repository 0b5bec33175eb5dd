"""Pages of affair admission (社区事务准入), under /coverage/affairs/."""
from django.urls import path

from .views import admission, admission_procedures

urlpatterns = [
    path("", admission.affair_list, name="affairs"),
    path("new/", admission.affair_new, name="affair_new"),
    path("<int:pk>/", admission.affair_detail, name="affair"),
    path("<int:pk>/edit/", admission.affair_edit, name="affair_edit"),
    path("<int:pk>/act/", admission.affair_act, name="affair_act"),
    path("<int:pk>/renew/", admission.affair_renew, name="affair_renew"),
    path("public/<int:pk>/", admission.affairs_public, name="affairs_public"),
    path("procedures/", admission_procedures.procedure_list, name="procedures"),
    path("procedures/<int:pk>/", admission_procedures.procedure_detail, name="procedure"),
    path("procedures/<int:pk>/copy/", admission_procedures.procedure_copy, name="procedure_copy"),
    path("procedures/<int:pk>/edit/", admission_procedures.procedure_edit, name="procedure_edit"),
    path("procedures/<int:pk>/publish/", admission_procedures.procedure_publish, name="procedure_publish"),
]
