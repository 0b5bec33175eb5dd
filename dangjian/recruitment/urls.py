from django.urls import path

from . import views

app_name = "recruitment"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/steps/<int:number>/", views.step, name="step"),
    path("steps/<int:pk>/correct/", views.step_correct, name="step_correct"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("contacts/<int:pk>/end/", views.contact_end, name="contact_end"),
    path("<int:pk>/notices/", views.notice_start, name="notice_start"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice_close"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/cancel-probation/", views.cancel_probation, name="cancel_probation"),
    path("<int:pk>/stop/", views.stop, name="stop"),
    path("<int:pk>/resume/", views.resume, name="resume"),
]
