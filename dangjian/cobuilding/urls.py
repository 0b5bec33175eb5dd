from django.urls import path

from . import views

app_name = "cobuilding"

urlpatterns = [
    path("", views.index, name="index"),
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_new, name="unit_new"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/reveal/", views.unit_reveal, name="unit_reveal"),
    path("units/<int:pk>/resources/new/", views.resource_add, name="resource_add"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/new/", views.member_register, name="member_register"),
    path("bookings/", views.bookings, name="bookings"),
    path("resources/<int:pk>/book/", views.booking_new, name="booking_new"),
    path("bookings/<int:pk>/step/", views.booking_step, name="booking_step"),
    path("projects/", views.projects, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("brand/<int:pk>/", views.brand_public, name="brand"),
    path("brand/<int:pk>/edit/", views.brand_edit, name="brand_edit"),
    path("brand/<int:pk>/activities/", views.brand_activity_add, name="brand_activity_add"),
]
