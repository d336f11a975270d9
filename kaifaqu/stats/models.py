"""The statistics catalogue (data elements), their values per org unit and period, and targets."""

from decimal import Decimal
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import Versioned
from kaifaqu.orgs.models import DepartmentOwned, OrgUnit


class TimeAggregation(models.TextChoices):
    SUM = "sum", _("Sum (a flow: months add up)")
    LAST = "last", _("Last (a stock: the value at the end)")
    NONE = "none", _("None (a rate: does not add up)")


class UnitAggregation(models.TextChoices):
    SUM = "sum", _("Sum over units")
    NONE = "none", _("Does not add up over units")


class GrowthBasis(models.TextChoices):
    COMPUTED = "computed", _("Computed from values (current prices)")
    REPORTED = "reported", _("Reported (comparable prices)")


class ValueStatus(models.TextChoices):
    """Ordered from weakest to strongest: a figure takes the weakest of its inputs."""

    ESTIMATE = "estimate", _("Estimate")
    PRELIMINARY = "preliminary", _("Preliminary")
    FINAL = "final", _("Final")


STATUS_STRENGTH = {ValueStatus.ESTIMATE: 0, ValueStatus.PRELIMINARY: 1, ValueStatus.FINAL: 2}

UNITS = [
    "亿元",
    "万元",
    "元",
    "个",
    "家",
    "人",
    "名",
    "%",
    "亩",
    "户",
    "km",
    "平方公里",
    "万平方米",
    "倍",
    "所",
    "项",
    "期",
]


class DataElement(DepartmentOwned, Versioned):
    """A statistic the zone keeps: GDP, exports, new indirect financing, …"""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    unit = models.CharField(_("unit"), max_length=20, choices=[(u, u) for u in UNITS])
    time_aggregation = models.CharField(
        _("adds up over time"),
        max_length=10,
        choices=TimeAggregation.choices,
        default=TimeAggregation.SUM,
    )
    unit_aggregation = models.CharField(
        _("adds up over org units"),
        max_length=10,
        choices=UnitAggregation.choices,
        default=UnitAggregation.SUM,
    )
    growth_basis = models.CharField(
        _("growth basis"), max_length=10, choices=GrowthBasis.choices, default=GrowthBasis.COMPUTED
    )
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=2)
    whole = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("part of"),
        help_text=_("The element this one is a part of (exports are a part of trade)."),
    )
    part_order = models.PositiveSmallIntegerField(_("order among the parts"), default=0)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    def clean(self) -> None:
        if self.whole_id is not None:
            if self.whole_id == self.pk:
                raise ValidationError({"whole": _("An element cannot be a part of itself.")})
            whole = cast(DataElement, self.whole)  # a whole id is set, so there is a whole
            if whole.whole_id is not None:
                raise ValidationError({"whole": _("Parts have one level: a part has no parts.")})
            if whole.unit != self.unit:
                raise ValidationError({"whole": _("A part has the unit of its whole.")})


