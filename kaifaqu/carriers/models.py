"""Carriers (载体): land parcels, buildings and their units, and the history of their status."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import Versioned
from kaifaqu.orgs.models import DepartmentOwned, OrgUnit


class CarrierStatus(models.TextChoices):
    IDLE = "idle", _("Idle")
    RESERVED = "reserved", _("Reserved")
    LET = "let", _("Let")
    SOLD = "sold", _("Sold")


#: Land is never let: it is idle, reserved for a project or sold (transferred).
LAND_STATUSES = (CarrierStatus.IDLE, CarrierStatus.RESERVED, CarrierStatus.SOLD)


class LandUse(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial")
    COMMERCIAL = "commercial", _("Commercial")
    RESIDENTIAL = "residential", _("Residential")
    MIXED = "mixed", _("Mixed use")


class UnitUse(models.TextChoices):
    FACTORY = "factory", _("Factory")
    OFFICE = "office", _("Office")
    LAB = "lab", _("Laboratory")
    WAREHOUSE = "warehouse", _("Warehouse")
    RETAIL = "retail", _("Retail")


class CarrierKind(models.TextChoices):
    LAND_PARCEL = "land_parcel", _("Land parcel")
    BUILDING_UNIT = "building_unit", _("Building unit")


_NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class LandParcel(DepartmentOwned, Versioned):
    """A parcel of land the zone offers to investors (亩, land use, status, price)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="land_parcels", verbose_name=_("org unit")
    )
    location = models.CharField(_("location"), max_length=255, blank=True)
    area_mu = models.DecimalField(
        _("area (mu)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    land_use = models.CharField(_("land use"), max_length=20, choices=LandUse.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=CarrierStatus.choices, default=CarrierStatus.IDLE
    )
    price_wan_per_mu = models.DecimalField(
        _("price (10,000 yuan per mu)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_NON_NEGATIVE,
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("land parcel")
        verbose_name_plural = _("land parcels")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="let"), name="carriers_landparcel_never_let"
            ),
            models.CheckConstraint(
                condition=models.Q(area_mu__gt=0), name="carriers_landparcel_area_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("carriers:land", args=[self.pk])

    carrier_kind = CarrierKind.LAND_PARCEL

    def clean(self) -> None:
        if self.status and self.status not in LAND_STATUSES:
            raise ValidationError({"status": _("Land is idle, reserved or sold; it is not let.")})


class Building(DepartmentOwned, Versioned):
    """A building (厂房, 楼宇) whose units are offered to investors."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("org unit")
    )
    location = models.CharField(_("location"), max_length=255, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), validators=[MinValueValidator(1)])
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("carriers:building", args=[self.pk])


class BuildingUnit(Versioned):
    """A unit of a building (a floor, a workshop, a suite); its department is the building's."""

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building")
    )
    code = models.SlugField(_("code"), max_length=40)
    floor = models.SmallIntegerField(_("floor"))
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    use = models.CharField(_("use"), max_length=20, choices=UnitUse.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=CarrierStatus.choices, default=CarrierStatus.IDLE
    )
    rent_yuan_per_m2_month = models.DecimalField(
        _("rent (yuan per m² per month)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_NON_NEGATIVE,
    )
    sale_price_yuan_per_m2 = models.DecimalField(
        _("sale price (yuan per m²)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_NON_NEGATIVE,
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("building unit")
        verbose_name_plural = _("building units")
        ordering = ["building", "floor", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "code"], name="carriers_buildingunit_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(floor_area_m2__gt=0), name="carriers_buildingunit_area_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("carriers:building", args=[self.building_id]) + f"#unit-{self.pk}"

    carrier_kind = CarrierKind.BUILDING_UNIT

    @property
    def department_id(self) -> int:
        return self.building.department_id

    def clean(self) -> None:
        if self.building_id and self.floor is not None:
            floors = self.building.floors
            if self.floor == 0 or self.floor > floors or self.floor < -5:
                raise ValidationError(
                    {
                        "floor": _("The building has floors 1 to %(floors)s (basements -1 to -5).")
                        % {"floors": floors}
                    }
                )


class CarrierStatusChange(models.Model):
    """One move of a carrier's status, dated; the first row of a carrier records its entry.

    The figure for idle area at a past date is read from this history, not from the
    carrier's current status.
    """

    kind = models.CharField(_("carrier kind"), max_length=20, choices=CarrierKind.choices)
    carrier_id = models.PositiveIntegerField(_("carrier id"))
    from_status = models.CharField(
        _("from"), max_length=10, choices=CarrierStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=CarrierStatus.choices)
    at = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("carrier status change")
        verbose_name_plural = _("carrier status changes")
        ordering = ["kind", "carrier_id", "at", "pk"]
        indexes = [models.Index(fields=["kind", "carrier_id", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.carrier_id}: {self.from_status or '—'} → {self.to_status}"


class CarrierPhoto(models.Model):
    """A photo of a land parcel or a building, shown on the public pages of what is on offer.

    A unit's photos are its building's: investors look at the building, and a suite changes
    hands too often to be photographed each time."""

    land_parcel = models.ForeignKey(
        LandParcel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("land parcel"),
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("building"),
    )
    image = models.FileField(_("image"), upload_to="carriers/photos/%Y/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("carrier photo")
        verbose_name_plural = _("carrier photos")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(land_parcel__isnull=False, building__isnull=True)
                | models.Q(land_parcel__isnull=True, building__isnull=False),
                name="carriers_carrierphoto_one_carrier",
            ),
        ]

    def __str__(self) -> str:
        return self.caption or f"{self.carrier} #{self.pk}"

    @property
    def carrier(self) -> LandParcel | Building:
        return self.land_parcel or self.building

    @property
    def department_id(self) -> int:
        return self.carrier.department_id
