"""URLs of the grids pages (see urls.py)."""
from django.urls import path

from .views import grids as views

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("grids/", views.grid_list, name="grids"),
    path("grids/new/", views.grid_create, name="grid_create"),
    path("grids/<int:pk>/", views.grid_detail, name="grid"),
    path("grids/<int:pk>/edit/", views.grid_edit, name="grid_edit"),
    path("grids/<int:pk>/buildings/new/", views.building_add, name="building_add"),
    path("grids/<int:pk>/staff/", views.staff, name="staff"),
    path("grids/<int:pk>/households/", views.households, name="households"),
    path("grids/<int:pk>/households/new/", views.household_add, name="household_add"),
    path("grids/<int:pk>/households/import/", views.households_import, name="households_import"),
    path("grids/<int:pk>/households/import/template/", views.households_template, name="households_template"),
    path("grids/<int:pk>/visits/new/", views.visit_add, name="visit_add"),
    path("buildings/<int:pk>/edit/", views.building_edit, name="building_edit"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/reveal/", views.household_reveal, name="household_reveal"),
]
