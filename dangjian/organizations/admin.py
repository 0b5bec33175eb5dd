"""Post kinds and units are data administrators maintain; the tree itself changes only through
the structure pages (its services keep the dated versions and the audit log)."""
from django.contrib import admin

from .models import Organization, PostKind, Unit


@admin.register(PostKind)
class PostKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_committee", "order"]
    list_editable = ["order"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "credit_code"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Read-only here: search for autocomplete in role assignments."""

    list_display = ["name", "code", "org_type", "status"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
