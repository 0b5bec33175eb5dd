from django.urls import path

from . import views

app_name = "pairings"

urlpatterns = [
    path("", views.pairing_list, name="list"),
    path("new/", views.pairing_new, name="new"),
    path("<int:pk>/", views.pairing_detail, name="detail"),
    path("<int:pk>/visit/", views.visit_add, name="visit"),
    path("<int:pk>/end/", views.pairing_end, name="end"),
    path("funds/", views.fund_list, name="funds"),
    path("funds/new/", views.fund_new, name="fund_new"),
    path("funds/<int:pk>/", views.fund_ledger, name="ledger"),
    path("funds/<int:pk>/export/", views.fund_ledger_xlsx, name="ledger_xlsx"),
    path("funds/<int:pk>/income/", views.income_add, name="income"),
    path("funds/<int:pk>/payment/", views.payment_add, name="payment"),
]