class DataValue(Versioned):
    """One value of an element for an org unit and a period (month, quarter, window, year)."""

    element = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="values", verbose_name=_("element")
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="data_values", verbose_name=_("org unit")
    )
    period = models.CharField(_("period"), max_length=20)
    #: First and last month covered, as yyyymm, for range queries and matching written forms.
    month_from = models.PositiveIntegerField(_("first month"), db_index=True)
    month_to = models.PositiveIntegerField(_("last month"))
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6)
    status = models.CharField(
        _("status"), max_length=12, choices=ValueStatus.choices, default=ValueStatus.FINAL
    )
    reported_growth_pct = models.DecimalField(
        _("reported growth %"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    comparable_prior = models.DecimalField(
        _("comparable prior-year base"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        ordering = ["element", "org_unit", "month_from", "month_to"]
        constraints = [
            models.UniqueConstraint(
                fields=["element", "org_unit", "month_from", "month_to"],
                name="stats_datavalue_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(month_from__lte=models.F("month_to")),
                name="stats_datavalue_months_ordered",
            ),
        ]
        indexes = [models.Index(fields=["element", "month_from", "month_to"])]

    def __str__(self) -> str:
        return f"{self.element.code} · {self.org_unit.code} · {self.period}"


class Target(Versioned):
    """An annual plan or task (年度计划/任务) for a metric, an org unit and a year."""

    metric_code = models.SlugField(_("metric"), max_length=60)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="targets", verbose_name=_("org unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=24, decimal_places=6)
    source = models.CharField(_("source"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["metric_code", "org_unit", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric_code", "org_unit", "year"], name="stats_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric_code} · {self.org_unit.code} · {self.year}"


class RuleOperator(models.TextChoices):
    EQ = "eq", "="
    LE = "le", "≤"
    LT = "lt", "<"
    GE = "ge", "≥"
    GT = "gt", ">"


class RuleRight(models.TextChoices):
    PARTS = "parts", _("the sum of its parts")
    ELEMENT = "element", _("another element's value")
    NUMBER = "number", _("a number")
    PRIOR_MULTIPLE = "prior_multiple", _("a multiple of last year's value")


class RuleImportance(models.TextChoices):
    ERROR = "error", _("Error: must be corrected")
    WARNING = "warning", _("Warning: to be checked")


class ValidationRule(DepartmentOwned, Versioned):
    """A check on stored values: ``left operator right``, e.g. exports + imports = trade,
    a share ≤ 100, this year's value ≤ 3 × last year's. Its department is its left element's,
    whose editors keep the rule and see its violations."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    left = models.ForeignKey(
        DataElement, on_delete=models.CASCADE, related_name="rules", verbose_name=_("left side")
    )
    operator = models.CharField(_("operator"), max_length=2, choices=RuleOperator.choices)
    right_kind = models.CharField(_("right side"), max_length=20, choices=RuleRight.choices)
    right_element = models.ForeignKey(
        DataElement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("right element"),
    )
    right_number = models.DecimalField(
        _("number or multiple"),
        max_digits=24,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("The number compared with, or how many times last year's value."),
    )
    tolerance = models.DecimalField(
        _("tolerance"),
        max_digits=24,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_(
            "How far apart the sides may be. Blank: the rounding of the values compared "
            "(half a unit of the last decimal for each value added up)."
        ),
    )
    importance = models.CharField(
        _("importance"), max_length=10, choices=RuleImportance.choices, default=RuleImportance.ERROR
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["left__order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if self.right_kind == RuleRight.ELEMENT:
            if self.right_element_id is None:
                errors["right_element"] = _("Name the element compared with.")
            elif self.right_element_id == self.left_id:
                errors["right_element"] = _("An element compared with itself is always equal.")
            elif self.left_id and cast(DataElement, self.right_element).unit != self.left.unit:
                errors["right_element"] = _("Only elements of the same unit can be compared.")
        elif self.right_element_id is not None:
            errors["right_element"] = _("Only a rule comparing two elements names a second one.")
        if self.right_kind in (RuleRight.NUMBER, RuleRight.PRIOR_MULTIPLE):
            if self.right_number is None:
                errors["right_number"] = _("A number is required for this right side.")
            elif self.right_kind == RuleRight.PRIOR_MULTIPLE and self.right_number <= 0:
                errors["right_number"] = _("The multiple must be greater than zero.")
        elif self.right_number is not None:
            errors["right_number"] = _("Only a number or a multiple takes a number.")
        if self.right_kind == RuleRight.PARTS and self.left_id and not self.left.parts.exists():
            errors["left"] = _("%(element)s has no parts to add up.") % {"element": self.left}
        if self.tolerance is not None and self.tolerance < 0:
            errors["tolerance"] = _("The tolerance cannot be negative.")
        if errors:
            raise ValidationError(errors)


class RuleViolation(models.Model):
    """A rule that stored values break for an org unit and a period, as last checked."""

    rule = models.ForeignKey(
        ValidationRule, on_delete=models.CASCADE, related_name="violations", verbose_name=_("rule")
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("org unit")
    )
    period = models.CharField(_("period"), max_length=20)
    month_from = models.PositiveIntegerField(_("first month"))
    month_to = models.PositiveIntegerField(_("last month"))
    left_value = models.DecimalField(_("left value"), max_digits=24, decimal_places=6)
    right_value = models.DecimalField(_("right value"), max_digits=24, decimal_places=6)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)

    class Meta:
        verbose_name = _("rule violation")
        verbose_name_plural = _("rule violations")
        ordering = ["rule__department__order", "rule__left__order", "org_unit__code", "month_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "org_unit", "month_from", "month_to"],
                name="stats_ruleviolation_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} · {self.org_unit.code} · {self.period}"

    @property
    def difference(self) -> Decimal:
        return self.left_value - self.right_value

    def shown(self) -> dict[str, str]:
        """The two sides and their difference without trailing zeros (34.4, not 34.400000)."""
        return {
            name: f"{value.normalize():f}"
            for name, value in (
                ("left", self.left_value),
                ("right", self.right_value),
                ("difference", self.difference),
            )
        }
