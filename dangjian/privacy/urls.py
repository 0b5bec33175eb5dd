from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.notice, name="notice"),
    path("mine/", views.mine, name="mine"),
    path("mine/download/", views.mine_download, name="mine_download"),
    path("mine/requests/", views.request_new, name="request_new"),
    path("requests/", views.queue, name="queue"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
]
