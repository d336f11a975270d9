"""Enterprises (investors, taxpayers, employers) and the industry catalogue (GB/T 4754-2017)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import Versioned
from kaifaqu.orgs.models import OrgUnit

from .validators import industry_parent_code, validate_credit_code, validate_industry_code


class Industry(models.Model):
    """One entry of 国民经济行业分类 (GB/T 4754-2017): section, division, group or class.

    Only the entries the zone uses are loaded (the demo loads those of its projects); a code is
    written with its section letter (C3841), so a division code alone is never ambiguous.
    """

    code = models.CharField(
        _("code"), max_length=5, unique=True, validators=[validate_industry_code]
    )
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def section(self) -> str:
        return self.code[0]

    def clean(self) -> None:
        expected = industry_parent_code(self.code or "")
        actual = self.parent.code if self.parent_id else None
        if expected != actual:
            raise ValidationError(
                {
                    "parent": _("The entry above %(code)s is %(parent)s.")
                    % {"code": self.code, "parent": expected or "—"}
                }
            )


class Enterprise(Versioned):
    """An enterprise the zone deals with: an investor, a taxpayer, an employer of talent."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, the last a check character."),
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("org unit"),
        help_text=_("Where it is registered, when that is inside the zone."),
    )
    illustrative = models.BooleanField(
        _("demo example"), default=False, help_text=_("Demo data the seed does not state.")
    )

    #: Kept out of the audit log's snapshots: the log is read by auditors, who do not hold
    #: the permission to see contact details.
    audit_exclude = ("contact_person", "phone", "email")

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "pk"]
        permissions = [
            ("view_contact", _("Can see enterprises' and investors' contact details")),
        ]

    def __str__(self) -> str:
        return self.name
