"""Leads: enquiries not yet judged a project."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import Versioned
from kaifaqu.orgs.models import DepartmentOwned

from .projects import Project, Source


class LeadStatus(models.TextChoices):
    OPEN = "open", _("Being followed up")
    CONVERTED = "converted", _("Turned into a project")
    CLOSED = "closed", _("Closed")


class Lead(DepartmentOwned, Versioned):
    """An enquiry that may become a project: someone asked (through the portal, the
    mini-program or the hotline) and the bureau has not yet judged it a project. Further
    questions from the same contact or organisation update the open lead rather than start
    another; turning it into a project enters the project at its first stage."""

    # A visitor's contact details stay out of the append-only audit log.
    # The name is the organisation's, or else the contact's: a person's, so not logged.
    audit_exclude = ("name", "contact_name", "phone", "email")
    audit_pseudonymous = True

    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    investor = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("known investor"),
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
    summary = models.TextField(_("what they asked"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.OPEN
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("project"),
    )
    first_contact_at = models.DateTimeField(_("first contact"), default=timezone.now)
    last_contact_at = models.DateTimeField(_("last contact"), default=timezone.now)
    close_reason = models.TextField(_("why it was closed"), blank=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-last_contact_at", "-pk"]
        indexes = [models.Index(fields=["status", "department"])]

    def __str__(self) -> str:
        return self.name
