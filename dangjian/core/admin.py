"""Administrators may read the audit log and rule packs here, never change them."""
from django.contrib import admin

from .models import AuditEntry, RulePack


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "object_repr", "organization"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor_name"]
    date_hierarchy = "at"


@admin.register(RulePack)
class RulePackAdmin(ReadOnlyAdmin):
    """Rule packs are reviewed files in rules/; edit the file and migrate to change them."""

    list_display = ["code", "version", "title", "effective_from", "organization_code", "source"]
