from __future__ import annotations

import string
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

CHARACTER_CLASSES = (
    ("lowercase letters", str.islower),
    ("uppercase letters", str.isupper),
    ("digits", str.isdigit),
    ("symbols", lambda c: c in string.punctuation or (not c.isalnum() and not c.isspace())),
)


class CharacterClassValidator:
    """At least ``min_classes`` of: lowercase, uppercase, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def classes_in(self, password: str) -> int:
        return sum(any(test(c) for c in password) for _name, test in CHARACTER_CLASSES)

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_uniform")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(n)d kind of character: lowercase letters, "
            "uppercase letters, digits, symbols.",
            "Your password must mix at least %(n)d kinds of characters: lowercase letters, "
            "uppercase letters, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}
