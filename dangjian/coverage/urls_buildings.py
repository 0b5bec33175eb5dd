"""Pages of the coverage work: office buildings (楼宇党建), their service desks and association events."""
from django.urls import path

from .views import buildings as views

urlpatterns = [
    path("", views.buildings, name="buildings"),
    path("new/", views.building_new, name="building_new"),
    path("<int:pk>/", views.building_detail, name="building"),
    path("<int:pk>/edit/", views.building_edit, name="building_edit"),
    path("<int:pk>/reveal/", views.building_reveal, name="building_reveal"),
    path("<int:pk>/joint/", views.building_joint_form, name="building_joint_form"),
    path("<int:pk>/joint/join/", views.building_joint_join, name="building_joint_join"),
    path("<int:pk>/desks/new/", views.desk_new, name="desk_new"),
    path("<int:pk>/events/", views.events, name="events"),
    path("<int:pk>/events/new/", views.event_new, name="event_new"),
    path("desks/<int:pk>/", views.desk_detail, name="desk"),
    path("desks/<int:pk>/services/", views.desk_service_add, name="desk_service_add"),
    path("desks/<int:pk>/close/", views.desk_close, name="desk_close"),
    path("services/<int:pk>/settle/", views.desk_service_settle, name="desk_service_settle"),
]
