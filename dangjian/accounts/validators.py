"""The password complexity rule (密码复杂度), besides Django's length, similarity and common-password checks."""
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (
    ("lower", lambda c: c in string.ascii_lowercase),
    ("upper", lambda c: c in string.ascii_uppercase),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: not c.isalnum() and not c.isspace()),
)


def character_classes(password: str) -> set[str]:
    """Which of the four kinds of character — lower-case, upper-case, digits, symbols — appear."""
    return {name for name, test in CLASSES if any(test(c) for c in password)}


class ComplexityValidator:
    """A password holds at least three of the four kinds: lower-case letters, upper-case letters,
    digits and symbols (the usual reading of 等保 2.0's "复杂度要求"). Chinese characters and other
    letters count as none of them; with the minimum length of 10 this keeps passwords guessable
    only by brute force."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("Your password must contain at least three of: lower-case letters, upper-case letters, digits, "
                 "symbols.")
