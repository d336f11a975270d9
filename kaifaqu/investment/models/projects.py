"""Projects and their stage history."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import Versioned
from kaifaqu.orgs.models import DepartmentOwned, OrgUnit

from ..stages import EvidenceKind, Stage
from .fields import money


class Source(models.TextChoices):
    PORTAL = "portal_consultation", _("Portal consultation")
    HOTLINE = "hotline", _("Investment hotline")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Promotion event")
    OUTREACH = "outreach", _("Own outreach")


class Capital(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    FOREIGN = "foreign", _("Foreign")


class KeyLevel(models.TextChoices):
    NONE = "none", _("Not a key project")
    CITY = "city", _("City-level key project")
    PROVINCE = "province", _("Province-level key project")


class Project(DepartmentOwned, Versioned):
    """One investment project, from the first contact to operation (or dropped)."""

    name = models.CharField(_("name"), max_length=200)
    investor = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("investor"),
    )
    partner = models.CharField(
        _("local partner"),
        max_length=200,
        blank=True,
        help_text=_("An enterprise of the zone the investor works with, if any."),
    )
    industry = models.ForeignKey(
        "enterprises.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("industry"),
    )
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible officer"),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="investment_projects",
        verbose_name=_("where it lands"),
    )
    contract_investment = money(_("contracted investment (10,000 yuan)"), null=True, blank=True)
    total_investment = money(_("total investment (10,000 yuan)"), null=True, blank=True)
    capital = models.CharField(
        _("capital"), max_length=10, choices=Capital.choices, default=Capital.DOMESTIC
    )
    light_asset = models.BooleanField(
        _("light-asset project"),
        default=False,
        help_text=_("Uses existing buildings or idle resources rather than new land."),
    )
    land_parcel = models.ForeignKey(
        "carriers.LandParcel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("land parcel"),
    )
    building_unit = models.ForeignKey(
        "carriers.BuildingUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("building unit"),
    )
    key_level = models.CharField(
        _("key-project level"), max_length=10, choices=KeyLevel.choices, default=KeyLevel.NONE
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.LEAD)
    stage_since = models.DateField(_("in this stage since"))
    first_contact_on = models.DateField(_("first contact"))
    # The dates of the stage moves, kept from the history for queries and filters.
    signed_on = models.DateField(_("signed on"), null=True, blank=True, db_index=True)
    started_on = models.DateField(_("started on"), null=True, blank=True, db_index=True)
    operating_on = models.DateField(_("operating since"), null=True, blank=True)
    dropped_on = models.DateField(_("dropped on"), null=True, blank=True)
    dropped_reason = models.TextField(_("reason for dropping"), blank=True)
    note = models.TextField(_("note"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_projects",
        verbose_name=_("merged into"),
    )
    illustrative = models.BooleanField(
        _("demo example"), default=False, help_text=_("Demo data the seed does not state.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["-first_contact_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(land_parcel__isnull=True) | models.Q(building_unit__isnull=True),
                name="investment_project_one_carrier",
            ),
        ]
        indexes = [models.Index(fields=["stage", "department"])]

    def __str__(self) -> str:
        return self.name

    @property
    def carrier(self):
        return self.land_parcel or self.building_unit

    def clean(self) -> None:
        if self.land_parcel_id and self.building_unit_id:
            raise ValidationError(
                _("A project uses a land parcel or a building unit, not both: pick one.")
            )


class StageMove(models.Model):
    """One move of a project from a stage to the next (or to dropped), dated, with evidence."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="moves", verbose_name=_("project")
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("date"))
    evidence_kind = models.CharField(
        _("evidence"), max_length=20, choices=EvidenceKind.choices, default=EvidenceKind.NOTE
    )
    evidence_text = models.TextField(_("evidence or note"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="investment/evidence/%Y/", blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    merged_from = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged from"),
    )

    class Meta:
        verbose_name = _("stage move")
        verbose_name_plural = _("stage moves")
        ordering = ["project", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_stage or '—'} → {self.to_stage} ({self.on})"
