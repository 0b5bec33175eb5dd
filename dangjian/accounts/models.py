"""Users (用户) and their role assignments (角色授权)."""
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import Role


class User(AbstractUser):
    """A person who logs in: an organizer, secretary, member, auditor or administrator.

    A user linked to a member record (``user.member``) sees the "my" pages. Residents are users
    without a member record.
    """

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    # When the password was last set: the maximum password age counts from here.
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    # The person's identifier at the single sign-on provider (the OIDC ``sub`` claim), set by an
    # administrator; empty for users who only log in with a password.
    sso_subject = models.CharField(_("single sign-on subject"), max_length=255, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def set_password(self, raw_password):
        """Set the password and note when, for the maximum password age."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def get_full_name(self):
        return self.full_name or super().get_full_name()

    def __str__(self):
        return self.full_name or self.username


class RoleAssignment(models.Model):
    """A role held by a user over an organization and everything below it, or, for grid staff
    (grid leader, grid worker), over one grid of that organization."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("organization"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="role_assignments",
    )
    grid = models.ForeignKey(
        "grid.Grid", verbose_name=_("grid"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="staff_assignments",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], condition=models.Q(grid__isnull=True),
                                    name="role_assignment_unique"),
            models.UniqueConstraint(fields=["user", "role", "grid"], condition=models.Q(grid__isnull=False),
                                    name="role_assignment_grid_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization or '—'}"
