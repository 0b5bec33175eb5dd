from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("", views.teams, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/volunteers/new/", views.volunteer_add, name="volunteer_add"),
    path("teams/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("teams/<int:pk>/commend/", views.commend, name="commend"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/signup/", views.signup, name="signup"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/close/", views.activity_close, name="activity_close"),
    path("signups/<int:pk>/step/", views.signup_step, name="signup_step"),
    path("mine/", views.mine, name="mine"),
    path("checkin/", views.checkin, name="checkin"),
    path("figures/", views.figures, name="figures"),
]
