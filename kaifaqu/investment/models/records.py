"""What a project's file holds beside its stages: follow-ups, files and funds received."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import Versioned

from .projects import Capital, Project


class FollowUpKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    SITE_VISIT = "site_visit", _("Site visit")


class FollowUp(Versioned):
    """A contact with the investor and what is to be done next."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"))
    next_action = models.CharField(_("next action"), max_length=255, blank=True)
    next_action_on = models.DateField(_("next action by"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    merged_from = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged from"),
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["project", "-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()} · {self.on}"

    def clean(self) -> None:
        if self.next_action_on and not self.next_action:
            raise ValidationError({"next_action": _("Say what is to be done by that date.")})
        if self.next_action_on and self.on and self.next_action_on < self.on:
            raise ValidationError(
                {"next_action_on": _("The next action cannot be due before the follow-up.")}
            )


class ProjectFile(models.Model):
    """A document kept with a project: agreements, plans, photos of the site."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="files", verbose_name=_("project")
    )
    file = models.FileField(_("file"), upload_to="investment/files/%Y/")
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    merged_from = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged from"),
    )

    class Meta:
        verbose_name = _("project file")
        verbose_name_plural = _("project files")
        ordering = ["project", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class FundTranche(Versioned):
    """Funds in place (到位资金): one amount received by a project on a date."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="tranches", verbose_name=_("project")
    )
    on = models.DateField(_("date"), db_index=True)
    amount = models.DecimalField(
        _("amount (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0.01)],
    )
    capital = models.CharField(
        _("capital"), max_length=10, choices=Capital.choices, default=Capital.DOMESTIC
    )
    voucher_note = models.CharField(_("voucher"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    merged_from = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged from"),
    )

    class Meta:
        verbose_name = _("funds tranche")
        verbose_name_plural = _("funds tranches")
        ordering = ["project", "on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="investment_tranche_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.on} · {self.amount}"
