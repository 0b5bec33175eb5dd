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
    # Raised whenever what sign-in demands of the user may have changed (roles, two-step devices,
    # superuser status); a session remembers the number it saw and re-checks when it differs.
    security_version = models.PositiveIntegerField(_("security version"), default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded = {name: getattr(user, name) for name in ("password", "password_changed_at", "is_superuser")
                        if name in field_names}
        return user

    def set_password(self, raw_password):
        """Set the password and note when, for the maximum password age."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args, **kwargs):
        """Date a new or changed password hash, however it was set (``create_user``, ``createsuperuser``,
        ``set_password``, a hash assigned directly); a date given explicitly with it is kept.

        ``security_version`` is only ever raised in the database (``bump_security_version``), never
        written back from a copy in memory, so a save cannot undo a raise made meanwhile.
        """
        loaded = getattr(self, "_loaded", None)
        if loaded is None:  # a new user
            if self.password_changed_at is None and self.password:
                self.password_changed_at = timezone.now()
            super().save(*args, **kwargs)
        else:
            update_fields = kwargs.get("update_fields")
            if update_fields is None and not kwargs.get("force_insert"):
                deferred = self.get_deferred_fields()
                update_fields = [f.attname for f in self._meta.concrete_fields
                                 if not f.primary_key and f.name != "security_version" and f.attname not in deferred]
            if update_fields is not None:
                update_fields = set(update_fields)
                if ("password" in update_fields and self.password != loaded.get("password")
                        and self.password_changed_at == loaded.get("password_changed_at")):
                    self.password_changed_at = timezone.now()
                    update_fields.add("password_changed_at")
                kwargs["update_fields"] = update_fields
            super().save(*args, **kwargs)
            if "is_superuser" in loaded and self.is_superuser != loaded["is_superuser"]:
                bump_security_version(self.pk)
        self._loaded = {"password": self.password, "password_changed_at": self.password_changed_at,
                        "is_superuser": self.is_superuser}

    def get_full_name(self):
        return self.full_name or super().get_full_name()

    def __str__(self):
        return self.full_name or self.username


def bump_security_version(user_id) -> None:
    """Note that what sign-in demands of a user may have changed: their sessions re-check it."""
    if user_id is not None:
        User.objects.filter(pk=user_id).update(security_version=models.F("security_version") + 1)


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
