"""Login, password changes and the administrators' user list."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .forms import LoginForm, PasswordResetForm
from .models import User
from .services import user_password_reset


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _require_admin(user):
    if not user.is_superuser:
        raise PermissionDenied


@login_required
def user_list(request):
    """Users with their roles, for system administrators."""
    _require_admin(request.user)
    users = User.objects.prefetch_related("role_assignments__organization").order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"nav": "users", "page_obj": page, "q": q})


@login_required
def user_password_reset_view(request, pk):
    """An administrator sets a new password for a user, without e-mail."""
    _require_admin(request.user)
    target = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST or None, user=target)
    if request.method == "POST" and form.is_valid():
        user_password_reset(actor=request.user, user=target, password=form.cleaned_data["password"])
        messages.success(request, _("The password of %(user)s has been reset.") % {"user": target})
        return redirect("accounts:users")
    return render(request, "accounts/password_reset.html", {"nav": "users", "form": form, "target": target})
