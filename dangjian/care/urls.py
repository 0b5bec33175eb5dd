from django.urls import path

from . import views

app_name = "care"

urlpatterns = [
    path("", views.register, name="register"),
    path("export/", views.register_xlsx, name="register_xlsx"),
    path("cases/new/", views.open_case, name="open"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/support/", views.support_add, name="support_add"),
    path("cases/<int:pk>/close/", views.close_case, name="close"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_batch, name="visit_batch"),
    path("care-list/", views.care_list, name="care_list"),
]
