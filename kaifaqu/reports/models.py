"""Report types, their Word templates (versions), narrative blocks (versions) and drafts.

A draft keeps what it printed (each placeholder's text and the figure behind it) as JSON, so
a later draft can show which figures changed, and its Word and PDF files are rendered again
from the template version it used and that snapshot, not from today's data. The snapshot is
the one source of the document: its page, its Word and its PDF are all rendered from it, and
a block edited on the draft's page is written into it (``services.draft_block_save``).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.orgs.models import Department, OrgUnit

_CODE = RegexValidator(r"^[a-z][a-z0-9_]*$", _("Lower-case letters, digits and _."))


class PeriodKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly (cumulative from January)")
    MONTHLY = "monthly", _("Monthly (cumulative from January)")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    ANNUAL = "annual", _("Annual")


class ReportType(models.Model):
    """A kind of report staff write again and again, e.g. 工作进展情况 every quarter."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[_CODE])
    name = models.CharField(_("name"), max_length=100)
    period_kind = models.CharField(
        _("period kind"), max_length=20, choices=PeriodKind.choices, default=PeriodKind.QUARTERLY
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="report_types",
        verbose_name=_("department"),
        help_text=_("Its editors draft the report and write its narrative blocks."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("report type")
        verbose_name_plural = _("report types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ReportTemplate(models.Model):
    """One uploaded version of a type's Word template; the highest version is the current."""

    report_type = models.ForeignKey(
        ReportType, on_delete=models.CASCADE, related_name="templates", verbose_name=_("type")
    )
    version = models.PositiveIntegerField(_("version"))
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["report_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "version"], name="reports_template_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_type} v{self.version}"


class NarrativeBlock(models.Model):
    """One version of a narrative block's text; the highest version is the current."""

    report_type = models.ForeignKey(
        ReportType, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("type")
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("org unit")
    )
    period = models.CharField(_("period"), max_length=20)
    key = models.CharField(_("key"), max_length=50, validators=[_CODE])
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("narrative block")
        verbose_name_plural = _("narrative blocks")
        ordering = ["report_type", "org_unit", "period", "key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "org_unit", "period", "key", "version"],
                name="reports_block_version_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class Draft(models.Model):
    """A report drafted for an org unit and a period, with what it printed."""

    report_type = models.ForeignKey(
        ReportType, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("type")
    )
    template = models.ForeignKey(
        ReportTemplate, on_delete=models.PROTECT, related_name="drafts", verbose_name=_("template")
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("org unit")
    )
    period = models.CharField(_("period"), max_length=20)
    number = models.PositiveIntegerField(_("number"))
    #: placeholder key → what it printed and the figure behind it (see drafting.py)
    values = models.JSONField(_("values"), default=dict, blank=True)
    #: block key → {"text", "version"}
    blocks = models.JSONField(_("blocks"), default=dict, blank=True)
    #: the placeholders that printed no number, and why
    missing = models.JSONField(_("missing"), default=list, blank=True)
    #: placeholder keys whose text differs from the previous draft's
    changed = models.JSONField(_("changed"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "org_unit", "period", "number"],
                name="reports_draft_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_type} {self.org_unit} {self.period} #{self.number}"

    @property
    def content_key(self) -> str:
        """A digest of what the document prints: it changes when a block edit changes the
        draft, so a cached page or a PDF made before the edit is not served after it."""
        printed = json.dumps([self.values, self.missing, self.changed], sort_keys=True)
        return hashlib.sha256(printed.encode()).hexdigest()[:16]
