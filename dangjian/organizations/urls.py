from django.urls import path

from . import io_views, views

app_name = "organizations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("terms/", views.terms, name="terms"),
    path("import/", io_views.import_tree, name="import"),
    path("import/template/", io_views.import_template, name="import_template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/add/", views.create, name="create"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/split/", views.split, name="split"),
    path("<int:pk>/dissolve/", views.dissolve, name="dissolve"),
    path("<int:pk>/posts/add/", views.post_add, name="post_add"),
    path("posts/<int:pk>/end/", views.post_end, name="post_end"),
]
