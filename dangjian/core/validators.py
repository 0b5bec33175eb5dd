"""Validators for Chinese identifiers, with messages in plain Chinese (through gettext)."""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# GB 32100-2015: the 31 characters of a unified social credit code (no I, O, S, V, Z), in the
# order that gives each its value, and the weight of each of the first 17 positions (3^i mod 31).
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def id_number_birth_date(value: str) -> datetime.date:
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_number_gender(value: str) -> str:
    """``male`` or ``female`` from the 17th digit (odd is male)."""
    return "male" if int(value[16]) % 2 else "female"


def validate_id_number(value: str) -> str:
    """Check a resident ID number (GB 11643-1999): length, digits, birth date, check digit."""
    value = normalize_id_number(value)
    if len(value) != 18:
        raise ValidationError(_("The ID number must have 18 characters."), code="id_length")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(
            _("The ID number may contain only digits, with X allowed as the last character."),
            code="id_chars",
        )
    try:
        birth = id_number_birth_date(value)
    except ValueError as exc:
        raise ValidationError(_("The birth date inside the ID number is not a real date."), code="id_birth") from exc
    if birth.year < 1900 or birth > datetime.date.today():
        raise ValidationError(_("The birth date inside the ID number is not plausible."), code="id_birth")
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The check digit of the ID number is wrong; please check the last character."), code="id_check"
        )
    return value


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s]", "", value or "")


def validate_phone(value: str) -> str:
    value = normalize_phone(value)
    if not _PHONE.match(value):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline number with its area code."), code="phone"
        )
    return value


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def validate_credit_code(value: str) -> str:
    """Check a unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from
    its alphabet and the check character; return it normalized (upper case, no spaces)."""
    value = normalize_credit_code(value)
    if len(value) != 18:
        raise ValidationError(_("The unified social credit code must have 18 characters."), code="credit_length")
    if any(c not in CREDIT_CODE_CHARS for c in value):
        raise ValidationError(
            _("The unified social credit code may contain only digits and capital letters other than I, O, S, V "
              "and Z."), code="credit_chars")
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of the unified social credit code is wrong; please check the code."),
            code="credit_check")
    return value


def clean_plain_text(value, field: str, limit: int, *, required: bool = False) -> str:
    """``value`` stripped, checked to be plain text (no HTML) of at most ``limit`` characters;
    a ``ValidationError`` keyed by ``field`` otherwise."""
    value = (value or "").strip()
    if strip_tags(value) != value:
        raise ValidationError({field: _("Please write plain text, without HTML.")})
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": limit}})
    return value
