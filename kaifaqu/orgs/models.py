from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import Versioned
from kaifaqu.core.roles import DepartmentRole


class OrgUnitKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County or county-level city")
    ZONE = "zone", _("Development zone")
    TOWN = "town", _("Town")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    GRID = "grid", _("Grid")


#: Which kinds a unit of each kind may hold directly.
ALLOWED_CHILDREN = {
    OrgUnitKind.CITY: {OrgUnitKind.DISTRICT, OrgUnitKind.COUNTY, OrgUnitKind.ZONE},
    OrgUnitKind.DISTRICT: {OrgUnitKind.TOWN, OrgUnitKind.SUBDISTRICT, OrgUnitKind.ZONE},
    OrgUnitKind.COUNTY: {OrgUnitKind.TOWN, OrgUnitKind.SUBDISTRICT, OrgUnitKind.ZONE},
    OrgUnitKind.ZONE: {OrgUnitKind.TOWN, OrgUnitKind.SUBDISTRICT, OrgUnitKind.COMMUNITY},
    OrgUnitKind.TOWN: {OrgUnitKind.COMMUNITY, OrgUnitKind.VILLAGE},
    OrgUnitKind.SUBDISTRICT: {OrgUnitKind.COMMUNITY},
    OrgUnitKind.COMMUNITY: {OrgUnitKind.GRID},
    OrgUnitKind.VILLAGE: {OrgUnitKind.GRID},
    OrgUnitKind.GRID: set(),
}


class OrgUnit(Versioned):
    """A unit of the one tree: the city, its districts and zones, towns, communities, grids."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Stable code, e.g. the statistical division code."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is None:
            if self.kind != OrgUnitKind.CITY:
                raise ValidationError({"parent": _("Only a city stands at the top of the tree.")})
            return
        parent = cast(OrgUnit, self.parent)  # a parent id is set, so there is a parent
        if self.kind not in ALLOWED_CHILDREN[OrgUnitKind(parent.kind)]:
            raise ValidationError(
                {
                    "parent": _("A %(parent)s cannot hold a %(child)s.")
                    % {
                        "parent": parent.get_kind_display(),
                        "child": self.get_kind_display(),
                    }
                }
            )
        ancestor: OrgUnit | None = parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
            ancestor = ancestor.parent


class Department(models.Model):
    """A bureau of the management committee; it owns the data it keeps."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role within one department."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=20, choices=DepartmentRole.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="orgs_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.department} · {self.get_role_display()}"


class DepartmentOwned(models.Model):
    """Data that one department keeps: its editors change it, its viewers read it."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )

    class Meta:
        abstract = True


class ProfileFactKey(models.TextChoices):
    FOUNDED = "founded_year", _("Construction started")
    NATIONAL_LEVEL = "national_level_year", _("Promoted to national level")
    AREA = "area_km2", _("Total area")
    PLANNED_AREA = "planned_area_km2", _("Planned area")
    BUILT_UP_AREA = "built_up_area_km2", _("Built-up area")
    HOUSEHOLDS = "households", _("Registered households")
    POPULATION = "registered_population", _("Registered population")
    AGRICULTURAL = "agricultural_population", _("Agricultural population")
    NON_AGRICULTURAL = "non_agricultural_population", _("Non-agricultural population")
    RESIDENTS = "resident_population", _("Resident population")


#: The unit each fact is kept in.
PROFILE_FACT_UNITS = {
    ProfileFactKey.FOUNDED: "年",
    ProfileFactKey.NATIONAL_LEVEL: "年",
    ProfileFactKey.AREA: "平方公里",
    ProfileFactKey.PLANNED_AREA: "平方公里",
    ProfileFactKey.BUILT_UP_AREA: "平方公里",
    ProfileFactKey.HOUSEHOLDS: "户",
    ProfileFactKey.POPULATION: "人",
    ProfileFactKey.AGRICULTURAL: "人",
    ProfileFactKey.NON_AGRICULTURAL: "人",
    ProfileFactKey.RESIDENTS: "人",
}


class ProfileFact(DepartmentOwned, Versioned):
    """A dated fact of a unit's profile, with where it comes from."""

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="profile_facts", verbose_name=_("org unit")
    )
    key = models.CharField(_("fact"), max_length=40, choices=ProfileFactKey.choices)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    approximate = models.BooleanField(
        _("approximate"), default=False, help_text=_("Stated as about (约) this value.")
    )
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=255)

    class Meta:
        verbose_name = _("profile fact")
        verbose_name_plural = _("profile facts")
        ordering = ["org_unit", "key", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "key", "as_of"], name="orgs_profilefact_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="orgs_profilefact_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} · {self.get_key_display()}"

    @property
    def unit(self) -> str:
        return PROFILE_FACT_UNITS[ProfileFactKey(self.key)]


class Honour(DepartmentOwned):
    """A title the unit holds (全国文明单位, 中国太阳城, …)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        CITY = "city", _("City")

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="honours", verbose_name=_("org unit")
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    order = models.PositiveIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=255)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["org_unit", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "name"], name="orgs_honour_unique")
        ]

    def __str__(self) -> str:
        return self.name
