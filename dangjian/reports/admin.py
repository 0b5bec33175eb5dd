"""Administrators edit the report tables here, as the TOML text of their definitions (the language
is documented in :mod:`dangjian.reports.tables` and ``docs/reports.md``)."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .loading import table_fields
from .models import ReportTable
from .tables.definition import parse_definition


class ReportTableForm(forms.ModelForm):
    """The definition is edited as TOML and checked on save: syntax, known keys, figure paths."""

    class Meta:
        model = ReportTable
        fields = ["source", "active"]
        widgets = {"source": forms.Textarea(attrs={"rows": 30, "cols": 100, "class": "vLargeTextField",
                                                   "spellcheck": "false"})}
        help_texts = {"source": gettext_lazy("The definition in TOML: code, title, version, kind, rows and "
                                             "[[columns]] with heading and path (see docs/reports.md).")}

    def clean_source(self):
        text = self.cleaned_data["source"]
        spec = parse_definition(text)
        taken = ReportTable.objects.filter(code=spec["code"]).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("A report table with the code “%(code)s” already exists.") % {"code": spec["code"]})
        self.spec = spec
        return text

    def save(self, commit=True):
        table = super().save(commit=False)
        table.code = self.spec["code"]
        for key, value in table_fields(self.spec, self.cleaned_data["source"]).items():
            setattr(table, key, value)
        # A table added or changed here is the site's own: the shipped files no longer overwrite it.
        table.origin = ReportTable.Origin.SITE
        if commit:
            table.save()
        return table


@admin.register(ReportTable)
class ReportTableAdmin(admin.ModelAdmin):
    form = ReportTableForm
    list_display = ["title", "code", "kind", "version", "origin", "active", "order", "updated_at"]
    list_filter = ["kind", "origin", "active"]
    search_fields = ["title", "code"]
    readonly_fields = ["code", "title", "kind", "version", "origin", "order", "updated_at"]
    fields = ["code", "title", "kind", "version", "origin", "order", "active", "source", "updated_at"]
