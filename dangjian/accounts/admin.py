from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from dangjian.core.audit import audit_log

from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "full_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "full_name"]
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ["full_name", "sso_subject", "password_changed_at"]}),)
    readonly_fields = ["password_changed_at"]

    def save_formset(self, request, form, formset, change):
        """Role changes made here are audited like any other."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_log(actor=request.user, action="role.revoked", obj=obj.user, organization=obj.organization,
                      changes={"role": obj.role})
            obj.delete()
        for obj in instances:
            created = obj.pk is None
            obj.save()
            if created:
                audit_log(actor=request.user, action="role.granted", obj=obj.user, organization=obj.organization,
                          changes={"role": obj.role})
        formset.save_m2m()
