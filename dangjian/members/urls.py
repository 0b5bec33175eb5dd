from django.urls import path

from . import io_views, views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("add/", views.create, name="create"),
    path("import/", io_views.import_members, name="import"),
    path("import/template/", io_views.import_template, name="import_template"),
    path("export/", io_views.export, name="export"),
    path("exports/", io_views.export_list, name="exports"),
    path("exports/<int:pk>/download/", io_views.export_download, name="export_download"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/reveal/<str:field>/", views.reveal, name="reveal"),
    path("<int:pk>/duties/add/", views.duty_post_add, name="duty_post_add"),
    path("<int:pk>/pledges/add/", views.pledge_add, name="pledge_add"),
]
