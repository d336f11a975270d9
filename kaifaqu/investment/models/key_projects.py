"""Key projects: annual investment plans and monthly progress reports (调度) with the
problems they raise."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import Versioned
from kaifaqu.orgs.models import Department

from .fields import POSITIVE
from .projects import Project


class KeyProjectPlan(Versioned):
    """A key project's annual investment plan (年度投资计划) for one year."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="plans", verbose_name=_("project")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    annual_plan = models.DecimalField(
        _("annual investment plan (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0.01)],
    )

    class Meta:
        verbose_name = _("annual investment plan")
        verbose_name_plural = _("annual investment plans")
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="investment_plan_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.year}"


_MONTH = RegexValidator(r"^[0-9]{4}-(0[1-9]|1[0-2])$", _("Write the month as 2017-08."))


class ProgressReport(Versioned):
    """A key project's monthly progress report (调度)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project")
    )
    month = models.CharField(_("month"), max_length=7, validators=[_MONTH])
    #: The month as yyyymm, for range queries.
    month_key = models.PositiveIntegerField(_("month (yyyymm)"), db_index=True)
    completed_investment = models.DecimalField(
        _("investment completed this month (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=POSITIVE,
    )
    image_progress = models.TextField(_("image progress"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "month_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month_key"], name="investment_report_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.month}"


class IssueKind(models.TextChoices):
    FUNDS = "funds", _("Funds")
    LAND = "land", _("Land")
    APPROVALS = "approvals", _("Approvals")
    POLICY = "policy", _("Policy")


class ProgressIssue(models.Model):
    """A problem a progress report needs help with, who must solve it and by when."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="issues", verbose_name=_("report")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IssueKind.choices)
    description = models.TextField(_("description"))
    responsible_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("to be solved by")
    )
    due_on = models.DateField(_("due"))
    resolved = models.BooleanField(_("resolved"), default=False)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("problem needing help")
        verbose_name_plural = _("problems needing help")
        ordering = ["report", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:40]}"
