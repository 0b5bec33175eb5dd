"""Pages of the coverage work: instructors, liaisons and contact leaders with their contact logs,
and dual management (mounted at /coverage/contacts/)."""
from django.urls import path

from .views import contacts

urlpatterns = [
    path("", contacts.assignments, name="assignments"),
    path("new/", contacts.assignment_new, name="assignment_new"),
    path("dual/", contacts.dual, name="dual"),
    path("<int:pk>/", contacts.assignment_detail, name="assignment"),
    path("<int:pk>/end/", contacts.assignment_end, name="assignment_end"),
    path("<int:pk>/contacts/", contacts.contact_add, name="contact_add"),
    path("logs/<int:pk>/solve/", contacts.contact_solve, name="contact_solve"),
]
