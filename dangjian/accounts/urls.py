from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/users/", views.user_list, name="users"),
    path("accounts/users/<int:pk>/password/", views.user_password_reset_view, name="password_reset"),
    path("accounts/users/<int:pk>/unlock/", views.user_unlock_view, name="unlock"),
    path("accounts/two-step/", views.otp_overview, name="otp"),
    path("accounts/two-step/setup/", views.otp_setup, name="otp_setup"),
    path("accounts/two-step/verify/", views.otp_verify, name="otp_verify"),
    path("accounts/two-step/disable/", views.otp_disable, name="otp_disable"),
    path("sso/refused/", views.sso_refused, name="sso_refused"),
]

# Login and password pages keep Django's well-known names.
auth_patterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html", success_url=reverse_lazy("password_change_done")),
        name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/password_change_done.html"), name="password_change_done"),
]
