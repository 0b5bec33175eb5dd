"""URLs of the teams, categories and indicators pages (see urls.py)."""
from django.urls import path

from .views import indicators, teams

urlpatterns = [
    path("teams/", teams.teams, name="teams"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:pk>/", teams.team_detail, name="team"),
    path("teams/<int:pk>/edit/", teams.team_edit, name="team_edit"),
    path("teams/<int:pk>/members/new/", teams.team_member_add, name="team_member_add"),
    path("team-members/<int:pk>/edit/", teams.team_member_edit, name="team_member_edit"),
    path("categories/", teams.categories, name="categories"),
    path("categories/new/", teams.category_create, name="category_create"),
    path("categories/<int:pk>/edit/", teams.category_edit, name="category_edit"),
    path("indicators/", indicators.indicators_page, name="indicators"),
]
