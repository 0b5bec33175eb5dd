from django.urls import path

from . import views

app_name = "wishes"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("review/", views.review, name="review"),
    path("claim/", views.claimable, name="claimable"),
    path("board/<int:pk>/", views.board, name="board"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/review/", views.decide, name="decide"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("<int:pk>/fulfil/", views.fulfil, name="fulfil"),
    path("<int:pk>/thank/", views.thank, name="thank"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/photo/", views.photo, name="photo"),
]
