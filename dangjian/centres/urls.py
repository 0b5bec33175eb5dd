from django.urls import path

from . import views

app_name = "centres"

urlpatterns = [
    path("", views.centres, name="centres"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/", views.catalogue_centre, name="catalogue_centre"),
    path("new/", views.centre_new, name="centre_new"),
    path("<int:pk>/", views.centre, name="centre"),
    path("<int:pk>/edit/", views.centre_edit, name="centre_edit"),
    path("<int:pk>/items/new/", views.item_add, name="item_add"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/bookings/", views.bookings, name="bookings"),
    path("bookings/<int:pk>/<str:to>/", views.booking_step, name="booking_step"),
    path("<int:pk>/records/", views.records, name="records"),
    path("<int:pk>/records/new/", views.record_add, name="record_add"),
    path("<int:pk>/representative-days/new/", views.rep_day_add, name="rep_day_add"),
    path("representative-days/<int:pk>/visits/", views.rep_visit_add, name="rep_visit_add"),
    path("<int:pk>/book/", views.book, name="book"),
    path("my/", views.my_bookings, name="my_bookings"),
]
