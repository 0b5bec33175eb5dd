from django.urls import path

from . import mobile_views, views

app_name = "transfers"
urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("send/<int:pk>/", views.send, name="send"),
    path("receive-from-outside/", views.receive_outside, name="receive_outside"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/receive/", views.receive, name="receive"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/return-slip/", views.return_slip, name="return_slip"),
    path("<int:pk>/reissue/", views.reissue, name="reissue"),
    path("<int:pk>/letter/", views.letter, name="letter"),
    path("mobile/", mobile_views.mobile_list, name="mobile_list"),
    path("mobile/register/<int:pk>/", mobile_views.register, name="mobile_register"),
    path("mobile/temporary-branch/", mobile_views.temporary_branch, name="temporary_branch"),
    path("mobile/<int:pk>/", mobile_views.mobile_detail, name="mobile_detail"),
    path("mobile/<int:pk>/return/", mobile_views.mobile_return, name="mobile_return"),
    path("mobile/<int:pk>/activity/", mobile_views.activity, name="mobile_activity"),
]
