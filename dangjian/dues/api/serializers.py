"""What the dues endpoints show and accept."""
import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.core.api import drf_validation_error
from dangjian.members.choices import Category

from ..calculation import default_basis, parse_base
from ..choices import NO_BASE_NEEDED, DuesBasis
from ..models import DuesPayment

# Words the calculator accepts for ``category``: a dues basis, a member category, or "relief".
CATEGORY_WORDS = {**{b: b for b in DuesBasis.values}, **{c: default_basis(c) for c in Category.values},
                  "relief": DuesBasis.FIXED}


class DuesPaymentSerializer(serializers.ModelSerializer):
    """One member's dues for one month; amounts are yuan as strings with two decimals."""

    member_name = serializers.CharField(source="member.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    basis_display = serializers.CharField(source="get_basis_display", read_only=True)
    method_display = serializers.CharField(source="get_method_display", read_only=True)

    class Meta:
        model = DuesPayment
        fields = ["id", "member", "member_name", "organization", "organization_name", "month", "basis", "basis_display",
                  "base", "amount_due", "rule_version", "relief", "amount_paid", "extra", "paid_on", "method",
                  "method_display", "note", "recorded_at"]
        read_only_fields = fields


class CalculateQuerySerializer(serializers.Serializer):
    category = serializers.CharField(
        help_text=_("A dues basis (wage, retired, annual_salary, self_employed, farmer, fixed) or a member category "
                    "(employed, retired, student, unemployed, farmer, self_employed, other), or relief."),
        error_messages={"required": _("Give the category: category=employed, retired, student …"),
                        "blank": _("Give the category: category=employed, retired, student …")})
    base = serializers.CharField(required=False, allow_blank=True, help_text=_(
        "The monthly base in yuan (regular after-tax monthly pay; for farmers the amount the branch set)."))
    date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"], help_text=_("The day (yyyy-mm-dd); default today."),
                                 error_messages={"invalid": _("The date is written yyyy-mm-dd, such as 2026-11-01.")})

    def validate_category(self, value):
        word = value.strip().lower()
        if word not in CATEGORY_WORDS:
            raise serializers.ValidationError(_("Unknown category: %(word)s.") % {"word": value})
        return CATEGORY_WORDS[word]

    def validate(self, data):
        basis = data["category"]
        raw = data.get("base", "")
        if raw in (None, ""):
            if basis not in NO_BASE_NEEDED:
                raise serializers.ValidationError({"base": _("Give the monthly base in yuan: base=4500.")})
            data["base"] = None
        else:
            try:
                data["base"] = parse_base(raw)
            except DjangoValidationError as exc:
                raise drf_validation_error(exc) from exc
        data["date"] = data.get("date") or timezone.localdate()
        return data


class CalculateResultSerializer(serializers.Serializer):
    amount = serializers.CharField(help_text=_("Monthly dues in yuan, two decimals."))
    rule_version = serializers.CharField(help_text=_("The rule pack and version that gave the amount."))
    basis = serializers.ChoiceField(choices=DuesBasis.choices, help_text=_("The dues basis the category stands for."))
    date = serializers.DateField()


def calculate_result(amount, version, basis, on: datetime.date) -> dict:
    return {"amount": f"{amount:.2f}", "rule_version": version, "basis": basis, "date": on.isoformat()}
