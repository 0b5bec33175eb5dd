"""Forms of the small-wish pages."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.grid.models import Building

from .choices import Honorific, WishCategory
from .selectors import wish_communities

PHOTO_WIDGET = forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WishForm(forms.Form):
    """A resident's wish; ``on_behalf`` for grid staff filing for a resident (their grids' buildings)."""

    organization = forms.ModelChoiceField(label=_("Community"), queryset=None, widget=forms.Select(attrs={
        "hx-get": "", "hx-target": "#building-field", "hx-select": "#building-field", "hx-swap": "outerHTML",
        "hx-trigger": "change"}))
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False,
                                      empty_label=_("Not shown"))
    category = forms.ChoiceField(label=_("Category"), choices=WishCategory.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Your wish"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("At most 200 characters. Do not write your name, phone or room here: "
                                       "the wish is shown in public."))
    estimated_value = forms.DecimalField(label=_("About how much is it worth (yuan)?"), required=False,
                                         min_value=0, max_digits=8, decimal_places=2)
    expires_on = forms.DateField(label=_("Wanted by"), widget=DATE)
    surname = forms.CharField(label=_("Surname shown on the board (optional)"), max_length=2, required=False,
                              help_text=_("Only your surname, e.g. 王 → 王女士. Leave empty to be shown as a "
                                          "resident of your building."))
    honorific = forms.ChoiceField(label=_("Title"), choices=Honorific.choices, required=False, widget=forms.RadioSelect)
    contact_phone = forms.CharField(label=_("Phone (optional)"), max_length=20, required=False,
                                    help_text=_("Seen only by the community's secretaries and whoever claims the wish."),
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))

    def __init__(self, *args, buildings=None, community=None, on_behalf=False, **kwargs):
        super().__init__(*args, **kwargs)
        communities = wish_communities()
        if on_behalf:
            communities = communities.filter(grids__buildings__in=buildings).distinct()
            self.fields["text"].label = _("The resident's wish")
            self.fields["surname"].label = _("The resident's surname (optional)")
            self.fields["surname"].help_text = _("Only the surname; never the full name.")
            self.fields["contact_phone"].label = _("Resident's phone (optional)")
            self.fields["building"].required = True
        self.fields["organization"].queryset = communities
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=30)
        chosen = community
        if self.is_bound and str(self.data.get("organization", "")).isdigit():
            chosen = communities.filter(pk=self.data["organization"]).first()
        if chosen is None and communities.count() == 1:
            chosen = communities.first()
        if chosen is not None:
            self.fields["organization"].initial = chosen.pk
            qs = Building.objects.filter(grid__organization=chosen, grid__active=True)
            if buildings is not None:
                qs = qs.filter(pk__in=buildings)
            self.fields["building"].queryset = qs.order_by("name")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("publish", _("Publish on the board")), ("reject", _("Do not accept"))])
    note = forms.CharField(label=_("Reason (told to the resident when not accepted)"), max_length=500,
                           required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ClaimForm(forms.Form):
    fulfil_by = forms.DateField(label=_("I will fulfil it by"), widget=DATE, required=False)
    unit = forms.CharField(label=_("Claimed by a partner unit (its name)"), max_length=100, required=False,
                           help_text=_("Leave empty to claim it yourself."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, reviewer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not reviewer:
            del self.fields["unit"]


class FulfilForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), required=False, widget=PHOTO_WIDGET,
                            help_text=_("Kept without its location data. Do not show the resident's face or door number."))
    note = forms.CharField(label=_("How was the wish fulfilled?"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ThankForm(forms.Form):
    thanks = forms.CharField(label=_("Your thanks"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
