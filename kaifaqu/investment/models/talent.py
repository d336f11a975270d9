"""Talent programmes, their awards and the subsidies paid."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import Versioned
from kaifaqu.orgs.models import DepartmentOwned, OrgUnit


class TalentLevel(models.TextChoices):
    ZONE = "zone", _("The zone's own programme")
    CITY = "city", _("City programme")
    PROVINCE = "province", _("Provincial programme")
    NATIONAL = "national", _("National programme")


class TalentProgramme(models.Model):
    """A talent programme (安澜产业领军人才, 泰山产业领军人才, 齐鲁首席技师, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=TalentLevel.choices)
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("talent programme")
        verbose_name_plural = _("talent programmes")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class AwardStatus(models.TextChoices):
    SELECTED = "selected", _("Selected")
    SHORTLISTED = "shortlisted", _("Shortlisted")


class TalentAward(DepartmentOwned, Versioned):
    """A person selected for, or shortlisted by, a talent programme in a year."""

    person_name = models.CharField(_("person"), max_length=50)
    programme = models.ForeignKey(
        TalentProgramme,
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("programme"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    announced_on = models.DateField(_("announced on"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=AwardStatus.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="talent_awards",
        verbose_name=_("enterprise"),
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="talent_awards", verbose_name=_("org unit")
    )
    note = models.TextField(_("note"), blank=True)
    illustrative = models.BooleanField(_("demo example"), default=False)

    class Meta:
        verbose_name = _("talent award")
        verbose_name_plural = _("talent awards")
        ordering = ["programme", "year", "person_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "person_name", "enterprise"],
                name="investment_talentaward_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_name} · {self.programme} · {self.year}"

    def clean(self) -> None:
        if self.year and self.announced_on and self.announced_on.year != self.year:
            raise ValidationError(
                {"announced_on": _("The announcement falls in the programme year.")}
            )


class TalentSubsidy(models.Model):
    """A subsidy paid to a selected person (补助资助资金)."""

    award = models.ForeignKey(
        TalentAward, on_delete=models.PROTECT, related_name="subsidies", verbose_name=_("award")
    )
    paid_on = models.DateField(_("paid on"), db_index=True)
    amount = models.DecimalField(
        _("amount (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0.01)],
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        verbose_name = _("talent subsidy")
        verbose_name_plural = _("talent subsidies")
        ordering = ["award", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="investment_subsidy_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.award} · {self.paid_on} · {self.amount}"
