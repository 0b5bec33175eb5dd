from django.urls import path

from . import views

app_name = "dues"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/", views.overview_xlsx, name="overview_xlsx"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export/", views.ledger_xlsx, name="ledger_xlsx"),
    path("collect/", views.collect, name="collect"),
    path("payments/<int:pk>/correct/", views.payment_correct, name="payment_correct"),
    path("members/<int:pk>/", views.member_dues, name="member"),
    path("members/<int:pk>/declare/", views.declare, name="declare"),
    path("members/<int:pk>/relief/", views.relief_request, name="relief_request"),
    path("reliefs/", views.reliefs, name="reliefs"),
    path("reliefs/<int:pk>/review/", views.relief_review, name="relief_review"),
    path("calculator/", views.calculator, name="calculator"),
]
