"""Checks on what a visitor sends: plain text within limits, a phone or an email that can be
reached, files of an accepted kind (told from their content, not their name) and size."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kaifaqu.core.uploads import DOCUMENTS, checked_upload

from ..limits import normalise_email, normalise_phone

# A tag (<script, </b, <!--, <?xml) or a script URL. "a < b" and "<5亩" are plain text.
_MARKUP = re.compile(
    r"<\s*[/!?]?\s*[a-zA-Z]|<!--|(?:java|vb)\s*script\s*:|data\s*:\s*text/html", re.IGNORECASE
)
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code (010, 02x, 0xxx) and a 7- or 8-digit number; 400/800 service numbers too.
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}|[48]00\d{7}")


def has_markup(text: str) -> bool:
    return bool(_MARKUP.search(text or ""))


def plain_text(value: str, field: str, *, required: bool, max_length: int) -> str:
    value = (value or "").strip()
    if required and not value:
        # The code on the message itself: a dict's own code is dropped.
        raise ValidationError(
            {field: ValidationError(_("This field is required."), code="required")}
        )
    if len(value) > max_length:
        raise ValidationError(
            {
                field: _("Please keep this to %(max)s characters (it has %(n)s).")
                % {"max": max_length, "n": len(value)}
            },
            code="max_length",
        )
    if has_markup(value):
        raise ValidationError(
            {field: _("Please write plain text: markup is not accepted.")}, code="markup"
        )
    return value


def clean_phone(phone: str) -> str:
    """A mainland mobile or landline number as digits; ValidationError otherwise."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    digits = normalise_phone(phone)
    if re.search(r"[^\d\s()+\-]", phone) or not (
        _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits)
    ):
        raise ValidationError(
            {
                "phone": _(
                    "Enter a mainland mobile number (11 digits, e.g. 13812345678) or a "
                    "landline with its area code (e.g. 0534-2345678)."
                )
            },
            code="phone",
        )
    return digits


def clean_email(email: str) -> str:
    email = normalise_email(email)
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}, code="email") from None
    if len(email) > 254:
        raise ValidationError({"email": _("Enter a valid email address.")}, code="email")
    return email


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    content_type: str
    size: int


def checked_files(files: Sequence, field: str = "files") -> list[CheckedFile]:
    """Every file checked before any is stored: their count, then each one's size, kind by
    content, and a name whose extension agrees with the content."""
    files = [f for f in files or () if f]
    max_files = settings.KAIFAQU_CONSULT_MAX_FILES
    if len(files) > max_files:
        raise ValidationError(
            {field: _("Attach at most %(max)s files.") % {"max": max_files}}, code="files"
        )
    limit = settings.KAIFAQU_CONSULT_MAX_FILE_MB * 1024 * 1024
    return [
        CheckedFile(upload, *checked_upload(upload, kinds=DOCUMENTS, max_bytes=limit, field=field))
        for upload in files
    ]
